// The engine: sequencer + journal + core + fan-out, in the style of LMAX and exchange-core.
//
// submit() runs the command through the core at once (the core is deterministic and single
// threaded, so enqueue order is execution order) and journals it in the same synchronous step.
// Nothing leaves the engine until the journal says the command is durable: the reply, the events
// to listeners, the acknowledgement. A refused command changed nothing, so it is answered at once
// and not journalled. If a flush ever fails, the in-memory state is ahead of the journal: the engine
// declares itself fatal and the process must restart, recovering by snapshot + replay.

import { assert, type Clock } from '@parite/kernel';
import { ServiceError } from '@parite/contracts';
import type { Journal } from '@parite/journal';
import { ExchangeCore } from '../domain/exchange-core.ts';
import type { ExchangeState } from '../domain/state.ts';
import type { CommandResult, ExchangeCommand } from '../domain/types.ts';
import { decodeCommand, encodeCommand } from './command-codec.ts';
import type { CommittedCommand, CommittedListener, ExchangeEngineApi } from './engine-api.ts';
import { CommittedFanOut } from './committed-fan-out.ts';
import { SnapshotScheduler, snapshotEveryCommandsDefault, type EngineSnapshotStore } from './snapshot-scheduler.ts';

/** Commands in one submitMany (one group-commit entry set). */
export const submitBatchMax = 100;
/** Commands applied and waiting for durability; beyond it new commands are shed (SERVICE_OVERLOADED). */
export const pendingCommandsMax = 50_000;

/** Only a command that changed the state is journalled: refusals and identical retries are not. */
export function isJournalled(result: CommandResult): boolean {
  return result.code === 'OK' && result.unchanged !== true;
}

export interface ExchangeEngineOptions {
  journal: Journal;
  snapshots: EngineSnapshotStore;
  clock: Clock;
  bookKind?: 'fast' | 'naive';
  /** Take a snapshot after this many journalled commands (0 disables). */
  snapshotEveryCommands?: number;
  /**
   * Another thread that follows this journal with its own replica of the core (the projector's,
   * apps/server/src/projector-thread) takes the periodic and the final snapshots, so this engine
   * takes none: capturing, encoding, hashing and writing a snapshot of a large state cost this
   * thread pauses of up to hundreds of milliseconds. The engine still recovers from them.
   */
  snapshotsByFollower?: boolean;
  /** Called when the engine can no longer guarantee durability; the process should exit. */
  onFatal?: (error: unknown) => void;
  /** Called when a listener throws; the engine goes on (the listener's owner must repair itself). */
  onListenerError?: (error: unknown) => void;
  checkInvariants?: boolean;
  /** This engine is one shard of a sharded engine (shard-map.ts); absent: unsharded. */
  shard?: { index: number; count: number };
  /**
   * Delivers each committed command with its journal payload (CommittedCommand.payload), for a
   * listener that hands them to another thread; off, the payload is dropped after the journal write
   * and does not stay in the heap as long as the listeners keep the command.
   */
  deliverPayloads?: boolean;
}

export class ExchangeEngine implements ExchangeEngineApi {
  private core: ExchangeCore;
  private readonly fanOut: CommittedFanOut;
  /** Applied but not yet durable, in sequence order. */
  private readonly undelivered: CommittedCommand[] = [];
  private lastTimestampMs = 0;
  private appliedSequence = 0n;
  private deliveredSequence = 0n;
  private isReady = false;
  private fatalError: unknown = undefined;
  private readonly snapshotScheduler: SnapshotScheduler;

