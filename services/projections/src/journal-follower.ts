// Follows the engine's journal from another thread and delivers its committed commands to
// listeners exactly as the engine delivers them: in order, contiguous, each command replayed
// through a private ExchangeCore (the core is deterministic, so results and events are the
// engine's own). The projector attaches to it as to the engine (apps/server/src/projector-thread).
//
// Records arrive two ways. The fast way: the engine's thread hands over the payload bytes of every
// flush once it is durable (`offer`), so nothing is polled and no event object crosses threads.
// The safe way: whatever the offers skip (the follower started after the engine, or a full
// backlog dropped some) is read from the journal itself, never past the highest offered sequence,
// so nothing becomes visible here before the engine declared it durable.

import { setImmediate as nextTurn } from 'node:timers/promises';
import { assert } from '@parite/kernel';
import {
  coreFromSnapshot, ExchangeCore, replayJournalRecord, SnapshotScheduler,
  type CommittedCommand, type CommittedListener, type EngineSnapshotStore,
} from '@parite/exchange';
import { boundedJournal, type JournalReader, type JournalRecordLike, type SnapshotReader } from './journal-source.ts';

/** Offered records held before the follower applies them; beyond it they are read from the journal. */
export const followerBacklogMax = 200_000;
/** Records applied between two yields to the event loop, so offers and the projector's writes interleave. */
export const followerApplySliceMax = 2_000;

export interface JournalFollowerOptions {
  /** The journal the engine appends to, opened for reading. */
  journal: JournalReader;
  /** The engine's snapshots: the follower starts at the latest one. */
  snapshots?: SnapshotReader;
  /** Set when the journal is one shard's: stamped on every delivered command. */
  shardIndex?: number;
  /** A listener threw; the follower goes on (as the engine does). */
  onListenerError?: (error: unknown) => void;
  /**
   * Takes the engine's snapshots from this follower's replica, off the engine's thread (the engine
   * runs with snapshotsByFollower): every `everyCommands` applied commands, or as many as the state
   * holds items when that is more (SnapshotScheduler), into the store the engine recovers from.
   * Everything the follower applies is durable, so a snapshot is never ahead of the journal.
   */
  snapshotting?: { readonly store: EngineSnapshotStore; readonly everyCommands: number };
}

export class JournalFollower {
  private core = new ExchangeCore({ bookKind: 'fast' });
  private applied = 0n;
  private durable = 0n;
  private readonly listeners = new Set<CommittedListener>();
  private backlog: JournalRecordLike[] = [];
  private running: Promise<void> | undefined;
  private failure: unknown = undefined;
  private readonly snapshotScheduler: SnapshotScheduler | undefined;

  constructor(private readonly options: JournalFollowerOptions) {
    const snapshotting = options.snapshotting;
    const durableSequence = (): bigint => this.durable;
    this.snapshotScheduler = snapshotting === undefined ? undefined
      : new SnapshotScheduler(snapshotting.store, { get lastSequence() { return durableSequence(); } }, snapshotting.everyCommands);
  }

  /** The highest sequence the engine declared durable to this follower. */
  get durableSequence(): bigint {
    return this.durable;
  }

  get appliedSequence(): bigint {
    return this.applied;
  }

  subscribe(listener: CommittedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts from the engine's latest snapshot (commands up to it are not delivered: the projector reads them if it needs them). */
  async start(): Promise<void> {
    const latest = await this.options.snapshots?.loadLatest();
    if (latest === undefined) return;
    this.core = coreFromSnapshot(latest.data);
    this.applied = latest.sequence;
    this.snapshotScheduler?.noteLatest(latest.sequence);
    if (this.durable < this.applied) this.durable = this.applied;
  }

  /** Durable records, in sequence order; earlier ones already applied are ignored, a gap is read from the journal. */
  offer(records: readonly JournalRecordLike[]): void {
    if (this.failure !== undefined || records.length === 0) return;
    const last = records[records.length - 1] as JournalRecordLike;
    if (last.sequence > this.durable) this.durable = last.sequence;
    if (this.backlog.length + records.length <= followerBacklogMax) {
      for (const record of records) this.backlog.push(record);
    } else {
      // Dropped: the gap before the next kept record is read from the journal, which holds them.
      this.backlog = [];
    }
    this.follow();
  }

  /** The engine declared everything up to `sequence` durable without handing the records over. */
  advanceTo(sequence: bigint): void {
    if (this.failure !== undefined || sequence <= this.durable) return;
    this.durable = sequence;
    this.follow();
  }

  /** Resolves once everything offered so far is applied and delivered; rejects if the follower failed. */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running;
    if (this.failure !== undefined) throw this.failure;
  }

  /**
   * With snapshotting: writes a snapshot of everything applied (unless the last one is at it) once any
   * periodic one in flight is written; nothing once the follower failed. Call it when the follower is
   * idle, before the process stops.
   */
  async snapshotNow(): Promise<void> {
    // A command that threw may have left the core half-changed: such a state is never saved.
    if (this.failure !== undefined) return;
    await this.snapshotScheduler?.snapshotNow(this.core.state, this.applied);
  }

  /** Resolves once a snapshot being written is (a failed one is dropped: the journal holds everything). */
  snapshotsIdle(): Promise<void> {
    return this.snapshotScheduler?.idle() ?? Promise.resolve();
  }

  /** Starts applying unless a pass is running already (it takes what arrived meanwhile). */
  private follow(): void {
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
  }

  private async run(): Promise<void> {
    try {
      while (this.applied < this.durable) {
        const records = this.backlog;
        this.backlog = [];
        let start = 0;
        while (start < records.length && (records[start] as JournalRecordLike).sequence <= this.applied) start++;
        const first = records[start];
        if (first === undefined || first.sequence > this.applied + 1n) {
          await this.readJournal(first === undefined ? this.durable : first.sequence - 1n);
        }
        for (let index = start; index < records.length; index += followerApplySliceMax) {
          this.apply(records.slice(index, index + followerApplySliceMax));
          await nextTurn();
        }
      }
    } catch (error) {
      this.failure = error;
      throw error;
    }
  }

  /** Reads the journal from the applied sequence up to `upTo` (durable, so visible). */
  private async readJournal(upTo: bigint): Promise<void> {
    const before = this.applied;
    for await (const records of boundedJournal(this.options.journal, () => upTo).read(this.applied)) {
      this.apply(records);
      await nextTurn();
    }
    assert(this.applied >= upTo || this.applied > before || upTo <= before,
      `the journal holds nothing after ${before} although the engine declared ${upTo} durable`);
  }

  private apply(records: readonly JournalRecordLike[]): void {
    const batch: CommittedCommand[] = [];
    for (const record of records) {
      if (record.sequence <= this.applied) continue;
      assert(record.sequence === this.applied + 1n, `the follower skipped from ${this.applied} to ${record.sequence}`);
      batch.push(replayJournalRecord(this.core, record, this.options.shardIndex));
      this.applied = record.sequence;
    }
    if (batch.length === 0) return;
    // Captured at exactly this.applied (a shallow copy), encoded and written later in slices.
    this.snapshotScheduler?.maybeSnapshot(this.core.state, this.applied, Promise.resolve(this.applied));
    for (const listener of this.listeners) {
      try {
        listener(batch);
      } catch (error) {
        this.options.onListenerError?.(error);
      }
    }
  }
}

