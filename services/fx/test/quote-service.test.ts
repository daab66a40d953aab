// Customer quotes and acceptance against a real PostgreSQL (startTestPostgres) and a real exchange
// engine: the amounts the core posts, the evidence a quote row keeps, every refusal changing
// nothing, last look in both directions, the daily limit and exactly-once acceptance under
// concurrent accepts, and resumption of an acceptance a stopped process left half-way.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceError, type ErrorCode } from '@parite/contracts';
import { startTestPostgres, type TestPostgresServer } from '@parite/platform';
import { stateHash, SystemOwner, type FxConvertCommand } from '@parite/exchange';
import type { QuoteRecord, QuoteServiceOptions } from '../src/index.ts';
import { alice, basePrices, bob, corporate, QuoteFixture, startMs } from './quote-fixture.ts';

let server: TestPostgresServer;
const fixtures: QuoteFixture[] = [];

before(async () => {
  server = await startTestPostgres();
});

after(async () => {
  for (const fixture of fixtures) await fixture.close();
  await server.close();
});

async function open(options: Partial<QuoteServiceOptions> = {}): Promise<QuoteFixture> {
  const fixture = await QuoteFixture.open(server.adminUrl, options);
  fixtures.push(fixture);
  await fixture.fund(alice, 'TRY', 1_000_000_000_000n); // 1,000,000 TRY
  await fixture.fund(bob, 'USD', 10_000_000n); // 100,000 USD
  return fixture;
}

const customer = (ownerId: number) => ({ ownerId, actorId: `usr_${ownerId}` });

function termsOf(quote: QuoteRecord) {
  return { pair: quote.pair, side: quote.side, rateUnits: quote.rateUnits, baseAmountUnits: quote.baseAmountUnits,
    quoteAmountUnits: quote.quoteAmountUnits };
}

async function refused(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ServiceError, String(error));
    assert.equal(error.code, code);
    return true;
  });
}

