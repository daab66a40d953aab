// The pure core of the FX rate engine: ticks in (filtered and smoothed as they arrive), one
// composition per cycle out. Synchronous, no I/O, no clock: tick times come with the tick and the
// cycle time is an argument, so the same ticks and the same cycle times give the same cycles.

import { assert } from '@parite/kernel';
import type { PairSymbol, ProviderTick } from './rate.ts';
import type { FxEngineSettings } from './engine-settings.ts';
import { engineSettingsProblems } from './engine-settings-check.ts';
import type { CompiledEngine, CompiledPair, EngineStateStore } from './engine-compile.ts';
import { compileEngine, PairState } from './engine-compile.ts';
import { SourcePairState } from './quote-history.ts';
import type { TickOutcome } from './tick-filter.ts';
import { tickIsWellFormed, tickValueProblem } from './tick-filter.ts';
import { guardTick } from './spike-guard.ts';
import { classifyMarketSession } from './market-session.ts';
import type { DroppedSource, MarketQuote, PairRate, RateAlert, RateCycle } from './rate-cycle.ts';
import { selectMarketQuote } from './source-selection.ts';
import { composePairRate, crossMarketQuote } from './pair-composition.ts';
import type { OverrideProblem, RateOverride } from './rate-override.ts';
import { overrideProblem } from './rate-override.ts';

export class FxRateCore implements EngineStateStore {
  private compiled: CompiledEngine;
  private readonly sourcePairStates = new Map<string, Map<PairSymbol, SourcePairState>>();
  private readonly pairStates = new Map<PairSymbol, PairState>();

  constructor(settings: FxEngineSettings) {
    this.compiled = compileEngine(settings, this);
  }

  get settings(): FxEngineSettings {
    return this.compiled.settings;
  }

  /** Applies new settings when they are valid; returns the problems otherwise (and changes nothing). */
  replaceSettings(settings: FxEngineSettings): string[] {
    const problems = engineSettingsProblems(settings);
    if (problems.length > 0) return problems;
    this.compiled = compileEngine(settings, this);
    this.forgetRemovedState();
    return [];
  }

  /** Drops the state of sources and pairs the new settings no longer name, so memory stays bounded. */
  private forgetRemovedState(): void {
    for (const [sourceId, byPair] of this.sourcePairStates) {
      const routes = this.compiled.sources.get(sourceId)?.routes;
      for (const pair of byPair.keys()) if (routes?.has(pair) !== true) byPair.delete(pair);
      if (byPair.size === 0) this.sourcePairStates.delete(sourceId);
    }
    for (const pair of this.pairStates.keys()) if (!this.compiled.pairs.has(pair)) this.pairStates.delete(pair);
  }

  sourcePair(sourceId: string, pair: PairSymbol): SourcePairState {
    let byPair = this.sourcePairStates.get(sourceId);
    if (byPair === undefined) this.sourcePairStates.set(sourceId, (byPair = new Map()));
    let state = byPair.get(pair);
    if (state === undefined) byPair.set(pair, (state = new SourcePairState(sourceId, pair)));
    return state;
  }

  pair(pair: PairSymbol): PairState {
    let state = this.pairStates.get(pair);
    if (state === undefined) this.pairStates.set(pair, (state = new PairState()));
    return state;
  }

  /** Filters one tick and, when it passes, folds it into its source's history. */
  ingest(tick: ProviderTick): TickOutcome {
    if (!tickIsWellFormed(tick)) return 'TICK_MALFORMED';
    const source = this.compiled.sources.get(tick.sourceId);
    if (source === undefined) return 'TICK_UNKNOWN_SOURCE';
    const route = source.routes.get(tick.pair);
    if (route === undefined) return 'TICK_UNKNOWN_PAIR';
    if (route.state.references.seenBefore(tick.sourceReference)) return 'TICK_DUPLICATE';
    const problem = tickValueProblem(tick, route.pair.settings, route.sourcePair, this.compiled.settings.clockSkewToleranceMs);
    if (problem !== undefined) return problem;
    if (tick.sourceTimeMs < route.state.latestSourceTimeMs) return 'TICK_OUT_OF_ORDER';
    return guardTick(route.state, tick, route.guard);
  }

  setOverride(override: RateOverride, nowMs: number): OverrideProblem | undefined {
    const pair = this.compiled.pairs.get(override.pair);
    const problem = overrideProblem(override, nowMs, pair?.settings);
    if (problem !== undefined) return problem;
    pair!.state.override = override;
    return undefined;
  }

  clearOverride(pair: PairSymbol): boolean {
    const state = this.pairStates.get(pair);
    const had = state?.override !== undefined;
    if (state !== undefined) state.override = undefined;
    return had;
  }

  overrides(): RateOverride[] {
    const active: RateOverride[] = [];
    for (const pair of this.compiled.pairOrder) if (pair.state.override !== undefined) active.push(pair.state.override);
    return active;
  }

  /** One composition: every pair, every segment x tier. */
  composeCycle(nowMs: number, sequence: number, cycleId: string): RateCycle {
    assert(Number.isSafeInteger(nowMs) && Number.isSafeInteger(sequence), 'cycle time and sequence are integers');
    const { compiled } = this;
    const session = classifyMarketSession(nowMs, compiled.settings.businessHours, compiled.holidays);
    const dropped: DroppedSource[] = [];
    const alerts: RateAlert[] = [];
    const rates: PairRate[] = [];
    const pairsWithoutRate: PairSymbol[] = [];
    const quotes = new Map<PairSymbol, MarketQuote>();
    for (const pair of compiled.pairOrder) {
      const quote = pair.chain === undefined
        ? selectMarketQuote(pair.settings, pair.candidates, nowMs, dropped)
        : crossMarketQuote(pair, quotes, dropped);
      if (quote !== undefined) quotes.set(pair.settings.pair, quote);
      trackSourceAvailability(pair, quote !== undefined, nowMs, alerts);
      const rate = composePairRate({ pair, quote, session, nowMs, settings: compiled.settings, alerts });
      if (rate === undefined) pairsWithoutRate.push(pair.settings.pair);
      else rates.push(rate);
    }
    return { cycleId, sequence, atMs: nowMs, validUntilMs: nowMs + compiled.settings.rateValidityMs, session, rates,
      pairsWithoutRate, dropped, alerts };
  }
}

/** Raises PAIR_NO_ELIGIBLE_SOURCE once per outage, after the pair's grace, and PAIR_SOURCE_RESTORED after it. */
function trackSourceAvailability(pair: CompiledPair, hasQuote: boolean, nowMs: number, alerts: RateAlert[]): void {
  const { state, settings } = pair;
  if (hasQuote) {
    if (state.alertRaised) {
      alerts.push({ code: 'PAIR_SOURCE_RESTORED', severity: 'info', pair: settings.pair, atMs: nowMs,
        sinceMs: state.noSourceSinceMs, message: `${settings.pair}: an eligible rate source is back` });
    }
    state.noSourceSinceMs = undefined;
    state.alertRaised = false;
    return;
  }
  state.noSourceSinceMs ??= nowMs;
  const outageMs = nowMs - state.noSourceSinceMs;
  if (!state.alertRaised && outageMs >= settings.noSourceAlertAfterMs) {
    state.alertRaised = true;
    alerts.push({ code: 'PAIR_NO_ELIGIBLE_SOURCE', severity: 'critical', pair: settings.pair, atMs: nowMs,
      sinceMs: state.noSourceSinceMs, message: `${settings.pair}: no eligible rate source for ${outageMs} ms` });
  }
}
