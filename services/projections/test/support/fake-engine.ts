// A small stand-in for the ExchangeEngine: a real ExchangeCore, an in-memory "journal" of committed
// commands, and synchronous delivery to listeners in journal order, as the engine does. A restart is
// a new FakeEngine over the same journal that replays it from a "snapshot" sequence, delivering the
// replayed batches exactly like ExchangeEngine.start().

import { Prng } from '@parite/kernel';
import { ExchangeCore, type CommittedCommand, type CommittedListener, type ExchangeCommand } from '@parite/exchange';
import type { ReadCommitted } from '../../src/projector.ts';
import { adminCommand, randomCommand, setupCommands } from './workload.ts';

/** Commands per delivered batch during a start-up replay. */
export const replayBatchMax = 64;
/** Commands per batch a readCommitted read yields. */
export const readBatchMax = 50;

export class FakeEngine {
  readonly core = new ExchangeCore({ bookKind: 'fast' });
  private readonly listeners = new Set<CommittedListener>();
  private timestampMs = 1_700_000_000_000;
  /** While true, commands are journalled but not delivered (listeners lag behind the journal). */
  paused = false;

  constructor(readonly journal: CommittedCommand[] = []) {}

  get state() { return this.core.state; }
  get lastSequence(): bigint { return BigInt(this.journal.length); }

  subscribe(listener: CommittedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** One group commit: every accepted command is journalled, then the batch is delivered. */
  run(commands: readonly ExchangeCommand[]): CommittedCommand[] {
    const batch: CommittedCommand[] = [];
    for (const command of commands) {
      this.timestampMs += 7;
      const result = this.core.execute(command, this.timestampMs);
      if (result.code !== 'OK') continue;
      const committed: CommittedCommand = { sequence: this.lastSequence + 1n, timestampMs: this.timestampMs, command,
        result };
      this.journal.push(committed);
      batch.push(committed);
    }
    if (batch.length > 0 && !this.paused) for (const listener of this.listeners) listener(batch);
    return batch;
  }

  /** Runs the setup, then `count` random commands in group commits of 1 to 8. */
  runWorkload(seed: number, count: number, includeSetup = true): void {
    const prng = new Prng(seed);
    if (includeSetup) this.run(setupCommands());
    let index = 0;
    while (index < count) {
      const size = prng.nextIntegerInclusive(1, 8);
      const commands: ExchangeCommand[] = [];
      for (let step = 0; step < size && index < count; step++, index++) {
        commands.push(adminCommand(index + seed * 1000) ?? randomCommand(prng, index + seed * 100_000, this.state));
      }
      this.run(commands);
    }
  }

  /** A restarted engine: state rebuilt silently up to `snapshotSequence`, the rest replayed to listeners. */
  static restarted(journal: CommittedCommand[]): FakeEngine {
    const engine = new FakeEngine([]);
    engine.timestampMs = journal[journal.length - 1]?.timestampMs ?? engine.timestampMs;
    for (const committed of journal) engine.core.execute(committed.command, committed.timestampMs);
    engine.journal.push(...journal);
    return engine;
  }

  /** What ExchangeEngine.start() delivers: every journalled batch after the snapshot. */
  replay(snapshotSequence: bigint): void {
    const after = this.journal.filter((committed) => committed.sequence > snapshotSequence);
    for (let start = 0; start < after.length; start += replayBatchMax) {
      const batch = after.slice(start, start + replayBatchMax);
      for (const listener of this.listeners) listener(batch);
    }
  }

  readonly readCommitted: ReadCommitted = (afterSequence) => {
    const journal = this.journal;
    return (async function* read() {
      // Reads up to the end seen when the read starts, like a journal adapter.
      const end = journal.length;
      for (let start = Number(afterSequence); start < end; start += readBatchMax) {
        await Promise.resolve();
        yield journal.slice(start, Math.min(end, start + readBatchMax));
      }
    })();
  };
}
