// The projector: the engine's committed-command stream into PostgreSQL, exactly once.
//
// The journal is the outbox. The engine's events are a pure function of the journal, and the
// checkpoint (last projected sequence) is written in the same transaction as the rows, so after any
// crash the projector resumes at its checkpoint and ignores what it already has. The engine's
// listener only appends to a bounded queue (it must never block the engine); one writer loop
// drains it in big batches, one transaction each. When the queue overflows, or the stream it sees
// has a hole (the engine restarted from a snapshot newer than the checkpoint), the writer catches
// up from the journal through `readCommitted` and then takes live batches again.

import { performance } from 'node:perf_hooks';
import { assert } from '@parite/kernel';
import type { CommittedCommand, ExchangeEngineApi } from '@parite/exchange';
import { CopyRefusedError } from '@parite/platform';
import { classifyFailure, retryDelayMs, sourceBatches } from './failures.ts';
import type { MarketCatalogue } from './mapping/market-catalogue.ts';
import { CommittedQueue } from './projector-queue.ts';
import { ensureCheckpoint, projectionNameOf, readCheckpoint, readMarketCatalogue } from './storage/checkpoint.ts';
import { unshardedProjection, type ProjectionShard } from './mapping/rows.ts';
import { buildChangesetInSlices, writeBatch } from './storage/project-commands.ts';
import type { Sql } from './storage/sql.ts';
import { Waiters } from './waiters.ts';

/** Reads committed commands after a sequence, in order, in batches: the journal replayed. */
export type ReadCommitted = (afterSequence: bigint) => AsyncIterable<readonly CommittedCommand[]>;

/** Commands the queue holds before it drops live batches and the writer catches up from the journal. */
export const projectorQueueMaxDefault = 100_000;
/** Commands written per transaction. */
export const projectorBatchMaxDefault = 20_000;
export const projectorBatchMaxLimit = 100_000;
/**
 * Under load (the previous transaction wrote at least coalesceAfterCommands), a transaction starts
 * at most this long after the previous one started, unless batchMax commands are queued sooner or
 * someone waits (whenCaughtUp). A longer batch writes fewer rows: an order placed and finished inside
 * one batch is one insert instead of an insert and an update (bench/projections.ts: PostgreSQL CPU per
 * command about halves from 2,000 to 10,000 commands a batch). Under light load the window is
 * coalesceLightLoadMs.
 */
export const projectorCoalesceMsDefault = 1_000;
/**
 * Under light load, a transaction starts at most this long after the previous one started (the same
 * interruptions apply; after a quiet spell the first command is written at once). Without it every
 * order was a transaction of its own at a few hundred orders a second: a commit (a WAL flush on the
 * disk the journal writes to) and a changeset's fixed allocations per order. Five alternating pairs
 * at 1,000 orders/s (docs/benchmarks.md §2, session 6): median p50 3.1 against 4.4 ms, median p99
 * 19.0 against 25.7 ms.
 */
export const projectorCoalesceLightLoadMsDefault = 50;
export const projectorCoalesceMsMax = 10_000;
export const projectorCoalesceAfterCommandsDefault = 1_000;

export interface ProjectorOptions {
  /** Needed to recover from an overflow or a hole in the live stream; without it those are fatal. */
  readCommitted?: ReadCommitted;
  queueMax?: number;
  batchMax?: number;
  /** The coalescing window under load (0: write whatever is queued at once). */
  coalesceMs?: number;
  /** A previous transaction of at least this many commands means load. */
  coalesceAfterCommands?: number;
  /** The window under light load; at most coalesceMs (default: 50 ms, or coalesceMs if smaller). */
  coalesceLightLoadMs?: number;
  /** Checkpoint name; default 'exchange' (projectionNameOf the shard). */
  name?: string;
  /** The shard whose journal this projector follows (default: unsharded). */
  shard?: ProjectionShard;
  /** Every failure: retried ones (fatal false) and the one that stopped the projector (fatal true). */
  onError?: (error: unknown, fatal: boolean) => void;
  /** After every transaction, checkpoint re-read and failure: the status, for a host in another thread. */
  onProgress?: (status: ProjectorStatus) => void;
}

/** What a platform needs of a projector, whether it runs in this thread or in its own. */
export type ProjectorHandle = Pick<Projector, 'start' | 'stop' | 'whenCaughtUp' | 'status'>;

