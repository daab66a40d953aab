// Ticker and candle arithmetic on hand-made trades with known answers: OHLC, volumes, change,
// the 24-hour window edge (one-minute buckets), candle bucket boundaries and the history bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Side } from '@parite/matching';
import {
  CandleSeries, RollingTicker, candleIntervalMs, candleOpenTimeMs, candlesMax, candleView, tickerView,
  type MarketFormat, type TradeRecord,
} from '../src/domain/index.ts';

// A BTC/TRY-like market: quote scale 6 (TRY), base scale 8 (BTC).
const format: MarketFormat = { symbol: 'BTC-TRY', quoteScale: 6, baseScale: 8, tickSizeUnits: 1_000_000n, lotSizeUnits: 1_000n };
const minuteMs = 60_000;
const dayMs = 24 * 60 * minuteMs;
const baseTimeMs = 1_700_006_400_000; // 2023-11-15T00:00:00Z, a UTC midnight

let nextTradeId = 1;
function trade(timeMs: number, priceLira: number, baseSatoshi: bigint, takerSide: Side = Side.Buy): TradeRecord {
  const priceUnits = BigInt(priceLira) * 1_000_000n;
  return { tradeId: nextTradeId++, priceUnits, baseUnits: baseSatoshi, quoteUnits: (priceUnits * baseSatoshi) / 100_000_000n,
    takerSide, timeMs };
}

test('ticker: open, high, low, last, volumes and change over known trades', () => {
  const ticker = new RollingTicker();
  ticker.record(trade(baseTimeMs + 1_000, 100, 100_000_000n)); // 1 BTC at 100
  ticker.record(trade(baseTimeMs + 2 * minuteMs, 120, 50_000_000n)); // 0.5 BTC at 120
  ticker.record(trade(baseTimeMs + 3 * minuteMs, 90, 25_000_000n, Side.Sell)); // 0.25 BTC at 90
  ticker.record(trade(baseTimeMs + 3 * minuteMs + 5, 95, 100n)); // 0.000001 BTC at 95
  const view = tickerView(format, ticker.summary(baseTimeMs + 10 * minuteMs));
  assert.deepEqual(view, {
    symbol: 'BTC-TRY', open: '100', high: '120', low: '90', last: '95', change: '-5', changePercent: '-5',
    baseVolume: '1.750001', quoteVolume: '182.500095', tradeCount: 4,
    openTimeMs: baseTimeMs + 10 * minuteMs - dayMs + minuteMs, closeTimeMs: baseTimeMs + 10 * minuteMs,
  });
});

test('ticker: change percent truncates toward zero at two decimals', () => {
  const ticker = new RollingTicker();
  ticker.record(trade(baseTimeMs, 300, 1n));
  ticker.record(trade(baseTimeMs + 1, 301, 1n));
  assert.equal(tickerView(format, ticker.summary(baseTimeMs + 1)).changePercent, '0.33'); // 0.3333..
  const falling = new RollingTicker();
  falling.record(trade(baseTimeMs, 300, 1n));
  falling.record(trade(baseTimeMs + 1, 299, 1n));
  assert.equal(tickerView(format, falling.summary(baseTimeMs + 1)).changePercent, '-0.33');
});

test('ticker: a trade leaves the window exactly when its minute is 1440 minutes old', () => {
  const ticker = new RollingTicker();
  const tradeMinuteMs = baseTimeMs + 7 * minuteMs;
  ticker.record(trade(tradeMinuteMs + 30_000, 100, 5n));
  const inside = ticker.summary(tradeMinuteMs + dayMs - 1);
  assert.equal(inside.tradeCount, 1);
  assert.equal(inside.baseUnits, 5n);
  const outside = tickerView(format, ticker.summary(tradeMinuteMs + dayMs));
  assert.equal(outside.tradeCount, 0);
  assert.equal(outside.baseVolume, '0');
  assert.equal(outside.open, null);
  assert.equal(outside.high, null);
  assert.equal(outside.change, null);
  assert.equal(outside.last, '100', 'the last price survives the window');
});

test('ticker: buckets are reused after a day, old data never leaks into the new minute', () => {
  const ticker = new RollingTicker();
  ticker.record(trade(baseTimeMs, 100, 10n));
  ticker.record(trade(baseTimeMs + dayMs, 200, 3n)); // same ring slot, one day later
  const view = tickerView(format, ticker.summary(baseTimeMs + dayMs));
  assert.equal(view.tradeCount, 1);
  assert.equal(view.open, '200');
  assert.equal(view.low, '200');
  assert.equal(view.baseVolume, '0.00000003');
});

