// Cross-source comparison and selection for one quoted pair in one cycle.
// 1. Exclusion: a disabled source (or source-pair), one with no accepted quote, or one whose latest
//    accepted quote is older than its max age is out.
// 2. Deviation: with three or more sources left, each is compared with the median smoothed mid of
//    the OTHERS (all against the same set, so the order does not matter) and dropped when it is
//    beyond crossSourceTolerancePpm of every median: for an even number of others that is the
//    nearer of the two middle values, so with A=40.00, B=40.01, C=40.50 only C goes (averaging the
//    middle pair would put A's reference at 40.26 and drop the honest source too).
//    With exactly two there is no majority: if they disagree, the one of lower priority is dropped,
//    and at equal priority both are (nobody can say which is right, so the pair shows no fresh
//    rate rather than a guess).
// 3. Selection: the best (lowest number) priority among the survivors wins. Among the sources of
//    that priority, "advantage" takes the highest bid and the lowest ask, from whichever sources
//    give them: the tightest honest market. If those two come from different sources and cross
//    (best bid > best ask), the combination is refused and the single source with the narrowest
//    own spread is used instead (ties: sourceId order), so the result is never crossed.

import type { PairSettings, SourcePairSettings, SourceSettings } from './engine-settings.ts';
import type { SourcePairState } from './quote-history.ts';
import type { DroppedSource, MarketQuote } from './rate-cycle.ts';
import type { MedianBounds } from './rate-math.ts';
import { deviationExceedsPpm, deviationPpm, medianBoundsInPlace, midOf, nearestMedianBound } from './rate-math.ts';

export interface SourceCandidate {
  readonly state: SourcePairState;
  readonly source: SourceSettings;
  readonly sourcePair: SourcePairSettings;
}

/** True when the candidate may price the pair at `atMs` (step 1). */
export function candidateUsable(candidate: SourceCandidate, atMs: number): boolean {
  return candidate.source.enabled && candidate.sourcePair.enabled && candidate.state.accepted.count > 0
    && atMs - candidate.state.latestSourceTimeMs <= candidate.sourcePair.maxAgeMs;
}

/** `candidates` come in selection order: priority ascending, then sourceId. */
export function selectMarketQuote(
  pair: PairSettings,
  candidates: readonly SourceCandidate[],
  nowMs: number,
  dropped: DroppedSource[],
): MarketQuote | undefined {
  const usable = excludeUnusable(pair, candidates, nowMs, dropped);
  const survivors = usable.length >= 3 ? dropOutliers(pair, usable, dropped) : settlePair(pair, usable, dropped);
  if (survivors.length === 0) return undefined;
  return bestOfTopPriority(survivors);
}

function excludeUnusable(pair: PairSettings, candidates: readonly SourceCandidate[], nowMs: number,
  dropped: DroppedSource[]): SourceCandidate[] {
  const usable: SourceCandidate[] = [];
  for (const candidate of candidates) {
    const { state } = candidate;
    if (candidateUsable(candidate, nowMs)) usable.push(candidate);
    else if (!candidate.source.enabled || !candidate.sourcePair.enabled) dropped.push(drop(pair, candidate, 'SOURCE_DISABLED'));
    else if (state.accepted.count === 0) dropped.push(drop(pair, candidate, 'SOURCE_NO_QUOTE'));
    else dropped.push(drop(pair, candidate, 'SOURCE_STALE', nowMs - state.latestSourceTimeMs));
  }
  return usable;
}

function dropOutliers(pair: PairSettings, usable: SourceCandidate[], dropped: DroppedSource[]): SourceCandidate[] {
  const survivors: SourceCandidate[] = [];
  const others: number[] = [];
  const bounds: MedianBounds = { lowerUnits: 0, upperUnits: 0 };
  for (const candidate of usable) {
    others.length = 0;
    for (const other of usable) if (other !== candidate) others.push(other.state.smoothed.midUnits);
    const mid = candidate.state.smoothed.midUnits;
    const median = nearestMedianBound(mid, medianBoundsInPlace(others, bounds));
    if (deviationExceedsPpm(mid, median, pair.crossSourceTolerancePpm)) {
      dropped.push(drop(pair, candidate, 'SOURCE_DEVIATES', undefined, deviationPpm(mid, median)));
    } else {
      survivors.push(candidate);
    }
  }
  return survivors;
}

function settlePair(pair: PairSettings, usable: SourceCandidate[], dropped: DroppedSource[]): SourceCandidate[] {
  if (usable.length < 2) return usable;
  const [first, second] = usable as [SourceCandidate, SourceCandidate];
  const firstMid = first.state.smoothed.midUnits;
  const secondMid = second.state.smoothed.midUnits;
  if (!deviationExceedsPpm(secondMid, firstMid, pair.crossSourceTolerancePpm)) return usable;
  // Candidates are in priority order, so `first` has the better or equal priority.
  dropped.push(drop(pair, second, 'SOURCE_DEVIATES', undefined, deviationPpm(secondMid, firstMid)));
  if (first.source.priority < second.source.priority) return [first];
  dropped.push(drop(pair, first, 'SOURCE_DEVIATES', undefined, deviationPpm(firstMid, secondMid)));
  return [];
}

function bestOfTopPriority(survivors: readonly SourceCandidate[]): MarketQuote {
  const topPriority = Math.min(...survivors.map((candidate) => candidate.source.priority));
  const top = survivors.filter((candidate) => candidate.source.priority === topPriority);
  let bidSource = top[0]!;
  let askSource = top[0]!;
  for (const candidate of top) {
    if (candidate.state.smoothed.bidUnits > bidSource.state.smoothed.bidUnits) bidSource = candidate;
    if (candidate.state.smoothed.askUnits < askSource.state.smoothed.askUnits) askSource = candidate;
  }
  if (bidSource.state.smoothed.bidUnits > askSource.state.smoothed.askUnits) {
    let narrowest = top[0]!;
    for (const candidate of top) if (spreadOf(candidate) < spreadOf(narrowest)) narrowest = candidate;
    bidSource = narrowest;
    askSource = narrowest;
  }
  const bidUnits = bidSource.state.smoothed.bidUnits;
  const askUnits = askSource.state.smoothed.askUnits;
  const sourceIds = bidSource === askSource
    ? [bidSource.source.sourceId]
    : [bidSource.source.sourceId, askSource.source.sourceId];
  return {
    bidUnits, askUnits, midUnits: midOf(bidUnits, askUnits), sourceIds,
    bidSourceId: bidSource.source.sourceId, askSourceId: askSource.source.sourceId,
  };
}

function spreadOf(candidate: SourceCandidate): number {
  return candidate.state.smoothed.askUnits - candidate.state.smoothed.bidUnits;
}

function drop(pair: PairSettings, candidate: SourceCandidate, reason: DroppedSource['reason'], ageMs?: number,
  deviation?: number): DroppedSource {
  return { pair: pair.pair, sourceId: candidate.source.sourceId, reason, ageMs, deviationPpm: deviation };
}
