// The customer-facing form of one rate variation: decimal strings at the pair's precision (the API
// edge format) plus the exact integer units they stand for. Built from a cycle, from a cache entry or
// from a history row, so every read path answers the same shape.

import { formatDecimalFixed, parseDecimal } from '@parite/kernel';
import type { PairRate, RateVariation } from '../domain/rate-cycle.ts';
import { rateScale } from '../domain/rate.ts';
import type { StoredRate } from './rate-history-port.ts';

export interface CustomerRate {
  readonly pair: string;
  readonly segment: string;
  readonly tierId: string;
  /** The customer buys the base currency at this rate. */
  readonly buy: string;
  /** The customer sells the base currency at this rate. */
  readonly sell: string;
  readonly mid: string;
  readonly buyUnits: number;
  readonly sellUnits: number;
  readonly cycleId: string;
  readonly atMs: number;
  readonly validUntilMs: number;
  readonly overridden: boolean;
}

/** Where a read was answered from. */
export type RateOrigin = 'cache' | 'database';

/** Units at scale 10^-8 as text with exactly `digits` decimals (the value is a multiple of the step). */
export function rateText(units: number, digits: number): string {
  const step = 10 ** (rateScale - digits);
  return formatDecimalFixed(BigInt(Math.floor(units / step)), digits);
}

export function unitsOfRateText(text: string): number {
  const parsed = parseDecimal(text, rateScale);
  if (!parsed.ok) throw new Error(`not a rate: ${text}`);
  return Number(parsed.value);
}

export function customerRateOfCycle(cycle: { cycleId: string; atMs: number; validUntilMs: number }, rate: PairRate,
  variation: RateVariation): CustomerRate {
  return { pair: rate.pair, segment: variation.segment, tierId: variation.tierId,
    buy: rateText(variation.buyUnits, rate.precisionDigits), sell: rateText(variation.sellUnits, rate.precisionDigits),
    mid: rateText(rate.midUnits, rateScale), buyUnits: variation.buyUnits, sellUnits: variation.sellUnits,
    cycleId: cycle.cycleId, atMs: cycle.atMs, validUntilMs: cycle.validUntilMs, overridden: rate.overrideReference !== undefined };
}

export function customerRateOfStored(stored: StoredRate): CustomerRate {
  return { pair: stored.pair, segment: stored.segment, tierId: stored.tierId,
    buy: rateText(stored.buyUnits, stored.precisionDigits), sell: rateText(stored.sellUnits, stored.precisionDigits),
    mid: rateText(stored.midUnits, rateScale), buyUnits: stored.buyUnits, sellUnits: stored.sellUnits,
    cycleId: stored.cycleId, atMs: stored.atMs, validUntilMs: stored.validUntilMs,
    overridden: stored.overrideReference !== undefined };
}
