// Cross-source comparison and selection: outliers against the median of the others, the two-source
// stand-off, priority before price, best bid and best ask among equals without ever crossing, and
// the exclusion of stale and disabled sources.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FxRateCore, sourceFor } from '../src/index.ts';
import type { DroppedSource, RateCycle } from '../src/index.ts';
import { businessMorning, rateOf, testSettings, TickFactory, units } from './fx-fixture.ts';

const t0 = businessMorning;
const quoted = ['USD/TRY', 'EUR/USD', 'XAU/TRY'];

function coreWith(quotes: Record<string, [string, string]>, sources = testSettings().sources): FxRateCore {
  const core = new FxRateCore(testSettings({ sources }));
  const ticks = new TickFactory();
  for (const [sourceId, [bid, ask]] of Object.entries(quotes)) {
    for (const tick of ticks.steady(sourceId, 'USD/TRY', bid, ask, t0)) core.ingest(tick);
  }
  return core;
}

function droppedFor(cycle: RateCycle, pair = 'USD/TRY'): Pick<DroppedSource, 'sourceId' | 'reason'>[] {
  return cycle.dropped.filter((entry) => entry.pair === pair).map(({ sourceId, reason }) => ({ sourceId, reason }));
}

test('a source far from the median of the others is dropped for the cycle', () => {
  const samePriority = ['A', 'B', 'C'].map((sourceId) => sourceFor(sourceId, 1, quoted, 2_000));
  const core = coreWith({ A: ['40', '40.01'], B: ['40', '40.02'], C: ['40.5', '40.51'] }, samePriority);
  const cycle = core.composeCycle(t0 + 100, 1, 'c1');
  const dropped = cycle.dropped.find((entry) => entry.pair === 'USD/TRY' && entry.sourceId === 'C');
  assert.equal(dropped?.reason, 'SOURCE_DEVIATES');
  assert.ok(dropped.deviationPpm !== undefined && dropped.deviationPpm > 12_000 && dropped.deviationPpm < 13_000);
  const rate = rateOf(cycle, 'USD/TRY');
  assert.deepEqual([rate.marketBidUnits, rate.marketAskUnits], [units('40'), units('40.01')]);
  assert.deepEqual(rate.sourceIds, ['A']);
});

test('two disagreeing sources: the lower priority one goes; at equal priority both do', () => {
  const unequal = coreWith({ A: ['40', '40.01'], C: ['40.5', '40.51'] }).composeCycle(t0 + 100, 1, 'c1');
  assert.deepEqual(droppedFor(unequal), [{ sourceId: 'B', reason: 'SOURCE_NO_QUOTE' }, { sourceId: 'C', reason: 'SOURCE_DEVIATES' }]);
  assert.deepEqual(rateOf(unequal, 'USD/TRY').sourceIds, ['A']);
  const equal = coreWith({ A: ['40', '40.01'], B: ['40.5', '40.51'] }).composeCycle(t0 + 100, 1, 'c1');
  assert.deepEqual(droppedFor(equal), [
    { sourceId: 'C', reason: 'SOURCE_NO_QUOTE' },
    { sourceId: 'B', reason: 'SOURCE_DEVIATES' }, { sourceId: 'A', reason: 'SOURCE_DEVIATES' },
  ]);
  assert.ok(equal.pairsWithoutRate.includes('USD/TRY'), 'no guess when nobody can tell who is right');
});

test('priority comes before price', () => {
  const cycle = coreWith({ A: ['40', '40.02'], C: ['40.01', '40.015'] }).composeCycle(t0 + 100, 1, 'c1');
  const rate = rateOf(cycle, 'USD/TRY');
  assert.deepEqual([rate.marketBidUnits, rate.marketAskUnits, rate.sourceIds], [units('40'), units('40.02'), ['A']]);
});

test('among equal priorities the best bid and the best ask win, from whichever source', () => {
  const cycle = coreWith({ A: ['40', '40.03'], B: ['40.01', '40.04'] }).composeCycle(t0 + 100, 1, 'c1');
  const rate = rateOf(cycle, 'USD/TRY');
  assert.deepEqual([rate.marketBidUnits, rate.marketAskUnits], [units('40.01'), units('40.03')]);
  assert.deepEqual([rate.bidSourceId, rate.askSourceId, rate.sourceIds], ['B', 'A', ['B', 'A']]);
  assert.equal(rate.midUnits, units('40.02'));
});

test('best bid and best ask that would cross fall back to the narrowest single source', () => {
  const cycle = coreWith({ A: ['40', '40.02'], B: ['40.03', '40.06'] }).composeCycle(t0 + 100, 1, 'c1');
  const rate = rateOf(cycle, 'USD/TRY');
  assert.deepEqual([rate.marketBidUnits, rate.marketAskUnits, rate.sourceIds], [units('40'), units('40.02'), ['A']]);
});

test('stale and disabled sources are excluded', () => {
  const core = coreWith({ A: ['40', '40.02'], B: ['40.01', '40.02'] });
  const ticks = new TickFactory();
  core.ingest(ticks.tick('B', 'USD/TRY', '40.01', '40.02', t0 + 2_000));
  const cycle = core.composeCycle(t0 + 2_500, 1, 'c1');
  const stale = cycle.dropped.find((entry) => entry.pair === 'USD/TRY' && entry.sourceId === 'A');
  assert.deepEqual([stale?.reason, stale?.ageMs], ['SOURCE_STALE', 2_460]);
  assert.deepEqual(rateOf(cycle, 'USD/TRY').sourceIds, ['B']);

  const sources = testSettings().sources.map((source) => (source.sourceId === 'A' ? { ...source, enabled: false } : source));
  assert.deepEqual(core.replaceSettings(testSettings({ sources })), []);
  const later = core.composeCycle(t0 + 2_600, 2, 'c2');
  assert.deepEqual(droppedFor(later)[0], { sourceId: 'A', reason: 'SOURCE_DISABLED' });
});
