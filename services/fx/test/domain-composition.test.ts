// Composition: margins by segment, tier, session (business hours, out of hours, weekend, holiday,
// half day), volatility widening, manual overrides with expiry, cross rates, and rounding to the
// pair's precision in the bank's favour. Expected rates were worked out by hand from the fixture.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '@parite/kernel';
import {
  classifyMarketSession, crossChain, crossQuote, FxRateCore, HolidayTable, holidayCalendarProblems, tierForAmount,
  turkishHolidayCalendar,
} from '../src/index.ts';
import type { RateOverride } from '../src/index.ts';
import { customerBuyUnits, customerSellUnits } from '../src/domain/customer-rate.ts';
import { businessMorning, istanbul, rateOf, testSettings, TickFactory, units, variationOf } from './fx-fixture.ts';

const t0 = businessMorning;

/** USD/TRY 40.0000 / 40.0100 (mid 40.005) and EUR/USD 1.08000 / 1.08010 from A and B. */
function pricedCore(at = t0, clampToMarket = false): { core: FxRateCore; ticks: TickFactory; feed: (atMs: number) => void } {
  const core = new FxRateCore(testSettings({ clampToMarket }));
  const ticks = new TickFactory();
  const feed = (atMs: number) => {
    for (const source of ['A', 'B']) {
      for (const tick of ticks.steady(source, 'USD/TRY', '40', '40.01', atMs)) core.ingest(tick);
      for (const tick of ticks.steady(source, 'EUR/USD', '1.08', '1.0801', atMs)) core.ingest(tick);
    }
  };
  feed(at);
  return { core, ticks, feed };
}

function rates(cycle: ReturnType<FxRateCore['composeCycle']>, segment: string, tier: string): [number, number] {
  const variation = variationOf(cycle, 'USD/TRY', segment, tier);
  return [variation.buyUnits, variation.sellUnits];
}

test('margins by segment and tier during business hours, rounded buy up and sell down', () => {
  const { core } = pricedCore();
  const cycle = core.composeCycle(t0 + 100, 1, 'c1');
  assert.equal(cycle.session.kind, 'business-hours');
  assert.equal(rateOf(cycle, 'USD/TRY').midUnits, units('40.005'));
  assert.deepEqual(rates(cycle, 'retail', 'T1'), [units('40.4051'), units('39.6849')]);
  assert.deepEqual(rates(cycle, 'retail', 'T2'), [units('40.2051'), units('39.8449')]);
  assert.deepEqual(rates(cycle, 'corporate', 'T1'), [units('40.0851'), units('39.9249')]);
  assert.deepEqual(rates(cycle, 'corporate', 'T2'), [units('40.0451'), units('39.9649')]);
  assert.equal(tierForAmount(testSettings().tiers, 10_000).tierId, 'T1');
  assert.equal(tierForAmount(testSettings().tiers, 10_001).tierId, 'T2');
});

test('out of hours, weekends, holidays and half-day afternoons add their margins', () => {
  const expectations: [number, string, [string, string]][] = [
    [istanbul('2026-03-04', '19:00'), 'out-of-hours', ['40.4451', '39.6449']],
    [istanbul('2026-03-07', '10:00'), 'weekend', ['40.5251', '39.5649']],
    [istanbul('2026-03-20', '10:00'), 'holiday', ['40.5651', '39.5249']],
    [istanbul('2026-03-19', '10:00'), 'business-hours', ['40.4051', '39.6849']],
    [istanbul('2026-03-19', '14:00'), 'holiday', ['40.5651', '39.5249']],
  ];
  for (const [at, kind, [buy, sell]] of expectations) {
    const { core } = pricedCore(at);
    const cycle = core.composeCycle(at + 100, 1, 'c1');
    assert.equal(cycle.session.kind, kind, new Date(at).toISOString());
    assert.deepEqual(rates(cycle, 'retail', 'T1'), [units(buy), units(sell)], `${kind} at ${new Date(at).toISOString()}`);
  }
});

