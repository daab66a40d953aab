// Recovery of the file journal at open: verify every record of every segment, in order.
//
// Why a damaged tail may be truncated: a flush is one durable write (O_DSYNC), and the next flush
// starts only after the previous one was acknowledged. So at most the LAST flush can be torn by a
// crash, and a torn flush was never acknowledged. Within it, pages may reach the disk in any order,
// so intact records of the torn flush may follow its damaged bytes.
//
// Why damage elsewhere is fatal: if an intact record of a LATER flush follows the damaged bytes,
// the damaged flush was acknowledged (the later one was written after its durable write returned). Each
// record stores its position in its flush, so recovery knows which flush an intact record belongs
// to. The same holds for damage in any segment but the last. Limit: damage that hits only the last
// flush after it was acknowledged (bit rot) is indistinguishable from a torn write.
import { open, stat, truncate, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { JournalCorruptError } from './errors.ts';
import { decodeRecord, flushFirstSequence, plausibleRecordAt, type DecodedRecord } from './record-format.ts';
import { listSegments, readFully, segmentFileName, SegmentCursor, type CursorFailure } from './segment-files.ts';
import { SegmentState } from './segment-state.ts';

export interface RecoveryOptions {
  readonly segmentsDirectory: string;
  readonly payloadBytesMax: number;
  /** Called when a torn tail is cut off, so the operator can see it in the log. */
  readonly onTruncate?: (path: string, offset: number, reason: string) => void;
}

/** Verified segments in order, the last one ready for appends. Empty when the journal is new. */
export async function recoverSegments(options: RecoveryOptions): Promise<SegmentState[]> {
  const firstSequences = await listSegments(options.segmentsDirectory);
  const segments: SegmentState[] = [];
  for (const [index, firstSequence] of firstSequences.entries()) {
    const path = join(options.segmentsDirectory, segmentFileName(firstSequence));
    const previous = segments[segments.length - 1];
    const expectedFirst = previous === undefined ? 1n : previous.lastSequence + 1n;
    if (firstSequence !== expectedFirst) {
      throw new JournalCorruptError(`segment starts at ${firstSequence}, expected ${expectedFirst}`, path);
    }
    if (previous !== undefined && previous.sizeBytes === 0) throw new JournalCorruptError('empty segment before the last', previous.path);
    const isLast = index === firstSequences.length - 1;
    segments.push(await recoverSegment(path, firstSequence, isLast, options));
  }
  return segments;
}

async function recoverSegment(path: string, firstSequence: bigint, isLast: boolean, options: RecoveryOptions): Promise<SegmentState> {
  const { size: fileBytes } = await stat(path);
  const segment = new SegmentState(path, firstSequence);
  const handle = await open(path, 'r');
  let failure: CursorFailure | undefined;
  try {
    const cursor = new SegmentCursor(handle, path, { startOffset: 0, endOffset: fileBytes, firstSequence }, options.payloadBytesMax);
    for (let chunk = await cursor.nextChunk(); chunk !== undefined; chunk = await cursor.nextChunk()) {
      for (const decoded of chunk) segment.noteRecord(decoded.record.sequence, decoded.offset, decoded.sizeBytes);
    }
    failure = cursor.failure;
    if (failure !== undefined) {
      const location = `${path}@${failure.offset}`;
      if (!isLast || failure.kind === 'discontiguous') throw new JournalCorruptError(failure.reason, location);
      await assertTornLastFlush(handle, path, failure.offset, fileBytes, cursor.expectedSequence, options.payloadBytesMax);
    }
  } finally {
    await handle.close();
  }
  if (failure !== undefined) {
    await truncateDurably(path, failure.offset);
    options.onTruncate?.(path, failure.offset, failure.reason);
  }
  return segment;
}

/** Throws unless every intact record after `damagedOffset` belongs to the flush that holds the damage. */
async function assertTornLastFlush(
  handle: FileHandle,
  path: string,
  damagedOffset: number,
  fileBytes: number,
  expectedSequence: bigint,
  payloadBytesMax: number,
): Promise<void> {
  const tailBytes = fileBytes - damagedOffset;
  const tail = Buffer.allocUnsafe(tailBytes);
  await readFully(handle, tail, tailBytes, damagedOffset, path);
  const later = findLaterFlushRecord(tail, tailBytes, expectedSequence, payloadBytesMax);
  if (later !== undefined) throw laterFlushCorruption(path, damagedOffset, expectedSequence, later);
}

/**
 * The first intact record in `tail` (the bytes from a damaged record to the end of the segment,
 * the damaged record first) that belongs to a flush after the damaged one, if there is one. Such a
 * record proves that the damaged flush had been acknowledged: see the top of this file.
 */
export function findLaterFlushRecord(tail: Buffer, tailBytes: number, damagedSequence: bigint, payloadBytesMax: number): DecodedRecord | undefined {
  // Every byte is a candidate start: the damaged size field says nothing about where the next record is.
  let position = 1;
  while (position < tailBytes) {
    if (!plausibleRecordAt(tail, position, tailBytes, payloadBytesMax, damagedSequence)) {
      position++;
      continue;
    }
    const decoded = decodeRecord(tail, position, tailBytes, payloadBytesMax);
    if (typeof decoded === 'string') {
      position++;
      continue;
    }
    if (flushFirstSequence(decoded) > damagedSequence) return decoded;
    position += decoded.sizeBytes;
  }
  return undefined;
}

export function laterFlushCorruption(path: string, damagedOffset: number, damagedSequence: bigint, later: DecodedRecord): JournalCorruptError {
  const reason = `damaged record ${damagedSequence} is followed by intact record ${later.record.sequence} of a later flush`;
  return new JournalCorruptError(reason, `${path}@${damagedOffset}`);
}

async function truncateDurably(path: string, sizeBytes: number): Promise<void> {
  await truncate(path, sizeBytes);
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
