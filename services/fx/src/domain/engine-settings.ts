// The settings document of the rate engine, as plain JSON-shaped data the admin API will manage:
// sources (priority, enabled, per-pair max age), pairs (sane range, tolerances, precision, crosses),
// amount tiers, customer segments, margin schedules, business hours and the holiday calendar.
// `engineSettingsProblems` explains what is wrong in words an operator can act on;
// `compileEngineSettings` turns a valid document into lookup structures for the hot path.

import type { PairSymbol } from './rate.ts';
import type { HolidayCalendar } from './holiday-calendar.ts';
import type { BusinessHours, MarketSessionKind } from './market-session.ts';

export interface SourcePairSettings {
  readonly pair: PairSymbol;
  /** A disabled source-pair still has its ticks filtered (its history stays warm) but is never selected. */
  readonly enabled: boolean;
  /** The source's quote for this pair is stale once older than this (by its own timestamp). */
  readonly maxAgeMs: number;
}

export interface SourceSettings {
  readonly sourceId: string;
  readonly enabled: boolean;
  /** 1 is the most trusted; sources of equal priority compete on price. */
  readonly priority: number;
  /** Accepted quotes averaged into the source's price: 5 = the latest and its previous four; 1 = none (TCMB). */
  readonly smoothingDepth: number;
  /** Consecutive consistent ticks that make a sustained move (or a cold start) believable on its own. */
  readonly spikeConfirmationTicks: number;
  readonly pairs: readonly SourcePairSettings[];
}

export interface MarginPair {
  /** Added above the mid for the customer's buy rate, in ppm of the mid. */
  readonly buyPpm: number;
  /** Taken below the mid for the customer's sell rate, in ppm of the mid. */
  readonly sellPpm: number;
}

export interface VolatilityStep {
  /** From this short-term volatility (high-low range over the window, ppm of the latest mid) ... */
  readonly volatilityPpmMin: number;
  /** ... both margins widen by this many ppm. The highest step reached applies. */
  readonly addPpm: number;
}

export type ClosedSessionKind = Exclude<MarketSessionKind, 'business-hours'>;

export interface MarginSchedule {
  /** base[segment][tierId]: the business-hours margins. */
  readonly base: Readonly<Record<string, Readonly<Record<string, MarginPair>>>>;
  /** Added to the base outside business hours, at weekends and on holidays (half-day afternoons included). */
  readonly sessionAdd: Readonly<Record<ClosedSessionKind, MarginPair>>;
  /** Ascending volatilityPpmMin. */
  readonly volatilitySteps: readonly VolatilityStep[];
}

export interface PairSettings {
  readonly pair: PairSymbol;
  /** Digits the customer rate shows: TRY pairs 4, EUR/USD 5, XAU/TRY 2. */
  readonly precisionDigits: number;
  /** Fat-finger bounds: a bid or ask outside [min, max] is absurd. */
  readonly saneMinUnits: number;
  readonly saneMaxUnits: number;
  /** A tick whose mid moves more than this from the source's smoothed mid is a suspected spike. */
  readonly spikeTolerancePpm: number;
  /** A suspected move larger than this is never confirmed by the source alone (x10 and /10 stay out). */
  readonly spikeSelfConfirmMovePpmMax: number;
  /** A source further than this from the median of the others is dropped for the cycle. */
  readonly crossSourceTolerancePpm: number;
  /** How long the pair may have no eligible source before an alert is raised. */
  readonly noSourceAlertAfterMs: number;
  /** The window of the volatility measure. */
  readonly volatilityWindowMs: number;
  /** Set for pairs no source quotes: priced only as the product of these legs (e.g. EUR/USD, USD/TRY). */
  readonly crossLegs: readonly PairSymbol[] | undefined;
  /** The pair's own margin schedule; undefined uses the engine's default schedule. */
  readonly margins: MarginSchedule | undefined;
  /** Never quote inside the market: buy at least the market ask, sell at most the market bid. */
  readonly clampToMarket: boolean;
}

export interface AmountTier {
  readonly tierId: string;
  /** Up to and including this many whole units of the base currency; null for the open-ended top tier. */
  readonly upToBaseUnits: number | null;
}

export interface FxEngineSettings {
  readonly sources: readonly SourceSettings[];
  readonly pairs: readonly PairSettings[];
  /** Ascending upToBaseUnits, the last one open-ended. */
  readonly tiers: readonly AmountTier[];
  /** e.g. retail, private, corporate. */
  readonly segments: readonly string[];
  readonly defaultMargins: MarginSchedule;
  readonly businessHours: BusinessHours;
  readonly calendar: HolidayCalendar;
  /** A tick stamped further than this in the future of its receive time is refused. */
  readonly clockSkewToleranceMs: number;
  /** Published rates are valid this long after their cycle (the cache expiry; 10 s in production). */
  readonly rateValidityMs: number;
}

/** The tier whose range holds `baseUnits` whole units of the base currency. */
export function tierForAmount(tiers: readonly AmountTier[], baseUnits: number): AmountTier {
  for (const tier of tiers) if (tier.upToBaseUnits === null || baseUnits <= tier.upToBaseUnits) return tier;
  throw new Error('tiers must end with an open-ended tier');
}
