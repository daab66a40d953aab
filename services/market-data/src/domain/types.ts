// The public shapes of market data: what REST replies and WebSocket pushes carry. Prices and
// quantities are decimal strings (never JSON numbers); times are epoch milliseconds taken from the
// committed-command stream; symbols are in the URL-safe public form `BTC-TRY`.
import type { Side } from '@parite/matching';

/** [price, quantity]; a quantity of "0" in a delta deletes the level. */
export type PriceLevel = [price: string, quantity: string];

export interface PublicTrade {
  id: number;
  price: string;
  /** Base quantity. */
  quantity: string;
  /** Quote value (price x quantity), exact. */
  quoteQuantity: string;
  /** The taker's side: 'buy' means the taker lifted an ask. */
  takerSide: 'buy' | 'sell';
  timeMs: number;
}

/** Rolling 24-hour statistics; open/high/low/change are null when nothing traded in the window. */
export interface PublicTicker {
  symbol: string;
  open: string | null;
  high: string | null;
  low: string | null;
  /** The last trade price ever seen, even if older than the window; null before the first trade. */
  last: string | null;
  change: string | null;
  /** (last - open) / open in percent, truncated toward zero to two decimals. */
  changePercent: string | null;
  baseVolume: string;
  quoteVolume: string;
  tradeCount: number;
  /** Start of the oldest one-minute bucket inside the window. */
  openTimeMs: number;
  /** The stream time the statistics were computed at. */
  closeTimeMs: number;
}

export const candleIntervals = ['1m', '5m', '15m', '1h', '4h', '1d'] as const;
export type CandleInterval = (typeof candleIntervals)[number];

/** Candles are aligned to the Unix epoch (UTC): a 1d candle runs from midnight UTC. */
export const candleIntervalMs: Readonly<Record<CandleInterval, number>> = {
  '1m': 60_000,
  '5m': 5 * 60_000,
  '15m': 15 * 60_000,
  '1h': 60 * 60_000,
  '4h': 4 * 60 * 60_000,
  '1d': 24 * 60 * 60_000,
};

export function isCandleInterval(value: string): value is CandleInterval {
  return (candleIntervals as readonly string[]).includes(value);
}

export interface PublicCandle {
  openTimeMs: number;
  /** Last millisecond of the interval (openTimeMs + interval - 1). */
  closeTimeMs: number;
  open: string;
  high: string;
  low: string;
  close: string;
  baseVolume: string;
  quoteVolume: string;
  tradeCount: number;
}

/**
 * The top levels as of depth sequence `sequence`. A client keeps it in sync by applying every
 * delta with sequence = snapshot sequence + 1, + 2, ... (see DepthDelta).
 */
export interface DepthSnapshot {
  symbol: string;
  sequence: number;
  /** Best (highest) first. */
  bids: PriceLevel[];
  /** Best (lowest) first. */
  asks: PriceLevel[];
}

/**
 * The changes of the published top levels between sequence - 1 and sequence. Per market the
 * sequence grows by exactly one per delta, so a client that sees a gap must resync: buffer deltas,
 * fetch a snapshot, drop deltas with sequence <= snapshot.sequence, apply the rest in order.
 */
export interface DepthDelta {
  symbol: string;
  sequence: number;
  bids: PriceLevel[];
  asks: PriceLevel[];
}

export type PublicChannel = 'depth' | 'trades' | 'ticker';

export type PublicMessage =
  | { channel: 'depth'; symbol: string; data: DepthDelta }
  | { channel: 'trades'; symbol: string; data: PublicTrade[] }
  | { channel: 'ticker'; symbol: string; data: PublicTicker };

/** A trade as the projection keeps it: minor units, so later tick-size changes cannot reprice it. */
export interface TradeRecord {
  tradeId: number;
  /** Quote minor units per one whole base unit. */
  priceUnits: bigint;
  baseUnits: bigint;
  quoteUnits: bigint;
  takerSide: Side;
  timeMs: number;
}

export interface FeeTierInfo {
  tier: number;
  /** Fractions, e.g. "0.001" for 0.1 %. */
  makerFeeRate: string;
  takerFeeRate: string;
}

export interface PublicMarket {
  symbol: string;
  base: string;
  quote: string;
  status: 'open' | 'halted' | 'cancel-only';
  tickSize: string;
  lotSize: string;
  quantityMin: string;
  quantityMax: string;
  notionalMin: string;
  /** Fraction digits of prices and quote amounts. */
  priceScale: number;
  /** Fraction digits of base quantities. */
  quantityScale: number;
  feeTiers: FeeTierInfo[];
  /** Bumped by every parameter change. */
  version: number;
}
