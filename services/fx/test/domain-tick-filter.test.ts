// The per-tick filter: every rejection reason, de-duplication with bounded memory, smoothing over
// the latest five accepted quotes, and the spike guard's rules for believing a move.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FxRateCore, quotedPair, sourceFor } from '../src/index.ts';
import type { TickOutcome } from '../src/index.ts';
import { QuoteRing, ReferenceWindow } from '../src/domain/quote-history.ts';
import type { SmoothedQuote } from '../src/domain/quote-history.ts';
import { businessMorning, rateOf, testSettings, TickFactory, units } from './fx-fixture.ts';

const t0 = businessMorning;

function warmCore(): { core: FxRateCore; ticks: TickFactory } {
  const core = new FxRateCore(testSettings());
  const ticks = new TickFactory();
  for (const tick of ticks.steady('A', 'USD/TRY', '40', '40.01', t0)) core.ingest(tick);
  return { core, ticks };
}

test('every rejection reason is returned for the tick that earns it', () => {
  const { core, ticks } = warmCore();
  const at = t0 + 100;
  const duplicate = ticks.tick('A', 'USD/TRY', '40', '40.01', at);
  assert.equal(core.ingest(duplicate), 'ACCEPTED');
  const cases: [string, TickOutcome, ReturnType<TickFactory['tick']>][] = [
    ['fractional units', 'TICK_MALFORMED', ticks.tick('A', 'USD/TRY', '40', '40.01', at, { bidUnits: 4_000_000_000.5 })],
    ['empty reference', 'TICK_MALFORMED', ticks.tick('A', 'USD/TRY', '40', '40.01', at, { sourceReference: '' })],
    ['source not in the settings', 'TICK_UNKNOWN_SOURCE', ticks.tick('Z', 'USD/TRY', '40', '40.01', at)],
    ['pair not configured', 'TICK_UNKNOWN_PAIR', ticks.tick('A', 'JPY/TRY', '0.3', '0.31', at)],
    ['a crossed pair is never quoted', 'TICK_UNKNOWN_PAIR', ticks.tick('A', 'EUR/TRY', '43', '43.01', at)],
    ['resent quote', 'TICK_DUPLICATE', { ...duplicate }],
    ['zero bid', 'TICK_ZERO', ticks.tick('A', 'USD/TRY', '0', '40.01', at)],
    ['zero ask', 'TICK_ZERO', ticks.tick('A', 'USD/TRY', '40', '0', at)],
    ['negative bid', 'TICK_NEGATIVE', ticks.tick('A', 'USD/TRY', '40', '40.01', at, { bidUnits: -4_000_000_000 })],
    ['bid above ask', 'TICK_CROSSED', ticks.tick('A', 'USD/TRY', '40.02', '40.01', at)],
    ['above the sane range', 'TICK_ABSURD', ticks.tick('A', 'USD/TRY', '600', '600.01', at)],
    ['below the sane range', 'TICK_ABSURD', ticks.tick('A', 'USD/TRY', '4', '4.01', at)],
    ['stamped in the future', 'TICK_FROM_FUTURE', ticks.tick('A', 'USD/TRY', '40', '40.01', at, { sourceTimeMs: at + 5_000 })],
    ['older than max age on arrival', 'TICK_STALE_ON_ARRIVAL',
      ticks.tick('A', 'USD/TRY', '40', '40.01', at, { sourceTimeMs: at - 2_001 })],
    ['older than the latest accepted', 'TICK_OUT_OF_ORDER', ticks.tick('A', 'USD/TRY', '40', '40.01', at, { sourceTimeMs: at - 50 })],
    ['10 % jump from its own history', 'TICK_SPIKE', ticks.tick('A', 'USD/TRY', '44', '44.01', at)],
    ['cold source far from the others', 'TICK_UNCONFIRMED', ticks.tick('B', 'USD/TRY', '42', '42.01', at)],
  ];
  for (const [why, expected, tick] of cases) assert.equal(core.ingest(tick), expected, why);
  const cycle = core.composeCycle(at, 1, 'c1');
  assert.equal(rateOf(cycle, 'USD/TRY').midUnits, units('40.005'), 'no rejected tick moved the price');
});

test('the first failing check names the rejection (zero before crossed before absurd)', () => {
  const { core, ticks } = warmCore();
  assert.equal(core.ingest(ticks.tick('A', 'USD/TRY', '0', '600', t0 + 100)), 'TICK_ZERO');
  assert.equal(core.ingest(ticks.tick('A', 'USD/TRY', '600', '40', t0 + 100)), 'TICK_CROSSED');
});

test('duplicates are recognised per source and pair, within a bounded window', () => {
  const window = new ReferenceWindow(3);
  assert.deepEqual(['a', 'b', 'c', 'a'].map((reference) => window.seenBefore(reference)), [false, false, false, true]);
  assert.equal(window.seenBefore('d'), false);
  assert.equal(window.seenBefore('a'), false, 'the oldest reference is forgotten once the window is full');
  const { core, ticks } = warmCore();
  const fromA = ticks.tick('A', 'EUR/USD', '1.1', '1.1001', t0, { sourceReference: 'seq-7' });
  const fromB = ticks.tick('B', 'EUR/USD', '1.1', '1.1001', t0, { sourceReference: 'seq-7' });
  assert.notEqual(core.ingest(fromA), 'TICK_DUPLICATE');
  assert.notEqual(core.ingest(fromB), 'TICK_DUPLICATE', 'another source may use the same reference');
  assert.equal(core.ingest({ ...fromA, pair: 'XAU/TRY', bidUnits: 1e12, askUnits: 1e12 }), 'TICK_UNCONFIRMED',
    'a FIX message carrying several symbols shares one reference across pairs');
});

