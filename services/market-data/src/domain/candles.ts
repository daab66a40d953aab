// OHLCV candles of one market and one interval, built from trades. A trade at time t belongs to
// the candle opening at floor(t / interval) * interval (UTC epoch alignment). Intervals without a
// trade have no candle. The newest `candlesMax` candles are kept in a ring.
import { assert } from '@parite/kernel';
import { BoundedRing } from './ring.ts';
import type { TradeRecord } from './types.ts';

export interface CandleRecord {
  openTimeMs: number;
  openUnits: bigint;
  highUnits: bigint;
  lowUnits: bigint;
  closeUnits: bigint;
  baseUnits: bigint;
  quoteUnits: bigint;
  tradeCount: number;
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
      if (trade.priceUnits > current.highUnits) current.highUnits = trade.priceUnits;
      if (trade.priceUnits < current.lowUnits) current.lowUnits = trade.priceUnits;
      current.closeUnits = trade.priceUnits;
      current.baseUnits += trade.baseUnits;
      current.quoteUnits += trade.quoteUnits;
      current.tradeCount++;
      return;
    }
    assert(current === undefined || current.openTimeMs < openTimeMs, 'candle trades must arrive in time order');
    this.ring.push({
      openTimeMs, openUnits: trade.priceUnits, highUnits: trade.priceUnits, lowUnits: trade.priceUnits,
      closeUnits: trade.priceUnits, baseUnits: trade.baseUnits, quoteUnits: trade.quoteUnits, tradeCount: 1,
    });
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
