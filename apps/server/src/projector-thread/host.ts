// The platform's side of the projector's thread (worker.ts): it hands every durable flush to the
// thread, mirrors the thread's status and answers whenCaughtUp from it, so the platform cannot tell
// it from a Projector in this thread (ProjectorHandle).

import { Worker } from 'node:worker_threads';
import type { CommittedCommand, ExchangeEngineApi } from '@parite/exchange';
import type { Logger } from '@parite/platform';
import { Waiters, type ProjectorHandle, type ProjectorStatus } from '@parite/projections';
import { packCommitted, type FromWorker, type ProjectorWorkerData, type ToWorker } from './protocol.ts';

/** Bound on a stop: the thread writes what is queued first (drain), which is at most one batch. */
const stopWaitMsMax = 60_000;
/**
 * How long durable flushes gather before one hand-over to the thread. A message costs this (the
 * engine's) thread tens of microseconds whatever its size: one per event-loop turn took ~7 µs per
 * order at 8,000 orders/s (docs/benchmarks.md §2, session 12). The projector batches for far longer
 * (50 ms to 1 s), and a caller waiting for its writes (whenCaughtUp) hands over at once.
 */
export const handoffIntervalMs = 5;
/** Commands that hand over at once, without waiting for the interval: bounds one message. */
export const handoffCommandsMax = 8_192;
/**
 * How far the thread may fall behind (the engine's durable sequence minus the projector's checkpoint)
 * before hand-overs stop carrying payloads. The thread runs at a low priority and may be starved of
 * CPU while the machine is saturated; every hand-over it has not read yet waits in its message
 * queue, in memory, with no bound of its own. Past this lag a hand-over carries only the durable
 * sequence, and the thread reads the records from the journal, as it does at start
 * (journal-follower.ts). 200,000 commands: ten seconds at the goal's rate (10,000 orders/s, two
 * commands each), far beyond the projector's normal lag (its coalescing window, one second), and as
 * many as the follower's own backlog holds (followerBacklogMax).
 */
export const handoffLagCommandsMax = 200_000;

export type ProjectorThreadOptions = Omit<ProjectorWorkerData, 'durableSequence'> & {
  readonly logger: Logger;
  /** Default handoffLagCommandsMax; tests set it low to take the journal's way. */
  readonly handoffLagCommandsMax?: number;
};

/** Hand-overs since start, by kind, for operators and tests. */
export interface HandoffCounts {
  /** With the flush's payloads. */
  readonly records: number;
  /** The durable sequence alone: the thread reads the records from the journal. */
  readonly durableOnly: number;
}

export class ProjectorThread implements ProjectorHandle {
  private worker: Worker | undefined;
  private current: ProjectorStatus = {
    checkpoint: 0n, queuedCommands: 0, overflowed: false, catchUpNeeded: true, failed: false, transactions: 0,
  };
  private readonly waiters = new Waiters();
  private durable = 0n;
  private pending: CommittedCommand[] = [];
  private handoffTimer: NodeJS.Timeout | undefined;
  private waitPosted = 0n;
  private failure: unknown = undefined;
  private stopping = false;
  private unsubscribe: (() => void) | undefined;
  private firstStatus: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  private stopped: (() => void) | undefined;
  private readonly lagCommandsMax: bigint;
  private recordHandoffs = 0;
  private durableOnlyHandoffs = 0;

  constructor(private readonly options: ProjectorThreadOptions) {
    this.lagCommandsMax = BigInt(options.handoffLagCommandsMax ?? handoffLagCommandsMax);
  }

  handoffCounts(): HandoffCounts {
    return { records: this.recordHandoffs, durableOnly: this.durableOnlyHandoffs };
  }

  /** Subscribes to the engine; attach before it starts (its start-up replay is read by the thread from the journal). */
  attach(engine: Pick<ExchangeEngineApi, 'subscribe'>): void {
    this.unsubscribe = engine.subscribe((batch) => this.receive(batch));
  }

