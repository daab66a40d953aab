// Internal records -> public shapes (decimal strings). One function per shape.
import { formatDecimal } from '@parite/kernel';
import type { CandleRecord } from './candles.ts';
import type { DepthChange, DepthState, LevelQuantity } from './depth.ts';
import {
  baseText, ppmText, priceText, priceTicksText, quantityLotsText, quoteText, type MarketFormat,
} from './format.ts';
import type { MarketView } from './market-feed.ts';
import type { TickerSummary } from './rolling-ticker.ts';
import { publicSymbol } from './symbols.ts';
import type { DepthDelta, DepthSnapshot, PriceLevel, PublicCandle, PublicMarket, PublicTicker } from './types.ts';

export function priceLevels(format: MarketFormat, levels: readonly LevelQuantity[]): PriceLevel[] {
  return levels.map((level) => [
    priceTicksText(format, level.priceTicks),
    quantityLotsText(format, level.quantityLots),
  ]);
}

export function depthSnapshotView(format: MarketFormat, state: DepthState, levels: number): DepthSnapshot {
  return {
    symbol: format.symbol,
    sequence: state.sequence,
    bids: priceLevels(format, state.bids.slice(0, levels)),
    asks: priceLevels(format, state.asks.slice(0, levels)),
  };
}

export function depthDeltaView(format: MarketFormat, change: DepthChange): DepthDelta {
  return {
    symbol: format.symbol,
    sequence: change.sequence,
    bids: priceLevels(format, change.bids),
    asks: priceLevels(format, change.asks),
  };
}

export function tickerView(format: MarketFormat, summary: TickerSummary): PublicTicker {
  const window = summary.window;
  const last = summary.lastPriceUnits;
  let change: bigint | undefined;
  let changeBasisPoints: bigint | undefined;
  if (window !== undefined && last !== undefined) {
    change = last - window.openUnits;
    // Bigint division truncates toward zero: the percentage never overstates the move.
    changeBasisPoints = (change * 10_000n) / window.openUnits;
  }
  return {
    symbol: format.symbol,
    open: window === undefined ? null : priceText(format, window.openUnits),
    high: window === undefined ? null : priceText(format, window.highUnits),
    low: window === undefined ? null : priceText(format, window.lowUnits),
    last: last === undefined ? null : priceText(format, last),
    change: change === undefined ? null : priceText(format, change),
    changePercent: changeBasisPoints === undefined ? null : formatDecimal(changeBasisPoints, 2),
    baseVolume: baseText(format, summary.baseUnits),
    quoteVolume: quoteText(format, summary.quoteUnits),
    tradeCount: summary.tradeCount,
    openTimeMs: summary.openTimeMs,
    closeTimeMs: summary.closeTimeMs,
  };
}

export function candleView(format: MarketFormat, candle: CandleRecord, intervalMs: number): PublicCandle {
  return {
    openTimeMs: candle.openTimeMs,
    closeTimeMs: candle.openTimeMs + intervalMs - 1,
    open: priceText(format, candle.openUnits),
    high: priceText(format, candle.highUnits),
    low: priceText(format, candle.lowUnits),
    close: priceText(format, candle.closeUnits),
    baseVolume: baseText(format, candle.baseUnits),
    quoteVolume: quoteText(format, candle.quoteUnits),
    tradeCount: candle.tradeCount,
  };
}

export function marketView(market: MarketView): PublicMarket {
  const { spec, base, quote } = market;
  return {
    symbol: publicSymbol(spec.symbol),
    base: base.code,
    quote: quote.code,
    status: spec.status,
    tickSize: formatDecimal(spec.tickSizeUnits, quote.scale),
    lotSize: formatDecimal(spec.lotSizeUnits, base.scale),
    quantityMin: formatDecimal(BigInt(spec.quantityMinLots) * spec.lotSizeUnits, base.scale),
    quantityMax: formatDecimal(BigInt(spec.quantityMaxLots) * spec.lotSizeUnits, base.scale),
    notionalMin: formatDecimal(spec.notionalMinUnits, quote.scale),
    priceScale: quote.scale,
    quantityScale: base.scale,
    feeTiers: spec.feeTiers.map((rate, tier) => ({
      tier, makerFeeRate: ppmText(rate.makerFeePpm), takerFeeRate: ppmText(rate.takerFeePpm),
    })),
    version: spec.version,
  };
}
