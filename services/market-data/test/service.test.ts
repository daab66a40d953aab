// MarketDataService on a real ExchangeCore behind the fake engine: trades, tickers, candles and
// depth come out of committed batches with exact decimal strings, pushes follow each batch, time
// is the committed timestamps, and unknown markets and bad arguments are refused with codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceError } from '@parite/contracts';
import { MarketDataService } from '../src/app/market-data-service.ts';
import type { PublicMessage } from '../src/domain/index.ts';
import { FakeEngine, Side, alice, bob, btcHundredths, startTimeMs, tryUnits } from './fake-engine.ts';

function setup(): { engine: FakeEngine; service: MarketDataService; messages: PublicMessage[] } {
  const engine = new FakeEngine();
  const service = new MarketDataService(engine);
  service.start();
  engine.seed();
  const messages: PublicMessage[] = [];
  service.onPublicMessage((message) => messages.push(message));
  return { engine, service, messages };
}

function isCode(code: string): (error: unknown) => boolean {
  return (error) => error instanceof ServiceError && error.code === code;
}

test('a crossing order publishes trades, ticker and depth, in that order, with exact decimals', () => {
  const { engine, service, messages } = setup();
  engine.ok(engine.limit(alice, 'BTC/TRY', Side.Sell, tryUnits(3_900_000), btcHundredths(50)));
  assert.deepEqual(messages.map((message) => message.channel), ['depth']);
  messages.length = 0;
  engine.timestampMs += 1_500;
  engine.ok(engine.limit(bob, 'BTC/TRY', Side.Buy, tryUnits(3_900_001), btcHundredths(20)));
  assert.deepEqual(messages.map((message) => message.channel), ['trades', 'ticker', 'depth']);
  const [trades, ticker, depth] = messages;
  assert.deepEqual(trades, { channel: 'trades', symbol: 'BTC-TRY', data: [{
    id: 1, price: '3900000', quantity: '0.2', quoteQuantity: '780000', takerSide: 'buy', timeMs: startTimeMs + 1_500,
  }] });
  assert.equal(ticker?.channel === 'ticker' && ticker.data.last, '3900000');
  assert.deepEqual(depth, { channel: 'depth', symbol: 'BTC-TRY', data: { symbol: 'BTC-TRY', sequence: 2,
    bids: [], asks: [['3900000', '0.3']] } });
  assert.deepEqual(service.depth('BTC-TRY', 10), { symbol: 'BTC-TRY', sequence: 2, bids: [], asks: [['3900000', '0.3']] });
});

test('trades, ticker and candles follow the committed timestamps', () => {
  const { engine, service } = setup();
  const trade = (priceLira: number, hundredths: number) => {
    engine.ok(engine.limit(alice, 'ETH/TRY', Side.Sell, tryUnits(priceLira), btcHundredths(hundredths)),
      engine.limit(bob, 'ETH/TRY', Side.Buy, tryUnits(priceLira), btcHundredths(hundredths)));
  };
  trade(130_000, 10); // 0.1 ETH at 130000
  engine.timestampMs += 60_000;
  trade(131_000, 20);
  engine.timestampMs += 30_000;
  trade(129_000, 10);
  assert.deepEqual(service.trades('ETH-TRY', 2).map((entry) => [entry.price, entry.quantity, entry.takerSide]),
    [['131000', '0.2', 'buy'], ['129000', '0.1', 'buy']]);
  const ticker = service.ticker('ETH/TRY');
  assert.deepEqual({ ...ticker, openTimeMs: 0 }, {
    symbol: 'ETH-TRY', open: '130000', high: '131000', low: '129000', last: '129000', change: '-1000',
    changePercent: '-0.76', baseVolume: '0.4', quoteVolume: '52100', tradeCount: 3, openTimeMs: 0,
    closeTimeMs: startTimeMs + 90_000,
  });
  assert.deepEqual(service.candles('ETH-TRY', '1m', 10).map((candle) => [candle.openTimeMs, candle.open, candle.close,
    candle.tradeCount]), [[startTimeMs, '130000', '130000', 1], [startTimeMs + 60_000, '131000', '129000', 2]]);
  assert.equal(service.candles('ETH-TRY', '1h', 10).length, 1);
  assert.deepEqual(service.candles('ETH-TRY', '1m', 10, startTimeMs + 59_999).map((candle) => candle.openTimeMs), [startTimeMs]);
  assert.deepEqual(service.tickers().map((entry) => [entry.symbol, entry.tradeCount]),
    [['BTC-TRY', 0], ['ETH-TRY', 3], ['USDT-TRY', 0], ['BTC-USDT', 0], ['ETH-USDT', 0]]);
});

