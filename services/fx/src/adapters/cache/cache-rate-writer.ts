// The RateCachePort over the platform Cache (RedisCache in production, MemoryCache embedded): every
// variation of a cycle, plus one list entry per segment x tier for the public rate board, written in
// bulk (setMany batches) with the cycle's validity as expiry (10 s in production).
//
// When the cache write fails or times out, the cycle is written to PostgreSQL instead (the same
// idempotent history insert the bus consumer makes) before the engine publishes: a subscriber is
// never told of rates it cannot read, and readers fall back to PostgreSQL. Only when both fail does
// writeCycle throw (the engine then counts the failure and publishes nothing). The next cycle after
// the cache is back refills it completely: no reader has to repopulate it.

import type { Clock } from '@parite/kernel';
import { cacheSetManyBatchMax, type Cache, type CacheEntry } from '@parite/platform';
import type { RateCycle } from '../../domain/rate-cycle.ts';
import type { RateCachePort } from '../../app/rate-cycle-ports.ts';
import { rateCacheEntries } from '../../app/rate-cycle-ports.ts';
import type { RateHistoryStore } from '../../app/rate-history-port.ts';
import { customerRateOfCycle, type CustomerRate } from '../../app/customer-rate-view.ts';
import { withTimeout } from './with-timeout.ts';

export const rateListCacheKeyPrefix = 'fx:rates:';
export const cacheWriteTimeoutMsDefault = 1_000;

export function rateListCacheKey(segment: string, tierId: string): string {
  return `${rateListCacheKeyPrefix}${segment}:${tierId}`;
}

/** The public rate board entry: every pair's rate for one segment and tier. */
export interface RateListEntry {
  readonly cycleId: string;
  readonly atMs: number;
  readonly validUntilMs: number;
  readonly rates: readonly CustomerRate[];
}

export interface CacheRateWriterOptions {
  readonly cache: Cache;
  /** The PostgreSQL fallback when the cache write fails. */
  readonly history: RateHistoryStore;
  readonly clock: Clock;
  readonly writeTimeoutMs?: number;
  /** Told when the cache goes down (with the error) and when a write succeeds again. */
  readonly onCacheState?: (healthy: boolean, error: unknown) => void;
}

export class CacheRateWriter implements RateCachePort {
  private healthy = true;
  writesToCache = 0;
  writesToDatabase = 0;

  constructor(private readonly options: CacheRateWriterOptions) {}

  get cacheHealthy(): boolean {
    return this.healthy;
  }

  async writeCycle(cycle: RateCycle): Promise<void> {
    try {
      await withTimeout(this.writeToCache(cycle), this.options.writeTimeoutMs ?? cacheWriteTimeoutMsDefault, 'rate cache write');
      this.writesToCache++;
      if (!this.healthy) {
        this.healthy = true;
        this.options.onCacheState?.(true, undefined);
      }
    } catch (error) {
      if (this.healthy) {
        this.healthy = false;
        this.options.onCacheState?.(false, error);
      }
      await this.options.history.insertCycle(cycle);
      this.writesToDatabase++;
    }
  }

  private async writeToCache(cycle: RateCycle): Promise<void> {
    const ttlMs = Math.max(1, cycle.validUntilMs - this.options.clock.nowMs());
    const entries: CacheEntry[] = rateCacheEntries(cycle).map((entry) => ({ key: entry.key, value: entry.value, ttlMs }));
    for (const [key, list] of rateLists(cycle)) entries.push({ key, value: JSON.stringify(list), ttlMs });
    for (let start = 0; start < entries.length; start += cacheSetManyBatchMax) {
      await this.options.cache.setMany(entries.slice(start, start + cacheSetManyBatchMax));
    }
  }
}

function rateLists(cycle: RateCycle): Map<string, RateListEntry> {
  const lists = new Map<string, { cycleId: string; atMs: number; validUntilMs: number; rates: CustomerRate[] }>();
  for (const rate of cycle.rates) {
    for (const variation of rate.variations) {
      const key = rateListCacheKey(variation.segment, variation.tierId);
      let list = lists.get(key);
      if (list === undefined) {
        lists.set(key, (list = { cycleId: cycle.cycleId, atMs: cycle.atMs, validUntilMs: cycle.validUntilMs, rates: [] }));
      }
      list.rates.push(customerRateOfCycle(cycle, rate, variation));
    }
  }
  return lists;
}
