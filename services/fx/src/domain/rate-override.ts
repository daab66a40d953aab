// A manual override of one pair by the dealing desk, always with an expiry so a forgotten override
// cannot price customers for ever. It can fix the mid (feeds broken, market closed) and/or widen
// both margins. The composition reports every overridden rate as such.

import type { PairSymbol } from './rate.ts';
import { isRateUnits } from './rate-math.ts';
import { marginPpmMax } from './limits.ts';

export interface RateOverride {
  readonly pair: PairSymbol;
  /** The mid to price from instead of the market; undefined keeps the market mid. */
  readonly midUnits: number | undefined;
  readonly extraBuyPpm: number;
  readonly extraSellPpm: number;
  /** The override stops applying at this instant (exclusive). */
  readonly expiresAtMs: number;
  /** Who set it and why, for the alert and the admin console (the app audits the action). */
  readonly reference: string;
}

export type OverrideProblem = 'OVERRIDE_UNKNOWN_PAIR' | 'OVERRIDE_INVALID' | 'OVERRIDE_EXPIRED' | 'OVERRIDE_OUT_OF_RANGE';

/** Longest override accepted: a day; the desk renews it deliberately if it must last longer. */
export const overrideDurationMsMax = 24 * 3_600_000;

export function overrideProblem(
  override: RateOverride,
  nowMs: number,
  saneRange: { saneMinUnits: number; saneMaxUnits: number } | undefined,
): OverrideProblem | undefined {
  if (saneRange === undefined) return 'OVERRIDE_UNKNOWN_PAIR';
  const margin = (value: number) => Number.isSafeInteger(value) && value >= 0 && value <= marginPpmMax;
  if (!margin(override.extraBuyPpm) || !margin(override.extraSellPpm) || !Number.isSafeInteger(override.expiresAtMs)) {
    return 'OVERRIDE_INVALID';
  }
  if (override.midUnits === undefined && override.extraBuyPpm === 0 && override.extraSellPpm === 0) return 'OVERRIDE_INVALID';
  if (override.expiresAtMs <= nowMs || override.expiresAtMs - nowMs > overrideDurationMsMax) return 'OVERRIDE_EXPIRED';
  if (override.midUnits !== undefined) {
    if (!isRateUnits(override.midUnits)) return 'OVERRIDE_OUT_OF_RANGE';
    if (override.midUnits < saneRange.saneMinUnits || override.midUnits > saneRange.saneMaxUnits) return 'OVERRIDE_OUT_OF_RANGE';
  }
  return undefined;
}
