// A replica of the engine for a process that does not run it (the API gateway, projections).
//
// The core is deterministic: replaying the shared journal (PostgreSQL or NATS JetStream) in order
// rebuilds exactly the state the engine has, including every command's result and events. The
// replica follows the journal, serves reads from its own copy, and sends commands to the engine
// through a CommandTransport. A submit resolves only once the replica itself has applied the
// command's journal sequence, so a caller reads its own writes from `state` as in one process.

import { assert, OldestFirstMap } from '@parite/kernel';
import { ServiceError } from '@parite/contracts';
import type { Journal } from '@parite/journal';
import { ExchangeCore } from '../domain/exchange-core.ts';
import type { ExchangeState } from '../domain/state.ts';
import type { ExchangeCommand } from '../domain/types.ts';
import { encodeCommand } from './command-codec.ts';
import type { CommandTransport } from './command-transport.ts';
import type { CommittedCommand, CommittedListener, ExchangeEngineApi } from './engine-api.ts';
import { CommittedFanOut } from './committed-fan-out.ts';
import { submitBatchMax } from './exchange-engine.ts';
import { replayJournalRecord } from './journal-replay.ts';
import { SnapshotScheduler, type EngineSnapshotStore } from './snapshot-scheduler.ts';

/** Idle polling interval of the journal; a submit wakes the follower at once. */
export const replicaFollowIntervalMsDefault = 20;
/** Committed commands kept by sequence for submitters still waiting for them. */
export const replicaRecentCommandsMax = 65_536;
/** Submitters waiting for the replica to reach their sequence. */
export const replicaWaitersMax = 50_000;

export interface ReplicaEngineOptions {
  /** The shared journal, opened for reading only: the replica never appends. */
  journal: Journal;
  snapshots: EngineSnapshotStore;
  transport: CommandTransport;
  followIntervalMs?: number;
  onFatal?: (error: unknown) => void;
  onListenerError?: (error: unknown) => void;
  /** Set when the journal is one shard's of a sharded engine: stamped on every committed command. */
  shardIndex?: number;
}

interface Waiter {
  readonly sequence: bigint;
  readonly resolve: () => void;
  readonly reject: (error: ServiceError) => void;
}

export class ReplicaEngine implements ExchangeEngineApi {
  private core = new ExchangeCore({ bookKind: 'fast' });
  private readonly fanOut: CommittedFanOut;
  /** Recent commands by sequence, oldest forgotten first (a plain Map would skip every earlier deletion's hole). */
  private readonly recent = new OldestFirstMap<bigint, CommittedCommand>();
  private waiters: Waiter[] = [];
  private appliedSequence = 0n;
  private running = false;
  private isReady = false;
  private fatalError: unknown = undefined;
  private wake: (() => void) | undefined;
  private following: Promise<void> | undefined;

  constructor(private readonly options: ReplicaEngineOptions) {
    this.fanOut = new CommittedFanOut(options.onListenerError);
  }

  get state(): ExchangeState {
    return this.core.state;
  }

  get lastAppliedSequence(): bigint {
    return this.appliedSequence;
  }

  appliedSequenceOfMarket(_marketId: number): bigint {
    return this.appliedSequence;
  }

  get ready(): boolean {
    return this.isReady && this.fatalError === undefined;
  }

  subscribe(listener: CommittedListener): () => void {
    return this.fanOut.subscribe(listener);
  }

  async start(): Promise<void> {
    await this.options.journal.open();
    const restored = await new SnapshotScheduler(this.options.snapshots, this.options.journal, 0).loadLatest('fast');
    if (restored !== undefined) {
      this.core = new ExchangeCore({}, restored.state);
      this.appliedSequence = restored.sequence;
    }
    await this.catchUp();
    this.running = true;
    this.isReady = true;
    this.following = this.follow();
  }

  async submit(command: ExchangeCommand): Promise<CommittedCommand> {
    const [committed] = await this.submitMany([command]);
    assert(committed !== undefined, 'one command gives one result');
    return committed;
  }

  async submitMany(commands: readonly ExchangeCommand[]): Promise<CommittedCommand[]> {
    if (this.fatalError !== undefined) throw new ServiceError('SERVICE_UNAVAILABLE');
    if (!this.isReady) throw new ServiceError('SERVICE_NOT_READY');
    if (commands.length === 0) return [];
    if (commands.length > submitBatchMax) throw new ServiceError('REQUEST_BATCH_TOO_LARGE');
    if (this.waiters.length + commands.length > replicaWaitersMax) throw new ServiceError('SERVICE_OVERLOADED');
    const reply = await this.options.transport.submit(commands.map(encodeCommand)).catch(() => {
      throw new ServiceError('SERVICE_UNAVAILABLE');
    });
    if (!reply.ok) throw new ServiceError(reply.code);
    assert(reply.outcomes.length === commands.length, 'one outcome per command');
    let highest = 0n;
    for (const outcome of reply.outcomes) if ('sequence' in outcome && outcome.sequence > highest) highest = outcome.sequence;
    await this.reach(highest);
    return reply.outcomes.map((outcome, index) => {
      const command = commands[index] as ExchangeCommand;
      if ('unjournalled' in outcome) {
        return { sequence: 0n, timestampMs: 0, command, result: outcome.unjournalled, shardIndex: this.options.shardIndex };
      }
      const committed = this.recent.get(outcome.sequence);
      assert(committed !== undefined, 'a reached sequence is remembered');
      return committed;
    });
  }

  /** Resolves once the replica applied `sequence`. */
  private reach(sequence: bigint): Promise<void> {
    if (sequence <= this.appliedSequence) return Promise.resolve();
    if (!this.running) return Promise.reject(new ServiceError('SERVICE_UNAVAILABLE'));
    return new Promise((resolve, reject) => {
      this.waiters.push({ sequence, resolve, reject });
      this.wake?.();
    });
  }

  private async follow(): Promise<void> {
    while (this.running) {
      try {
        await this.catchUp();
      } catch (error) {
        this.fail(error);
        return;
      }
      if (this.waiters.length > 0) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.followIntervalMs ?? replicaFollowIntervalMsDefault);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private async catchUp(): Promise<void> {
    for await (const records of this.options.journal.read(this.appliedSequence)) {
      const batch: CommittedCommand[] = [];
      for (const record of records) {
        assert(record.sequence === this.appliedSequence + 1n, 'the journal is followed contiguously');
        const committed = replayJournalRecord(this.core, record, this.options.shardIndex);
        batch.push(committed);
        this.remember(committed);
        this.appliedSequence = record.sequence;
      }
      this.fanOut.deliver(batch);
      this.releaseWaiters();
    }
  }

  private remember(committed: CommittedCommand): void {
    this.recent.set(committed.sequence, committed);
    if (this.recent.size > replicaRecentCommandsMax) this.recent.deleteOldest();
  }

  private releaseWaiters(): void {
    if (this.waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (waiter.sequence <= this.appliedSequence) waiter.resolve();
      else still.push(waiter);
    }
    this.waiters = still;
  }

  private rejectWaiters(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(new ServiceError('SERVICE_UNAVAILABLE'));
  }


  private fail(error: unknown): void {
    if (this.fatalError !== undefined) return;
    this.fatalError = error ?? new Error('replica failure');
    this.rejectWaiters();
    this.options.onFatal?.(this.fatalError);
  }

  async stop(): Promise<void> {
    this.isReady = false;
    this.running = false;
    this.wake?.();
    await this.following;
    this.rejectWaiters();
    await this.options.transport.close();
    await this.options.journal.close();
  }
}