/** Everything an accept could change: the exchange state, the quote rows, the usage, the journal. */
async function footprint(fixture: QuoteFixture): Promise<string> {
  const quotes = await fixture.database.sql`select * from fx_quotes order by quote_id`;
  const usage = await fixture.database.sql`select * from fx_customer_daily_usage order by owner_id, day`;
  return JSON.stringify({ state: stateHash(fixture.engine.state), journal: fixture.journal.storage.records.length,
    quotes, usage }, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
}

test('buying 100 USD: the quote row keeps the cycle and rate shown; acceptance posts exactly those amounts', async () => {
  const fixture = await open();
  const quote = await fixture.service.requestQuote(customer(alice),
    { pair: 'USD/TRY', side: 'buy', amountAsset: 'USD', amountUnits: 10_000n });
  // 100.00 USD x 42.1234 (retail T1 buy) = 4,212.34 TRY exactly.
  assert.equal(quote.rateUnits, 4_212_340_000n);
  assert.equal(quote.baseAmountUnits, 10_000n);
  assert.equal(quote.quoteAmountUnits, 4_212_340_000n);
  assert.equal(quote.tryEquivalentUnits, 4_212_340_000n);
  assert.equal(quote.expiresAtMs, startMs + 10_000);
  const [row] = await fixture.database.sql`select cycle_id, tier_id, rate_units, segment, status from fx_quotes
    where quote_id = ${quote.quoteId}`;
  assert.deepEqual({ ...row }, { cycle_id: 'fx-test:1', tier_id: 'T1', rate_units: 4_212_340_000n, segment: 'retail',
    status: 'open' });

  fixture.clock.advanceMs(3_000);
  const accepted = await fixture.service.acceptQuote(customer(alice), quote.quoteId, termsOf(quote));
  assert.equal(accepted.status, 'accepted');
  assert.equal(accepted.lastLookCycleId, 'fx-test:1');
  assert.ok(accepted.journalSequence !== undefined && accepted.payPostingId !== undefined);
  assert.equal(accepted.receivePostingId, (accepted.payPostingId ?? 0) + 1);
  assert.equal(fixture.balance(alice, 'USD'), 10_000n);
  assert.equal(fixture.balance(alice, 'TRY'), 1_000_000_000_000n - 4_212_340_000n);
  assert.equal(fixture.balance(SystemOwner.Liquidity, 'USD'), -10_000n);
  assert.equal(fixture.balance(SystemOwner.Liquidity, 'TRY'), 4_212_340_000n);
  assert.ok(fixture.sumsAreZero());
  assert.deepEqual(fixture.journalledConversions(), [quote.quoteId]);
  const audit = fixture.audit.records.find((record) => record.action === 'fx.quote.accept');
  assert.ok(audit !== undefined);
  assert.equal(audit.targetId, quote.quoteId);
  assert.equal(audit.actorId, 'usr_2001');
  assert.deepEqual([audit.details['cycleId'], audit.details['rate'], audit.details['baseAmount'],
    audit.details['quoteAmount']], ['fx-test:1', '42.1234', '100', '4212.34']);
  const [usage] = await fixture.database.sql`select used_try_units from fx_customer_daily_usage where owner_id = ${alice}`;
  assert.equal(usage?.['used_try_units'], 4_212_340_000n);
  const listed = await fixture.service.conversions(customer(alice), 10);
  assert.deepEqual(listed.map((item) => item.quoteId), [quote.quoteId]);
  assert.deepEqual(await fixture.service.conversions(customer(bob), 10), []);
});

test('naming the quote currency: the most USD 1,000 TRY buys, and never more than 1,000 TRY paid', async () => {
  const fixture = await open();
  const quote = await fixture.service.requestQuote(customer(alice),
    { pair: 'USD/TRY', side: 'buy', amountAsset: 'TRY', amountUnits: 1_000_000_000n });
  assert.equal(quote.baseAmountUnits, 2_373n); // 23.73 USD; 23.74 would cost 1,000.009... TRY
  assert.equal(quote.quoteAmountUnits, 999_588_282n); // 23.73 x 42.1234 = 999.588282 TRY
  const sold = await fixture.service.requestQuote(customer(bob),
    { pair: 'USD/TRY', side: 'sell', amountAsset: 'TRY', amountUnits: 1_000_000_000n });
  assert.equal(sold.rateUnits, 4_200_120_000n);
  assert.equal(sold.baseAmountUnits, 2_381n); // the least USD that fetches 1,000 TRY at 42.0012
  assert.equal(sold.quoteAmountUnits, 1_000_048_572n); // 23.81 x 42.0012 = 1,000.048572 TRY, at least 1,000
  await fixture.service.acceptQuote(customer(bob), sold.quoteId, termsOf(sold));
  assert.equal(fixture.balance(bob, 'TRY'), 1_000_048_572n);
  assert.equal(fixture.balance(bob, 'USD'), 10_000_000n - 2_381n);
});

test('tiers by amount, segments by customer, and a cross counted in TRY at the USD/TRY mid', async () => {
  const fixture = await open();
  await fixture.fund(corporate, 'EUR', 1_000_000n);
  const large = await fixture.service.requestQuote(customer(alice),
    { pair: 'USD/TRY', side: 'buy', amountAsset: 'USD', amountUnits: 2_000_000n });
  assert.equal(large.tierId, 'T2');
  assert.equal(large.rateUnits, 4_211_000_000n);
  const cross = await fixture.service.requestQuote(customer(corporate),
    { pair: 'EUR/USD', side: 'sell', amountAsset: 'EUR', amountUnits: 100_000n });
  assert.equal(cross.segment, 'corporate');
  assert.equal(cross.rateUnits, 107_679_000n);
  assert.equal(cross.quoteAmountUnits, 107_679n); // 1,000 EUR x 1.07679 = 1,076.79 USD
  assert.equal(cross.tryEquivalentUnits, 45_332_859_000n); // 1,076.79 USD x 42.1 = 45,332.859 TRY
  await fixture.service.acceptQuote(customer(corporate), cross.quoteId, termsOf(cross));
  assert.equal(fixture.balance(corporate, 'USD'), 107_679n);
  assert.equal(fixture.balance(corporate, 'EUR'), 900_000n);
  assert.ok(fixture.sumsAreZero());
});

test('quote refusals: unknown pair, foreign currency, zero, too small, no current or a stale rate, the limit', async () => {
  const fixture = await open({ dailyLimitTryUnits: { retail: 5_000_000_000n } });
  const request = (overrides: object) => fixture.service.requestQuote(customer(alice),
    { pair: 'USD/TRY', side: 'buy', amountAsset: 'USD', amountUnits: 10_000n, ...overrides });
  await refused(request({ pair: 'JPY/TRY' }), 'FX_PAIR_UNKNOWN');
  await refused(request({ pair: 'USD/USD' }), 'FX_PAIR_UNKNOWN');
  await refused(request({ amountAsset: 'EUR' }), 'FX_QUOTE_CURRENCY_INVALID');
  await refused(request({ amountUnits: 0n }), 'LEDGER_AMOUNT_INVALID');
  await refused(request({ amountAsset: 'TRY', amountUnits: 10_000n }), 'FX_QUOTE_AMOUNT_TOO_SMALL');
  await refused(request({ pair: 'GBP/TRY', amountAsset: 'GBP' }), 'FX_RATE_UNAVAILABLE');
  await refused(request({ amountUnits: 200_000n }), 'FX_QUOTE_LIMIT_EXCEEDED'); // 2,000 USD > 5,000 TRY
  await refused(fixture.service.requestQuote(customer(corporate),
    { pair: 'USD/TRY', side: 'buy', amountAsset: 'USD', amountUnits: 100n }), 'FX_QUOTE_LIMIT_EXCEEDED');
  fixture.clock.advanceMs(10_000);
  await refused(request({}), 'FX_RATE_UNAVAILABLE');
  const [count] = await fixture.database.sql`select count(*)::int as count from fx_quotes`;
  assert.equal(count?.['count'], 0);
});

test('accept refusals change nothing: unknown, another customer\'s, altered, expired, replayed', async () => {
  const fixture = await open();
  const quote = await fixture.service.requestQuote(customer(alice),
    { pair: 'USD/TRY', side: 'buy', amountAsset: 'USD', amountUnits: 10_000n });
  const terms = termsOf(quote);
  const before = await footprint(fixture);
  const attempts: [() => Promise<unknown>, ErrorCode][] = [
    [() => fixture.service.acceptQuote(customer(alice), 'fxq_AAAAAAAAAAAAAAAAAAAAAA', terms), 'FX_QUOTE_UNKNOWN'],
    [() => fixture.service.acceptQuote(customer(alice), 'not-a-quote-id', terms), 'FX_QUOTE_UNKNOWN'],
    [() => fixture.service.acceptQuote(customer(bob), quote.quoteId, terms), 'FX_QUOTE_UNKNOWN'],
    [() => fixture.service.acceptQuote(customer(alice), quote.quoteId, { ...terms, baseAmountUnits: 10_001n }),
      'FX_QUOTE_TERMS_MISMATCH'],
    [() => fixture.service.acceptQuote(customer(alice), quote.quoteId, { ...terms, quoteAmountUnits: 4_212_339_999n }),
      'FX_QUOTE_TERMS_MISMATCH'],
    [() => fixture.service.acceptQuote(customer(alice), quote.quoteId, { ...terms, pair: 'EUR/TRY' }), 'FX_QUOTE_TERMS_MISMATCH'],
    [() => fixture.service.acceptQuote(customer(alice), quote.quoteId, { ...terms, side: 'sell' }), 'FX_QUOTE_TERMS_MISMATCH'],
    [() => fixture.service.acceptQuote(customer(alice), quote.quoteId, { ...terms, rateUnits: 4_212_330_000n }),
      'FX_QUOTE_TERMS_MISMATCH'],
  ];
  for (const [attempt, code] of attempts) await refused(attempt(), code);
  assert.equal(await footprint(fixture), before);

  fixture.clock.advanceMs(10_000);
  fixture.publishCycle();
  await refused(fixture.service.acceptQuote(customer(alice), quote.quoteId, terms), 'FX_QUOTE_EXPIRED');
  assert.equal(await footprint(fixture), before);

  const fresh = await fixture.service.requestQuote(customer(alice),
    { pair: 'USD/TRY', side: 'buy', amountAsset: 'USD', amountUnits: 10_000n });
  await fixture.service.acceptQuote(customer(alice), fresh.quoteId, termsOf(fresh));
  const afterAccept = await footprint(fixture);
  await refused(fixture.service.acceptQuote(customer(alice), fresh.quoteId, termsOf(fresh)), 'FX_QUOTE_ALREADY_ACCEPTED');
  assert.equal(await footprint(fixture), afterAccept);
  assert.deepEqual(fixture.journalledConversions(), [fresh.quoteId]);
});

test('insufficient funds: the claim is given back and the quote can be accepted once funded', async () => {
  const fixture = await open();
  const quote = await fixture.service.requestQuote(customer(bob),
    { pair: 'XAU/TRY', side: 'buy', amountAsset: 'XAU', amountUnits: 1_000_000n }); // 0.01 ozt
  const before = await footprint(fixture);
  await refused(fixture.service.acceptQuote(customer(bob), quote.quoteId, termsOf(quote)), 'LEDGER_INSUFFICIENT_FUNDS');
  assert.equal(await footprint(fixture), before, 'the quote is open again and the limit usage released');
  await fixture.fund(bob, 'TRY', quote.quoteAmountUnits);
  await fixture.service.acceptQuote(customer(bob), quote.quoteId, termsOf(quote));
  assert.equal(fixture.balance(bob, 'XAU'), 1_000_000n);
  assert.equal(fixture.balance(bob, 'TRY'), 0n);
});

test('last look is symmetric: a move up to the tolerance is dealt, one unit beyond it either way is refused', async () => {
  const fixture = await open({ lastLookTolerancePpm: 1_000 });
  const quoteAt = async () => fixture.service.requestQuote(customer(alice),
    { pair: 'USD/TRY', side: 'buy', amountAsset: 'USD', amountUnits: 10_000n });
  const withBuy = (buy: string) => ({ 'USD/TRY': { ...basePrices['USD/TRY']!, tiers: { ...basePrices['USD/TRY']!.tiers,
    T1: [buy, '42.0012'] as [string, string] } } });
  // 42.1234 +/- 0.1 % = 42.1655234 / 42.0812766, exactly on the tolerance.
  const cases: [string, ErrorCode | 'OK'][] = [
    ['42.1655234', 'OK'], ['42.16552341', 'FX_QUOTE_RATE_MOVED'],
    ['42.0812766', 'OK'], ['42.08127659', 'FX_QUOTE_RATE_MOVED'],
  ];
  for (const [buy, expected] of cases) {
    fixture.publishCycle();
    const quote = await quoteAt();
    const before = await footprint(fixture);
    fixture.publishCycle(withBuy(buy));
    const attempt = fixture.service.acceptQuote(customer(alice), quote.quoteId, termsOf(quote));
    if (expected === 'OK') {
      const accepted = await attempt;
      assert.equal(accepted.rateUnits, 4_212_340_000n, 'dealt at the quoted rate');
      assert.equal(accepted.lastLookRateUnits?.toString(), buy.replace('.', '').padEnd(10, '0'));
    } else {
      await refused(attempt, expected);
      assert.equal(await footprint(fixture), before, `${buy}: a refused last look changes nothing`);
    }
  }
  const refusals = fixture.audit.records.filter((record) => record.action === 'fx.quote.last-look-refused');
  assert.deepEqual(refusals.map((record) => record.details['currentRate']), ['42.16552341', '42.08127659']);
  fixture.rates.delete('USD/TRY', 'retail');
  const quote = await fixture.service.requestQuote(customer(alice),
    { pair: 'EUR/TRY', side: 'buy', amountAsset: 'EUR', amountUnits: 100n });
  fixture.clock.advanceMs(10_000);
  fixture.rates.delete('EUR/TRY', 'retail');
  await refused(fixture.service.acceptQuote(customer(alice), quote.quoteId, termsOf(quote)), 'FX_QUOTE_EXPIRED');
});

test('the daily limit holds under concurrent accepts, and counts per Istanbul day', async () => {
  const fixture = await open({ dailyLimitTryUnits: { retail: 10_000_000_000n } }); // 10,000 TRY
  const quotes: QuoteRecord[] = [];
  for (let index = 0; index < 6; index++) {
    quotes.push(await fixture.service.requestQuote(customer(alice),
      { pair: 'USD/TRY', side: 'buy', amountAsset: 'USD', amountUnits: 7_000n })); // 2,948.638 TRY each
  }
  const outcomes = await Promise.allSettled(quotes.map((quote) =>
    fixture.service.acceptQuote(customer(alice), quote.quoteId, termsOf(quote))));
  const accepted = outcomes.filter((outcome) => outcome.status === 'fulfilled');
  const limited = outcomes.filter((outcome) => outcome.status === 'rejected' &&
    (outcome.reason as ServiceError).code === 'FX_QUOTE_LIMIT_EXCEEDED');
  assert.equal(accepted.length, 3, '3 x 2,948.638 fits 10,000 TRY; a fourth does not');
  assert.equal(limited.length, 3);
  const [usage] = await fixture.database.sql`select used_try_units from fx_customer_daily_usage where owner_id = ${alice}`;
  assert.equal(usage?.['used_try_units'], 3n * 2_948_638_000n);
  assert.equal(fixture.balance(alice, 'USD'), 21_000n);
  assert.equal(fixture.journalledConversions().length, 3);
  // 23:59 Istanbul is still the same day; 00:00 is a new one.
  fixture.clock.setMs(Date.parse('2026-03-04T23:59:00+03:00'));
  fixture.publishCycle();
  await refused(fixture.service.requestQuote(customer(alice),
    { pair: 'USD/TRY', side: 'buy', amountAsset: 'USD', amountUnits: 7_000n }), 'FX_QUOTE_LIMIT_EXCEEDED');
  fixture.clock.setMs(Date.parse('2026-03-05T00:00:00+03:00'));
  fixture.publishCycle();
  const nextDay = await fixture.service.requestQuote(customer(alice),
    { pair: 'USD/TRY', side: 'buy', amountAsset: 'USD', amountUnits: 7_000n });
  await fixture.service.acceptQuote(customer(alice), nextDay.quoteId, termsOf(nextDay));
  assert.equal(fixture.balance(alice, 'USD'), 28_000n);
});

test('concurrent accepts of one quote deal it exactly once', async () => {
  const fixture = await open();
  const quote = await fixture.service.requestQuote(customer(alice),
    { pair: 'XAU/TRY', side: 'buy', amountAsset: 'TRY', amountUnits: 5_000_000_000n });
  const outcomes = await Promise.allSettled(Array.from({ length: 12 }, () =>
    fixture.service.acceptQuote(customer(alice), quote.quoteId, termsOf(quote))));
  assert.equal(outcomes.filter((outcome) => outcome.status === 'fulfilled').length, 1);
  for (const outcome of outcomes) {
    if (outcome.status === 'rejected') assert.equal((outcome.reason as ServiceError).code, 'FX_QUOTE_ALREADY_ACCEPTED');
  }
  assert.deepEqual(fixture.journalledConversions(), [quote.quoteId]);
  assert.equal(fixture.balance(alice, 'XAU'), quote.baseAmountUnits);
  assert.equal(fixture.audit.records.filter((record) => record.action === 'fx.quote.accept').length, 1);
});

test('an acceptance left half-way is resumed exactly once, whether or not the exchange already has it', async () => {
  const fixture = await open();
  const claimOnly = await fixture.service.requestQuote(customer(alice),
    { pair: 'USD/TRY', side: 'buy', amountAsset: 'USD', amountUnits: 5_000n });
  const applied = await fixture.service.requestQuote(customer(alice),
    { pair: 'USD/TRY', side: 'buy', amountAsset: 'USD', amountUnits: 6_000n });
  for (const quote of [claimOnly, applied]) {
    const claim = await fixture.store.claim({ quoteId: quote.quoteId, ownerId: alice, nowMs: fixture.clock.nowMs(),
      limitDay: '2026-03-04', limitTryUnits: 100_000_000_000n, lastLookCycleId: 'fx-test:1',
      lastLookRateUnits: quote.rateUnits });
    assert.ok(claim.ok);
  }
  // The process died after the exchange journalled the second conversion, before recording it.
  const command: FxConvertCommand = { kind: 'fx.convert', conversionId: applied.quoteId, ownerId: alice,
    baseAssetCode: 'USD', quoteAssetCode: 'TRY', side: 'buy', rateUnits: applied.rateUnits,
    baseAmountUnits: applied.baseAmountUnits, quoteAmountUnits: applied.quoteAmountUnits };
  await fixture.submit(command);
  assert.equal(await fixture.service.resumeAcceptances(), 0, 'too recent: a live acceptance may still complete them');
  await refused(fixture.service.acceptQuote(customer(alice), claimOnly.quoteId, termsOf(claimOnly)),
    'FX_QUOTE_ALREADY_ACCEPTED');
  fixture.clock.advanceMs(31_000);
  assert.equal(await fixture.service.resumeAcceptances(), 2);
  const stored = await Promise.all([claimOnly, applied].map((quote) => fixture.store.find(quote.quoteId)));
  assert.deepEqual(stored.map((quote) => quote?.status), ['accepted', 'accepted']);
  assert.ok(stored[0]?.journalSequence !== undefined);
  assert.equal(stored[1]?.journalSequence, undefined, 'the exchange answered with the conversion it already held');
  assert.deepEqual(fixture.journalledConversions().sort(), [claimOnly.quoteId, applied.quoteId].sort());
  assert.equal(fixture.balance(alice, 'USD'), 11_000n);
  assert.equal(await fixture.service.resumeAcceptances(), 0);
});

test('a quote row is evidence: its shown terms cannot be changed or deleted', async () => {
  const fixture = await open();
  const quote = await fixture.service.requestQuote(customer(alice),
    { pair: 'USD/TRY', side: 'buy', amountAsset: 'USD', amountUnits: 10_000n });
  const sql = fixture.database.sql;
  await assert.rejects(sql`update fx_quotes set rate_units = rate_units - 1 where quote_id = ${quote.quoteId}`,
    /never change/);
  await assert.rejects(sql`update fx_quotes set cycle_id = 'forged' where quote_id = ${quote.quoteId}`, /never change/);
  await assert.rejects(sql`delete from fx_quotes where quote_id = ${quote.quoteId}`, /evidence/);
  await assert.rejects(sql`update fx_quotes set status = 'accepted', accepted_at_ms = 1, accept_started_at_ms = 1
    where quote_id = ${quote.quoteId}`, /not a quote transition/);
  const [row] = await sql`select rate_units, status from fx_quotes where quote_id = ${quote.quoteId}`;
  assert.deepEqual({ ...row }, { rate_units: 4_212_340_000n, status: 'open' });
});
