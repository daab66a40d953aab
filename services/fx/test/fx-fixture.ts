// Shared fixture of the rate-engine tests: a small settings document with round margins so the
// expected rates can be worked out by hand, a tick factory with unique references, and instants in
// Istanbul time (UTC+3).

import type {
  FxEngineSettings, MarginSchedule, PairRate, PairSettings, ProviderTick, RateCycle, RateVariation, SourceSettings,
} from '../src/index.ts';
import { crossedPair, quotedPair, rateUnitsOf, sourceFor, turkishHolidayCalendar } from '../src/index.ts';

/** An instant given as Istanbul local date and time: istanbul('2026-03-04', '10:00'). */
export function istanbul(date: string, time: string): number {
  return Date.parse(`${date}T${time}:00+03:00`);
}

/** Wednesday 4 March 2026, 10:00 in Istanbul: business hours, no holiday. */
export const businessMorning = istanbul('2026-03-04', '10:00');

export const units = rateUnitsOf;

export function testMargins(overrides: Partial<MarginSchedule> = {}): MarginSchedule {
  return {
    base: {
      retail: { T1: { buyPpm: 10_000, sellPpm: 8_000 }, T2: { buyPpm: 5_000, sellPpm: 4_000 } },
      corporate: { T1: { buyPpm: 2_000, sellPpm: 2_000 }, T2: { buyPpm: 1_000, sellPpm: 1_000 } },
    },
    sessionAdd: {
      'out-of-hours': { buyPpm: 1_000, sellPpm: 1_000 },
      weekend: { buyPpm: 3_000, sellPpm: 3_000 },
      holiday: { buyPpm: 4_000, sellPpm: 4_000 },
    },
    volatilitySteps: [{ volatilityPpmMin: 10_000, addPpm: 2_000 }, { volatilityPpmMin: 50_000, addPpm: 10_000 }],
    ...overrides,
  };
}

export interface TestSettingsOptions {
  readonly sources?: readonly SourceSettings[];
  readonly pairs?: readonly PairSettings[];
  readonly clampToMarket?: boolean;
}

/** Sources A and B (priority 1) and C (priority 2) quote USD/TRY, EUR/USD and XAU/TRY; EUR/TRY is crossed. */
export function testSettings(options: TestSettingsOptions = {}): FxEngineSettings {
  const quoted = ['USD/TRY', 'EUR/USD', 'XAU/TRY'];
  const confirm = { spikeConfirmationTicks: 3 };
  const clamp = { clampToMarket: options.clampToMarket ?? false };
  return {
    sources: options.sources ?? [
      sourceFor('A', 1, quoted, 2_000, confirm),
      sourceFor('B', 1, quoted, 2_000, confirm),
      sourceFor('C', 2, quoted, 2_000, confirm),
    ],
    pairs: options.pairs ?? [
      quotedPair('USD/TRY', 4, '5', '500', clamp),
      quotedPair('EUR/USD', 5, '0.5', '2.5', clamp),
      quotedPair('XAU/TRY', 2, '10000', '10000000', clamp),
      crossedPair('EUR/TRY', 4, ['EUR/USD', 'USD/TRY'], '5', '600', clamp),
    ],
    tiers: [{ tierId: 'T1', upToBaseUnits: 10_000 }, { tierId: 'T2', upToBaseUnits: null }],
    segments: ['retail', 'corporate'],
    defaultMargins: testMargins(),
    businessHours: { openMinute: 9 * 60, closeMinute: 18 * 60, weekdays: [1, 2, 3, 4, 5] },
    calendar: turkishHolidayCalendar,
    clockSkewToleranceMs: 1_000,
    rateValidityMs: 10_000,
  };
}

/** Makes ticks with unique references per source; times default to `atMs` for both stamps. */
export class TickFactory {
  private sequence = 0;

  tick(sourceId: string, pair: string, bid: string, ask: string, atMs: number,
    overrides: Partial<ProviderTick> = {}): ProviderTick {
    this.sequence++;
    return {
      sourceId, pair, bidUnits: units(bid), askUnits: units(ask), sourceTimeMs: atMs, receiveTimeMs: atMs,
      sourceReference: `${sourceId}:${this.sequence}`, ...overrides,
    };
  }

  /** The same quote `count` times, 10 ms apart from `atMs`: enough to warm a source's history. */
  steady(sourceId: string, pair: string, bid: string, ask: string, atMs: number, count = 5): ProviderTick[] {
    return Array.from({ length: count }, (_, index) => this.tick(sourceId, pair, bid, ask, atMs + index * 10));
  }
}

/** The variation of `pair` for segment and tier in a cycle's rates. */
export function variationOf(cycle: RateCycle, pair: string, segment = 'retail', tierId = 'T1'): RateVariation {
  const rate = cycle.rates.find((candidate) => candidate.pair === pair);
  const variation = rate?.variations.find((candidate) => candidate.segment === segment && candidate.tierId === tierId);
  if (variation === undefined) throw new Error(`no ${pair} ${segment} ${tierId} in the cycle`);
  return variation;
}

/** The pair's rate in a cycle. */
export function rateOf(cycle: RateCycle, pair: string): PairRate {
  const rate = cycle.rates.find((candidate) => candidate.pair === pair);
  if (rate === undefined) throw new Error(`no ${pair} in the cycle`);
  return rate;
}