test('the seeded Turkish calendar: full days, half days from 13:00, and the day after a bayram is a working day', () => {
  const table = new HolidayTable(turkishHolidayCalendar);
  const hours = testSettings().businessHours;
  const kindAt = (date: string, time: string) => classifyMarketSession(istanbul(date, time), hours, table).kind;
  assert.deepEqual(holidayCalendarProblems(turkishHolidayCalendar), []);
  assert.equal(kindAt('2026-03-23', '10:00'), 'business-hours', 'the Monday after Ramazan Bayramı 2026');
  assert.equal(kindAt('2026-10-28', '12:59'), 'business-hours');
  assert.equal(kindAt('2026-10-28', '13:00'), 'holiday');
  assert.equal(kindAt('2026-03-04', '08:59'), 'out-of-hours');
  for (const date of ['2026-01-01', '2026-04-23', '2026-05-01', '2026-05-19', '2026-05-27', '2026-05-30', '2026-07-15',
    '2026-08-30', '2026-10-29', '2027-03-09', '2027-03-11', '2027-05-16', '2027-05-19']) {
    assert.equal(table.entryOn(date)?.kind, 'full', date);
  }
  for (const date of ['2026-03-19', '2026-05-26', '2026-10-28', '2027-03-08', '2027-05-15', '2027-10-28']) {
    assert.equal(table.entryOn(date)?.kind, 'half', date);
  }
  const session = classifyMarketSession(istanbul('2027-05-19', '11:00'), hours, table);
  assert.match(session.holidayName ?? '', /Kurban Bayramı 4\. gün; Atatürk/);
});

test('volatility above a threshold widens both margins until the jump leaves the window', () => {
  const { core, ticks, feed } = pricedCore();
  assert.equal(variationOf(core.composeCycle(t0 + 100, 1, 'c1'), 'USD/TRY').buyMarginPpm, 10_000);
  for (const source of ['A', 'B']) {
    for (const tick of ticks.steady(source, 'USD/TRY', '41', '41.01', t0 + 200, 3)) core.ingest(tick);
  }
  const widened = core.composeCycle(t0 + 1_000, 2, 'c2');
  const rate = rateOf(widened, 'USD/TRY');
  assert.deepEqual([rate.midUnits, rate.volatilityPpm, rate.wideningPpm], [units('41.005'), 24_387, 2_000]);
  assert.deepEqual([variationOf(widened, 'USD/TRY').buyMarginPpm, variationOf(widened, 'USD/TRY').sellMarginPpm], [12_000, 10_000]);
  feed(t0 + 70_000);
  const calm = core.composeCycle(t0 + 70_100, 3, 'c3');
  assert.equal(rateOf(calm, 'USD/TRY').wideningPpm, 0, 'a minute later the range is back to nothing');
});

test('a manual override prices the pair until it expires, then raises an alert', () => {
  const { core, feed } = pricedCore();
  const override: RateOverride = { pair: 'USD/TRY', midUnits: units('41'), extraBuyPpm: 0, extraSellPpm: 0,
    expiresAtMs: t0 + 10_000, reference: 'dealer-7' };
  assert.equal(core.setOverride({ ...override, expiresAtMs: t0 }, t0), 'OVERRIDE_EXPIRED');
  assert.equal(core.setOverride({ ...override, midUnits: units('900') }, t0), 'OVERRIDE_OUT_OF_RANGE');
  assert.equal(core.setOverride({ ...override, pair: 'JPY/TRY' }, t0), 'OVERRIDE_UNKNOWN_PAIR');
  assert.equal(core.setOverride(override, t0), undefined);
  const during = core.composeCycle(t0 + 100, 1, 'c1');
  const rate = rateOf(during, 'USD/TRY');
  assert.deepEqual([rate.midUnits, rate.overrideReference, rate.sourceIds], [units('41'), 'dealer-7', []]);
  assert.deepEqual(rates(during, 'retail', 'T1'), [units('41.41'), units('40.672')]);
  feed(t0 + 9_500);
  const after = core.composeCycle(t0 + 10_000, 2, 'c2');
  const expiries = after.alerts.filter((alert) => alert.code === 'PAIR_OVERRIDE_EXPIRED');
  assert.deepEqual(expiries.map((alert) => [alert.pair, alert.severity]), [['USD/TRY', 'warning']]);
  assert.deepEqual([rateOf(after, 'USD/TRY').midUnits, rateOf(after, 'USD/TRY').overrideReference], [units('40.005'), undefined]);
  assert.deepEqual(core.overrides(), []);

  assert.equal(core.setOverride({ ...override, midUnits: undefined, extraBuyPpm: 5_000, expiresAtMs: t0 + 20_000 }, t0 + 10_000),
    undefined);
  assert.equal(variationOf(core.composeCycle(t0 + 10_100, 3, 'c3'), 'USD/TRY').buyMarginPpm, 15_000, 'a widening-only override');
  assert.equal(core.clearOverride('USD/TRY'), true);
});

