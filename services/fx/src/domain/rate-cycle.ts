// What one composition cycle produces: every customer rate variation (pair x segment x tier), the
// market price each came from and which sources made it, the sources dropped and why, and alerts.
// Plain data with safe-integer rates, so the cache, the bus and the admin console can all carry it.

import type { PairSymbol } from './rate.ts';
import type { MarketSession } from './market-session.ts';

export type DropReason =
  | 'SOURCE_DISABLED'
  | 'SOURCE_NO_QUOTE'
  | 'SOURCE_STALE'
  | 'SOURCE_DEVIATES'
  | 'CROSS_LEG_MISSING'
  | 'CROSS_OUT_OF_RANGE';

export interface DroppedSource {
  readonly pair: PairSymbol;
  /** The source, or for a cross pair the missing leg's symbol. */
  readonly sourceId: string;
  readonly reason: DropReason;
  /** For SOURCE_STALE: how old the source's latest accepted quote was. */
  readonly ageMs: number | undefined;
  /** For SOURCE_DEVIATES: distance from the reference (median of the others, or the other source). */
  readonly deviationPpm: number | undefined;
}

/** The interbank price a pair is composed from. */
export interface MarketQuote {
  readonly bidUnits: number;
  readonly askUnits: number;
  readonly midUnits: number;
  /** Sources that made this price (for a cross: every source of every leg). */
  readonly sourceIds: readonly string[];
  /** Which source gave the best bid and the best ask; undefined for a cross or an override. */
  readonly bidSourceId: string | undefined;
  readonly askSourceId: string | undefined;
}

export interface RateVariation {
  readonly segment: string;
  readonly tierId: string;
  /** Rate at which the customer buys the base currency (rounded up). */
  readonly buyUnits: number;
  /** Rate at which the customer sells the base currency (rounded down). */
  readonly sellUnits: number;
  /** The margins applied, all additions included and capped. */
  readonly buyMarginPpm: number;
  readonly sellMarginPpm: number;
}

export interface PairRate {
  readonly pair: PairSymbol;
  readonly precisionDigits: number;
  readonly midUnits: number;
  readonly marketBidUnits: number;
  readonly marketAskUnits: number;
  readonly sourceIds: readonly string[];
  readonly bidSourceId: string | undefined;
  readonly askSourceId: string | undefined;
  readonly crossLegs: readonly PairSymbol[] | undefined;
  readonly volatilityPpm: number;
  readonly wideningPpm: number;
  /** Set when a manual override applied; its reference names who set it. */
  readonly overrideReference: string | undefined;
  readonly variations: readonly RateVariation[];
}

export type RateAlertCode = 'PAIR_NO_ELIGIBLE_SOURCE' | 'PAIR_SOURCE_RESTORED' | 'PAIR_OVERRIDE_EXPIRED';

/** An alert the app layer turns into an event, a metric and an admin-console line. */
export interface RateAlert {
  readonly code: RateAlertCode;
  readonly severity: 'critical' | 'warning' | 'info';
  readonly pair: PairSymbol;
  readonly atMs: number;
  /** When the condition began (no eligible source since ...). */
  readonly sinceMs: number | undefined;
  readonly message: string;
}

export interface RateCycle {
  readonly cycleId: string;
  readonly sequence: number;
  readonly atMs: number;
  /** Rates of this cycle must not be shown or dealt on after this instant. */
  readonly validUntilMs: number;
  readonly session: MarketSession;
  readonly rates: readonly PairRate[];
  /** Pairs that got no rate this cycle (no eligible source, no override). */
  readonly pairsWithoutRate: readonly PairSymbol[];
  readonly dropped: readonly DroppedSource[];
  readonly alerts: readonly RateAlert[];
}
