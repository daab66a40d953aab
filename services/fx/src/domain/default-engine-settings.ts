// A complete, valid settings document: the starting point the admin API edits, and the fixture of
// tests and the benchmark. Figures are illustrative defaults, not a bank's price list.

import { assert, parseDecimal } from '@parite/kernel';
import { rateScale } from './rate.ts';
import type { PairSymbol } from './rate.ts';
import type { FxEngineSettings, MarginPair, MarginSchedule, PairSettings, SourceSettings } from './engine-settings.ts';
import { turkishHolidayCalendar } from './turkish-holidays.ts';

/** '34.1234' -> 3_412_340_000: decimal text to rate units, strictly (configuration and tests). */
export function rateUnitsOf(text: string): number {
  const parsed = parseDecimal(text, rateScale);
  assert(parsed.ok, `not a rate: ${text}`);
  return Number(parsed.value);
}

export const defaultSegments = ['retail', 'private', 'corporate'] as const;

/** A quoted pair with default tolerances; `overrides` replaces any field. */
export function quotedPair(pair: PairSymbol, precisionDigits: number, saneMin: string, saneMax: string,
  overrides: Partial<PairSettings> = {}): PairSettings {
  return {
    pair, precisionDigits,
    saneMinUnits: rateUnitsOf(saneMin), saneMaxUnits: rateUnitsOf(saneMax),
    spikeTolerancePpm: 20_000, spikeSelfConfirmMovePpmMax: 300_000, crossSourceTolerancePpm: 5_000,
    noSourceAlertAfterMs: 5_000, volatilityWindowMs: 60_000,
    crossLegs: undefined, margins: undefined, clampToMarket: true,
    ...overrides,
  };
}

export function crossedPair(pair: PairSymbol, precisionDigits: number, legs: readonly PairSymbol[], saneMin: string,
  saneMax: string, overrides: Partial<PairSettings> = {}): PairSettings {
  return quotedPair(pair, precisionDigits, saneMin, saneMax, { crossLegs: legs, ...overrides });
}

export function sourceFor(sourceId: string, priority: number, pairs: readonly PairSymbol[], maxAgeMs = 3_000,
  overrides: Partial<SourceSettings> = {}): SourceSettings {
  return {
    sourceId, enabled: true, priority, smoothingDepth: 5, spikeConfirmationTicks: 5,
    pairs: pairs.map((pair) => ({ pair, enabled: true, maxAgeMs })),
    ...overrides,
  };
}

function margin(buyPpm: number, sellPpm = buyPpm): MarginPair {
  return { buyPpm, sellPpm };
}

/** Retail pays the most; private banking 60 % of it, corporate 30 %; each higher tier less. */
export function defaultMarginSchedule(): MarginSchedule {
  const retail = [15_000, 10_000, 6_000, 4_000];
  const tierIds = ['T1', 'T2', 'T3', 'T4'];
  const bySegment = (sharePercent: number) =>
    Object.fromEntries(tierIds.map((tierId, index) => [tierId, margin((retail[index]! * sharePercent) / 100)]));
  return {
    base: { retail: bySegment(100), private: bySegment(60), corporate: bySegment(30) },
    sessionAdd: { 'out-of-hours': margin(2_000), weekend: margin(5_000), holiday: margin(5_000) },
    volatilitySteps: [
      { volatilityPpmMin: 5_000, addPpm: 1_000 },
      { volatilityPpmMin: 20_000, addPpm: 5_000 },
      { volatilityPpmMin: 50_000, addPpm: 15_000 },
    ],
  };
}

export function defaultFxEngineSettings(): FxEngineSettings {
  const quoted = ['USD/TRY', 'EUR/USD', 'GBP/USD', 'XAU/TRY'];
  return {
    sources: [
      sourceFor('INTEGRAL', 1, quoted),
      sourceFor('T360', 1, quoted),
      sourceFor('TRADAIR', 2, quoted),
      // TCMB's indicative daily bulletin as a last-resort reference: disabled until a bank decides
      // to price from it; a max age spanning a long bayram weekend, no smoothing of daily values.
      sourceFor('TCMB', 9, ['USD/TRY'], 4 * 24 * 3_600_000, { enabled: false, smoothingDepth: 1, spikeConfirmationTicks: 1 }),
    ],
    pairs: [
      quotedPair('USD/TRY', 4, '5', '500'),
      quotedPair('EUR/USD', 5, '0.5', '2.5'),
      quotedPair('GBP/USD', 5, '0.5', '3'),
      quotedPair('XAU/TRY', 2, '10000', '10000000'),
      crossedPair('EUR/TRY', 4, ['EUR/USD', 'USD/TRY'], '5', '600'),
      crossedPair('GBP/TRY', 4, ['GBP/USD', 'USD/TRY'], '5', '700'),
    ],
    tiers: [
      { tierId: 'T1', upToBaseUnits: 10_000 },
      { tierId: 'T2', upToBaseUnits: 100_000 },
      { tierId: 'T3', upToBaseUnits: 1_000_000 },
      { tierId: 'T4', upToBaseUnits: null },
    ],
    segments: [...defaultSegments],
    defaultMargins: defaultMarginSchedule(),
    businessHours: { openMinute: 9 * 60, closeMinute: 18 * 60, weekdays: [1, 2, 3, 4, 5] },
    calendar: turkishHolidayCalendar,
    clockSkewToleranceMs: 1_000,
    rateValidityMs: 10_000,
  };
}
