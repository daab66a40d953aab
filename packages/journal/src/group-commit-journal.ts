// The part of the Journal contract every adapter shares: lifecycle, argument checks, group commit.
// An adapter supplies only recovery, one flush, reading and releasing its resources.
import { assert, assertSafeInteger } from '@parite/kernel';
import { JournalOverloadError } from './errors.ts';
import { GroupCommitter } from './group-commit.ts';
import {
  resolveJournalLimits,
  type Journal,
  type JournalEnqueueResult,
  type JournalEntry,
  type JournalLimits,
  type JournalMetrics,
  type JournalRecord,
} from './journal-port.ts';

type JournalState = 'created' | 'opening' | 'open' | 'closing' | 'closed';

export abstract class GroupCommitJournal implements Journal {
  protected readonly limits: JournalLimits;
  private state: JournalState = 'created';
  private committer: GroupCommitter | undefined;
  private closing: Promise<void> | undefined;

  constructor(limits?: Partial<JournalLimits>) {
    this.limits = resolveJournalLimits(limits);
  }

  /** Verifies what is stored and returns the highest durable sequence. */
  protected abstract recover(): Promise<bigint>;
  protected abstract flushRecords(records: readonly JournalRecord[]): Promise<void>;
  /** Durable records after `afterSequence`; `endSequence` is this writer's lastSequence right now. */
  protected abstract readDurable(afterSequence: bigint, batchMax: number, endSequence: bigint): AsyncIterable<JournalRecord[]>;
  /** Releases handles; also called after a failed recover, so it tolerates a partial open. */
  protected abstract release(): Promise<void>;

  get lastSequence(): bigint {
    return this.openCommitter().lastSequence;
  }

  get lastEnqueuedSequence(): bigint {
    return this.openCommitter().lastEnqueuedSequence;
  }

  async open(): Promise<void> {
    assert(this.state === 'created', 'open() is called once');
    this.state = 'opening';
    let lastSequence: bigint;
    try {
      lastSequence = await this.recover();
    } catch (error) {
      this.state = 'closed';
      // The recovery error is the one worth reporting; a failure to release after it is not.
      await this.release().catch(() => undefined);
      throw error;
    }
    this.committer = new GroupCommitter(this.limits, (records) => this.flushRecords(records), lastSequence);
    this.state = 'open';
  }

  enqueue(entries: readonly JournalEntry[]): JournalEnqueueResult {
    assert(this.state === 'open', `enqueue on a ${this.state} journal`);
    return this.openCommitter().enqueue(entries);
  }

  async append(entries: readonly JournalEntry[]): Promise<bigint> {
    const result = this.enqueue(entries);
    switch (result.status) {
      case 'enqueued': return result.durable;
      case 'overloaded': throw new JournalOverloadError(this.limits.pendingEntriesMax);
      case 'failed': throw result.error;
    }
  }

  read(afterSequence: bigint, batchMax: number = this.limits.readBatchMax): AsyncIterable<JournalRecord[]> {
    assert(this.state === 'open', `read on a ${this.state} journal`);
    assert(afterSequence >= 0n, 'afterSequence must not be negative');
    assertSafeInteger(batchMax, 'batchMax');
    assert(batchMax > 0 && batchMax <= this.limits.readBatchMax, 'batchMax must be in 1..readBatchMax');
    return this.readDurable(afterSequence, batchMax, this.lastSequence);
  }

  metrics(): JournalMetrics {
    const committer = this.openCommitter();
    return {
      flushCount: committer.flushCount,
      flushedEntryCount: committer.flushedEntryCount,
      pendingEntryCount: committer.pendingEntryCount,
      lastEnqueuedSequence: committer.lastEnqueuedSequence,
      lastSequence: committer.lastSequence,
    };
  }

  close(): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    if (this.state === 'closed' || this.state === 'created') {
      this.state = 'closed';
      return Promise.resolve();
    }
    assert(this.state === 'open', `close on a ${this.state} journal`);
    this.state = 'closing';
    this.closing = this.drainAndRelease();
    return this.closing;
  }

  private async drainAndRelease(): Promise<void> {
    await this.openCommitter().drain();
    await this.release();
    this.state = 'closed';
  }

  private openCommitter(): GroupCommitter {
    assert(this.committer !== undefined, 'the journal is not open');
    return this.committer;
  }
}
