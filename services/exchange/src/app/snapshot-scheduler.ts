// Periodic snapshots bound recovery time. The state is captured synchronously (it must match one
// sequence exactly) but saved only after that sequence is durable in the journal: a snapshot ahead
// of the journal would describe commands that a crash could still lose.

import { assert } from '@parite/kernel';
import type { ExchangeState } from '../domain/state.ts';
import {
  decodeSnapshot, encodeSnapshot, encodeSnapshotInSlices, restoreSnapshot, takeSnapshot,
} from '../domain/state-codec.ts';

export interface EngineSnapshotStore {
  save(sequence: bigint, data: Uint8Array): Promise<void>;
  loadLatest(): Promise<{ sequence: bigint; data: Uint8Array } | undefined>;
}

/** How long shutdown waits for the journal to make the last commands durable. */
export const durableWaitMsMax = 10_000;

/** Commands between two periodic snapshots unless the state holds more items (snapshotItems). */
export const snapshotEveryCommandsDefault = 100_000;

/**
 * How far the journal is durable: the engine's journal, or for a follower (the projector's thread,
 * which snapshots from its own replica) the extent the engine declared durable to it.
 */
export interface DurableExtent {
  readonly lastSequence: bigint;
}

/**
 * What a snapshot's size (and its encoding time) grows with: open orders and the remembered ids, up
 * to millions. A snapshot is due after everyCommands commands, or after as many commands as the state
 * holds items if that is more, so its cost per command stays bounded however large the state grows
 * (every 100,000 commands, two million remembered ids would cost tens of microseconds per command;
 * npm run bench memory measures the encoding). Replay after a crash is bounded the same way: at most
 * everyCommands, or as many commands as the state held items, since the snapshot it starts from.
 */
export function snapshotItems(state: ExchangeState): number {
  return state.orders.size + state.clientOrderIds.size + state.transferIds.size + state.conversionIds.size;
}

export class SnapshotScheduler {
  private lastSnapshotSequence = 0n;
  private inFlight: Promise<void> = Promise.resolve();
  private busy = false;

  constructor(
    private readonly store: EngineSnapshotStore,
    private readonly durability: DurableExtent,
    private readonly everyCommands: number,
  ) {}

  /** The state was restored from the snapshot at `sequence` (read elsewhere): the next one is due from there. */
  noteLatest(sequence: bigint): void {
    this.lastSnapshotSequence = sequence;
  }

  async loadLatest(bookKind: 'fast' | 'naive'): Promise<{ sequence: bigint; state: ExchangeState } | undefined> {
    const latest = await this.store.loadLatest();
    if (latest === undefined) return undefined;
    const snapshot = decodeSnapshot(latest.data);
    assert(snapshot.bookKind === bookKind || snapshot.bookKind !== undefined, 'snapshot without book kind');
    this.lastSnapshotSequence = latest.sequence;
    return { sequence: latest.sequence, state: restoreSnapshot({ ...snapshot, bookKind }) };
  }

  maybeSnapshot(state: ExchangeState, sequence: bigint, durable: Promise<bigint>): void {
    if (this.everyCommands <= 0 || this.busy) return;
    if (sequence - this.lastSnapshotSequence < BigInt(Math.max(this.everyCommands, snapshotItems(state)))) return;
    this.busy = true;
    // Captured now (it must match this sequence exactly); encoded in slices and saved later, so the
    // commands behind this one are not held up by a long encoding.
    const snapshot = takeSnapshot(state);
    this.lastSnapshotSequence = sequence;
    this.inFlight = durable.then(async () => this.store.save(sequence, await encodeSnapshotInSlices(snapshot))).catch(() => {
      // A failed snapshot costs only recovery time; the journal still holds everything.
    }).finally(() => {
      this.busy = false;
    });
  }

  async snapshotNow(state: ExchangeState, sequence: bigint): Promise<void> {
    await this.inFlight;
    if (sequence === this.lastSnapshotSequence) return;
    const data = encodeSnapshot(takeSnapshot(state));
    const deadline = Date.now() + durableWaitMsMax;
    while (this.durability.lastSequence < sequence && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    if (this.durability.lastSequence < sequence) return;
    await this.store.save(sequence, data);
    this.lastSnapshotSequence = sequence;
  }

  idle(): Promise<void> {
    return this.inFlight;
  }
}