export interface ProjectorStatus {
  checkpoint: bigint;
  queuedCommands: number;
  overflowed: boolean;
  catchUpNeeded: boolean;
  failed: boolean;
  /** Transactions written since start (live batches and catch-up). */
  transactions: number;
}

export class Projector {
  private readonly queue: CommittedQueue;
  private readonly batchMax: number;
  private readonly coalesceMs: number;
  private readonly coalesceAfterCommands: number;
  private readonly coalesceLightLoadMs: number;
  /**
   * performance.now() when the last live transaction started (none yet: minus infinity, so the
   * first batch is never held back), and its command count.
   */
  private lastWriteStartedMs = Number.NEGATIVE_INFINITY;
  private lastWriteCommands = 0;
  private interruptCoalesce: (() => void) | undefined;
  private transactions = 0;
  private readonly name: string;
  private readonly shard: ProjectionShard;
  private readonly waiters = new Waiters();
  private catalogue: MarketCatalogue | undefined;
  private checkpointSequence = 0n;
  private loop: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopping = false;
  private drainOnStop = true;
  private catchUpNeeded = false;
  /** Commands taken from the queue whose write failed for a transient reason: written first. */
  private retry: CommittedCommand[] | undefined;
  private resyncNeeded = false;
  /** The last COPY was refused (CopyRefusedError): the next write uses insert statements, which report why. */
  private insertStatementsNext = false;
  private failure: unknown = undefined;
  private workPending = false;
  private wakeUp: (() => void) | undefined;
  private interruptSleep: (() => void) | undefined;

  constructor(private readonly sql: Sql, private readonly options: ProjectorOptions = {}) {
    this.queue = new CommittedQueue(options.queueMax ?? projectorQueueMaxDefault);
    this.batchMax = options.batchMax ?? projectorBatchMaxDefault;
    assert(Number.isSafeInteger(this.batchMax) && this.batchMax > 0 && this.batchMax <= projectorBatchMaxLimit,
      'batchMax out of range');
    this.coalesceMs = options.coalesceMs ?? projectorCoalesceMsDefault;
    assert(Number.isSafeInteger(this.coalesceMs) && this.coalesceMs >= 0 && this.coalesceMs <= projectorCoalesceMsMax,
      'coalesceMs out of range');
    this.coalesceAfterCommands = options.coalesceAfterCommands ?? projectorCoalesceAfterCommandsDefault;
    assert(Number.isSafeInteger(this.coalesceAfterCommands) && this.coalesceAfterCommands > 0,
      'coalesceAfterCommands must be a positive integer');
    this.coalesceLightLoadMs = options.coalesceLightLoadMs ?? Math.min(projectorCoalesceLightLoadMsDefault, this.coalesceMs);
    assert(Number.isSafeInteger(this.coalesceLightLoadMs) && this.coalesceLightLoadMs >= 0 &&
      this.coalesceLightLoadMs <= this.coalesceMs, 'coalesceLightLoadMs must be in 0..coalesceMs');
    this.shard = options.shard ?? unshardedProjection;
    this.name = options.name ?? projectionNameOf(this.shard.shardIndex);
  }

  /** Subscribes to the engine. Attach before the engine starts, so its start-up replay is queued too. */
  attach(engine: Pick<ExchangeEngineApi, 'subscribe'>): void {
    assert(this.unsubscribe === undefined, 'the projector is attached already');
    this.unsubscribe = engine.subscribe((batch) => this.receive(batch));
  }

  /**
   * Reads the checkpoint and starts the writer loop. With a readCommitted source the loop first
   * catches up from the journal: the engine's start-up replay begins at its latest snapshot, which
   * may be past the checkpoint, and without new commands nothing else would reveal that hole.
   */
  async start(): Promise<void> {
    assert(this.loop === undefined, 'the projector is started already');
    await ensureCheckpoint(this.sql, this.name);
    await this.resync();
    this.catchUpNeeded = this.options.readCommitted !== undefined;
    this.loop = this.run();
  }

