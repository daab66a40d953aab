// Read-only access to a file journal directory, safe while its writer (a FileJournal in this or
// another process) is open and appending: verify, rebuild-projections, followers, tests.
//
// It never takes or even reads <directory>/writer.lock, and it never creates, writes, truncates or
// syncs a file: files are only listed, stat'ed and opened for reading. What it may see that the
// writer's recovery would never keep is a torn tail: the writer's flush in flight (a write that is
// partly visible), or the torn last flush of a writer that crashed. Recovery would cut such a tail;
// the reader takes it as the end of the journal for now and reads on from there next time. The
// rule that tells a torn tail from damage is recovery's (segment-recovery.ts): damage in any
// segment but the last, an intact record out of order, or damage followed by an intact record of a
// LATER flush is JournalCorruptError, never skipped.
//
// Following: the reader keeps what it verified (per segment, the extent of good records and a
// sparse index), so each read() first scans only the bytes appended since the previous scan, then
// yields from the verified extent. refresh() does the scan alone. Cost per read: one readdir, one
// stat per new or last segment, and reading the new bytes.
//
// Durability: the reader sees a record once the writer's write() made it visible, which can be
// shortly before the writer's durable (O_DSYNC) write returns and the record is acknowledged. Only a power loss
// (which also stops a reader on the same machine) can take back a record that was visible.
// Limit: a reader scanning the torn tail of a crashed writer at the very moment a new writer's
// recovery cuts that tail may report the cut as corruption; reopening the reader resolves it.
import { open, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { assert, AssertionError, assertSafeInteger } from '@parite/kernel';
import { JournalCorruptError } from './errors.ts';
import {
  resolveJournalLimits,
  type Journal,
  type JournalEnqueueResult,
  type JournalEntry,
  type JournalLimits,
  type JournalMetrics,
  type JournalRecord,
} from './journal-port.ts';
import { decodeRecord, recordSizeBytes } from './record-format.ts';
import { listSegments, readAvailable, segmentFileName, SegmentCursor, type CursorFailure } from './segment-files.ts';
import { readSegmentRecords } from './segment-reading.ts';
import { findLaterFlushRecord, laterFlushCorruption } from './segment-recovery.ts';
import { SegmentState } from './segment-state.ts';

export interface FileJournalReaderOptions {
  /** The writer's directory (the one given to FileJournal), not a copy. */
  readonly directory: string;
  /** Only payloadBytesMax (at least the writer's) and readBatchMax matter to a reader. */
  readonly limits?: Partial<JournalLimits>;
}

type ReaderState = 'created' | 'opening' | 'open' | 'closed';

function readOnlyRefusal(operation: string): AssertionError {
  return new AssertionError(`${operation} on a FileJournalReader: it is read-only; only the FileJournal that holds writer.lock appends`);
}

export class FileJournalReader implements Journal {
  private readonly limits: JournalLimits;
  private readonly segmentsDirectory: string;
  /** Verified segments in order; only ever appended to, since reads in progress index into it. */
  private readonly segments: SegmentState[] = [];
  private state: ReaderState = 'created';
  /** Scans run one at a time: the running one, and at most one queued behind it. */
  private scanRunning: Promise<unknown> = Promise.resolve();
  private scanQueued: Promise<bigint> | undefined;

  constructor(private readonly options: FileJournalReaderOptions) {
    this.limits = resolveJournalLimits(options.limits);
    this.segmentsDirectory = join(options.directory, 'segments');
  }

  /** Highest verified sequence as of the last scan (open, read or refresh); 0n when empty. */
  get lastSequence(): bigint {
    assert(this.state === 'open' || this.state === 'closed', `lastSequence of a ${this.state} reader`);
    const last = this.segments[this.segments.length - 1];
    return last === undefined ? 0n : last.lastSequence;
  }

  /** A reader enqueues nothing: the same as lastSequence. */
  get lastEnqueuedSequence(): bigint {
    return this.lastSequence;
  }

  /** Segment count as of the last scan, for operators and tests. */
  get segmentCount(): number {
    return this.segments.length;
  }

  /**
   * Verifies every record in the directory, like the writer's recovery but without cutting a torn
   * tail. A directory without segments (no writer has opened it yet) is an empty journal.
   */
  async open(): Promise<void> {
    assert(this.state === 'created', 'open() is called once');
    this.state = 'opening';
    try {
      await this.scanAppended();
    } catch (error) {
      this.state = 'closed';
      throw error;
    }
    this.state = 'open';
  }

  enqueue(_entries: readonly JournalEntry[]): JournalEnqueueResult {
    throw readOnlyRefusal('enqueue');
  }

  append(_entries: readonly JournalEntry[]): Promise<bigint> {
    return Promise.reject(readOnlyRefusal('append'));
  }

  /**
   * Scans what was appended since the last scan, then yields, in order and in batches of at most
   * batchMax, every verified record with sequence > afterSequence up to the end found by that scan.
   */
  read(afterSequence: bigint, batchMax: number = this.limits.readBatchMax): AsyncIterable<JournalRecord[]> {
    assert(this.state === 'open', `read on a ${this.state} reader`);
    assert(afterSequence >= 0n, 'afterSequence must not be negative');
    assertSafeInteger(batchMax, 'batchMax');
    assert(batchMax > 0 && batchMax <= this.limits.readBatchMax, 'batchMax must be in 1..readBatchMax');
    return this.readAfterScan(afterSequence, batchMax);
  }

  /** Scans what was appended since the last scan; resolves with the new lastSequence. */
  refresh(): Promise<bigint> {
    assert(this.state === 'open', `refresh on a ${this.state} reader`);
    // A queued scan has not started yet, so it will see everything this caller expects: share it.
    if (this.scanQueued !== undefined) return this.scanQueued;
    const queued = this.scanRunning.then(() => {
      this.scanQueued = undefined;
      return this.scanAppended();
    });
    this.scanQueued = queued;
    this.scanRunning = queued.catch(() => undefined);
    return queued;
  }

  metrics(): JournalMetrics {
    const lastSequence = this.lastSequence;
    return { flushCount: 0, flushedEntryCount: 0, pendingEntryCount: 0, lastEnqueuedSequence: lastSequence, lastSequence };
  }

  /** Waits for a scan in progress; a reader holds no file open between scans and reads. Idempotent. */
  async close(): Promise<void> {
    this.state = 'closed';
    await this.scanRunning;
  }

  private async *readAfterScan(afterSequence: bigint, batchMax: number): AsyncIterable<JournalRecord[]> {
    const endSequence = await this.refresh();
    yield* readSegmentRecords(this.segments, { afterSequence, batchMax, endSequence, payloadBytesMax: this.limits.payloadBytesMax });
  }

  /** Verifies the bytes appended since the last scan: the last known segment's growth, then new segments. */
  private async scanAppended(): Promise<bigint> {
    // Listed before any size is taken: a segment followed by another one in this listing was
    // complete when the listing was made (the writer rolls only after a flush is durable).
    const firstSequences = await this.listSegmentsIfAny();
    for (const [index, segment] of this.segments.entries()) {
      if (firstSequences[index] !== segment.firstSequence) throw new JournalCorruptError('a segment already read is gone', segment.path);
    }
    for (let index = Math.max(0, this.segments.length - 1); index < firstSequences.length; index++) {
      const isLast = index === firstSequences.length - 1;
      const known = this.segments[index];
      if (known !== undefined) {
        await this.scanSegment(known, isLast);
        continue;
      }
      const firstSequence = firstSequences[index];
      assert(firstSequence !== undefined, 'index is in the listing');
      const segment = this.nextSegment(firstSequence);
      await this.scanSegment(segment, isLast);
      this.segments.push(segment);
    }
    return this.lastSequenceScanned();
  }

  private async listSegmentsIfAny(): Promise<bigint[]> {
    try {
      return await listSegments(this.segmentsDirectory);
    } catch (error) {
      // No segments directory: no writer has opened this journal yet. Created by nobody here.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  /** A new segment after the verified ones, checked against them the way recovery checks it. */
  private nextSegment(firstSequence: bigint): SegmentState {
    const path = join(this.segmentsDirectory, segmentFileName(firstSequence));
    const previous = this.segments[this.segments.length - 1];
    const expectedFirst = previous === undefined ? 1n : previous.lastSequence + 1n;
    if (firstSequence !== expectedFirst) throw new JournalCorruptError(`segment starts at ${firstSequence}, expected ${expectedFirst}`, path);
    if (previous !== undefined && previous.sizeBytes === 0) throw new JournalCorruptError('empty segment before the last', previous.path);
    return new SegmentState(path, firstSequence);
  }

  private lastSequenceScanned(): bigint {
    const last = this.segments[this.segments.length - 1];
    return last === undefined ? 0n : last.lastSequence;
  }

  /** Notes the good records after the segment's verified extent; stops at a torn tail of the last segment. */
  private async scanSegment(segment: SegmentState, isLast: boolean): Promise<void> {
    const { size: fileBytes } = await stat(segment.path);
    if (fileBytes < segment.sizeBytes) throw new JournalCorruptError(`segment is shorter (${fileBytes} bytes) than the records already read`, segment.path);
    if (fileBytes === segment.sizeBytes) return;
    const handle = await open(segment.path, 'r');
    try {
      const range = { startOffset: segment.sizeBytes, endOffset: fileBytes, firstSequence: segment.lastSequence + 1n, fileMayShrink: isLast };
      const cursor = new SegmentCursor(handle, segment.path, range, this.limits.payloadBytesMax);
      for (let chunk = await cursor.nextChunk(); chunk !== undefined; chunk = await cursor.nextChunk()) {
        for (const decoded of chunk) segment.noteRecord(decoded.record.sequence, decoded.offset, decoded.sizeBytes);
      }
      const failure = cursor.failure;
      if (failure === undefined) return;
      if (!isLast || failure.kind === 'discontiguous') throw new JournalCorruptError(failure.reason, `${segment.path}@${failure.offset}`);
      await this.assertTornTail(handle, segment.path, failure, fileBytes, cursor.expectedSequence);
    } finally {
      await handle.close();
    }
  }

  /**
   * Throws unless the damage at the end of the last segment may be a torn tail: recovery's rule,
   * plus one re-read, because here the writer may be completing the flush while it is read. A flush
   * starts only after the previous one was written in full, so if an intact record of a later flush
   * was seen, a fresh read of the damaged record must find it whole; if it does not, it is damage.
   */
  private async assertTornTail(handle: FileHandle, path: string, failure: CursorFailure, fileBytes: number, damagedSequence: bigint): Promise<void> {
    // Bounded by the segment's size, as in recovery: intact records of a later flush may be anywhere after the damage.
    const tail = Buffer.allocUnsafe(fileBytes - failure.offset);
    const tailBytes = await readAvailable(handle, tail, tail.byteLength, failure.offset);
    const later = findLaterFlushRecord(tail, tailBytes, damagedSequence, this.limits.payloadBytesMax);
    if (later === undefined) return;
    const again = Buffer.allocUnsafe(recordSizeBytes(this.limits.payloadBytesMax));
    const againBytes = await readAvailable(handle, again, again.byteLength, failure.offset);
    const decoded = decodeRecord(again, 0, againBytes, this.limits.payloadBytesMax);
    if (typeof decoded !== 'string' && decoded.record.sequence === damagedSequence) return;
    throw laterFlushCorruption(path, failure.offset, damagedSequence, later);
  }
}
