// Segment files of the file journal: names, durable file-system helpers and a chunked cursor that
// decodes records with bounded memory. A segment is named by its first sequence, zero-padded to
// 20 digits so that name order is sequence order: <dir>/segments/00000000000000000001.seg.
import { open, readdir, type FileHandle } from 'node:fs/promises';
import { assert } from '@parite/kernel';
import { JournalCorruptError } from './errors.ts';
import { decodeRecord, recordSizeBytes, type DecodedRecord } from './record-format.ts';

const segmentNamePattern = /^(\d{20})\.seg$/;
/** Bytes read per cursor step, unless one record needs more. */
export const readChunkBytesMin = 1024 * 1024;

export function segmentFileName(firstSequence: bigint): string {
  assert(firstSequence >= 1n, 'segments start at sequence 1 or later');
  return `${firstSequence.toString().padStart(20, '0')}.seg`;
}

/** First sequences of the segments in `directory`, ascending. Other files are ignored. */
export async function listSegments(directory: string): Promise<bigint[]> {
  const firstSequences: bigint[] = [];
  for (const name of await readdir(directory)) {
    const match = segmentNamePattern.exec(name);
    if (match?.[1] !== undefined) firstSequences.push(BigInt(match[1]));
  }
  return firstSequences.sort((left, right) => (left < right ? -1 : left > right ? 1 : 0));
}

/** Makes a directory entry (a created, renamed or deleted file) durable. */
export async function fsyncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function writeFully(handle: FileHandle, buffer: Uint8Array, position: number): Promise<void> {
  let written = 0;
  while (written < buffer.byteLength) {
    const { bytesWritten } = await handle.write(buffer, written, buffer.byteLength - written, position + written);
    assert(bytesWritten > 0, 'write made progress');
    written += bytesWritten;
  }
}

/** Reads `length` bytes at `position` into `buffer`, fewer only where the file ends; returns the count. */
export async function readAvailable(handle: FileHandle, buffer: Buffer, length: number, position: number): Promise<number> {
  assert(length <= buffer.byteLength, 'the read fits the buffer');
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

export async function readFully(handle: FileHandle, buffer: Buffer, length: number, position: number, path: string): Promise<void> {
  const filled = await readAvailable(handle, buffer, length, position);
  if (filled < length) throw new JournalCorruptError('the file is shorter than recorded', `${path}@${position + filled}`);
}

export interface CursorFailure {
  readonly offset: number;
  /** 'damaged': bytes that do not decode (torn or corrupt); 'discontiguous': an intact record out of order. */
  readonly kind: 'damaged' | 'discontiguous';
  readonly reason: string;
}

export interface CursorRecord extends DecodedRecord {
  readonly offset: number;
}

export interface CursorRange {
  readonly startOffset: number;
  readonly endOffset: number;
  readonly firstSequence: bigint;
  /**
   * The file may end before endOffset: a writer's recovery may cut a torn tail while a read-only
   * reader scans it. The end of the file is then the end of the range, not an error.
   */
  readonly fileMayShrink?: boolean;
}

/** Reads records of one segment in [startOffset, endOffset), checking checksums and contiguity. */
export class SegmentCursor {
  private readonly buffer: Buffer;
  private offset: number;
  private endOffset: number;
  private nextSequence: bigint;
  failure: CursorFailure | undefined;

  constructor(
    private readonly handle: FileHandle,
    private readonly path: string,
    private readonly range: CursorRange,
    private readonly payloadBytesMax: number,
  ) {
    this.buffer = Buffer.allocUnsafe(Math.max(readChunkBytesMin, recordSizeBytes(payloadBytesMax)));
    this.offset = range.startOffset;
    this.endOffset = range.endOffset;
    this.nextSequence = range.firstSequence;
  }

  /** Offset just after the last good record. */
  get goodEndOffset(): number {
    return this.offset;
  }

  get expectedSequence(): bigint {
    return this.nextSequence;
  }

  /** The records of the next chunk, or undefined at the end of the range or after a failure. */
  async nextChunk(): Promise<CursorRecord[] | undefined> {
    if (this.failure !== undefined || this.offset >= this.endOffset) return undefined;
    const chunkBytes = await this.readChunk(Math.min(this.buffer.byteLength, this.endOffset - this.offset));
    const reachesEnd = this.offset + chunkBytes === this.endOffset;
    const records: CursorRecord[] = [];
    let position = 0;
    while (position < chunkBytes) {
      const decoded = decodeRecord(this.buffer, position, chunkBytes, this.payloadBytesMax);
      if (typeof decoded === 'string') {
        // Mid-chunk, the record may straddle the chunk end: read again from it. A record that does
        // not decode at the start of a chunk, or before the end of the range, is really bad.
        if (position > 0 && !reachesEnd) break;
        this.failure = { offset: this.offset + position, kind: 'damaged', reason: decoded };
        break;
      }
      if (decoded.record.sequence !== this.nextSequence) {
        const reason = `sequence ${decoded.record.sequence} where ${this.nextSequence} was expected`;
        this.failure = { offset: this.offset + position, kind: 'discontiguous', reason };
        break;
      }
      records.push({ ...decoded, offset: this.offset + position });
      this.nextSequence++;
      position += decoded.sizeBytes;
    }
    this.offset += position;
    return records;
  }

  /** Fills the buffer from the current offset; returns the bytes read. */
  private async readChunk(wantedBytes: number): Promise<number> {
    if (this.range.fileMayShrink !== true) {
      await readFully(this.handle, this.buffer, wantedBytes, this.offset, this.path);
      return wantedBytes;
    }
    const chunkBytes = await readAvailable(this.handle, this.buffer, wantedBytes, this.offset);
    // The file ends here now: so does the range, or the cursor would ask for these bytes forever.
    if (chunkBytes < wantedBytes) this.endOffset = this.offset + chunkBytes;
    return chunkBytes;
  }
}