test('queries refuse unknown markets and out-of-range arguments with catalogue codes', () => {
  const { service } = setup();
  assert.throws(() => service.ticker('DOGE-TRY'), isCode('MARKET_UNKNOWN'));
  assert.throws(() => service.depth('btc-try'), isCode('MARKET_UNKNOWN'));
  assert.throws(() => service.trades('BTC-TRY', 0), isCode('REQUEST_VALIDATION_FAILED'));
  assert.throws(() => service.trades('BTC-TRY', 1_001), isCode('REQUEST_VALIDATION_FAILED'));
  assert.throws(() => service.candles('BTC-TRY', '2m', 10), isCode('REQUEST_VALIDATION_FAILED'));
  assert.throws(() => service.candles('BTC-TRY', '1m', 10, -1), isCode('REQUEST_VALIDATION_FAILED'));
  assert.throws(() => service.depth('BTC-TRY', 1.5), isCode('REQUEST_VALIDATION_FAILED'));
  assert.deepEqual(service.trades('BTC-TRY', 5), []);
});

test('markets are listed with their rules as decimal strings', () => {
  const { service } = setup();
  const markets = service.markets();
  assert.deepEqual(markets.map((market) => market.symbol), ['BTC-TRY', 'ETH-TRY', 'USDT-TRY', 'BTC-USDT', 'ETH-USDT']);
  assert.deepEqual(markets[0], {
    symbol: 'BTC-TRY', base: 'BTC', quote: 'TRY', status: 'open', tickSize: '1', lotSize: '0.00001', quantityMin: '0.00001',
    quantityMax: '100', notionalMin: '10', priceScale: 6, quantityScale: 8, version: 1,
    feeTiers: [
      { tier: 0, makerFeeRate: '0.001', takerFeeRate: '0.002' },
      { tier: 1, makerFeeRate: '0.0005', takerFeeRate: '0.001' },
      { tier: 2, makerFeeRate: '0', takerFeeRate: '0.0005' },
    ],
  });
});

test('a tick-size change reprices neither history nor the published book', () => {
  const { engine, service } = setup();
  engine.ok(engine.limit(alice, 'BTC/TRY', Side.Sell, tryUnits(1_000), btcHundredths(100)),
    engine.limit(bob, 'BTC/TRY', Side.Buy, tryUnits(1_000), btcHundredths(100)));
  engine.ok({ kind: 'market.update', symbol: 'BTC/TRY', parameters: { tickSizeUnits: 10_000_000n } }); // 10 TRY tick
  engine.ok(engine.limit(alice, 'BTC/TRY', Side.Sell, tryUnits(1_010), btcHundredths(100)));
  assert.deepEqual(service.trades('BTC-TRY', 1).map((entry) => entry.price), ['1000']);
  assert.deepEqual(service.depth('BTC-TRY').asks, [['1010', '1']]);
  assert.equal(service.market('BTC-TRY').tickSize, '10');
});

test('a failing listener does not stop the others; stop() ends the subscription', () => {
  const engine = new FakeEngine();
  const errors: unknown[] = [];
  const service = new MarketDataService(engine, { onListenerError: (error) => errors.push(error) });
  service.start();
  engine.seed();
  const seen: string[] = [];
  service.onPublicMessage(() => {
    throw new Error('listener bug');
  });
  const remove = service.onPublicMessage((message) => seen.push(message.channel));
  engine.ok(engine.limit(alice, 'BTC/TRY', Side.Buy, tryUnits(1_000), btcHundredths(1)));
  assert.deepEqual(seen, ['depth']);
  assert.equal(errors.length, 1);
  remove();
  service.stop();
  engine.ok(engine.limit(alice, 'BTC/TRY', Side.Buy, tryUnits(1_001), btcHundredths(1)));
  assert.equal(errors.length, 1);
  assert.equal(service.depth('BTC-TRY').sequence, 1, 'a stopped service no longer follows the stream');
});
