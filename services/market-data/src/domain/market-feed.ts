// Everything the projection keeps about one market: its display format, recent trades, the 24h
// ticker, candles per interval and the published depth. Pure and synchronous.
import { assert } from '@parite/kernel';
import type { AssetSpec, MarketSpec } from '@parite/exchange/domain';
import { CandleSeries } from './candles.ts';
import { DepthTracker, type LevelQuantity } from './depth.ts';
import { EventBook, type RestingOrderSource } from './event-book.ts';
import { marketFormat, type MarketFormat } from './format.ts';
import { candlesMax, recentTradesMax } from './limits.ts';
import { BoundedRing } from './ring.ts';
import { RollingTicker } from './rolling-ticker.ts';
import { candleIntervalMs, candleIntervals, type CandleInterval, type TradeRecord } from './types.ts';

/** What the projection reads of a book: its resting orders, once, when it first sees the market. */
export interface BookDepthView extends RestingOrderSource {
  depth(levelsMax: number): { bids: readonly LevelQuantity[]; asks: readonly LevelQuantity[] };
}

/** What the projection reads of a market; the engine's MarketState satisfies it. */
export interface MarketView {
  readonly spec: MarketSpec;
  readonly base: AssetSpec;
  readonly quote: AssetSpec;
  readonly book: BookDepthView;
}

/** What the projection reads of the engine state; the engine's ExchangeState satisfies it. */
export interface MarketSource {
  readonly markets: ReadonlyMap<number, MarketView>;
  readonly marketBySymbol: ReadonlyMap<string, MarketView>;
}

export class MarketFeed {
  format: MarketFormat;
  readonly trades = new BoundedRing<TradeRecord>(recentTradesMax);
  readonly ticker = new RollingTicker();
  readonly candles: ReadonlyMap<CandleInterval, CandleSeries>;
  readonly depth: DepthTracker;
  /** The book as the delivered (durable) events describe it; depth is published from it. */
  readonly book: EventBook;

  /**
   * `live-book`: seeded from the engine's book, which already holds every command up to
   * `seededThroughSequence`, so events up to it are skipped. `empty`: a market created in the stream.
   */
  constructor(readonly marketId: number, market: MarketView, depthLevels: number, seed: 'live-book' | 'empty',
    readonly seededThroughSequence: bigint) {
    this.format = marketFormat(market.spec, market.base, market.quote);
    const candles = new Map<CandleInterval, CandleSeries>();
    for (const interval of candleIntervals) {
      candles.set(interval, new CandleSeries(candleIntervalMs[interval], candlesMax));
    }
    this.candles = candles;
    this.book = seed === 'empty' ? new EventBook() : EventBook.from(market.book);
    this.depth = new DepthTracker(depthLevels, this.book.depth(depthLevels));
  }

  /** A parameter change: only the tick and lot sizes matter for display (asset scales never change). */
  updateSpec(spec: MarketSpec): void {
    this.format = { ...this.format, tickSizeUnits: spec.tickSizeUnits, lotSizeUnits: spec.lotSizeUnits };
  }

  recordTrade(trade: TradeRecord): void {
    this.trades.push(trade);
    this.ticker.record(trade);
    for (const series of this.candles.values()) series.record(trade);
  }

  candleSeries(interval: CandleInterval): CandleSeries {
    const series = this.candles.get(interval);
    assert(series !== undefined, 'every interval has a candle series');
    return series;
  }
}
