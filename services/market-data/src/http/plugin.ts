// Public market-data routes. Every route is `permission: 'public'`, has closed request schemas and
// a response schema; an unknown market is ServiceError('MARKET_UNKNOWN'), mapped by the foundation.
// Symbols in URLs are `BTC-TRY` (the engine's `BTC/TRY` cannot travel in a path segment).
import type { ExchangeEngineApi } from '@parite/exchange';
import type { HttpPlugin } from '@parite/http';
import type { MarketDataService } from '../app/market-data-service.ts';
import {
  CandlesQuery, CandlesResponse, candlesLimitDefault, DepthQuery, DepthResponse, MarketResponse, MarketsResponse,
  SymbolParams, TickerResponse, TickersResponse, TradesQuery, TradesResponse, tradesLimitDefault,
} from './schemas.ts';

export interface MarketDataPluginOptions {
  service: MarketDataService;
  /** Kept for routes that may need engine status; all data is read through the service. */
  engine: ExchangeEngineApi;
}

const tags = ['market-data'];
const config = { permission: 'public' } as const;

export const marketDataPlugin: HttpPlugin<MarketDataPluginOptions> = async (app, { service }) => {
  app.get('/v1/markets', {
    config,
    schema: { tags, summary: 'All markets and their trading rules', response: { 200: MarketsResponse } },
  }, async () => ({ markets: service.markets() }));

  app.get('/v1/markets/:symbol', {
    config,
    schema: { tags, summary: 'One market and its trading rules', params: SymbolParams,
      response: { 200: MarketResponse } },
  }, async (request) => service.market(request.params.symbol));

  app.get('/v1/markets/:symbol/depth', {
    config,
    schema: { tags, summary: 'Order book snapshot with its depth sequence', params: SymbolParams,
      querystring: DepthQuery, response: { 200: DepthResponse } },
  }, async (request) => service.depth(request.params.symbol, request.query.levels ?? service.depthLevels));

  app.get('/v1/markets/:symbol/trades', {
    config,
    schema: { tags, summary: 'Recent trades, oldest first', params: SymbolParams, querystring: TradesQuery,
      response: { 200: TradesResponse } },
  }, async (request) => ({
    symbol: request.params.symbol,
    trades: service.trades(request.params.symbol, request.query.limit ?? tradesLimitDefault),
  }));

  app.get('/v1/markets/:symbol/ticker', {
    config,
    schema: { tags, summary: 'Rolling 24-hour ticker', params: SymbolParams, response: { 200: TickerResponse } },
  }, async (request) => service.ticker(request.params.symbol));

  app.get('/v1/markets/:symbol/candles', {
    config,
    schema: { tags, summary: 'Candles, oldest first', params: SymbolParams, querystring: CandlesQuery,
      response: { 200: CandlesResponse } },
  }, async (request) => {
    const { interval, limit, endTimeMs } = request.query;
    return {
      symbol: request.params.symbol,
      interval,
      candles: service.candles(request.params.symbol, interval, limit ?? candlesLimitDefault, endTimeMs),
    };
  });

  app.get('/v1/tickers', {
    config,
    schema: { tags, summary: 'Rolling 24-hour tickers of every market', response: { 200: TickersResponse } },
  }, async () => ({ tickers: service.tickers() }));
};
