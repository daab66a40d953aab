// The market-data projection: folds the engine's committed-command stream into trades, tickers,
// candles and published depth, and says what to push to clients after each batch. Synchronous and
// deterministic: time is the committed timestamps, never a clock; the engine state is only read.
import { assert } from '@parite/kernel';
import type { ExchangeEvent } from '@parite/exchange/domain';
import { priceUnitsOf, publicTrade } from './format.ts';
import { depthLevelsPublishedDefault, depthLevelsPublishedLimit, marketsFollowedMax } from './limits.ts';
import { MarketFeed, type MarketSource } from './market-feed.ts';
import { engineSymbol } from './symbols.ts';
import type { PublicMessage, TradeRecord } from './types.ts';
import { depthDeltaView, tickerView } from './views.ts';

/** The part of a committed command the projection reads; the engine's CommittedCommand satisfies it. */
export interface CommittedEntry {
  readonly sequence: bigint;
  readonly timestampMs: number;
  /** Set when the engine is sharded: each shard's journal numbers its commands on its own. */
  readonly shardIndex?: number | undefined;
  readonly result: { readonly code: string; readonly events: readonly ExchangeEvent[] };
}

export interface ProjectionOptions {
  /** Depth levels per side that snapshots and deltas cover (default 100, at most 500). */
  depthLevels?: number;
  /**
   * The engine's last applied sequence of the journal that holds the market (ExchangeEngineApi
   * appliedSequenceOfMarket). A feed first seen mid-stream is seeded from the live book, which holds
   * every command applied so far: events of that journal up to this sequence are then already in it.
   * Default: the last delivered sequence (right for unsharded engines that deliver as they apply).
   */
  appliedSequence?: (marketId: number) => bigint;
}

export class MarketDataProjection {
  readonly depthLevels: number;
  private readonly feeds = new Map<number, MarketFeed>();
  private timeMs = 0;
  /** The last delivered sequence of each shard's journal (an unsharded engine is shard 0). */
  private readonly lastSequenceByShard = new Map<number, bigint>();

  /** `source` is read on every call, because the engine may swap its state (snapshot restore). */
  private readonly appliedSequence: (marketId: number) => bigint;

  constructor(private readonly source: () => MarketSource, options: ProjectionOptions = {}) {
    this.depthLevels = options.depthLevels ?? depthLevelsPublishedDefault;
    this.appliedSequence = options.appliedSequence ?? (() => this.lastSequenceByShard.get(0) ?? -1n);
    assert(Number.isSafeInteger(this.depthLevels) && this.depthLevels >= 1 &&
      this.depthLevels <= depthLevelsPublishedLimit, 'depthLevels out of range');
  }

  /** The latest committed timestamp seen: the projection's notion of "now". */
  get streamTimeMs(): number {
    return this.timeMs;
  }

  /** Markets whose book changed since their depth was last published (when depth is deferred). */
  private readonly depthDirty = new Set<number>();

  /**
   * Folds one committed batch in and returns what to publish, market by market in order of first
   * touch. With `deferDepth`, depth is not diffed now: the touched markets are remembered and
   * publishDepth() diffs each once, however many batches touched it meanwhile.
   */
  apply(batch: readonly CommittedEntry[], deferDepth = false): PublicMessage[] {
    const touched = new Map<number, TradeRecord[]>();
    for (const committed of batch) {
      // Batches of one journal arrive in its order; shards interleave, each counting on its own.
      const shardIndex = committed.shardIndex ?? 0;
      assert(committed.sequence > (this.lastSequenceByShard.get(shardIndex) ?? -1n), 'committed batches arrive in journal order');
      this.lastSequenceByShard.set(shardIndex, committed.sequence);
      // The engine never runs time backwards; clamping keeps candles and buckets monotonic anyway.
      this.timeMs = Math.max(this.timeMs, committed.timestampMs);
      if (committed.result.code !== 'OK') continue;
      for (const event of committed.result.events) this.applyEvent(event, touched, committed.sequence);
    }
    return this.publish(touched, deferDepth);
  }

  /** Depth deltas of every market touched since the last call, in market id order. */
  publishDepth(): PublicMessage[] {
    const messages: PublicMessage[] = [];
    for (const marketId of [...this.depthDirty].sort((left, right) => left - right)) {
      const message = this.depthMessage(marketId);
      if (message !== undefined) messages.push(message);
    }
    this.depthDirty.clear();
    return messages;
  }

  get depthPending(): boolean {
    return this.depthDirty.size > 0;
  }

