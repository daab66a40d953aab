// The engine end to end: ticks through ingest, cycles through runCycle into the cache and then the
// publisher. Fat fingers never reach a customer rate, stale sources raise one alert per outage,
// the cache is written before anyone hears of a cycle, counters are kept per source and reason,
// and the same ticks always give the same cycles (seeded random workload).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '@parite/kernel';
import {
  MemoryRateCache, MemoryRateCyclePublisher, quotedPair, RateEngine, rateCacheKey, sourceFor,
} from '../src/index.ts';
import type { FxEngineSettings, ProviderTick, RateCachePort, RateCycle, RateCyclePublisher, TickSink } from '../src/index.ts';
import { businessMorning, rateOf, testSettings, TickFactory, units } from './fx-fixture.ts';

const t0 = businessMorning;

function engineWith(settings: FxEngineSettings = testSettings()) {
  const cache = new MemoryRateCache();
  const publisher = new MemoryRateCyclePublisher();
  const engine = new RateEngine({ settings, cache, publisher, engineId: 'fx-test' });
  return { engine, cache, publisher };
}

/** USD/TRY only, sane range 1..1000 so a x10 or /10 tick passes the range check and meets the spike guard. */
function wideRange(sourceIds: readonly string[]): FxEngineSettings {
  return testSettings({
    pairs: [quotedPair('USD/TRY', 4, '1', '1000')],
    sources: sourceIds.map((sourceId) => sourceFor(sourceId, 1, ['USD/TRY'], 2_000, { spikeConfirmationTicks: 3 })),
  });
}

for (const sourceIds of [['A'], ['A', 'B', 'C']]) {
  test(`x10, /10, zero and crossed ticks never move the customer rate (${sourceIds.length} source(s))`, async () => {
    const { engine } = engineWith(wideRange(sourceIds));
    const ticks = new TickFactory();
    for (const sourceId of sourceIds) for (const tick of ticks.steady(sourceId, 'USD/TRY', '40', '40.01', t0)) engine.ingest(tick);
    const baseline = rateOf(await engine.runCycle(t0 + 100), 'USD/TRY');
    const garbage: [string, string][] = [['400', '400.1'], ['4', '4.001'], ['0', '40.01'], ['40.02', '40.01']];
    let at = t0 + 200;
    for (const [bid, ask] of garbage) {
      for (let repeat = 0; repeat < 6; repeat++) engine.ingest(ticks.tick('A', 'USD/TRY', bid, ask, at + repeat));
      const rate = rateOf(await engine.runCycle(at + 50), 'USD/TRY');
      assert.deepEqual(rate.variations, baseline.variations, `after ${bid}/${ask}`);
      assert.equal(rate.midUnits, baseline.midUnits);
      at += 100;
    }
    const rejected = engine.metrics().sources['A']!.rejected;
    assert.deepEqual([rejected.TICK_SPIKE, rejected.TICK_ZERO, rejected.TICK_CROSSED], [12, 6, 6]);
  });
}

test('a stale source is excluded and the pair raises one alert per outage, then a restore', async () => {
  const { engine } = engineWith(wideRange(['A']));
  const ticks = new TickFactory();
  for (const tick of ticks.steady('A', 'USD/TRY', '40', '40.01', t0)) engine.ingest(tick);
  assert.ok((await engine.runCycle(t0 + 100)).rates.length === 1);
  const stale = await engine.runCycle(t0 + 3_000);
  assert.deepEqual(stale.pairsWithoutRate, ['USD/TRY']);
  assert.deepEqual(stale.dropped.map((entry) => [entry.sourceId, entry.reason, entry.ageMs]), [['A', 'SOURCE_STALE', 2_960]]);
  assert.deepEqual(stale.alerts, [], 'the pair has a grace of noSourceAlertAfterMs');
  const alerted = await engine.runCycle(t0 + 8_000);
  assert.deepEqual(alerted.alerts.map((alert) => [alert.code, alert.severity, alert.sinceMs]),
    [['PAIR_NO_ELIGIBLE_SOURCE', 'critical', t0 + 3_000]]);
  assert.deepEqual((await engine.runCycle(t0 + 9_000)).alerts, [], 'raised once, not every cycle');
  for (const tick of ticks.steady('A', 'USD/TRY', '40.2', '40.21', t0 + 9_500)) engine.ingest(tick);
  const restored = await engine.runCycle(t0 + 10_000);
  assert.deepEqual(restored.alerts.map((alert) => alert.code), ['PAIR_SOURCE_RESTORED']);
  assert.equal(rateOf(restored, 'USD/TRY').marketBidUnits, units('40.2'));
  assert.equal(engine.metrics().alertsRaised, 2);
});

