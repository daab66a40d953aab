// Compiles a validated settings document into the structures the hot path walks: source id ->
// pair -> route (settings + state + guard context), and pair -> candidates in selection order.
// State (histories, volatility, overrides, alert tracking) lives outside the compiled form and is
// reused across recompilations, so the admin changing a priority does not cold-start the feeds.

import { assert } from '@parite/kernel';
import type { PairSymbol } from './rate.ts';
import type { FxEngineSettings, PairSettings, SourcePairSettings, SourceSettings } from './engine-settings.ts';
import { engineSettingsProblems } from './engine-settings-check.ts';
import { HolidayTable } from './holiday-calendar.ts';
import { CompiledMargins } from './margin-schedule.ts';
import { SourcePairState } from './quote-history.ts';
import type { GuardContext, PeerMedian } from './spike-guard.ts';
import { candidateUsable } from './source-selection.ts';
import type { SourceCandidate } from './source-selection.ts';
import type { CrossLeg } from './cross-rate.ts';
import { crossChain } from './cross-rate.ts';
import type { MedianBounds } from './rate-math.ts';
import { medianBoundsInPlace, precisionStepUnits } from './rate-math.ts';
import { VolatilityWindow } from './volatility.ts';
import type { RateOverride } from './rate-override.ts';

/** Per-pair state that outlives a settings change. */
export class PairState {
  readonly volatility = new VolatilityWindow();
  override: RateOverride | undefined = undefined;
  /** When the pair last went without an eligible source; undefined while it has one. */
  noSourceSinceMs: number | undefined = undefined;
  alertRaised = false;
}

export class CompiledPair implements PeerMedian {
  readonly candidates: SourceCandidate[] = [];
  readonly stepUnits: number;
  readonly chain: CrossLeg[] | undefined;
  private readonly scratchMids: number[] = [];
  private readonly scratchBounds: MedianBounds = { lowerUnits: 0, upperUnits: 0 };

  constructor(readonly settings: PairSettings, readonly margins: CompiledMargins, readonly state: PairState) {
    this.stepUnits = precisionStepUnits(settings.precisionDigits);
    this.chain = settings.crossLegs === undefined ? undefined : crossChain(settings.pair, settings.crossLegs);
  }

  peerMedian(self: SourcePairState, atMs: number): MedianBounds | undefined {
    this.scratchMids.length = 0;
    for (const candidate of this.candidates) {
      if (candidate.state !== self && candidateUsable(candidate, atMs)) this.scratchMids.push(candidate.state.smoothed.midUnits);
    }
    return this.scratchMids.length === 0 ? undefined : medianBoundsInPlace(this.scratchMids, this.scratchBounds);
  }
}

export interface SourceRoute {
  readonly state: SourcePairState;
  readonly pair: CompiledPair;
  readonly sourcePair: SourcePairSettings;
  readonly guard: GuardContext;
}

export interface CompiledSource {
  readonly settings: SourceSettings;
  readonly routes: ReadonlyMap<PairSymbol, SourceRoute>;
}

export interface CompiledEngine {
  readonly settings: FxEngineSettings;
  readonly sources: ReadonlyMap<string, CompiledSource>;
  readonly pairs: ReadonlyMap<PairSymbol, CompiledPair>;
  /** Quoted pairs by symbol, then crosses by symbol: crosses need their legs' quotes first. */
  readonly pairOrder: readonly CompiledPair[];
  readonly holidays: HolidayTable;
}

export interface EngineStateStore {
  sourcePair(sourceId: string, pair: PairSymbol): SourcePairState;
  pair(pair: PairSymbol): PairState;
}

export function compileEngine(settings: FxEngineSettings, store: EngineStateStore): CompiledEngine {
  const problems = engineSettingsProblems(settings);
  assert(problems.length === 0, `invalid FX engine settings: ${problems.join('; ')}`);
  const pairs = new Map<PairSymbol, CompiledPair>();
  for (const pair of settings.pairs) {
    const margins = new CompiledMargins(pair.margins ?? settings.defaultMargins, settings);
    pairs.set(pair.pair, new CompiledPair(pair, margins, store.pair(pair.pair)));
  }
  const sources = new Map<string, CompiledSource>();
  for (const source of settings.sources) {
    const routes = new Map<PairSymbol, SourceRoute>();
    for (const sourcePair of source.pairs) {
      const pair = pairs.get(sourcePair.pair)!;
      const state = store.sourcePair(source.sourceId, sourcePair.pair);
      const guard: GuardContext = { pair: pair.settings, source, sourcePair, peers: pair };
      routes.set(sourcePair.pair, { state, pair, sourcePair, guard });
      pair.candidates.push({ state, source, sourcePair });
    }
    sources.set(source.sourceId, { settings: source, routes });
  }
  for (const pair of pairs.values()) pair.candidates.sort(bySelectionOrder);
  const ordered = [...pairs.values()].sort((left, right) => compareText(left.settings.pair, right.settings.pair));
  const pairOrder = [...ordered.filter((pair) => pair.chain === undefined), ...ordered.filter((pair) => pair.chain !== undefined)];
  return { settings, sources, pairs, pairOrder, holidays: new HolidayTable(settings.calendar) };
}

function bySelectionOrder(left: SourceCandidate, right: SourceCandidate): number {
  return left.source.priority - right.source.priority || compareText(left.source.sourceId, right.source.sourceId);
}

/** Code-unit order, independent of the host's locale. */
function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
