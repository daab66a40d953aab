// The 24-hour rolling ticker of one market. Trades are folded into one-minute buckets kept in a
// ring indexed by minute number, so memory is fixed (1440 buckets) and a trade leaves the window
// when its minute does. The window as of time T is the 1440 minutes ending with T's minute.
import { assert } from '@parite/kernel';
import { tickerBucketMs, tickerBucketsMax } from './limits.ts';
import { foldTrade, openBar, type PriceBar } from './candles.ts';
import type { TradeRecord } from './types.ts';

interface MinuteBucket extends PriceBar {
  minuteIndex: number;
}

export interface TickerSummary {
  /** Undefined when nothing traded inside the window. */
  window: { openUnits: bigint; highUnits: bigint; lowUnits: bigint; closeUnits: bigint } | undefined;
  lastPriceUnits: bigint | undefined;
  baseUnits: bigint;
  quoteUnits: bigint;
  tradeCount: number;
  openTimeMs: number;
  closeTimeMs: number;
}

export class RollingTicker {
  private readonly buckets: (MinuteBucket | undefined)[] = new Array<MinuteBucket | undefined>(tickerBucketsMax)
    .fill(undefined);
  private lastPriceUnits: bigint | undefined = undefined;
  private lastTradeTimeMs = 0;

  record(trade: TradeRecord): void {
    assert(trade.timeMs >= this.lastTradeTimeMs, 'ticker trades must arrive in time order');
    assert(trade.priceUnits > 0n && trade.baseUnits > 0n, 'a trade has a positive price and quantity');
    this.lastTradeTimeMs = trade.timeMs;
    this.lastPriceUnits = trade.priceUnits;
    const minuteIndex = Math.floor(trade.timeMs / tickerBucketMs);
    const slot = minuteIndex % tickerBucketsMax;
    const bucket = this.buckets[slot];
    if (bucket === undefined || bucket.minuteIndex !== minuteIndex) {
      // A minute older than the window (or an empty slot) is simply overwritten: that is the roll.
      assert(bucket === undefined || bucket.minuteIndex < minuteIndex, 'ticker buckets only move forward');
      this.buckets[slot] = { minuteIndex, ...openBar(trade) };
      return;
    }
    foldTrade(bucket, trade);
  }

  /** Statistics of the window ending at `asOfMs` (stream time, at or after the last trade). */
  summary(asOfMs: number): TickerSummary {
    const lastMinute = Math.floor(Math.max(asOfMs, this.lastTradeTimeMs) / tickerBucketMs);
    const firstMinute = lastMinute - tickerBucketsMax + 1;
    const result: TickerSummary = {
      window: undefined, lastPriceUnits: this.lastPriceUnits, baseUnits: 0n, quoteUnits: 0n, tradeCount: 0,
      openTimeMs: firstMinute * tickerBucketMs, closeTimeMs: Math.max(asOfMs, this.lastTradeTimeMs),
    };
    if (this.lastPriceUnits === undefined) return result;
    // Walk the minutes oldest first so the first bucket found gives the open, the last the close.
    for (let minuteIndex = firstMinute; minuteIndex <= lastMinute; minuteIndex++) {
      const bucket = this.buckets[((minuteIndex % tickerBucketsMax) + tickerBucketsMax) % tickerBucketsMax];
      if (bucket === undefined || bucket.minuteIndex !== minuteIndex) continue;
      result.baseUnits += bucket.baseUnits;
      result.quoteUnits += bucket.quoteUnits;
      result.tradeCount += bucket.tradeCount;
      const window = result.window;
      if (window === undefined) {
        result.window = { openUnits: bucket.openUnits, highUnits: bucket.highUnits, lowUnits: bucket.lowUnits,
          closeUnits: bucket.closeUnits };
        continue;
      }
      if (bucket.highUnits > window.highUnits) window.highUnits = bucket.highUnits;
      if (bucket.lowUnits < window.lowUnits) window.lowUnits = bucket.lowUnits;
      window.closeUnits = bucket.closeUnits;
    }
    return result;
  }
}
