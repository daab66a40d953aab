// Fat-finger checks on one tick, in a fixed order (the first failing check names the rejection):
//   TICK_MALFORMED, TICK_UNKNOWN_SOURCE, TICK_UNKNOWN_PAIR, TICK_DUPLICATE, TICK_ZERO, TICK_NEGATIVE,
//   TICK_CROSSED, TICK_ABSURD, TICK_FROM_FUTURE, TICK_STALE_ON_ARRIVAL, TICK_OUT_OF_ORDER,
//   then the spike guard: TICK_SPIKE, TICK_UNCONFIRMED.
// Rejections are values, not exceptions: a bad feed is an operating condition, not a bug.

import type { ProviderTick } from './rate.ts';
import type { PairSettings, SourcePairSettings } from './engine-settings.ts';
import { rateUnitsMax } from './limits.ts';
import { sourceReferenceLengthMax } from './limits.ts';

export const tickRejectReasons = [
  'TICK_MALFORMED',
  'TICK_UNKNOWN_SOURCE',
  'TICK_UNKNOWN_PAIR',
  'TICK_DUPLICATE',
  'TICK_ZERO',
  'TICK_NEGATIVE',
  'TICK_CROSSED',
  'TICK_ABSURD',
  'TICK_FROM_FUTURE',
  'TICK_STALE_ON_ARRIVAL',
  'TICK_OUT_OF_ORDER',
  'TICK_SPIKE',
  'TICK_UNCONFIRMED',
] as const;

export type TickRejectReason = (typeof tickRejectReasons)[number];
/** What became of one tick: a string constant, so the hot path allocates no result object. */
export type TickOutcome = 'ACCEPTED' | TickRejectReason;

/** Shape checks an adapter should already guarantee; the core refuses rather than trusts. */
export function tickIsWellFormed(tick: ProviderTick): boolean {
  return typeof tick.sourceId === 'string' && typeof tick.pair === 'string'
    && Number.isSafeInteger(tick.bidUnits) && Number.isSafeInteger(tick.askUnits)
    && Number.isSafeInteger(tick.sourceTimeMs) && Number.isSafeInteger(tick.receiveTimeMs)
    && typeof tick.sourceReference === 'string' && tick.sourceReference.length > 0
    && tick.sourceReference.length <= sourceReferenceLengthMax;
}

/** The value and timing checks, after the tick is known to belong to a configured source and pair. */
export function tickValueProblem(
  tick: ProviderTick,
  pair: PairSettings,
  sourcePair: SourcePairSettings,
  clockSkewToleranceMs: number,
): TickRejectReason | undefined {
  const { bidUnits, askUnits } = tick;
  if (bidUnits === 0 || askUnits === 0) return 'TICK_ZERO';
  if (bidUnits < 0 || askUnits < 0) return 'TICK_NEGATIVE';
  if (bidUnits > askUnits) return 'TICK_CROSSED';
  if (bidUnits < pair.saneMinUnits || askUnits > pair.saneMaxUnits || askUnits > rateUnitsMax) return 'TICK_ABSURD';
  if (tick.sourceTimeMs - tick.receiveTimeMs > clockSkewToleranceMs) return 'TICK_FROM_FUTURE';
  if (tick.receiveTimeMs - tick.sourceTimeMs > sourcePair.maxAgeMs) return 'TICK_STALE_ON_ARRIVAL';
  return undefined;
}
