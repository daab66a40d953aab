// The FX service against PostgreSQL: raw ticks stored append-only with their decisions, the latest
// accepted quotes per source and pair, settings that survive a restart, and the history answering
// the exact rate in force at an instant for a segment and tier.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '@parite/kernel';
import { CopyRefusedError, MemoryCache, MemoryEventBus, startTestPostgres, type TestDatabase, type TestPostgresServer } from '@parite/platform';
import { PostgresRawTickStore, type RateCycle } from '../src/index.ts';
import type { TickOutcome } from '../src/index.ts';
import { businessMorning, testSettings, TickFactory, units } from './fx-fixture.ts';
import { freshFxDatabase, fxRuntime } from './support/fx-service-harness.ts';
import { waitFor } from './support/wait-for.ts';

let server: TestPostgresServer;
let database: TestDatabase;
before(async () => {
  server = await startTestPostgres();
  database = await freshFxDatabase(server);
});
after(async () => {
  await database?.drop();
  await server?.close();
});

function quote(factory: TickFactory, atMs: number, bid: string, ask: string) {
  return ['A', 'B', 'C'].map((source) => factory.tick(source, 'USD/TRY', bid, ask, atMs));
}

describe('FX service storage', () => {
  test('every raw tick is stored with its decision, and the table refuses UPDATE, DELETE and TRUNCATE', async () => {
    const clock = new ManualClock(businessMorning);
    const runtime = fxRuntime(database, { cache: new MemoryCache({ clock }), clock, baseSettings: testSettings() });
    await runtime.start();
    const factory = new TickFactory();
    const ticks = [...quote(factory, businessMorning, '42.10', '42.12'),
      factory.tick('A', 'USD/TRY', '0', '42.12', businessMorning + 1), // zero
      factory.tick('B', 'USD/TRY', '42.13', '42.11', businessMorning + 1), // crossed
      factory.tick('NOBODY', 'USD/TRY', '42.10', '42.12', businessMorning + 1)];
    const decisions = ticks.map((tick) => runtime.service.acceptTick(tick));
    assert.deepEqual(decisions.slice(3), ['TICK_ZERO', 'TICK_CROSSED', 'TICK_UNKNOWN_SOURCE']);
    await runtime.service.flushRawTicks();
    const rows = await database.sql<{ source_reference: string; decision: string; bid_units: bigint }[]>`
      select source_reference, decision, bid_units from fx_raw_ticks order by tick_id`;
    assert.deepEqual(rows.map((row) => [row.source_reference, row.decision]),
      ticks.map((tick, index) => [tick.sourceReference, decisions[index]]));
    assert.equal(rows[0]!.bid_units, BigInt(units('42.10')));

    const latest = await database.sql<{ source_id: string; depth: number; source_reference: string }[]>`
      select source_id, depth, source_reference from fx_latest_quotes where pair = 'USD/TRY' order by source_id, depth`;
    assert.ok(latest.every((row) => row.depth === 0), 'one accepted quote per source so far');
    assert.ok(!latest.some((row) => row.source_id === 'NOBODY'), 'only accepted ticks enter the window');

    for (const statement of ['update fx_raw_ticks set bid_units = 1', 'delete from fx_raw_ticks',
      'update fx_raw_ticks set decision = \'ACCEPTED\' where decision = \'TICK_ZERO\'', 'truncate fx_raw_ticks']) {
      await assert.rejects(database.sql.unsafe(statement), /append-only/, statement);
    }
    const [count] = await database.sql<{ count: bigint }[]>`select count(*) as count from fx_raw_ticks`;
    assert.equal(count!.count, BigInt(ticks.length));
    await runtime.stop();
  });

  test('COPY (the default) stores exactly what the insert does, and a refused batch stores nothing and reports why', async () => {
    const factory = new TickFactory();
    const awkward = ['tab\there', 'back\\slash', 'line\nbreak', '\\N'];
    const batch = awkward.map((reference, index) => ({
      tick: factory.tick('A', 'EUR/TRY', '45.10', '45.12', businessMorning + index, { sourceReference: `copy:${reference}` }),
      decision: 'ACCEPTED' as TickOutcome }));
    const stored = async (method: 'copy' | 'unnest') => {
      await new PostgresRawTickStore(database.sql, method).append(batch.map((recorded) => ({ ...recorded,
        tick: { ...recorded.tick, sourceReference: `${method}:${recorded.tick.sourceReference}` } })), []);
      const rows = await database.sql<{ source_reference: string; bid_units: bigint; receive_time_ms: bigint }[]>`
        select source_reference, bid_units, receive_time_ms from fx_raw_ticks
        where source_reference like ${method + ':copy:%'} order by tick_id`;
      return rows.map((row) => [row.source_reference.slice(method.length + 1), row.bid_units, row.receive_time_ms]);
    };
    assert.deepEqual(await stored('copy'), await stored('unnest'));
    const [before] = await database.sql<{ count: bigint }[]>`select count(*) as count from fx_raw_ticks`;
    // A decision the table's check refuses, in the last row: the whole batch is refused.
    const refused = [...batch, { tick: factory.tick('A', 'EUR/TRY', '45.10', '45.12', businessMorning),
      decision: 'NOT_A_DECISION' as TickOutcome }];
    // COPY's refusal carries no reason; the store writes the batch again with the insert, whose error
    // is PostgreSQL's own (a check violation), and that one reaches the caller.
    await assert.rejects(new PostgresRawTickStore(database.sql).append(refused, []),
      (error: unknown) => !(error instanceof CopyRefusedError) && (error as { code?: string }).code === '23514');
    const [after] = await database.sql<{ count: bigint }[]>`select count(*) as count from fx_raw_ticks`;
    assert.equal(after!.count, before!.count);
  });

  test('the latest-quote window keeps the latest accepted tick and its previous four', async () => {
    const clock = new ManualClock(businessMorning);
    const runtime = fxRuntime(database, { cache: new MemoryCache({ clock }), clock, baseSettings: testSettings() });
    await runtime.start();
    const factory = new TickFactory();
    const references: string[] = [];
    for (let index = 0; index < 12; index++) {
      const tick = factory.tick('C', 'EUR/USD', `1.1600${index % 10}`, `1.1601${index % 10}`, businessMorning + 10 + index);
      if (runtime.service.acceptTick(tick) === 'ACCEPTED') references.push(tick.sourceReference);
    }
    assert.ok(references.length >= 6, 'a cold source is believed after its confirmation ticks');
    await runtime.service.flushRawTicks();
    const window = await database.sql<{ depth: number; source_reference: string }[]>`
      select depth, source_reference from fx_latest_quotes where source_id = 'C' and pair = 'EUR/USD' order by depth`;
    assert.deepEqual(window.map((row) => row.source_reference), references.slice(-5).reverse());
    await runtime.stop();
  });

  test('history answers the exact rate in force at T for a segment and tier', async () => {
    const clock = new ManualClock(businessMorning + 60_000);
    const bus = new MemoryEventBus();
    const runtime = fxRuntime(database, { cache: new MemoryCache({ clock }), clock, bus, baseSettings: testSettings() });
    await runtime.start();
    const factory = new TickFactory();
    const cycles: RateCycle[] = [];
    for (const [offsetMs, bid, ask] of [[0, '42.00', '42.02'], [2_000, '42.01', '42.03'], [4_000, '42.02', '42.04']] as const) {
      clock.setMs(businessMorning + 60_000 + offsetMs);
      // Sources start cold: a few consistent ticks each before the engine believes them.
      for (let repeat = 0; repeat < 4; repeat++) {
        for (const tick of quote(factory, clock.nowMs() - 3 + repeat, bid, ask)) runtime.service.acceptTick(tick);
      }
      cycles.push(await runtime.service.runCycle());
    }
    await waitFor(() => runtime.consumer!.lastCycleId === cycles[2]!.cycleId, 'the history consumer to write three cycles');
    const expectedAt = (cycle: RateCycle, segment: string, tierId: string) => {
      const rate = cycle.rates.find((each) => each.pair === 'USD/TRY')!;
      return rate.variations.find((variation) => variation.segment === segment && variation.tierId === tierId)!;
    };
    for (const [index, cycle] of cycles.entries()) {
      for (const [segment, tierId] of [['retail', 'T1'], ['corporate', 'T2']] as const) {
        const expected = expectedAt(cycle, segment, tierId);
        for (const atMs of [cycle.atMs, cycle.atMs + 1_999]) {
          const found = await runtime.service.rateAt('USD/TRY', segment, tierId, atMs);
          assert.equal(found?.cycleId, cycle.cycleId, `cycle ${index} at +${atMs - cycle.atMs} ms`);
          assert.equal(found.buyUnits, expected.buyUnits);
          assert.equal(found.sellUnits, expected.sellUnits);
          assert.equal(found.buyMarginPpm, expected.buyMarginPpm);
        }
      }
    }
    assert.notEqual(expectedAt(cycles[0]!, 'retail', 'T1').buyUnits, expectedAt(cycles[0]!, 'corporate', 'T2').buyUnits,
      'segments and tiers are priced differently');
    assert.equal(await runtime.service.rateAt('USD/TRY', 'retail', 'T1', cycles[0]!.atMs - 1), undefined, 'before any cycle');
    const last = cycles[2]!;
    assert.equal(await runtime.service.rateAt('USD/TRY', 'retail', 'T1', last.validUntilMs), undefined,
      'after the last cycle expired no rate is in force');
    for (const statement of ['update fx_rate_history set buy_units = 1', 'delete from fx_rate_history',
      'truncate fx_rate_history', 'delete from fx_rate_cycles']) {
      await assert.rejects(database.sql.unsafe(statement), /append-only/, statement);
    }
    await runtime.stop();
  });

  test('source settings, holidays, margins and overrides persist across a restart', async () => {
    const clock = new ManualClock(businessMorning);
    const first = fxRuntime(database, { cache: new MemoryCache({ clock }), clock, baseSettings: testSettings() });
    await first.start();
    await first.service.updateSource('B', { priority: 3, pairs: [{ pair: 'USD/TRY', maxAgeMs: 1_500 }] }, 'usr_test');
    await first.service.addHoliday({ date: '2026-03-05', kind: 'full', name: 'Köprü günü' });
    await first.service.removeHoliday('2026-01-01');
    const schedule = { ...first.service.margins().defaultMargins,
      sessionAdd: { 'out-of-hours': { buyPpm: 7_000, sellPpm: 7_000 }, weekend: { buyPpm: 3_000, sellPpm: 3_000 },
        holiday: { buyPpm: 4_000, sellPpm: 4_000 } } };
    await first.service.setMargins('USD/TRY', schedule, 'usr_test', 'apr_test');
    await first.service.setOverride({ pair: 'EUR/USD', midUnits: units('1.2'), extraBuyPpm: 0, extraSellPpm: 0,
      expiresAtMs: businessMorning + 600_000, reference: 'test' }, 'apr_test');
    await assert.rejects(first.service.updateSource('B', { priority: 0 }, 'usr_test'), /FX settings change is invalid/);
    await assert.rejects(first.service.addHoliday({ date: '2026-03-05', kind: 'half', name: 'again' }),
      (error: { code?: string }) => error.code === 'FX_HOLIDAY_EXISTS');
    await first.stop();

    const second = fxRuntime(database, { cache: new MemoryCache({ clock }), clock, baseSettings: testSettings() });
    await second.start();
    const source = second.service.settings.sources.find((each) => each.sourceId === 'B')!;
    assert.equal(source.priority, 3);
    assert.deepEqual(source.pairs, [{ pair: 'USD/TRY', enabled: true, maxAgeMs: 1_500 }]);
    const dates = second.service.holidays().map((entry) => entry.date);
    assert.ok(dates.includes('2026-03-05') && !dates.includes('2026-01-01'));
    assert.ok(dates.includes('2026-03-20'), 'the seeded Turkish calendar is there');
    assert.deepEqual(second.service.margins().pairs['USD/TRY']?.sessionAdd['out-of-hours'], { buyPpm: 7_000, sellPpm: 7_000 });
    assert.equal(second.service.overrides()[0]?.midUnits, units('1.2'));
    // Restore for the other tests sharing this database.
    await second.service.clearOverride('EUR/USD');
    await second.stop();
  });
});
