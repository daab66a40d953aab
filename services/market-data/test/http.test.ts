// REST routes through fastify inject: on a bare Fastify instance (with the minimal ServiceError
// mapping the foundation does for real), and once on the foundation itself to prove that its
// registration guard accepts every route and that its strict validation refuses unknown fields.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { ServiceError } from '@parite/contracts';
import { anonymousAuthenticator, createHttpApp } from '@parite/http';
import { MarketDataService } from '../src/app/market-data-service.ts';
import { marketDataPlugin } from '../src/http/plugin.ts';
import { FakeEngine, Side, alice, bob, btcHundredths, startTimeMs, tryUnits } from './fake-engine.ts';

function tradedEngine(): { engine: FakeEngine; service: MarketDataService } {
  const engine = new FakeEngine();
  const service = new MarketDataService(engine);
  service.start();
  engine.seed();
  engine.ok(engine.limit(alice, 'BTC/TRY', Side.Sell, tryUnits(3_900_000), btcHundredths(50)),
    engine.limit(alice, 'BTC/TRY', Side.Sell, tryUnits(3_900_010), btcHundredths(5)),
    engine.limit(bob, 'BTC/TRY', Side.Buy, tryUnits(3_899_990), btcHundredths(7)));
  engine.timestampMs += 61_000;
  engine.ok(engine.limit(bob, 'BTC/TRY', Side.Buy, tryUnits(3_900_000), btcHundredths(20)));
  return { engine, service };
}

async function bareApp(): Promise<FastifyInstance> {
  const { engine, service } = tradedEngine();
  const app = Fastify();
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof ServiceError) return reply.code(error.httpStatus).send({ error: { code: error.code } });
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    return reply.code(status).send({ error: { code: status === 400 ? 'REQUEST_VALIDATION_FAILED' : 'INTERNAL_ERROR' } });
  });
  await app.register(marketDataPlugin, { service, engine });
  return app;
}

test('GET /v1/markets and /v1/markets/:symbol list the trading rules', async () => {
  const app = await bareApp();
  const all = await app.inject({ method: 'GET', url: '/v1/markets' });
  assert.equal(all.statusCode, 200);
  const body = all.json<{ markets: { symbol: string; tickSize: string; feeTiers: unknown[] }[] }>();
  assert.equal(body.markets.length, 5);
  assert.equal(body.markets[1]?.symbol, 'ETH-TRY');
  assert.equal(body.markets[1]?.tickSize, '0.1');
  const one = await app.inject({ method: 'GET', url: '/v1/markets/USDT-TRY' });
  assert.equal(one.json<{ tickSize: string; lotSize: string }>().tickSize, '0.0001');
  assert.equal(one.json<{ lotSize: string }>().lotSize, '0.01');
  await app.close();
});

test('GET depth returns the published levels with the depth sequence; levels caps the reply', async () => {
  const app = await bareApp();
  const response = await app.inject({ method: 'GET', url: '/v1/markets/BTC-TRY/depth?levels=1' });
  assert.equal(response.statusCode, 200);
  // Two batches touched the book: one delta each, whatever the number of orders in a batch.
  assert.deepEqual(response.json(), { symbol: 'BTC-TRY', sequence: 2, bids: [['3899990', '0.07']], asks: [['3900000', '0.3']] });
  const full = await app.inject({ method: 'GET', url: '/v1/markets/BTC-TRY/depth' });
  assert.deepEqual(full.json<{ asks: unknown[] }>().asks, [['3900000', '0.3'], ['3900010', '0.05']]);
  await app.close();
});

test('GET trades, ticker, candles and tickers', async () => {
  const app = await bareApp();
  const trades = await app.inject({ method: 'GET', url: '/v1/markets/BTC-TRY/trades?limit=5' });
  assert.deepEqual(trades.json(), { symbol: 'BTC-TRY', trades: [{ id: 1, price: '3900000', quantity: '0.2',
    quoteQuantity: '780000', takerSide: 'buy', timeMs: startTimeMs + 61_000 }] });
  const ticker = await app.inject({ method: 'GET', url: '/v1/markets/BTC-TRY/ticker' });
  assert.equal(ticker.json<{ last: string; tradeCount: number }>().last, '3900000');
  const candles = await app.inject({ method: 'GET', url: '/v1/markets/BTC-TRY/candles?interval=1m&limit=2' });
  assert.deepEqual(candles.json(), { symbol: 'BTC-TRY', interval: '1m', candles: [{ openTimeMs: startTimeMs + 60_000,
    closeTimeMs: startTimeMs + 119_999, open: '3900000', high: '3900000', low: '3900000', close: '3900000',
    baseVolume: '0.2', quoteVolume: '780000', tradeCount: 1 }] });
  const dayBeforeMs = startTimeMs - 86_400_000;
  const before = await app.inject({ method: 'GET', url: `/v1/markets/BTC-TRY/candles?interval=1d&endTimeMs=${dayBeforeMs}` });
  assert.deepEqual(before.json<{ candles: unknown[] }>().candles, []);
  const tickers = await app.inject({ method: 'GET', url: '/v1/tickers' });
  assert.equal(tickers.json<{ tickers: unknown[] }>().tickers.length, 5);
  await app.close();
});

test('unknown markets are MARKET_UNKNOWN; malformed symbols and out-of-range queries fail validation', async () => {
  const app = await bareApp();
  const unknown = await app.inject({ method: 'GET', url: '/v1/markets/DOGE-TRY/ticker' });
  assert.equal(unknown.statusCode, 404);
  assert.deepEqual(unknown.json(), { error: { code: 'MARKET_UNKNOWN' } });
  for (const url of ['/v1/markets/BTC_TRY/ticker', '/v1/markets/BTC-TRY/depth?levels=0',
    '/v1/markets/BTC-TRY/depth?levels=501', '/v1/markets/BTC-TRY/trades?limit=1001', '/v1/markets/BTC-TRY/trades?limit=x',
    '/v1/markets/BTC-TRY/candles', '/v1/markets/BTC-TRY/candles?interval=2m',
    '/v1/markets/BTC-TRY/candles?interval=1m&limit=0']) {
    const response = await app.inject({ method: 'GET', url });
    assert.equal(response.statusCode, 400, url);
  }
  await app.close();
});

test('the http foundation accepts every route and refuses unknown query fields', async () => {
  const { engine, service } = tradedEngine();
  const app = createHttpApp({ authenticator: anonymousAuthenticator, openApi: { title: 'test', version: '0' },
    rateLimit: false });
  await app.register(marketDataPlugin, { service, engine });
  await app.ready();
  const ok = await app.inject({ method: 'GET', url: '/v1/markets/BTC-TRY/depth?levels=2' });
  assert.equal(ok.statusCode, 200);
  const extra = await app.inject({ method: 'GET', url: '/v1/markets/BTC-TRY/depth?levels=2&foo=1' });
  assert.equal(extra.statusCode, 400);
  assert.equal(extra.json<{ error: { code: string } }>().error.code, 'REQUEST_VALIDATION_FAILED');
  const unknown = await app.inject({ method: 'GET', url: '/v1/markets/DOGE-TRY/depth' });
  assert.equal(unknown.json<{ error: { code: string } }>().error.code, 'MARKET_UNKNOWN');
  const spec = await app.inject({ method: 'GET', url: '/openapi.json' });
  assert.ok(Object.keys(spec.json<{ paths: Record<string, unknown> }>().paths).includes('/v1/markets/{symbol}/candles'));
  await app.close();
});
