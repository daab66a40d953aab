// Ports for what follows a cycle: the bulk cache write (Redis and PostgreSQL adapters live
// elsewhere; 10 s expiry in production) and the publication to subscribers. The engine writes the
// cache first and publishes only after the write succeeded, so a subscriber told about a cycle can
// always read its rates.

import { formatDecimalFixed } from '@parite/kernel';
import type { PairRate, RateCycle, RateVariation } from '../domain/rate-cycle.ts';

export interface RateCachePort {
  /** Writes every entry of the cycle in one bulk operation, expiring at cycle.validUntilMs. */
  writeCycle(cycle: RateCycle): Promise<void>;
}

export interface RateCyclePublisher {
  publish(cycle: RateCycle): Promise<void>;
}

export interface RateCacheEntry {
  readonly key: string;
  /** JSON with rates as decimal strings at the pair's precision (the API edge format). */
  readonly value: string;
}

export const rateCacheKeyPrefix = 'fx:rate:';
export const rateCacheLatestCycleKey = 'fx:cycle:latest';

export function rateCacheKey(pair: string, segment: string, tierId: string): string {
  return `${rateCacheKeyPrefix}${pair}:${segment}:${tierId}`;
}

/** One entry per pair x segment x tier, plus the latest cycle's summary. */
export function rateCacheEntries(cycle: RateCycle): RateCacheEntry[] {
  const entries: RateCacheEntry[] = [];
  for (const rate of cycle.rates) {
    for (const variation of rate.variations) {
      entries.push({ key: rateCacheKey(rate.pair, variation.segment, variation.tierId),
        value: serializeVariation(cycle, rate, variation) });
    }
  }
  entries.push({ key: rateCacheLatestCycleKey, value: JSON.stringify({ cycleId: cycle.cycleId, sequence: cycle.sequence,
    atMs: cycle.atMs, validUntilMs: cycle.validUntilMs, pairs: cycle.rates.length }) });
  return entries;
}

function serializeVariation(cycle: RateCycle, rate: PairRate, variation: RateVariation): string {
  const digits = rate.precisionDigits;
  const step = 10 ** (8 - digits);
  return JSON.stringify({
    cycleId: cycle.cycleId,
    pair: rate.pair,
    segment: variation.segment,
    tierId: variation.tierId,
    buy: formatDecimalFixed(BigInt(variation.buyUnits / step), digits),
    sell: formatDecimalFixed(BigInt(variation.sellUnits / step), digits),
    mid: formatDecimalFixed(BigInt(rate.midUnits), 8),
    atMs: cycle.atMs,
    validUntilMs: cycle.validUntilMs,
    overridden: rate.overrideReference !== undefined,
  });
}
