// The rate history port: every published cycle's variations, queried for "the rate in force at T"
// and, as the cache's fallback, for the latest valid rates; plus the alert log of the admin console.

import type { RateCycle } from '../domain/rate-cycle.ts';

/** One customer rate variation as stored: integers at scale 10^-8, margins in ppm. */
export interface StoredRate {
  readonly cycleId: string;
  readonly pair: string;
  readonly segment: string;
  readonly tierId: string;
  readonly atMs: number;
  readonly validUntilMs: number;
  readonly buyUnits: number;
  readonly sellUnits: number;
  readonly buyMarginPpm: number;
  readonly sellMarginPpm: number;
  readonly midUnits: number;
  readonly marketBidUnits: number;
  readonly marketAskUnits: number;
  readonly precisionDigits: number;
  readonly sourceIds: readonly string[];
  readonly overrideReference: string | undefined;
}

export type FxAlertSeverity = 'critical' | 'warning' | 'info';

/** An engine alert (PAIR_*) or a service alert (SOURCE_STALE, CACHE_DOWN, RAW_TICKS_DROPPING ...). */
export interface FxAlert {
  readonly code: string;
  readonly severity: FxAlertSeverity;
  readonly pair: string | undefined;
  readonly sourceId: string | undefined;
  readonly atMs: number;
  readonly message: string;
}

export interface StoredFxAlert extends FxAlert {
  readonly alertId: number;
}

export const alertListLimitMax = 500;

export interface RateHistoryStore {
  /** Idempotent by cycle id: a redelivered cycle inserts nothing twice. */
  insertCycle(cycle: RateCycle): Promise<void>;
  /** The variation in force at `atMs`: the latest stored at or before it, if still valid then. */
  rateAt(pair: string, segment: string, tierId: string, atMs: number): Promise<StoredRate | undefined>;
  /** Every pair's latest variation for the segment and tier valid at `nowMs` (cycles of the last `lookbackMs`). */
  currentRates(segment: string, tierId: string, nowMs: number, lookbackMs: number): Promise<StoredRate[]>;
  insertAlerts(alerts: readonly FxAlert[]): Promise<void>;
  /** Newest first. */
  listAlerts(limit: number): Promise<StoredFxAlert[]>;
}
