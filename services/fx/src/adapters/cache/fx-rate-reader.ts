// The customer read path: the cache first, PostgreSQL (the latest valid history rows) when the cache
// misses, fails or is slow. After a cache failure the reader goes straight to PostgreSQL for
// `cacheRetryAfterMs` before trying the cache again, so a dead Redis costs each read nothing.

import type { Clock } from '@parite/kernel';
import type { Cache } from '@parite/platform';
import { rateCacheKey } from '../../app/rate-cycle-ports.ts';
import type { RateHistoryStore } from '../../app/rate-history-port.ts';
import {
  customerRateOfStored, unitsOfRateText, type CustomerRate, type RateOrigin,
} from '../../app/customer-rate-view.ts';
import { rateListCacheKey, type RateListEntry } from './cache-rate-writer.ts';
import { withTimeout } from './with-timeout.ts';

export const cacheReadTimeoutMsDefault = 100;
export const cacheRetryAfterMsDefault = 1_000;

export interface FxRateReaderOptions {
  readonly cache: Cache;
  readonly history: RateHistoryStore;
  readonly clock: Clock;
  /** How far back the PostgreSQL fallback looks for a still-valid cycle: the rate validity (10 s). */
  readonly lookbackMs: () => number;
  readonly readTimeoutMs?: number;
  readonly cacheRetryAfterMs?: number;
}

export interface RateReadCounters {
  readonly fromCache: number;
  readonly fromDatabase: number;
  readonly cacheFailures: number;
}

export interface RateList {
  readonly origin: RateOrigin;
  readonly rates: readonly CustomerRate[];
}

interface CachedVariation {
  cycleId: string; pair: string; segment: string; tierId: string; buy: string; sell: string; mid: string;
  atMs: number; validUntilMs: number; overridden: boolean;
}

export class FxRateReader {
  private cacheSkippedUntilMs = 0;
  private readonly counters = { fromCache: 0, fromDatabase: 0, cacheFailures: 0 };

  constructor(private readonly options: FxRateReaderOptions) {}

  /** Every pair's current rate for the segment and tier. */
  async currentRates(segment: string, tierId: string): Promise<RateList> {
    const nowMs = this.options.clock.nowMs();
    const cached = await this.fromCache(rateListCacheKey(segment, tierId));
    if (cached !== undefined) {
      const list = JSON.parse(cached) as RateListEntry;
      if (list.validUntilMs > nowMs) {
        this.counters.fromCache++;
        return { origin: 'cache', rates: list.rates };
      }
    }
    const stored = await this.options.history.currentRates(segment, tierId, nowMs, this.options.lookbackMs());
    this.counters.fromDatabase++;
    return { origin: 'database', rates: stored.map(customerRateOfStored) };
  }

  /** One pair's current rate, or undefined when it has none in force. */
  async currentRate(pair: string, segment: string, tierId: string): Promise<{ origin: RateOrigin; rate: CustomerRate } | undefined> {
    const nowMs = this.options.clock.nowMs();
    const cached = await this.fromCache(rateCacheKey(pair, segment, tierId));
    if (cached !== undefined) {
      const entry = JSON.parse(cached) as CachedVariation;
      if (entry.validUntilMs > nowMs) {
        this.counters.fromCache++;
        return { origin: 'cache', rate: { ...entry, buyUnits: unitsOfRateText(entry.buy), sellUnits: unitsOfRateText(entry.sell) } };
      }
    }
    const stored = await this.options.history.rateAt(pair, segment, tierId, nowMs);
    this.counters.fromDatabase++;
    return stored === undefined ? undefined : { origin: 'database', rate: customerRateOfStored(stored) };
  }

  private async fromCache(key: string): Promise<string | undefined> {
    if (this.options.clock.nowMs() < this.cacheSkippedUntilMs) return undefined;
    try {
      return await withTimeout(this.options.cache.get(key), this.options.readTimeoutMs ?? cacheReadTimeoutMsDefault, 'rate cache read');
    } catch {
      this.counters.cacheFailures++;
      this.cacheSkippedUntilMs = this.options.clock.nowMs() + (this.options.cacheRetryAfterMs ?? cacheRetryAfterMsDefault);
      return undefined;
    }
  }

  readCounters(): RateReadCounters {
    return { ...this.counters };
  }
}
