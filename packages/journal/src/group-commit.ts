// Group commit, shared by every adapter. Sequences are assigned at enqueue time (call order is the
// command order). One flush runs at a time; everything enqueued while it is in flight waits and
// goes out together in the next flush, so under load one fsync (or transaction, or pipelined
// publish) covers many commands, and when idle a lone command is flushed at once.
import { channel } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import { assert } from '@parite/kernel';
import { asJournalFailure, type JournalError } from './errors.ts';
import {
  assertEntry,
  entryBytes,
  type JournalEnqueueResult,
  type JournalEntry,
  type JournalLimits,
  type JournalRecord,
} from './journal-port.ts';

/**
 * Every completed flush is published here while someone subscribes (the e2e benchmark's server trace;
 * an operator's diagnostics): how long the flush took from its start to the moment the committer
 * saw it durable, and how many records it carried. Nothing is measured without a subscriber.
 */
export const journalFlushChannelName = 'parite:journal:flush';
const flushChannel = channel(journalFlushChannelName);

export interface JournalFlushMessage {
  /** performance.now() of this thread when the flush started. */
  readonly startedMs: number;
  readonly durationMs: number;
  readonly records: number;
}

/** Makes the records durable, in order; resolves only when they are. */
export type FlushRecords = (records: readonly JournalRecord[]) => Promise<void>;

interface PendingCall {
  readonly records: JournalRecord[];
  readonly sizeBytes: number;
  readonly resolve: (lastSequence: bigint) => void;
  readonly reject: (error: JournalError) => void;
}

export class GroupCommitter {
  private queue: PendingCall[] = [];
  private queuedEntryCount = 0;
  private inFlightEntryCount = 0;
  private pumping = false;
  private failure: JournalError | undefined;
  private idleWaiters: (() => void)[] = [];
  private durableSequence: bigint;
  private enqueuedSequence: bigint;
  flushCount = 0;
  flushedEntryCount = 0;

  constructor(
    private readonly limits: JournalLimits,
    private readonly flushRecords: FlushRecords,
    lastDurableSequence: bigint,
  ) {
    assert(lastDurableSequence >= 0n, 'lastDurableSequence must not be negative');
    this.durableSequence = lastDurableSequence;
    this.enqueuedSequence = lastDurableSequence;
  }

  get lastSequence(): bigint {
    return this.durableSequence;
  }

  get lastEnqueuedSequence(): bigint {
    return this.enqueuedSequence;
  }

  get pendingEntryCount(): number {
    return this.queuedEntryCount + this.inFlightEntryCount;
  }

  enqueue(entries: readonly JournalEntry[]): JournalEnqueueResult {
    assert(entries.length > 0, 'enqueue needs at least one entry');
    assert(entries.length <= this.limits.flushEntriesMax, 'one call must fit in one flush (flushEntriesMax)');
    if (this.failure !== undefined) return { status: 'failed', error: this.failure };
    if (this.pendingEntryCount + entries.length > this.limits.pendingEntriesMax) return { status: 'overloaded' };
    let sizeBytes = 0;
    const records: JournalRecord[] = [];
    const firstSequence = this.enqueuedSequence + 1n;
    // An indexed loop and a running sequence: this runs for every command the engine journals.
    let sequence = this.enqueuedSequence;
    for (let index = 0; index < entries.length; index++) {
      const entry = entries[index] as JournalEntry;
      assertEntry(entry, this.limits);
      sizeBytes += entryBytes(entry);
      records.push({ sequence: ++sequence, timestampMs: entry.timestampMs, payload: entry.payload });
    }
    assert(sizeBytes <= this.limits.flushBytesMax, 'one call must fit in one flush (flushBytesMax)');
    const lastSequence = sequence;
    assert(lastSequence === firstSequence + BigInt(entries.length - 1), 'one sequence per entry');
    this.enqueuedSequence = lastSequence;
    const durable = new Promise<bigint>((resolve, reject) => {
      this.queue.push({ records, sizeBytes, resolve, reject });
    });
    this.queuedEntryCount += entries.length;
    this.schedule();
    return { status: 'enqueued', firstSequence, lastSequence, durable };
  }

  /** Resolves once nothing is queued or in flight (after success or failure). */
  drain(): Promise<void> {
    if (!this.pumping && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.pumping) return;
    this.pumping = true;
    // A microtask, not a synchronous flush: calls made in the same tick share the first flush.
    queueMicrotask(() => void this.pump());
  }

  private async pump(): Promise<void> {
    while (this.queue.length > 0 && this.failure === undefined) {
      const calls = this.takeBatch();
      const records = calls.flatMap((call) => call.records);
      this.inFlightEntryCount = records.length;
      const startedMs = flushChannel.hasSubscribers ? performance.now() : undefined;
      try {
        await this.flushRecords(records);
      } catch (error) {
        this.fail(asJournalFailure(error), calls);
        break;
      }
      if (startedMs !== undefined && flushChannel.hasSubscribers) {
        const message: JournalFlushMessage = { startedMs, durationMs: performance.now() - startedMs, records: records.length };
        flushChannel.publish(message);
      }
      this.completeFlush(calls, records);
    }
    this.pumping = false;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private takeBatch(): PendingCall[] {
    let entryCount = 0;
    let sizeBytes = 0;
    let taken = 0;
    for (const call of this.queue) {
      const fits = entryCount + call.records.length <= this.limits.flushEntriesMax
        && sizeBytes + call.sizeBytes <= this.limits.flushBytesMax;
      if (!fits) break;
      entryCount += call.records.length;
      sizeBytes += call.sizeBytes;
      taken++;
    }
    assert(taken > 0, 'every call fits in an empty flush');
    this.queuedEntryCount -= entryCount;
    return this.queue.splice(0, taken);
  }

  private completeFlush(calls: readonly PendingCall[], records: readonly JournalRecord[]): void {
    const first = records[0];
    const last = records[records.length - 1];
    assert(first !== undefined && last !== undefined, 'a flush has records');
    // Pair assertion with enqueue: flushes are contiguous and in order.
    assert(first.sequence === this.durableSequence + 1n, 'flushes must be contiguous');
    this.durableSequence = last.sequence;
    this.inFlightEntryCount = 0;
    this.flushCount++;
    this.flushedEntryCount += records.length;
    for (const call of calls) {
      const callLast = call.records[call.records.length - 1];
      assert(callLast !== undefined, 'a call has records');
      call.resolve(callLast.sequence);
    }
  }

  private fail(error: JournalError, inFlight: readonly PendingCall[]): void {
    this.failure = error;
    this.inFlightEntryCount = 0;
    this.queuedEntryCount = 0;
    for (const call of [...inFlight, ...this.queue.splice(0)]) call.reject(error);
  }
}