test('the cache is written before the cycle is published; a failed write publishes nothing', async () => {
  const log: string[] = [];
  let failWrites = false;
  const memory = new MemoryRateCache();
  const cache: RateCachePort = { writeCycle: async (cycle) => {
    log.push(`write ${cycle.sequence}`);
    if (failWrites) throw new Error('redis down');
    await memory.writeCycle(cycle);
  } };
  const publisher: RateCyclePublisher = { publish: async (cycle) => void log.push(`publish ${cycle.sequence}`) };
  const engine = new RateEngine({ settings: wideRange(['A']), cache, publisher, engineId: 'fx-test' });
  const sink: TickSink = engine.ingest;
  const ticks = new TickFactory();
  for (const tick of ticks.steady('A', 'USD/TRY', '40', '40.01', t0)) sink(tick);
  const cycle = await engine.runCycle(t0 + 100);
  assert.equal(cycle.cycleId, 'fx-test:1');
  failWrites = true;
  await assert.rejects(engine.runCycle(t0 + 200), /redis down/);
  assert.deepEqual(log, ['write 1', 'publish 1', 'write 2']);
  assert.deepEqual([engine.metrics().cacheWriteFailures, engine.metrics().cyclesPublished], [1, 1]);
  const entry = JSON.parse(memory.read(rateCacheKey('USD/TRY', 'retail', 'T1'), t0 + 100) ?? 'null') as Record<string, unknown>;
  assert.deepEqual([entry['buy'], entry['sell'], entry['mid'], entry['cycleId']], ['40.4051', '39.6849', '40.00500000', 'fx-test:1']);
  assert.equal(memory.read(rateCacheKey('USD/TRY', 'retail', 'T1'), cycle.validUntilMs), undefined, 'expired with the cycle');
  assert.equal(memory.size, 2 * 2 + 1, 'segments x tiers entries and the latest-cycle summary');
});

test('ticks are counted per source and reason; unknown sources share one bucket', () => {
  const { engine } = engineWith();
  const ticks = new TickFactory();
  for (const tick of ticks.steady('A', 'USD/TRY', '40', '40.01', t0)) engine.ingest(tick);
  engine.ingest(ticks.tick('A', 'USD/TRY', '0', '40.01', t0 + 100));
  engine.ingest(ticks.tick('ROGUE-1', 'USD/TRY', '40', '40.01', t0 + 100));
  engine.ingest(ticks.tick('ROGUE-2', 'USD/TRY', '40', '40.01', t0 + 100));
  const metrics = engine.metrics();
  assert.deepEqual(Object.keys(metrics.sources), ['(unknown)', 'A']);
  assert.deepEqual([metrics.sources['A']!.accepted, metrics.sources['A']!.rejected.TICK_UNCONFIRMED,
    metrics.sources['A']!.rejected.TICK_ZERO], [3, 2, 1]);
  assert.equal(metrics.sources['(unknown)']!.rejected.TICK_UNKNOWN_SOURCE, 2);
});

test('new settings keep the sources warm', () => {
  const { engine } = engineWith();
  const ticks = new TickFactory();
  for (const tick of ticks.steady('A', 'USD/TRY', '40', '40.01', t0)) engine.ingest(tick);
  const sources = engine.settings.sources.map((source) => ({ ...source, priority: source.priority + 1 }));
  assert.deepEqual(engine.replaceSettings({ ...engine.settings, sources }), []);
  assert.deepEqual(rateOf(engine.composeCycle(t0 + 100), 'USD/TRY').sourceIds, ['A']);
  assert.ok(engine.replaceSettings({ ...engine.settings, rateValidityMs: 0 }).length > 0, 'invalid settings are refused');
});

/** A seeded random walk quoted by three sources, with 3 % fat-finger ticks mixed in. */
function randomWorkload(seed: number, count: number): { ticks: ProviderTick[]; lowUnits: number; highUnits: number } {
  const prng = new Prng(seed);
  const ticks: ProviderTick[] = [];
  let mid = units('40');
  let [lowUnits, highUnits] = [mid, mid];
  for (let index = 0; index < count; index++) {
    mid += prng.nextIntegerInclusive(-20_000, 20_000);
    const sourceId = prng.pick(['A', 'B', 'C']);
    const half = prng.nextIntegerInclusive(100_000, 500_000);
    let [bidUnits, askUnits] = [mid - half, mid + half];
    lowUnits = Math.min(lowUnits, bidUnits);
    highUnits = Math.max(highUnits, askUnits);
    const roll = prng.nextUnit();
    if (roll < 0.01) [bidUnits, askUnits] = [bidUnits * 10, askUnits * 10];
    else if (roll < 0.02) [bidUnits, askUnits] = [Math.floor(bidUnits / 10), Math.floor(askUnits / 10)];
    else if (roll < 0.025) bidUnits = 0;
    else if (roll < 0.03) [bidUnits, askUnits] = [askUnits, bidUnits];
    const atMs = t0 + index * 2;
    const reference = roll > 0.99 && index > 0 ? ticks[index - 1]!.sourceReference : `${sourceId}:${index}`;
    ticks.push({ sourceId, pair: 'USD/TRY', bidUnits, askUnits, sourceTimeMs: atMs, receiveTimeMs: atMs, sourceReference: reference });
  }
  return { ticks, lowUnits, highUnits };
}

async function replay(ticks: readonly ProviderTick[]): Promise<RateCycle[]> {
  const { engine } = engineWith(wideRange(['A', 'B', 'C']));
  const cycles: RateCycle[] = [];
  for (const [index, tick] of ticks.entries()) {
    engine.ingest(tick);
    if (index % 50 === 49) cycles.push(await engine.runCycle(tick.receiveTimeMs));
  }
  return cycles;
}

test('same ticks, same cycles; and no seeded fat finger reaches a customer (seeded random)', async () => {
  const { ticks, lowUnits, highUnits } = randomWorkload(4_242, 5_000);
  const first = await replay(ticks);
  const second = await replay(ticks);
  assert.deepEqual(first, second);
  const priced = first.filter((cycle) => cycle.rates.length > 0);
  assert.ok(priced.length > 90, `most cycles priced (${priced.length})`);
  for (const cycle of priced) {
    const rate = rateOf(cycle, 'USD/TRY');
    assert.ok(rate.midUnits >= lowUnits && rate.midUnits <= highUnits, `cycle ${cycle.sequence} mid ${rate.midUnits}`);
  }
});