test('cross rates multiply bid by bid and ask by ask, inverting legs quoted the other way', () => {
  const { core } = pricedCore();
  const cross = rateOf(core.composeCycle(t0 + 100, 1, 'c1'), 'EUR/TRY');
  assert.deepEqual([cross.marketBidUnits, cross.marketAskUnits], [units('43.2'), units('43.214801')]);
  assert.deepEqual(cross.crossLegs, ['EUR/USD', 'USD/TRY']);
  assert.deepEqual(cross.sourceIds, ['A'], 'A and B quote alike; the first in selection order is named');
  const chain = crossChain('EUR/GBP', ['EUR/USD', 'GBP/USD']);
  assert.deepEqual(chain, [{ pair: 'EUR/USD', inverted: false }, { pair: 'GBP/USD', inverted: true }]);
  const eurGbp = crossQuote(chain!, [{ bidUnits: units('1.08'), askUnits: units('1.0801') },
    { bidUnits: units('1.27'), askUnits: units('1.2702') }]);
  assert.deepEqual(eurGbp, { bidUnits: 85_025_980, askUnits: 85_047_245 }, 'bid = 1.08 / 1.2702 down, ask = 1.0801 / 1.27 up');
  assert.equal(crossChain('EUR/TRY', ['EUR/USD', 'GBP/TRY']), undefined);
});

test('a cross whose leg has no price is not composed', () => {
  const core = new FxRateCore(testSettings());
  const ticks = new TickFactory();
  for (const tick of ticks.steady('A', 'USD/TRY', '40', '40.01', t0)) core.ingest(tick);
  const cycle = core.composeCycle(t0 + 100, 1, 'c1');
  assert.ok(cycle.pairsWithoutRate.includes('EUR/TRY'));
  assert.ok(cycle.dropped.some((entry) => entry.pair === 'EUR/TRY' && entry.reason === 'CROSS_LEG_MISSING'));
});

test('rounding always favours the bank, at every precision (seeded random)', () => {
  const prng = new Prng(20_260_304);
  for (let round = 0; round < 2_000; round++) {
    const digits = prng.pick([2, 4, 5]);
    const step = 10 ** (8 - digits);
    const mid = prng.nextIntegerInclusive(2 * step, 20_000_000_000_000);
    const margin = prng.nextIntegerInclusive(0, 100_000);
    const input = { midUnits: BigInt(mid), marketBidUnits: mid, marketAskUnits: mid, stepUnits: step, clampToMarket: false };
    const buy = BigInt(customerBuyUnits(input, margin));
    const sell = BigInt(customerSellUnits(input, margin));
    const exactBuy = BigInt(mid) * BigInt(1_000_000 + margin);
    const exactSell = BigInt(mid) * BigInt(1_000_000 - margin);
    assert.equal(buy % BigInt(step), 0n);
    assert.equal(sell % BigInt(step), 0n);
    assert.ok(buy * 1_000_000n >= exactBuy && (buy - BigInt(step)) * 1_000_000n < exactBuy, `buy up at mid ${mid}`);
    assert.ok(sell * 1_000_000n <= exactSell && (sell + BigInt(step)) * 1_000_000n > exactSell, `sell down at mid ${mid}`);
  }
});

test('per-pair precision: EUR/USD 5 digits, XAU/TRY 2', () => {
  const { core, ticks } = pricedCore();
  for (const source of ['A', 'B']) {
    for (const tick of ticks.steady(source, 'XAU/TRY', '180000.123', '180010.456', t0)) core.ingest(tick);
  }
  const cycle = core.composeCycle(t0 + 100, 1, 'c1');
  const gold = variationOf(cycle, 'XAU/TRY');
  assert.equal(gold.buyUnits % 1_000_000, 0);
  assert.deepEqual([gold.buyUnits, gold.sellUnits], [units('181805.35'), units('178565.24')]);
  const euro = variationOf(cycle, 'EUR/USD');
  assert.deepEqual([euro.buyUnits, euro.sellUnits], [units('1.09086'), units('1.0714')]);
});

test('with clampToMarket the bank never quotes inside the interbank market', () => {
  const core = new FxRateCore(testSettings({ clampToMarket: true }));
  const ticks = new TickFactory();
  for (const tick of ticks.steady('A', 'USD/TRY', '40', '40.2', t0)) core.ingest(tick);
  const variation = variationOf(core.composeCycle(t0 + 100, 1, 'c1'), 'USD/TRY', 'corporate', 'T2');
  assert.deepEqual([variation.buyUnits, variation.sellUnits], [units('40.2'), units('40')]);
});
