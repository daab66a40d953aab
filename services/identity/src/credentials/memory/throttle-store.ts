// In-memory ThrottleStore for one process (tests, embedded mode). Several instances share the
// PostgreSQL one. Bounded: when full, the oldest counters go first (an attacker filling the
// table with fresh keys only forgets counters older than their own).
import { assert, OldestFirstMap } from '@parite/kernel';
import { emptyThrottleState, type ThrottleState } from '../domain/throttle.ts';
import type { ThrottleStore } from '../app/ports.ts';

export const memoryThrottleEntriesMax = 100_000;

export class MemoryThrottleStore implements ThrottleStore {
  /** Not a plain Map: finding its oldest entry skips every earlier deletion's hole (kernel/oldest-first-map.ts). */
  private readonly counters = new OldestFirstMap<string, ThrottleState>();

  constructor(private readonly entriesMax: number = memoryThrottleEntriesMax) {
    assert(Number.isSafeInteger(entriesMax) && entriesMax > 0, 'entriesMax must be a positive integer');
  }

  async read(key: string, nowMs: number, windowMs: number): Promise<ThrottleState> {
    return this.current(key, nowMs, windowMs);
  }

  async claim(key: string, expectedFailures: number, nowMs: number, windowMs: number): Promise<boolean> {
    // No await between the compare and the set: that is what makes it atomic here.
    const current = this.current(key, nowMs, windowMs);
    if (current.failures !== expectedFailures) return false;
    // Re-inserted at the end: the order is then least recently attempted first.
    this.counters.delete(key);
    if (this.counters.size >= this.entriesMax) this.counters.deleteOldest();
    this.counters.set(key, { failures: expectedFailures + 1, lastAttemptAtMs: nowMs });
    return true;
  }

  async release(key: string): Promise<void> {
    const state = this.counters.get(key);
    if (state !== undefined) this.counters.set(key, { ...state, failures: Math.max(0, state.failures - 1) });
  }

  async clear(key: string): Promise<void> {
    this.counters.delete(key);
  }

  private current(key: string, nowMs: number, windowMs: number): ThrottleState {
    const state = this.counters.get(key);
    return state === undefined || nowMs - state.lastAttemptAtMs >= windowMs ? emptyThrottleState : state;
  }

  get size(): number {
    return this.counters.size;
  }
}
