// The running FX service logged on to the QuickFIX simulator with three provider sessions
// (INTEGRAL, T360, TRADAIR), the sim injecting spikes (x10, /10), zeros, crossed quotes and a
// silence. Normal ticks produce customer rates; every injected price fault is found in the raw tick
// store (joined on provider, symbol and the sim's tick = QuoteEntryID in the sourceReference) with a
// rejecting decision; no customer rate ever moves by a spike; the silence becomes a stale-source
// alert and the silent symbol's quotes are absent from storage.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { systemClock } from '@parite/kernel';
import { MemoryCache, startTestPostgres, type TestDatabase, type TestPostgresServer } from '@parite/platform';
import {
  defaultFxEngineSettings, parseFixSourceReference, quotedPair, sourceFor, type FxEngineSettings,
} from '../src/index.ts';
import { FixMarketDataProvider } from '../src/adapters/fix/fix-market-data-provider.ts';
import { startFixSim, type FixSim } from './support/fix-sim.ts';
import { freshFxDatabase, fxRuntime } from './support/fx-service-harness.ts';
import { waitFor } from './support/wait-for.ts';

const venues = ['INTEGRAL', 'T360', 'TRADAIR'];
const symbols = ['EUR/USD', 'GBP/USD', 'USD/TRY', 'XAU/USD', 'EUR/TRY', 'GBP/TRY'];
/** The sim's starting mids (README of fix-feed-sim); its walk moves about 1 bp per second. */
const startMids: Record<string, number> = { 'EUR/USD': 1.16, 'GBP/USD': 1.33, 'USD/TRY': 42.2, 'XAU/USD': 4000,
  'EUR/TRY': 1.16 * 42.2, 'GBP/TRY': 1.33 * 42.2 };

function simSettings(): FxEngineSettings {
  return {
    ...defaultFxEngineSettings(),
    sources: venues.map((venue, index) => sourceFor(venue, index < 2 ? 1 : 2, symbols, 1_000)),
    pairs: [
      quotedPair('EUR/USD', 5, '0.5', '2.5'), quotedPair('GBP/USD', 5, '0.5', '3'), quotedPair('USD/TRY', 4, '5', '500'),
      quotedPair('XAU/USD', 2, '1000', '20000'), quotedPair('EUR/TRY', 4, '5', '600'), quotedPair('GBP/TRY', 4, '5', '700'),
    ],
  };
}

let server: TestPostgresServer;
let database: TestDatabase;
let sim: FixSim | undefined;
before(async () => {
  server = await startTestPostgres();
  database = await freshFxDatabase(server);
});
after(async () => {
  await sim?.kill();
  await database?.drop();
  await server?.close();
});

interface RawRow { source_id: string; pair: string; bid_units: bigint; ask_units: bigint; source_reference: string; decision: string }

