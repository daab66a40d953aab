// Composition of one pair in one cycle: the market quote (selected, crossed, or fixed by an
// override), the volatility widening, the session addition, then every segment x tier variation.

import { assert } from '@parite/kernel';
import type { FxEngineSettings } from './engine-settings.ts';
import type { CompiledPair } from './engine-compile.ts';
import type { MarketSession } from './market-session.ts';
import type { DroppedSource, MarketQuote, PairRate, RateAlert, RateVariation } from './rate-cycle.ts';
import type { PairSymbol } from './rate.ts';
import { crossQuote } from './cross-rate.ts';
import type { LegQuote } from './cross-rate.ts';
import { cappedMarginPpm } from './margin-schedule.ts';
import { customerBuyUnits, customerSellUnits } from './customer-rate.ts';
import type { CustomerRateInput } from './customer-rate.ts';
import { midOf } from './rate-math.ts';

/** The cross of the legs' quotes of this cycle, or undefined (and a drop entry) when a leg is missing. */
export function crossMarketQuote(pair: CompiledPair, quotes: ReadonlyMap<PairSymbol, MarketQuote>,
  dropped: DroppedSource[]): MarketQuote | undefined {
  const chain = pair.chain!;
  const legQuotes: LegQuote[] = [];
  const sourceIds = new Set<string>();
  for (const leg of chain) {
    const quote = quotes.get(leg.pair);
    if (quote === undefined) {
      dropped.push({ pair: pair.settings.pair, sourceId: leg.pair, reason: 'CROSS_LEG_MISSING', ageMs: undefined,
        deviationPpm: undefined });
      return undefined;
    }
    legQuotes.push(quote);
    for (const sourceId of quote.sourceIds) sourceIds.add(sourceId);
  }
  const { bidUnits, askUnits } = crossQuote(chain, legQuotes);
  const { saneMinUnits, saneMaxUnits } = pair.settings;
  if (bidUnits < saneMinUnits || askUnits > saneMaxUnits) {
    dropped.push({ pair: pair.settings.pair, sourceId: 'CROSS', reason: 'CROSS_OUT_OF_RANGE', ageMs: undefined,
      deviationPpm: undefined });
    return undefined;
  }
  return { bidUnits, askUnits, midUnits: midOf(bidUnits, askUnits), sourceIds: [...sourceIds],
    bidSourceId: undefined, askSourceId: undefined };
}

export interface PairCompositionInput {
  readonly pair: CompiledPair;
  readonly quote: MarketQuote | undefined;
  readonly session: MarketSession;
  readonly nowMs: number;
  readonly settings: FxEngineSettings;
  readonly alerts: RateAlert[];
}

export function composePairRate(input: PairCompositionInput): PairRate | undefined {
  const { pair, quote, nowMs } = input;
  const { state, settings, margins } = pair;
  let override = state.override;
  if (override !== undefined && nowMs >= override.expiresAtMs) {
    input.alerts.push({ code: 'PAIR_OVERRIDE_EXPIRED', severity: 'warning', pair: settings.pair, atMs: nowMs,
      sinceMs: override.expiresAtMs, message: `${settings.pair}: manual override ${override.reference} expired` });
    state.override = override = undefined;
  }
  // Volatility follows the market even while an override fixes the mid, so widening is right on its expiry.
  if (quote !== undefined) state.volatility.record(nowMs, quote.midUnits);
  const overrideMid = override?.midUnits;
  if (quote === undefined && overrideMid === undefined) return undefined;
  const volatilityPpm = state.volatility.rangePpm(nowMs, settings.volatilityWindowMs);
  const wideningPpm = margins.wideningPpm(volatilityPpm);
  const session = margins.sessionAddition(input.session.kind);
  const addBuyPpm = session.buyPpm + wideningPpm + (override?.extraBuyPpm ?? 0);
  const addSellPpm = session.sellPpm + wideningPpm + (override?.extraSellPpm ?? 0);
  const midUnits = overrideMid ?? quote!.midUnits;
  const marketBidUnits = overrideMid ?? quote!.bidUnits;
  const marketAskUnits = overrideMid ?? quote!.askUnits;
  const rateInput: CustomerRateInput = { midUnits: BigInt(midUnits), marketBidUnits, marketAskUnits,
    stepUnits: pair.stepUnits, clampToMarket: settings.clampToMarket };
  const variations: RateVariation[] = [];
  const { segments, tiers } = input.settings;
  for (let segmentIndex = 0; segmentIndex < segments.length; segmentIndex++) {
    for (let tierIndex = 0; tierIndex < tiers.length; tierIndex++) {
      const slot = segmentIndex * tiers.length + tierIndex;
      const buyMarginPpm = cappedMarginPpm(margins.baseBuyPpm[slot]!, addBuyPpm);
      const sellMarginPpm = cappedMarginPpm(margins.baseSellPpm[slot]!, addSellPpm);
      const buyUnits = customerBuyUnits(rateInput, buyMarginPpm);
      const sellUnits = customerSellUnits(rateInput, sellMarginPpm);
      assert(sellUnits > 0 && sellUnits <= buyUnits, 'customer rates are positive and never crossed');
      variations.push({ segment: segments[segmentIndex]!, tierId: tiers[tierIndex]!.tierId, buyUnits, sellUnits,
        buyMarginPpm, sellMarginPpm });
    }
  }
  const fromQuote = overrideMid === undefined ? quote : undefined;
  return { pair: settings.pair, precisionDigits: settings.precisionDigits, midUnits, marketBidUnits, marketAskUnits,
    sourceIds: fromQuote?.sourceIds ?? [], bidSourceId: fromQuote?.bidSourceId, askSourceId: fromQuote?.askSourceId,
    crossLegs: settings.crossLegs, volatilityPpm, wideningPpm, overrideReference: override?.reference, variations };
}
