// Public market data as a service: follows the engine's committed-command stream, answers queries
// (REST) and fans the resulting pushes out to listeners (the WebSocket hub). Everything runs in the
// engine's delivery callback, synchronously, so a depth snapshot read between two batches always
// carries the sequence of the last delta published before it.
//
// Start it before the engine starts to rebuild trades, tickers and candles from the journal replay
// (history then begins at the engine's latest snapshot); started later, history begins at start().
import { ServiceError } from '@parite/contracts';
import type { ExchangeEngineApi } from '@parite/exchange';
import { assert } from '@parite/kernel';
import { recentTradesMax, candlesMax } from '../domain/limits.ts';
import { publicTrade } from '../domain/format.ts';
import type { MarketFeed } from '../domain/market-feed.ts';
import { MarketDataProjection, type ProjectionOptions } from '../domain/projection.ts';
import {
  candleIntervalMs, isCandleInterval, type DepthSnapshot, type PublicCandle, type PublicMarket, type PublicMessage,
  type PublicTicker, type PublicTrade,
} from '../domain/types.ts';
import { candleView, depthSnapshotView, marketView, tickerView } from '../domain/views.ts';

/** Listeners of public messages (the hub, bridges); each one costs a call per message. */
export const publicMessageListenersMax = 64;

export interface MarketDataServiceOptions extends ProjectionOptions {
  /** Called when a public-message listener throws; the others still receive the message. */
  onListenerError?: (error: unknown) => void;
  /**
   * Depth deltas go out at most this often (0, the default: after every committed batch). At high
   * order rates, diffing the top levels once per interval instead of once per group commit keeps
   * market data cheap; trades and tickers still go out with every batch, and snapshots and deltas
   * keep one sequence, so a client's resync works the same.
   */
  depthPublishIntervalMs?: number;
}

export type PublicMessageListener = (message: PublicMessage) => void;

export class MarketDataService {
  private readonly projection: MarketDataProjection;
  private readonly listeners = new Set<PublicMessageListener>();
  private unsubscribe: (() => void) | undefined = undefined;
  private depthTimer: NodeJS.Timeout | undefined = undefined;

  constructor(private readonly engine: ExchangeEngineApi, private readonly options: MarketDataServiceOptions = {}) {
    // Read through the engine every time: a snapshot restore replaces its state object.
    this.projection = new MarketDataProjection(() => this.engine.state,
      { ...options, appliedSequence: (marketId) => this.engine.appliedSequenceOfMarket(marketId) });
  }

  /** Depth levels per side covered by snapshots and deltas. */
  get depthLevels(): number {
    return this.projection.depthLevels;
  }

  /** The latest committed timestamp folded in (the time tickers are computed at). */
  get streamTimeMs(): number {
    return this.projection.streamTimeMs;
  }

  start(): void {
    assert(this.unsubscribe === undefined, 'market data service already started');
    this.unsubscribe = this.engine.subscribe((batch) => this.onCommitted(batch));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.depthTimer !== undefined) clearTimeout(this.depthTimer);
    this.depthTimer = undefined;
  }

  /** Listeners run synchronously for every message, in publication order; they must not block. */
  onPublicMessage(listener: PublicMessageListener): () => void {
    assert(this.listeners.size < publicMessageListenersMax, 'too many public message listeners');
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  markets(): PublicMarket[] {
    return [...this.engine.state.markets.values()]
      .sort((a, b) => a.spec.marketId - b.spec.marketId)
      .map((market) => marketView(market));
  }

  market(symbol: string): PublicMarket {
    const feed = this.feed(symbol);
    const market = this.engine.state.markets.get(feed.marketId);
    assert(market !== undefined, 'a feed belongs to a market of the engine');
    return marketView(market);
  }

  ticker(symbol: string): PublicTicker {
    const feed = this.feed(symbol);
    return tickerView(feed.format, feed.ticker.summary(this.projection.streamTimeMs));
  }

  tickers(): PublicTicker[] {
    const asOfMs = this.projection.streamTimeMs;
    return this.projection.allFeeds().map((feed) => tickerView(feed.format, feed.ticker.summary(asOfMs)));
  }

  /** The newest `limit` trades (1..1000), oldest first. */
  trades(symbol: string, limit: number): PublicTrade[] {
    checkLimit('limit', limit, recentTradesMax);
    const feed = this.feed(symbol);
    return feed.trades.newestItems(limit).map((trade) => publicTrade(feed.format, trade));
  }

  /** The newest `limit` candles (1..1000) opening at or before `endTimeMs`, oldest first. */
  candles(symbol: string, interval: string, limit: number, endTimeMs?: number): PublicCandle[] {
    if (!isCandleInterval(interval)) throw new ServiceError('REQUEST_VALIDATION_FAILED', { field: 'interval' });
    checkLimit('limit', limit, candlesMax);
    if (endTimeMs !== undefined && (!Number.isSafeInteger(endTimeMs) || endTimeMs < 0)) {
      throw new ServiceError('REQUEST_VALIDATION_FAILED', { field: 'endTimeMs' });
    }
    const feed = this.feed(symbol);
    const intervalMs = candleIntervalMs[interval];
    const candles = feed.candleSeries(interval).newest(limit, endTimeMs);
    return candles.map((candle) => candleView(feed.format, candle, intervalMs));
  }

  /**
   * The published top `levels` per side (at most depthLevels; more is answered with depthLevels)
   * with the depth sequence of the last delta that produced them.
   */
  depth(symbol: string, levels: number = this.depthLevels): DepthSnapshot {
    checkLimit('levels', levels, Number.MAX_SAFE_INTEGER);
    const feed = this.feed(symbol);
    return depthSnapshotView(feed.format, feed.depth.current(), Math.min(levels, this.depthLevels));
  }

  private feed(symbol: string): MarketFeed {
    const feed = this.projection.feedBySymbol(symbol);
    if (feed === undefined) throw new ServiceError('MARKET_UNKNOWN', { symbol: symbol.slice(0, 32) });
    return feed;
  }

  private onCommitted(batch: Parameters<MarketDataProjection['apply']>[0]): void {
    const intervalMs = this.options.depthPublishIntervalMs ?? 0;
    this.emit(this.projection.apply(batch, intervalMs > 0));
    if (intervalMs > 0 && this.depthTimer === undefined && this.projection.depthPending) {
      this.depthTimer = setTimeout(() => {
        this.depthTimer = undefined;
        this.emit(this.projection.publishDepth());
      }, intervalMs);
    }
  }

  private emit(messages: readonly PublicMessage[]): void {
    for (const message of messages) {
      for (const listener of this.listeners) {
        try {
          listener(message);
        } catch (error) {
          this.options.onListenerError?.(error);
        }
      }
    }
  }
}

function checkLimit(field: string, value: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new ServiceError('REQUEST_VALIDATION_FAILED', { field });
  }
}