test('three FIX sessions against the QuickFIX simulator: faults rejected, rates steady, silence alerted', async () => {
  sim = await startFixSim({ tickMs: '100', seed: 11, spike: '0.02', zero: '0.02', crossed: '0.02', silence: 'T360:USD/TRY:3:3' });
  const providers = venues.map((venue) => new FixMarketDataProvider({ sourceId: venue, host: '127.0.0.1', port: sim!.port,
    senderCompId: 'PARITE', symbols, heartbeatIntervalSeconds: 5, backoff: { initialDelayMs: 100, maximumDelayMs: 1_000 } }));
  const runtime = fxRuntime(database, { cache: new MemoryCache({ clock: systemClock }), clock: systemClock,
    baseSettings: simSettings(), providers, cycleIntervalMs: 250 });
  await runtime.start();
  const feed = sim;
  await waitFor(() => ['spike', 'zero', 'crossed'].every((kind) => feed.priceFaults().filter((fault) => fault.fault === kind).length >= 3)
    && feed.silenceFaults().some((fault) => fault.fault === 'silence_end'), 'three faults of each kind and the end of the silence', 60_000);
  // A little longer, so the silent symbol is quoted again and its source counts as fresh.
  const silenceEnd = feed.silenceFaults().find((fault) => fault.fault === 'silence_end')!;
  const stopRequestedAtMs = Date.now() + 1_500;
  await waitFor(() => Date.now() > stopRequestedAtMs, 'the quotes after the silence', 5_000);
  await runtime.stop();
  const status = runtime.service.status();
  assert.equal(status.cycleFailures, 0);
  assert.ok((status.lastCycle?.rates ?? 0) === symbols.length, 'every pair priced by the last cycle');

  // (1) Every injected price fault printed at least a second before the stop is stored, rejected.
  const rows = await database.sql<RawRow[]>`
    select source_id, pair, bid_units, ask_units, source_reference, decision from fx_raw_ticks order by tick_id`;
  const byQuote = new Map<string, RawRow>();
  for (const row of rows) {
    const reference = parseFixSourceReference(row.source_reference);
    if (reference?.quoteId !== undefined) byQuote.set(`${row.source_id}|${row.pair}|${reference.quoteId}`, row);
  }
  const faults = feed.priceFaults().filter((fault) =>
    Date.parse(String((fault as unknown as { ts: string }).ts)) < stopRequestedAtMs - 1_000);
  assert.ok(faults.length >= 9);
  const expected: Record<string, readonly string[]> = {
    zero: ['TICK_ZERO'], crossed: ['TICK_CROSSED'], spike: ['TICK_SPIKE', 'TICK_ABSURD', 'TICK_UNCONFIRMED'],
  };
  const faultKeys = new Set(feed.priceFaults().map((fault) => `${fault.provider}|${fault.symbol}|${fault.tick}`));
  for (const fault of faults) {
    const key = `${fault.provider}|${fault.symbol}|${fault.tick}`;
    const row = byQuote.get(key);
    assert.ok(row !== undefined, `the ${fault.fault} of ${key} is in the raw tick store`);
    assert.ok(expected[fault.fault]!.includes(row.decision), `${fault.fault} ${key} was ${row.decision}`);
  }
  const cleanRows = rows.filter((row) => {
    const quote = parseFixSourceReference(row.source_reference)?.quoteId;
    return !faultKeys.has(`${row.source_id}|${row.pair}|${quote}`);
  });
  assert.ok(cleanRows.filter((row) => row.decision === 'ACCEPTED').length > cleanRows.length * 0.8,
    'clean quotes are accepted');
  assert.ok(!cleanRows.some((row) => ['TICK_ZERO', 'TICK_CROSSED', 'TICK_ABSURD'].includes(row.decision)),
    'no clean quote is rejected as faulty');

  // (2) No customer rate ever moved by a spike: every stored mid stays within 1 % of the sim's start.
  const ranges = await database.sql<{ pair: string; low: bigint; high: bigint; cycles: bigint }[]>`
    select pair, min(mid_units) as low, max(mid_units) as high, count(distinct cycle_id) as cycles
    from fx_rate_history group by pair order by pair`;
  assert.equal(ranges.length, symbols.length);
  for (const range of ranges) {
    const start = startMids[range.pair]! * 100_000_000;
    assert.ok(Number(range.low) > start * 0.99 && Number(range.high) < start * 1.01,
      `${range.pair} mids ${range.low}..${range.high} stay near ${start}`);
    assert.ok(range.cycles > 5n);
  }

  // (3) The silence: no stored T360 USD/TRY quote inside it, a stale alert, then fresh again.
  const silenceStart = feed.silenceFaults().find((fault) => fault.fault === 'silence_start')!;
  const silentQuotes = rows.filter((row) => row.source_id === 'T360' && row.pair === 'USD/TRY').map((row) =>
    Number(parseFixSourceReference(row.source_reference)?.quoteId));
  assert.ok(!silentQuotes.some((quote) => quote >= silenceStart.tick && quote < silenceEnd.tick));
  assert.ok(silentQuotes.some((quote) => quote >= silenceEnd.tick), 'quoting again after the silence');
  const alerts = await runtime.service.alerts(500);
  assert.ok(alerts.some((alert) => alert.code === 'SOURCE_STALE' && alert.sourceId === 'T360' && alert.pair === 'USD/TRY'),
    'the silence raised a stale-source alert');
  assert.ok(alerts.some((alert) => alert.code === 'SOURCE_FRESH' && alert.sourceId === 'T360' && alert.pair === 'USD/TRY'));
  await feed.stop();
  sim = undefined;
});