  /** The feed of a market by `BTC-TRY` or `BTC/TRY`; undefined when the engine has no such market. */
  feedBySymbol(symbol: string): MarketFeed | undefined {
    const name = engineSymbol(symbol);
    if (name === undefined) return undefined;
    const market = this.source().marketBySymbol.get(name);
    return market === undefined ? undefined : this.feedById(market.spec.marketId);
  }

  /** Feeds are made on first sight, from the live book at depth sequence 0. */
  feedById(marketId: number): MarketFeed | undefined {
    const existing = this.feeds.get(marketId);
    if (existing !== undefined) return existing;
    const market = this.source().markets.get(marketId);
    if (market === undefined) return undefined;
    assert(this.feeds.size < marketsFollowedMax, 'more markets than the engine allows');
    const feed = new MarketFeed(marketId, market, this.depthLevels, 'live-book', this.appliedSequence(marketId));
    this.feeds.set(marketId, feed);
    return feed;
  }

  /** A market born in the stream starts empty: every order it will hold arrives as an event. */
  private feedForNewMarket(marketId: number): void {
    if (this.feeds.has(marketId)) return;
    const market = this.source().markets.get(marketId);
    assert(market !== undefined, 'a created market exists in the engine state');
    assert(this.feeds.size < marketsFollowedMax, 'more markets than the engine allows');
    this.feeds.set(marketId, new MarketFeed(marketId, market, this.depthLevels, 'empty', 0n));
  }

  /** Every market of the engine, in market id order. */
  allFeeds(): MarketFeed[] {
    const feeds: MarketFeed[] = [];
    for (const marketId of [...this.source().markets.keys()].sort((a, b) => a - b)) {
      const feed = this.feedById(marketId);
      if (feed !== undefined) feeds.push(feed);
    }
    return feeds;
  }

  private applyEvent(event: ExchangeEvent, touched: Map<number, TradeRecord[]>, sequence: bigint): void {
    const marketId = eventMarketId(event);
    if (marketId === undefined) return;
    if (event.type === 'market.created') this.feedForNewMarket(marketId);
    const feed = this.feedById(marketId);
    // The engine applied the event, so its state knows the market; anything else is a broken stream.
    assert(feed !== undefined, 'an event names a market the engine state does not have');
    let trades = touched.get(marketId);
    if (trades === undefined) {
      trades = [];
      touched.set(marketId, trades);
    }
    if (event.type === 'market.created' || event.type === 'market.updated') feed.updateSpec(event.market);
    if (sequence > feed.seededThroughSequence) feed.book.apply(event);
    if (event.type !== 'trade.executed') return;
    const trade: TradeRecord = {
      tradeId: event.tradeId, priceUnits: priceUnitsOf(feed.format, event.priceTicks), baseUnits: event.baseUnits,
      quoteUnits: event.quoteUnits, takerSide: event.takerSide, timeMs: this.timeMs,
    };
    feed.recordTrade(trade);
    trades.push(trade);
  }

  private depthMessage(marketId: number): PublicMessage | undefined {
    const feed = this.feeds.get(marketId);
    assert(feed !== undefined, 'a touched market has a feed');
    const change = feed.depth.update(feed.book.depth(this.depthLevels));
    return change === undefined ? undefined
      : { channel: 'depth', symbol: feed.format.symbol, data: depthDeltaView(feed.format, change) };
  }

  private publish(touched: ReadonlyMap<number, readonly TradeRecord[]>, deferDepth: boolean): PublicMessage[] {
    const messages: PublicMessage[] = [];
    for (const [marketId, trades] of touched) {
      const feed = this.feeds.get(marketId);
      assert(feed !== undefined, 'a touched market has a feed');
      const symbol = feed.format.symbol;
      if (trades.length > 0) {
        messages.push({ channel: 'trades', symbol, data: trades.map((trade) => publicTrade(feed.format, trade)) });
        messages.push({ channel: 'ticker', symbol, data: tickerView(feed.format, feed.ticker.summary(this.timeMs)) });
      }
      if (deferDepth) {
        this.depthDirty.add(marketId);
        continue;
      }
      const depth = this.depthMessage(marketId);
      if (depth !== undefined) messages.push(depth);
    }
    return messages;
  }
}

/** The market whose public data an event can change; undefined for ledger and user events. */
export function eventMarketId(event: ExchangeEvent): number | undefined {
  switch (event.type) {
    case 'market.created':
    case 'market.updated':
      return event.market.marketId;
    case 'order.accepted':
      return event.order.marketId;
    case 'order.rested':
    case 'order.amended':
    case 'order.reduced':
    case 'order.done':
    case 'trade.executed':
      return event.marketId;
    default:
      return undefined;
  }
}