  /** Detaches and ends the loop: after writing what is queued (drain) or at once (a simulated crash). */
  async stop(options: { drain?: boolean } = {}): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.stopping = true;
    this.drainOnStop = options.drain ?? true;
    this.wake();
    this.interruptSleep?.();
    this.interruptCoalesce?.();
    await this.loop;
    this.waiters.rejectAll(new Error(`projector ${this.name} stopped at sequence ${this.checkpointSequence}`));
  }

  /** The last projected sequence, as stored. */
  async checkpoint(): Promise<bigint> {
    return await readCheckpoint(this.sql, this.name);
  }

  /** Resolves once everything up to `sequence` is projected; rejects if the projector fails or stops first. */
  whenCaughtUp(sequence: bigint): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.loop !== undefined && sequence <= this.checkpointSequence) return Promise.resolve();
    if (this.stopping) return Promise.reject(new Error(`projector ${this.name} is stopped`));
    const caughtUp = this.waiters.add(sequence);
    // Someone reads their own writes: no coalescing delay for them.
    this.interruptCoalesce?.();
    return caughtUp;
  }

  status(): ProjectorStatus {
    return {
      checkpoint: this.checkpointSequence, queuedCommands: this.queue.length, overflowed: this.queue.overflowed,
      catchUpNeeded: this.catchUpNeeded, failed: this.failure !== undefined, transactions: this.transactions,
    };
  }

  /** The engine's listener: synchronous and bounded; never throws into the engine. */
  private receive(batch: readonly CommittedCommand[]): void {
    if (this.failure !== undefined) return;
    this.queue.offer(batch);
    this.wake();
    if (this.queue.length >= this.batchMax) this.interruptCoalesce?.();
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (this.failure === undefined) {
      if (this.stopping && !this.drainOnStop) return;
      try {
        const worked = await this.step();
        attempt = 0;
        if (worked) continue;
        if (this.stopping) return;
        await this.idle();
      } catch (error) {
        const kind = classifyFailure(error);
        if (kind === 'fatal') {
          this.fail(error);
          return;
        }
        this.options.onError?.(error, false);
        // A stop does not wait out an outage: what is not written is in the journal.
        if (this.stopping) return;
        if (kind === 'resync') {
          this.resyncNeeded = true;
          continue;
        }
        await this.sleep(retryDelayMs(attempt++));
      }
    }
  }

  /** One unit of work; false when there was nothing to do. */
  private async step(): Promise<boolean> {
    if (this.resyncNeeded) {
      this.retry = undefined;
      await this.resync();
      this.resyncNeeded = false;
      return true;
    }
    if (this.retry !== undefined) {
      await this.project(this.retry);
      return true;
    }
    if (this.catchUpNeeded || (this.queue.length === 0 && this.queue.overflowed)) {
      await this.catchUp();
      return true;
    }
    if (this.queue.length === 0) return false;
    await this.coalesce();
    const commands = this.queue.take(this.batchMax);
    this.lastWriteStartedMs = performance.now();
    this.lastWriteCommands = commands.length;
    this.retry = commands;
    await this.project(commands);
    return true;
  }

  /** Lets the queue fill until the window since the last write ends (coalesceMs, coalesceLightLoadMs). */
  private async coalesce(): Promise<void> {
    const windowMs = this.lastWriteCommands < this.coalesceAfterCommands ? this.coalesceLightLoadMs : this.coalesceMs;
    if (windowMs === 0) return;
    const remainingMs = this.lastWriteStartedMs + windowMs - performance.now();
    if (remainingMs <= 0 || this.stopping || this.waiters.size > 0 || this.queue.length >= this.batchMax) return;
    await interruptibleDelay(remainingMs, (interrupt) => {
      this.interruptCoalesce = interrupt;
    });
  }

  /** Writes the part of `commands` that follows the checkpoint; a hole means catching up first. */
  private async project(commands: readonly CommittedCommand[]): Promise<void> {
    let start = 0;
    while (start < commands.length && (commands[start] as CommittedCommand).sequence <= this.checkpointSequence) {
      start++;
    }
    let end = start;
    while (end < commands.length &&
      (commands[end] as CommittedCommand).sequence === this.checkpointSequence + BigInt(end - start + 1)) end++;
    if (end > start) await this.write(commands.slice(start, end));
    // What follows a hole is in the journal too; the catch-up reads it again in order.
    if (end < commands.length) this.needCatchUp(commands[end] as CommittedCommand);
    this.retry = undefined;
  }

  private needCatchUp(next: CommittedCommand): void {
    if (this.options.readCommitted === undefined) {
      this.fail(new Error(`projector ${this.name}: sequences ${this.checkpointSequence + 1n}..` +
        `${next.sequence - 1n} never arrived and no readCommitted source is configured`));
      return;
    }
    this.catchUpNeeded = true;
  }

  private async catchUp(): Promise<void> {
    const readCommitted = this.options.readCommitted;
    if (readCommitted === undefined) {
      this.fail(new Error(`projector ${this.name}: the queue overflowed and no readCommitted source is configured`));
      return;
    }
    this.catchUpNeeded = true;
    // Accept live batches again before reading: what arrives from now on is in the read or queued.
    this.queue.resume(this.checkpointSequence);
    const startSequence = this.checkpointSequence;
    if (this.queue.coversAfter(startSequence)) {
      this.catchUpNeeded = false;
      return;
    }
    const pending: CommittedCommand[] = [];
    let queuedFromHere = false;
    for await (const batch of sourceBatches(readCommitted(this.checkpointSequence))) {
      for (const command of batch) {
        const tip = this.checkpointSequence + BigInt(pending.length);
        if (command.sequence <= tip) continue;
        assert(command.sequence === tip + 1n, `readCommitted skipped from ${tip} to ${command.sequence}`);
        pending.push(command);
      }
      while (pending.length >= this.batchMax) await this.write(pending.splice(0, this.batchMax));
      if (this.stopping && !this.drainOnStop) return;
      // The rest is queued (see coversAfter): stop reading here.
      queuedFromHere = this.queue.coversAfter(this.checkpointSequence + BigInt(pending.length));
      if (queuedFromHere) break;
    }
    if (pending.length > 0) await this.write(pending);
    // The engine delivered commands past the checkpoint, so the journal holds them. A read that
    // found none lags behind the engine: wait (as for an outage) rather than spin.
    if (!queuedFromHere && this.checkpointSequence === startSequence &&
      this.checkpointSequence < this.queue.highestOffered) {
      throw new Error(`projector ${this.name}: readCommitted returned nothing after ${startSequence}`);
    }
    this.catchUpNeeded = false;
  }

  private async write(commands: readonly CommittedCommand[]): Promise<void> {
    assert(this.catalogue !== undefined, 'start() loads the catalogue');
    const previous = this.checkpointSequence;
    const changeset = await buildChangesetInSlices(this.catalogue, previous, commands, this.shard);
    const form = this.insertStatementsNext ? 'insert' : 'copy';
    try {
      await this.sql.begin(async (transaction) => {
        await writeBatch(transaction, this.name, previous, changeset, form);
      });
    } catch (error) {
      this.insertStatementsNext = error instanceof CopyRefusedError;
      throw error;
    }
    this.insertStatementsNext = false;
    changeset.markets.commit();
    this.transactions++;
    this.checkpointSequence = changeset.lastSequence ?? previous;
    this.waiters.resolveUpTo(this.checkpointSequence);
    this.options.onProgress?.(this.status());
  }

  /** Re-reads where the tables are: at start, and when another writer moved the checkpoint. */
  private async resync(): Promise<void> {
    // Whatever hole there was is measured again against the new checkpoint by the next batch.
    this.catchUpNeeded = false;
    this.checkpointSequence = await readCheckpoint(this.sql, this.name);
    this.catalogue = await readMarketCatalogue(this.sql);
    this.queue.ignoreUpTo(this.checkpointSequence);
    this.waiters.resolveUpTo(this.checkpointSequence);
    this.options.onProgress?.(this.status());
  }

  private fail(error: unknown): void {
    this.failure = error;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.queue.clear();
    this.options.onError?.(error, true);
    this.waiters.rejectAll(error);
    this.options.onProgress?.(this.status());
  }

  private wake(): void {
    this.workPending = true;
    const wakeUp = this.wakeUp;
    this.wakeUp = undefined;
    wakeUp?.();
  }

  /** Waits for new work or a stop; returns at once if either came since the last wait. */
  private idle(): Promise<void> {
    if (this.workPending) {
      this.workPending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.wakeUp = () => {
        this.workPending = false;
        resolve();
      };
    });
  }

  /** Waits before a retry; only a stop cuts it short (new work would just hammer an outage). */
  private sleep(delayMs: number): Promise<void> {
    return interruptibleDelay(delayMs, (interrupt) => {
      this.interruptSleep = interrupt;
    });
  }
}

/** Resolves after `delayMs` or when the function handed to `register` is called, whichever is first. */
function interruptibleDelay(delayMs: number, register: (interrupt: (() => void) | undefined) => void): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      register(undefined);
      resolve();
    };
    const timer = setTimeout(done, delayMs);
    register(done);
  });
}
