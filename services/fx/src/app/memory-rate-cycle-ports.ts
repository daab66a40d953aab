// In-memory implementations of the cycle ports, for tests, the benchmark and a single-process dev
// server. The cache stores the same serialized entries a Redis adapter would write and honours the
// cycle's expiry on read.

import type { RateCycle } from '../domain/rate-cycle.ts';
import type { RateCacheEntry, RateCachePort, RateCyclePublisher } from './rate-cycle-ports.ts';
import { rateCacheEntries } from './rate-cycle-ports.ts';

export class MemoryRateCache implements RateCachePort {
  private readonly entries = new Map<string, { value: string; expiresAtMs: number }>();
  writes = 0;

  async writeCycle(cycle: RateCycle): Promise<void> {
    this.writeEntries(rateCacheEntries(cycle), cycle.validUntilMs);
  }

  writeEntries(entries: readonly RateCacheEntry[], expiresAtMs: number): void {
    for (const entry of entries) this.entries.set(entry.key, { value: entry.value, expiresAtMs });
    this.writes++;
  }

  /** The value under `key` unless it expired at `nowMs`. */
  read(key: string, nowMs: number): string | undefined {
    const entry = this.entries.get(key);
    return entry === undefined || nowMs >= entry.expiresAtMs ? undefined : entry.value;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Keeps the last `retainedMax` cycles it was given, in order. */
export class MemoryRateCyclePublisher implements RateCyclePublisher {
  readonly published: RateCycle[] = [];

  constructor(private readonly retainedMax = 64) {}

  async publish(cycle: RateCycle): Promise<void> {
    this.published.push(cycle);
    if (this.published.length > this.retainedMax) this.published.shift();
  }
}