  constructor(private readonly options: ExchangeEngineOptions) {
    this.fanOut = new CommittedFanOut(options.onListenerError);
    this.core = new ExchangeCore({ bookKind: options.bookKind ?? 'fast', checkInvariants: options.checkInvariants });
    this.snapshotScheduler = new SnapshotScheduler(options.snapshots, options.journal,
      options.snapshotsByFollower === true ? 0 : options.snapshotEveryCommands ?? snapshotEveryCommandsDefault);
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

  /** Recovery: latest snapshot, then every journal record after it, delivered to listeners too. */
  async start(): Promise<void> {
    await this.options.journal.open();
    const restored = await this.snapshotScheduler.loadLatest(this.options.bookKind ?? 'fast');
    if (restored !== undefined) {
      this.core = new ExchangeCore({ checkInvariants: this.options.checkInvariants }, restored.state);
      this.appliedSequence = restored.sequence;
      this.deliveredSequence = restored.sequence;
      this.lastTimestampMs = restored.state.lastTimestampMs;
    }
    for await (const records of this.options.journal.read(this.appliedSequence)) {
      const batch: CommittedCommand[] = [];
      for (const record of records) {
        assert(record.sequence === this.appliedSequence + 1n, 'journal replay must be contiguous');
        const command = decodeCommand(record.payload);
        const result = this.core.execute(command, record.timestampMs);
        this.appliedSequence = record.sequence;
        this.lastTimestampMs = Math.max(this.lastTimestampMs, record.timestampMs);
        batch.push({ sequence: record.sequence, timestampMs: record.timestampMs, command, result,
          shardIndex: this.shardIndex, payload: this.options.deliverPayloads === true ? record.payload : undefined });
      }
      this.deliveredSequence = this.appliedSequence;
      this.fanOut.deliver(batch);
    }
    this.core.state.ledger.assertInvariants();
    this.isReady = true;
    await this.configureShard();
  }

  private get shardIndex(): number | undefined {
    return this.options.shard?.index;
  }

  /**
   * A shard's journal starts with its identity: a new shard journals shard.configure first; a
   * recovered one must carry the configured identity (the count is fixed for an installation).
   */
  private async configureShard(): Promise<void> {
    const shard = this.options.shard;
    const state = this.core.state;
    if (shard === undefined || shard.count === 1) {
      if (state.shardCount !== 1) throw new Error(`the journal belongs to shard ${state.shardIndex} of ${state.shardCount}, but sharding is not configured`);
      return;
    }
    if (state.shardIndex === shard.index && state.shardCount === shard.count) return;
    const committed = await this.submit({ kind: 'shard.configure', shardIndex: shard.index, shardCount: shard.count });
    if (committed.result.code !== 'OK') {
      throw new Error(`this journal cannot become shard ${shard.index} of ${shard.count} ` +
        `(it is shard ${state.shardIndex} of ${state.shardCount} and holds state): ${committed.result.code}`);
    }
  }

  async submit(command: ExchangeCommand): Promise<CommittedCommand> {
    const [committed] = await this.submitMany([command]);
    assert(committed !== undefined, 'one command gives one result');
    return committed;
  }

  submitMany(commands: readonly ExchangeCommand[]): Promise<CommittedCommand[]> {
    if (this.fatalError !== undefined) return Promise.reject(new ServiceError('SERVICE_UNAVAILABLE'));
    if (!this.isReady) return Promise.reject(new ServiceError('SERVICE_NOT_READY'));
    if (commands.length === 0) return Promise.resolve([]);
    if (commands.length > submitBatchMax) return Promise.reject(new ServiceError('REQUEST_BATCH_TOO_LARGE'));
    if (this.options.journal.metrics().pendingEntryCount + commands.length > pendingCommandsMax) {
      return Promise.reject(new ServiceError('SERVICE_OVERLOADED'));
    }
    const timestampMs = Math.max(this.options.clock.nowMs(), this.lastTimestampMs);
    this.lastTimestampMs = timestampMs;
    const outcomes: CommittedCommand[] = [];
    const accepted: CommittedCommand[] = [];
    for (const command of commands) {
      const result = this.core.execute(command, timestampMs);
      const outcome: CommittedCommand = { sequence: 0n, timestampMs, command, result, shardIndex: this.shardIndex,
        payload: undefined };
      outcomes.push(outcome);
      if (isJournalled(result)) accepted.push(outcome);
    }
    if (accepted.length === 0) return Promise.resolve(outcomes);
    const enqueued = this.options.journal.enqueue(accepted.map((outcome) => {
      const payload = encodeCommand(outcome.command);
      if (this.options.deliverPayloads === true) outcome.payload = payload;
      return { timestampMs, payload };
    }));
    // The commands were already applied: a journal that refuses them now leaves memory ahead of disk.
    if (enqueued.status !== 'enqueued') {
      this.fail(enqueued.status === 'failed' ? enqueued.error : new Error('journal overloaded after apply'));
      return Promise.reject(new ServiceError('SERVICE_UNAVAILABLE'));
    }
    accepted.forEach((outcome, index) => {
      outcome.sequence = enqueued.firstSequence + BigInt(index);
      this.undelivered.push(outcome);
    });
    this.appliedSequence = enqueued.lastSequence;
    this.snapshotScheduler.maybeSnapshot(this.core.state, this.appliedSequence, enqueued.durable);
    return enqueued.durable.then(
      (durableSequence) => {
        this.deliverUpTo(durableSequence);
        return outcomes;
      },
      (error: unknown) => {
        this.fail(error);
        throw new ServiceError('SERVICE_UNAVAILABLE');
      },
    );
  }

  private deliverUpTo(durableSequence: bigint): void {
    if (durableSequence <= this.deliveredSequence) return;
    let count = 0;
    while (count < this.undelivered.length && (this.undelivered[count] as CommittedCommand).sequence <= durableSequence) {
      count++;
    }
    const batch = this.undelivered.splice(0, count);
    this.deliveredSequence = durableSequence;
    this.fanOut.deliver(batch);
  }


  private fail(error: unknown): void {
    if (this.fatalError !== undefined) return;
    this.fatalError = error ?? new Error('journal failure');
    this.options.onFatal?.(this.fatalError);
  }

  /** Writes a final snapshot once everything applied is durable; then closes the journal. */
  async stop(): Promise<void> {
    this.isReady = false;
    if (this.fatalError === undefined && this.appliedSequence > 0n && this.options.snapshotsByFollower !== true) {
      await this.snapshotScheduler.snapshotNow(this.core.state, this.appliedSequence);
    }
    await this.snapshotScheduler.idle();
    await this.options.journal.close();
  }
}
