// What the file journal knows about one segment: its durable extent and a sparse index, so a
// read from the middle of a segment skips to a nearby record instead of scanning from the start.
import { assert } from '@parite/kernel';

/** One index entry per this many records; bounds memory at ~1/1024 of the record count. */
export const indexStrideRecords = 1024;

export interface IndexEntry {
  readonly sequence: bigint;
  readonly offset: number;
}

export class SegmentState {
  /** Bytes of durable (recovered or fsynced) records. */
  sizeBytes = 0;
  /** firstSequence - 1 while the segment is empty. */
  lastSequence: bigint;
  private readonly index: IndexEntry[] = [];

  constructor(
    readonly path: string,
    readonly firstSequence: bigint,
  ) {
    this.lastSequence = firstSequence - 1n;
  }

  noteRecord(sequence: bigint, offset: number, sizeBytes: number): void {
    assert(sequence === this.lastSequence + 1n, 'records of a segment are contiguous');
    assert(offset === this.sizeBytes, 'records of a segment are adjacent');
    if ((sequence - this.firstSequence) % BigInt(indexStrideRecords) === 0n) this.index.push({ sequence, offset });
    this.lastSequence = sequence;
    this.sizeBytes = offset + sizeBytes;
  }

  /** The indexed record at or before `sequence`, which must be in this segment. */
  seek(sequence: bigint): IndexEntry {
    assert(sequence >= this.firstSequence && sequence <= this.lastSequence, 'sequence is in this segment');
    const entry = this.index[Number((sequence - this.firstSequence) / BigInt(indexStrideRecords))];
    assert(entry !== undefined && entry.sequence <= sequence, 'the index covers every stride');
    return entry;
  }
}
