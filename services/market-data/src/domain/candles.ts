// OHLCV candles of one market and one interval, built from trades. A trade at time t belongs to
// the candle opening at floor(t / interval) * interval (UTC epoch alignment). Intervals without a
// trade have no candle. The newest `candlesMax` candles are kept in a ring.
import { assert } from '@parite/kernel';
import { BoundedRing } from './ring.ts';
import type { TradeRecord } from './types.ts';

/** Open, high, low, close and volume of the trades of one period; candles and ticker buckets share it. */
export interface PriceBar {
  openUnits: bigint;
  highUnits: bigint;
  lowUnits: bigint;
  closeUnits: bigint;
  baseUnits: bigint;
  quoteUnits: bigint;
  tradeCount: number;
}

export interface CandleRecord extends PriceBar {
  openTimeMs: number;
}

/** A bar holding just this trade. */
export function openBar(trade: TradeRecord): PriceBar {
  return {
    openUnits: trade.priceUnits, highUnits: trade.priceUnits, lowUnits: trade.priceUnits,
    closeUnits: trade.priceUnits, baseUnits: trade.baseUnits, quoteUnits: trade.quoteUnits, tradeCount: 1,
  };
}

/** Folds a later trade of the same period into its bar. */
export function foldTrade(bar: PriceBar, trade: TradeRecord): void {
  if (trade.priceUnits > bar.highUnits) bar.highUnits = trade.priceUnits;
  if (trade.priceUnits < bar.lowUnits) bar.lowUnits = trade.priceUnits;
  bar.closeUnits = trade.priceUnits;
  bar.baseUnits += trade.baseUnits;
  bar.quoteUnits += trade.quoteUnits;
  bar.tradeCount++;
}

export function candleOpenTimeMs(timeMs: number, intervalMs: number): number {
  return Math.floor(timeMs / intervalMs) * intervalMs;
}

export class CandleSeries {
  private readonly ring: BoundedRing<CandleRecord>;

  constructor(readonly intervalMs: number, capacity: number) {
    assert(Number.isSafeInteger(intervalMs) && intervalMs > 0, 'candle interval must be a positive integer');
    this.ring = new BoundedRing(capacity);
  }

  get length(): number {
    return this.ring.length;
  }

  record(trade: TradeRecord): void {
    const openTimeMs = candleOpenTimeMs(trade.timeMs, this.intervalMs);
    const current = this.ring.newest();
    if (current !== undefined && current.openTimeMs === openTimeMs) {
      foldTrade(current, trade);
      return;
    }
    assert(current === undefined || current.openTimeMs < openTimeMs, 'candle trades must arrive in time order');
    this.ring.push({ openTimeMs, ...openBar(trade) });
  }

  /**
   * The newest `limit` candles that open at or before `endTimeMs` (all when undefined), oldest
   * first. Copies, so a caller cannot change the series.
   */
  newest(limit: number, endTimeMs: number | undefined): CandleRecord[] {
    const found: CandleRecord[] = [];
    for (let index = this.ring.length - 1; index >= 0 && found.length < limit; index--) {
      const candle = this.ring.at(index);
      if (endTimeMs !== undefined && candle.openTimeMs > endTimeMs) continue;
      found.push({ ...candle });
    }
    return found.reverse();
  }
}
