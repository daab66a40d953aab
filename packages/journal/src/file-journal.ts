// File adapter: append-only segment files on one node's local disk.
//
// A flush is one positional write of the whole batch buffer to a segment opened with O_DSYNC, through
// the async fs API (libuv thread pool) so the event loop keeps accepting commands, which pile up for
// the next flush. O_DSYNC makes the write return only once its data is durable, as a write followed
// by fdatasync would, in one thread-pool round trip instead of two: under load every round trip
// waits for the event loop's turn, so the second one cost acknowledgement latency (PostgreSQL's
// wal_sync_method=open_datasync is the same choice). A batch never straddles two segments: a
// segment is rolled before a batch that would push it past segmentBytesMax, and the new file's
// directory entry is fsynced before any record in it is acknowledged.
// Layout: <directory>/segments/<first sequence, 20 digits>.seg.
// Single writer per directory: open() takes <directory>/writer.lock (see writer-lock.ts). Readers
// that must not disturb a live writer (verify, followers, tests) use FileJournalReader
// (file-journal-reader.ts), which never takes the lock and never writes.
import { constants } from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { assert, assertSafeInteger } from '@parite/kernel';
import { GroupCommitJournal } from './group-commit-journal.ts';
import type { JournalLimits, JournalRecord } from './journal-port.ts';
import { encodeFlush, recordSizeBytes } from './record-format.ts';
import { fsyncDirectory, segmentFileName, writeFully } from './segment-files.ts';
import { readSegmentRecords } from './segment-reading.ts';
import { recoverSegments } from './segment-recovery.ts';
import { SegmentState } from './segment-state.ts';
import { acquireWriterLock } from './writer-lock.ts';

export const defaultSegmentBytesMax = 64 * 1024 * 1024;

export interface FileJournalOptions {
  readonly directory: string;
  readonly limits?: Partial<JournalLimits>;
  /** A segment is rolled before it would grow past this; must hold one full flush. */
  readonly segmentBytesMax?: number;
  /** Reports a torn tail cut off at open (it was never acknowledged). */
  readonly onTruncate?: (path: string, offset: number, reason: string) => void;
}

export class FileJournal extends GroupCommitJournal {
  private readonly segmentsDirectory: string;
  private readonly segmentBytesMax: number;
  private segments: SegmentState[] = [];
  private writer: FileHandle | undefined;
  private releaseLock: (() => Promise<void>) | undefined;

  constructor(private readonly options: FileJournalOptions) {
    super(options.limits);
    this.segmentsDirectory = join(options.directory, 'segments');
    this.segmentBytesMax = options.segmentBytesMax ?? defaultSegmentBytesMax;
    assertSafeInteger(this.segmentBytesMax, 'segmentBytesMax');
    assert(this.segmentBytesMax >= this.limits.flushBytesMax, 'segmentBytesMax must hold one full flush');
  }

  /** Segment count, for operators and tests. */
  get segmentCount(): number {
    return this.segments.length;
  }

  protected async recover(): Promise<bigint> {
    await mkdir(this.segmentsDirectory, { recursive: true });
    // Before anything is read or truncated: a second writer must not even cut a torn tail.
    this.releaseLock = await acquireWriterLock(this.options.directory);
    try {
      return await this.recoverLocked();
    } catch (error) {
      await this.releaseLock();
      this.releaseLock = undefined;
      throw error;
    }
  }

  private async recoverLocked(): Promise<bigint> {
    await fsyncDirectory(this.options.directory);
    await fsyncDirectory(this.segmentsDirectory);
    this.segments = await recoverSegments({
      segmentsDirectory: this.segmentsDirectory,
      payloadBytesMax: this.limits.payloadBytesMax,
      ...(this.options.onTruncate === undefined ? {} : { onTruncate: this.options.onTruncate }),
    });
    const last = this.segments[this.segments.length - 1];
    if (last === undefined) return (await this.createSegment(1n)).lastSequence;
    this.writer = await open(last.path, constants.O_RDWR | constants.O_DSYNC);
    return last.lastSequence;
  }

  protected async flushRecords(records: readonly JournalRecord[]): Promise<void> {
    const first = records[0];
    assert(first !== undefined, 'a flush has records');
    const buffer = encodeFlush(records);
    // Pair assertion with the group committer's byte count, which segmentBytesMax was checked against.
    assert(buffer.byteLength <= this.limits.flushBytesMax, 'a flush fits flushBytesMax');
    let segment = this.currentSegment();
    assert(first.sequence === segment.lastSequence + 1n, 'the flush continues the current segment');
    if (segment.sizeBytes > 0 && segment.sizeBytes + buffer.byteLength > this.segmentBytesMax) {
      segment = await this.rollSegment(first.sequence);
    }
    const writer = this.writer;
    assert(writer !== undefined, 'the journal is open');
    // Durable once it returns (O_DSYNC); only now may readers see the records: sizeBytes is the durable extent.
    await writeFully(writer, buffer, segment.sizeBytes);
    let offset = segment.sizeBytes;
    for (const record of records) {
      const sizeBytes = recordSizeBytes(record.payload.byteLength);
      segment.noteRecord(record.sequence, offset, sizeBytes);
      offset += sizeBytes;
    }
  }

  protected readDurable(afterSequence: bigint, batchMax: number, endSequence: bigint): AsyncIterable<JournalRecord[]> {
    return readSegmentRecords(this.segments, { afterSequence, batchMax, endSequence, payloadBytesMax: this.limits.payloadBytesMax });
  }

  protected async release(): Promise<void> {
    await this.writer?.close();
    this.writer = undefined;
    await this.releaseLock?.();
    this.releaseLock = undefined;
  }

  private currentSegment(): SegmentState {
    const segment = this.segments[this.segments.length - 1];
    assert(segment !== undefined, 'the journal has a segment once open');
    return segment;
  }

  private async rollSegment(firstSequence: bigint): Promise<SegmentState> {
    await this.writer?.close();
    this.writer = undefined;
    return this.createSegment(firstSequence);
  }

  private async createSegment(firstSequence: bigint): Promise<SegmentState> {
    const segment = new SegmentState(join(this.segmentsDirectory, segmentFileName(firstSequence)), firstSequence);
    this.writer = await open(segment.path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_DSYNC);
    await fsyncDirectory(this.segmentsDirectory);
    this.segments.push(segment);
    return segment;
  }
}
