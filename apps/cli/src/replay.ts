// A fresh replay of the journal into a private ExchangeCore, from sequence 1, in steps: verify
// stops at the projections' checkpoint and at the snapshot's sequence to compare, then goes on.

import { decodeCommand, ExchangeCore, isJournalled, type ExchangeState } from '@parite/exchange';
import type { Journal } from '@parite/journal';

export class ReplayDivergence extends Error {
  override readonly name = 'ReplayDivergence';
}

export class JournalReplay {
  private readonly core = new ExchangeCore({ bookKind: 'fast' });
  private applied = 0n;
  private lastTimestamp = 0;

  constructor(private readonly journal: Journal) {}

  get state(): ExchangeState {
    return this.core.state;
  }

  get sequence(): bigint {
    return this.applied;
  }

  /** The engine timestamp of the last record applied. */
  get lastTimestampMs(): number {
    return this.lastTimestamp;
  }

  /** Applies every record up to `target` (at most the journal's last sequence). */
  async advanceTo(target: bigint): Promise<void> {
    await this.advanceWhile((record) => record.sequence <= target, target);
  }

  /** Applies records while their engine timestamp is at most `cutMs` (a cut across shard journals). */
  async advanceThroughTimestamp(cutMs: number): Promise<void> {
    await this.advanceWhile((record) => record.timestampMs <= cutMs);
  }

  private async advanceWhile(accept: (record: { sequence: bigint; timestampMs: number }) => boolean,
    target?: bigint): Promise<void> {
    if (target !== undefined && target <= this.applied) return;
    for await (const records of this.journal.read(this.applied)) {
      for (const record of records) {
        if (!accept(record)) return;
        if (record.sequence !== this.applied + 1n) {
          throw new ReplayDivergence(`the journal skips from ${this.applied} to ${record.sequence}`);
        }
        const result = this.core.execute(decodeCommand(record.payload), record.timestampMs);
        // Only accepted commands are journalled: a refusal now means the replay diverged.
        if (!isJournalled(result)) throw new ReplayDivergence(`journal record ${record.sequence} replays as ${result.code}${result.unchanged === true ? ' (unchanged)' : ''}`);
        this.applied = record.sequence;
        this.lastTimestamp = record.timestampMs;
      }
    }
  }
}