  /** Starts the thread; resolves once it has read its checkpoint. */
  async start(): Promise<void> {
    const { logger: _logger, handoffLagCommandsMax: _lag, ...rest } = this.options;
    const workerData: ProjectorWorkerData = { ...rest, durableSequence: this.durable };
    const worker = new Worker(new URL('./boot.mjs', import.meta.url),
      { workerData: { ...workerData, entryUrl: new URL('./worker.ts', import.meta.url).href } });
    this.worker = worker;
    worker.on('message', (message: FromWorker) => this.onMessage(message));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => {
      this.stopped?.();
      if (!this.stopping) this.fail(new Error(`the projector thread exited (code ${code})`));
    });
    await new Promise<void>((resolve, reject) => {
      this.firstStatus = { resolve, reject };
    });
  }

  async stop(options: { drain?: boolean } = {}): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    const worker = this.worker;
    if (worker === undefined || this.stopping) return;
    this.flush();
    this.stopping = true;
    const exited = new Promise<void>((resolve) => {
      this.stopped = resolve;
    });
    this.post({ kind: 'stop', drain: options.drain ?? true });
    const timer = setTimeout(() => void worker.terminate(), stopWaitMsMax);
    await exited;
    clearTimeout(timer);
    this.waiters.rejectAll(new Error(`projector thread stopped at sequence ${this.current.checkpoint}`));
  }

  whenCaughtUp(sequence: bigint): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (sequence <= this.current.checkpoint && this.worker !== undefined) return Promise.resolve();
    if (this.stopping) return Promise.reject(new Error('projector thread is stopped'));
    const caughtUp = this.waiters.add(sequence);
    if (sequence > this.waitPosted) {
      this.waitPosted = sequence;
      this.flush();
      this.post({ kind: 'wait', sequence });
    }
    return caughtUp;
  }

  status(): ProjectorStatus {
    return this.failure === undefined ? this.current : { ...this.current, failed: true };
  }

  /** The engine's listener: gathers batches for handoffIntervalMs (or handoffCommandsMax) per post. */
  private receive(batch: readonly CommittedCommand[]): void {
    const last = batch[batch.length - 1];
    if (last !== undefined && last.sequence > this.durable) this.durable = last.sequence;
    if (this.worker === undefined || this.stopping || this.failure !== undefined) return;
    for (const committed of batch) this.pending.push(committed);
    if (this.pending.length >= handoffCommandsMax) this.flush();
    else this.handoffTimer ??= setTimeout(() => this.flush(), handoffIntervalMs);
  }

  private flush(): void {
    clearTimeout(this.handoffTimer);
    this.handoffTimer = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const last = (batch[batch.length - 1] as CommittedCommand).sequence;
    const packed = last - this.current.checkpoint > this.lagCommandsMax ? undefined : packCommitted(batch);
    if (packed === undefined) {
      this.durableOnlyHandoffs++;
      this.post({ kind: 'durable', sequence: last });
      return;
    }
    this.recordHandoffs++;
    // Transferred, not copied: packCommitted allocated these buffers for this message alone.
    this.worker?.postMessage(packed, [packed.payloadBytes.buffer as ArrayBuffer, packed.payloadEnds.buffer as ArrayBuffer,
      packed.timestampsMs.buffer as ArrayBuffer]);
  }

  private post(message: ToWorker): void {
    this.worker?.postMessage(message);
  }

  private onMessage(message: FromWorker): void {
    switch (message.kind) {
      case 'status':
        this.current = message.status;
        this.waiters.resolveUpTo(message.status.checkpoint);
        if (message.status.failed) this.fail(new Error('the projector thread failed'));
        this.firstStatus?.resolve();
        this.firstStatus = undefined;
        return;
      case 'error':
        this.options.logger[message.fatal ? 'fatal' : 'warn']({ error: message.message, shard: this.options.shardIndex },
          'projector error');
        return;
      case 'stopped':
        return;
    }
  }

  private fail(error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    this.options.logger.fatal({ error: String(error), shard: this.options.shardIndex }, 'projector thread failed');
    this.waiters.rejectAll(error);
    this.firstStatus?.reject(error);
    this.firstStatus = undefined;
  }
}
