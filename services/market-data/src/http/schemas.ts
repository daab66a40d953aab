// Request and response schemas of the public market-data routes. Prices and quantities are
// decimal strings; objects refuse unknown fields (requests) and never leak extra ones (responses).
import { Type, type Static } from '@sinclair/typebox';
import { candlesMax, depthLevelsPublishedLimit, recentTradesMax } from '../domain/limits.ts';
import { publicSymbolPattern } from '../domain/symbols.ts';
import { candleIntervals } from '../domain/types.ts';

const closed = { additionalProperties: false } as const;
const Decimal = Type.String({ description: 'Decimal string, e.g. "0.015"' });
const NullableDecimal = Type.Union([Type.String(), Type.Null()]);
const EpochMs = Type.Integer({ minimum: 0, description: 'Unix epoch milliseconds' });

export const tradesLimitDefault = 100;
export const candlesLimitDefault = 500;

export const SymbolParams = Type.Object({
  symbol: Type.String({ pattern: publicSymbolPattern, maxLength: 25, description: 'Market symbol, e.g. BTC-TRY' }),
}, closed);
export type SymbolParams = Static<typeof SymbolParams>;

export const DepthQuery = Type.Object({
  levels: Type.Optional(Type.Integer({ minimum: 1, maximum: depthLevelsPublishedLimit,
    description: 'Levels per side; capped at the published depth (100 by default)' })),
}, closed);
export type DepthQuery = Static<typeof DepthQuery>;

export const TradesQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: recentTradesMax, default: tradesLimitDefault })),
}, closed);
export type TradesQuery = Static<typeof TradesQuery>;

export const CandlesQuery = Type.Object({
  interval: Type.Union(candleIntervals.map((interval) => Type.Literal(interval))),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: candlesMax, default: candlesLimitDefault })),
  endTimeMs: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER,
    description: 'Only candles opening at or before this time' })),
}, closed);
export type CandlesQuery = Static<typeof CandlesQuery>;

const FeeTier = Type.Object({ tier: Type.Integer(), makerFeeRate: Decimal, takerFeeRate: Decimal }, closed);

export const MarketResponse = Type.Object({
  symbol: Type.String(),
  base: Type.String(),
  quote: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('halted'), Type.Literal('cancel-only')]),
  tickSize: Decimal,
  lotSize: Decimal,
  quantityMin: Decimal,
  quantityMax: Decimal,
  notionalMin: Decimal,
  priceScale: Type.Integer(),
  quantityScale: Type.Integer(),
  feeTiers: Type.Array(FeeTier),
  version: Type.Integer(),
}, closed);

export const MarketsResponse = Type.Object({ markets: Type.Array(MarketResponse) }, closed);

const PriceLevel = Type.Tuple([Decimal, Decimal], { description: '[price, quantity]' });

export const DepthResponse = Type.Object({
  symbol: Type.String(),
  sequence: Type.Integer({ description: 'Depth sequence: apply WebSocket deltas with a higher sequence' }),
  bids: Type.Array(PriceLevel),
  asks: Type.Array(PriceLevel),
}, closed);

const Trade = Type.Object({
  id: Type.Integer(),
  price: Decimal,
  quantity: Decimal,
  quoteQuantity: Decimal,
  takerSide: Type.Union([Type.Literal('buy'), Type.Literal('sell')]),
  timeMs: EpochMs,
}, closed);

export const TradesResponse = Type.Object({ symbol: Type.String(), trades: Type.Array(Trade) }, closed);

export const TickerResponse = Type.Object({
  symbol: Type.String(),
  open: NullableDecimal,
  high: NullableDecimal,
  low: NullableDecimal,
  last: NullableDecimal,
  change: NullableDecimal,
  changePercent: NullableDecimal,
  baseVolume: Decimal,
  quoteVolume: Decimal,
  tradeCount: Type.Integer(),
  openTimeMs: Type.Integer(),
  closeTimeMs: Type.Integer(),
}, closed);

export const TickersResponse = Type.Object({ tickers: Type.Array(TickerResponse) }, closed);

const Candle = Type.Object({
  openTimeMs: EpochMs,
  closeTimeMs: EpochMs,
  open: Decimal,
  high: Decimal,
  low: Decimal,
  close: Decimal,
  baseVolume: Decimal,
  quoteVolume: Decimal,
  tradeCount: Type.Integer(),
}, closed);

export const CandlesResponse = Type.Object({
  symbol: Type.String(),
  interval: Type.String(),
  candles: Type.Array(Candle),
}, closed);