test('ticker: never traded gives null prices and zero volumes', () => {
  const view = tickerView(format, new RollingTicker().summary(baseTimeMs));
  assert.equal(view.last, null);
  assert.equal(view.open, null);
  assert.equal(view.tradeCount, 0);
  assert.equal(view.quoteVolume, '0');
});

test('candles: a trade at the last millisecond and one at the next boundary land in different candles', () => {
  const series = new CandleSeries(candleIntervalMs['1m'], candlesMax);
  series.record(trade(baseTimeMs + minuteMs - 1, 100, 1n));
  series.record(trade(baseTimeMs + minuteMs, 101, 2n));
  series.record(trade(baseTimeMs + 2 * minuteMs - 1, 99, 3n));
  const candles = series.newest(10, undefined).map((candle) => candleView(format, candle, minuteMs));
  assert.deepEqual(candles, [
    { openTimeMs: baseTimeMs, closeTimeMs: baseTimeMs + minuteMs - 1, open: '100', high: '100', low: '100', close: '100',
      baseVolume: '0.00000001', quoteVolume: '0.000001', tradeCount: 1 },
    { openTimeMs: baseTimeMs + minuteMs, closeTimeMs: baseTimeMs + 2 * minuteMs - 1, open: '101', high: '101', low: '99',
      close: '99', baseVolume: '0.00000005', quoteVolume: '0.000004', tradeCount: 2 },
  ]);
});

test('candles: every interval aligns to the UTC epoch (4h and 1d start at UTC boundaries)', () => {
  const timeMs = baseTimeMs + 5 * 60 * minuteMs + 17 * minuteMs + 3_000; // 05:17:03 UTC
  assert.equal(candleOpenTimeMs(timeMs, candleIntervalMs['1m']), baseTimeMs + 317 * minuteMs);
  assert.equal(candleOpenTimeMs(timeMs, candleIntervalMs['5m']), baseTimeMs + 315 * minuteMs);
  assert.equal(candleOpenTimeMs(timeMs, candleIntervalMs['15m']), baseTimeMs + 315 * minuteMs);
  assert.equal(candleOpenTimeMs(timeMs, candleIntervalMs['1h']), baseTimeMs + 300 * minuteMs);
  assert.equal(candleOpenTimeMs(timeMs, candleIntervalMs['4h']), baseTimeMs + 240 * minuteMs);
  assert.equal(candleOpenTimeMs(timeMs, candleIntervalMs['1d']), baseTimeMs);
  assert.equal(candleOpenTimeMs(baseTimeMs - 1, candleIntervalMs['1d']), baseTimeMs - dayMs);
});

test('candles: limit and endTimeMs select the newest candles at or before the end, oldest first', () => {
  const series = new CandleSeries(candleIntervalMs['1m'], candlesMax);
  for (let minute = 0; minute < 10; minute++) series.record(trade(baseTimeMs + minute * minuteMs, 100 + minute, 1n));
  const opens = (limit: number, endTimeMs?: number) => series.newest(limit, endTimeMs).map((candle) => candle.openTimeMs);
  assert.deepEqual(opens(3), [7, 8, 9].map((minute) => baseTimeMs + minute * minuteMs));
  assert.deepEqual(opens(2, baseTimeMs + 4 * minuteMs + 59_999), [3, 4].map((minute) => baseTimeMs + minute * minuteMs));
  assert.deepEqual(opens(5, baseTimeMs - 1), []);
});

test('candles: history is bounded; the oldest candle is dropped first', () => {
  const series = new CandleSeries(candleIntervalMs['1m'], candlesMax);
  for (let minute = 0; minute <= candlesMax; minute++) series.record(trade(baseTimeMs + minute * minuteMs, 100, 1n));
  assert.equal(series.length, candlesMax);
  const all = series.newest(candlesMax + 10, undefined);
  assert.equal(all.length, candlesMax);
  assert.equal(all[0]?.openTimeMs, baseTimeMs + minuteMs);
  assert.equal(all.at(-1)?.openTimeMs, baseTimeMs + candlesMax * minuteMs);
});

test('candles: returned candles are copies', () => {
  const series = new CandleSeries(candleIntervalMs['1m'], 4);
  series.record(trade(baseTimeMs, 100, 1n));
  const [copy] = series.newest(1, undefined);
  assert.ok(copy !== undefined);
  copy.tradeCount = 99;
  assert.equal(series.newest(1, undefined)[0]?.tradeCount, 1);
});
