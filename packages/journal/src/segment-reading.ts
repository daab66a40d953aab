// Reading records back from verified segments, shared by the writer (FileJournal) and the
// read-only FileJournalReader. Only the verified extent of each segment is read (SegmentState's
// sizeBytes), so the bytes read are bytes already checked once; they are checked again anyway.
import { open } from 'node:fs/promises';
import { assert } from '@parite/kernel';
import { JournalCorruptError } from './errors.ts';
import type { JournalRecord } from './journal-port.ts';
import { SegmentCursor } from './segment-files.ts';
import type { SegmentState } from './segment-state.ts';

export interface SegmentReadRequest {
  readonly afterSequence: bigint;
  /** Records per yielded batch. */
  readonly batchMax: number;
  /** The last sequence to yield; at most the last verified sequence. */
  readonly endSequence: bigint;
  readonly payloadBytesMax: number;
}

/**
 * Yields records (afterSequence, endSequence] in batches of at most batchMax. `segments` may grow
 * (appended segments, records noted on the last one) while this runs; it must never shrink.
 */
export async function* readSegmentRecords(segments: readonly SegmentState[], request: SegmentReadRequest): AsyncIterable<JournalRecord[]> {
  const { batchMax, endSequence, payloadBytesMax } = request;
  let next = request.afterSequence + 1n;
  let batch: JournalRecord[] = [];
  for (let index = findSegmentIndex(segments, next); next <= endSequence; index++) {
    const segment = segments[index];
    assert(segment !== undefined && segment.firstSequence <= next && next <= segment.lastSequence, 'a durable sequence is in a segment');
    const start = segment.seek(next);
    const handle = await open(segment.path, 'r');
    try {
      const range = { startOffset: start.offset, endOffset: segment.sizeBytes, firstSequence: start.sequence };
      const cursor = new SegmentCursor(handle, segment.path, range, payloadBytesMax);
      for (let chunk = await cursor.nextChunk(); chunk !== undefined && next <= endSequence; chunk = await cursor.nextChunk()) {
        for (const { record } of chunk) {
          if (record.sequence < next || record.sequence > endSequence) continue;
          batch.push(record);
          next++;
          if (batch.length === batchMax) {
            yield batch;
            batch = [];
          }
        }
      }
      if (cursor.failure !== undefined) throw new JournalCorruptError(cursor.failure.reason, `${segment.path}@${cursor.failure.offset}`);
    } finally {
      await handle.close();
    }
  }
  if (batch.length > 0) yield batch;
}

/** Index of the segment holding `sequence` (or the last segment when it is beyond the end; 0 when there is none). */
export function findSegmentIndex(segments: readonly SegmentState[], sequence: bigint): number {
  let low = 0;
  let high = segments.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    const segment = segments[middle];
    assert(segment !== undefined, 'middle is in range');
    if (segment.firstSequence <= sequence) low = middle;
    else high = middle - 1;
  }
  return low;
}
