// In-memory ReplayGuard for one process (Redis SET NX PX replaces it when several serve traffic).
import { ServiceError } from '@parite/contracts';
import { assert, OldestFirstMap, systemClock, type Clock } from '@parite/kernel';
import type { ReplayGuard } from '../../app/ports.ts';

/** At a 10 s memory (2 x the default window) this holds 20,000 signed requests per second. */
export const memoryReplayGuardEntriesMax = 200_000;
/** Expired entries dropped per call; more than one per call so the table always drains. */
const purgeBatchMax = 64;

export class MemoryReplayGuard implements ReplayGuard {
  // Insertion order is expiry order as long as the TTL is the same for every key, which it is
  // (2 x the receive window); a longer-lived entry at the front only delays purging. Not a plain
  // Map: finding its oldest entry skips every earlier deletion's hole (kernel/oldest-first-map.ts).
  private readonly expiries = new OldestFirstMap<string, number>();

  constructor(
    private readonly clock: Clock = systemClock,
    private readonly entriesMax: number = memoryReplayGuardEntriesMax,
  ) {
    assert(Number.isSafeInteger(entriesMax) && entriesMax > 0, 'entriesMax must be a positive integer');
  }

  firstSeen(key: string, ttlMs: number): Promise<boolean> {
    const nowMs = this.clock.nowMs();
    this.purge(nowMs);
    const expiresAtMs = this.expiries.get(key);
    if (expiresAtMs !== undefined && expiresAtMs > nowMs) return Promise.resolve(false);
    // Fail closed: forgetting a live signature would let that request be replayed.
    if (this.expiries.size >= this.entriesMax) return Promise.reject(new ServiceError('SERVICE_OVERLOADED', { dependency: 'replay-guard' }));
    this.expiries.set(key, nowMs + ttlMs);
    return Promise.resolve(true);
  }

  get size(): number {
    return this.expiries.size;
  }

  private purge(nowMs: number): void {
    for (let purged = 0; purged < purgeBatchMax; purged++) {
      const oldest = this.expiries.oldestKey();
      if (oldest === undefined || (this.expiries.get(oldest) as number) > nowMs) return;
      this.expiries.deleteOldest();
    }
  }
}