test('smoothing is the mean of the latest and previous four accepted quotes, rounded half up', () => {
  const ring = new QuoteRing();
  const smoothed: SmoothedQuote = { bidUnits: 0, askUnits: 0, midUnits: 0 };
  ring.push(1, 2);
  ring.push(2, 2);
  ring.smoothInto(5, smoothed);
  assert.deepEqual(smoothed, { bidUnits: 2, askUnits: 2, midUnits: 2 }, '1.5 rounds up to 2');
  for (const value of [10, 11, 12, 13, 14, 15]) ring.push(value, value + 2);
  ring.smoothInto(5, smoothed);
  assert.deepEqual(smoothed, { bidUnits: 13, askUnits: 15, midUnits: 14 }, 'only 11..15 count');
  ring.smoothInto(1, smoothed);
  assert.deepEqual(smoothed, { bidUnits: 15, askUnits: 17, midUnits: 16 }, 'depth 1 is the latest quote');

  const core = new FxRateCore(testSettings());
  const ticks = new TickFactory();
  ['40.00', '40.01', '40.02', '40.03', '40.04', '40.05'].forEach((bid, index) => {
    core.ingest(ticks.tick('A', 'USD/TRY', bid, '40.10', t0 + index * 10));
  });
  const rate = rateOf(core.composeCycle(t0 + 100, 1, 'c1'), 'USD/TRY');
  assert.equal(rate.marketBidUnits, units('40.03'), 'mean of 40.01 .. 40.05');
});

test('a sustained move is believed after the confirmation ticks; x10 never by the source alone', () => {
  const settings = testSettings({ pairs: [quotedPair('USD/TRY', 4, '1', '1000')],
    sources: [sourceFor('A', 1, ['USD/TRY'], 2_000, { spikeConfirmationTicks: 3 })] });
  const core = new FxRateCore(settings);
  const ticks = new TickFactory();
  const outcomes = (bid: string, ask: string, count: number, from: number) =>
    ticks.steady('A', 'USD/TRY', bid, ask, from, count).map((tick) => core.ingest(tick));
  assert.deepEqual(outcomes('40', '40.01', 4, t0), ['TICK_UNCONFIRMED', 'TICK_UNCONFIRMED', 'ACCEPTED', 'ACCEPTED'],
    'a cold source alone needs its confirmation ticks');
  assert.deepEqual(outcomes('400', '400.1', 6, t0 + 100), Array(6).fill('TICK_SPIKE'), 'x10 never confirms itself');
  assert.deepEqual(outcomes('4', '4.001', 6, t0 + 200), Array(6).fill('TICK_SPIKE'), '/10 never confirms itself');
  const alternating = [['41', '41.01'], ['40', '40.01'], ['41', '41.01'], ['40', '40.01'], ['41', '41.01']]
    .map(([bid, ask], index) => core.ingest(ticks.tick('A', 'USD/TRY', bid!, ask!, t0 + 300 + index)));
  assert.deepEqual(alternating, ['TICK_SPIKE', 'ACCEPTED', 'TICK_SPIKE', 'ACCEPTED', 'TICK_SPIKE'],
    'a return to the reference abandons the held run');
  assert.equal(core.ingest(ticks.tick('A', 'USD/TRY', '40', '40.01', t0 + 390)), 'ACCEPTED');
  assert.deepEqual(outcomes('41.2', '41.21', 3, t0 + 400), ['TICK_SPIKE', 'TICK_SPIKE', 'ACCEPTED'],
    'a 3 % move held three ticks in a row is believed');
  const rate = rateOf(core.composeCycle(t0 + 500, 1, 'c1'), 'USD/TRY');
  assert.equal(rate.marketBidUnits, units('41.2'), 'history restarts at the new level instead of lagging');
});

test('other fresh sources confirm a move at once', () => {
  const { core, ticks } = warmCore();
  for (const tick of ticks.steady('B', 'USD/TRY', '40', '40.01', t0)) core.ingest(tick);
  const moved = (source: string, offset: number) => core.ingest(ticks.tick(source, 'USD/TRY', '41', '41.01', t0 + offset));
  assert.deepEqual([moved('A', 100), moved('A', 110)], ['TICK_SPIKE', 'TICK_SPIKE'], 'B still says 40');
  assert.equal(moved('A', 120), 'ACCEPTED', 'A confirms itself after three ticks');
  assert.equal(moved('B', 130), 'ACCEPTED', 'B is confirmed by A at once');
});

test('a source silent longer than its max age starts cold again', () => {
  const { core, ticks } = warmCore();
  const late = t0 + 5_000;
  assert.equal(core.ingest(ticks.tick('A', 'USD/TRY', '40.5', '40.51', late)), 'TICK_UNCONFIRMED');
  for (const tick of ticks.steady('B', 'USD/TRY', '40.5', '40.51', late + 10, 3)) core.ingest(tick);
  assert.equal(core.ingest(ticks.tick('A', 'USD/TRY', '40.5', '40.51', late + 100)), 'ACCEPTED', 'B vouches for A');
});
