// startFx on an HTTP app with a test database, in demo mode: the SIMULATED provider feeds the engine,
// cycles are cached, published and written to the history, and the public rate board shows live
// rates as decimal strings. Admin routes refuse an anonymous caller.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApprovalService, PostgresApprovalStore, approvalsMigrations } from '@parite/approvals';
import { MemoryAuditRecorder } from '@parite/contracts';
import { defaultAssets, ExchangeEngine } from '@parite/exchange';
import { MemoryJournal, MemorySnapshotStore } from '@parite/journal';
import { anonymousAuthenticator, createHttpApp, type HttpApp } from '@parite/http';
import { systemClock } from '@parite/kernel';
import {
  createSilentLogger, createTestDatabase, MemoryCache, platformMigrations, runMigrations, startTestPostgres,
  type TestDatabase, type TestPostgresServer,
} from '@parite/platform';
import { parseFixEndpoints, startFx, type RunningFx } from '../src/fx-composition.ts';

let server: TestPostgresServer;
let database: TestDatabase;
let app: HttpApp;
let fx: RunningFx | undefined;
let engine: ExchangeEngine;
before(async () => {
  server = await startTestPostgres();
  database = await createTestDatabase({ adminUrl: server.adminUrl, poolSize: 6 });
  await runMigrations(database.sql, [platformMigrations, approvalsMigrations]);
  engine = new ExchangeEngine({ journal: new MemoryJournal(), snapshots: new MemorySnapshotStore(), clock: systemClock });
  await engine.start();
  for (const command of defaultAssets) await engine.submit(command);
});
after(async () => {
  await fx?.close();
  await engine?.stop();
  await app?.close();
  await database?.drop();
  await server?.close();
});

interface RatesBody { origin: string; segment: string; tier: string; rates: { pair: string; buy: string; sell: string; cycleId: string }[] }

test('startFx in demo mode serves live simulated rates on the public rate board', async () => {
  app = createHttpApp({ authenticator: anonymousAuthenticator, openApi: { title: 'fx', version: '0' }, rateLimit: false });
  const audit = new MemoryAuditRecorder();
  const approvals = new ApprovalService({ store: new PostgresApprovalStore(database.sql), audit, clock: systemClock });
  fx = await startFx({ config: { demo: true }, database: database.sql, cache: new MemoryCache({ clock: systemClock }),
    bus: undefined, audit, approvals, clock: systemClock, logger: createSilentLogger(), app, engine,
    environment: { PARITE_FX_CYCLE_MS: '200' } });
  await app.ready();

  let body: RatesBody | undefined;
  const deadline = Date.now() + 30_000;
  while (body === undefined || !['USD-TRY', 'EUR-USD', 'EUR-TRY'].every((pair) => body!.rates.some((rate) => rate.pair === pair))) {
    assert.ok(Date.now() < deadline, 'live rates within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const response = await app.inject({ method: 'GET', url: '/v1/fx/rates?segment=retail&tier=T1' });
    assert.equal(response.statusCode, 200);
    body = response.json<RatesBody>();
  }
  assert.equal(body.origin, 'cache');
  const usdTry = body.rates.find((rate) => rate.pair === 'USD-TRY')!;
  assert.match(usdTry.buy, /^\d+\.\d{4}$/);
  assert.ok(Number(usdTry.buy) > Number(usdTry.sell), 'the customer buys above where it sells');
  assert.ok(Math.abs(Number(usdTry.buy) - 42.2) < 2, 'near the simulator level');

  const sources = fx.service.settings.sources.map((source) => source.sourceId);
  assert.ok(sources.includes('SIMULATED'));
  const status = fx.service.status();
  assert.equal(status.providers[0]?.state, 'live');
  await waitForHistory(usdTry.cycleId);

  const anonymous = await app.inject({ method: 'GET', url: '/v1/admin/fx/alerts' });
  assert.equal(anonymous.statusCode, 401);
  const badTier = await app.inject({ method: 'GET', url: '/v1/fx/rates?tier=T9' });
  assert.equal(badTier.json<{ error: { code: string } }>().error.code, 'FX_TIER_UNKNOWN');
});

async function waitForHistory(cycleId: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const [row] = await database.sql<{ count: bigint }[]>`select count(*) as count from fx_rate_history where cycle_id = ${cycleId}`;
    if ((row?.count ?? 0n) > 0n) return;
    assert.ok(Date.now() < deadline, 'the history consumer wrote the cycle');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('PARITE_FX_FIX is parsed strictly', () => {
  assert.deepEqual(parseFixEndpoints('10.1.2.3:9880:INTEGRAL,T360;fix.example:9876:TRADAIR'), [
    { host: '10.1.2.3', port: 9880, venues: ['INTEGRAL', 'T360'] }, { host: 'fix.example', port: 9876, venues: ['TRADAIR'] }]);
  assert.deepEqual(parseFixEndpoints(undefined), []);
  for (const bad of ['10.1.2.3:9880', 'host:99999:A', 'host:1:lower', 'host:1:A;;x']) {
    assert.throws(() => parseFixEndpoints(bad), /PARITE_FX_FIX/, bad);
  }
});

test('a second instance without rate sources serves the same board but composes nothing', async () => {
  const secondApp = createHttpApp({ authenticator: anonymousAuthenticator, openApi: { title: 'fx', version: '0' }, rateLimit: false });
  const audit = new MemoryAuditRecorder();
  const approvals = new ApprovalService({ store: new PostgresApprovalStore(database.sql), audit, clock: systemClock });
  const second = await startFx({ config: { demo: true }, database: database.sql, cache: new MemoryCache({ clock: systemClock }),
    bus: undefined, audit, approvals, clock: systemClock, logger: createSilentLogger(), app: secondApp, engine,
    environment: { PARITE_FX_CYCLE_MS: '100', PARITE_FX_SIMULATED: 'false', PARITE_FX_HISTORY: 'false', PARITE_FX_INSTANCE: 'second' } });
  try {
    await secondApp.ready();
    // Its own cache is empty, so the board comes from the history the first instance wrote.
    const response = await secondApp.inject({ method: 'GET', url: '/v1/fx/rates?segment=retail&tier=T1' });
    assert.equal(response.statusCode, 200);
    const body = response.json<RatesBody>();
    assert.ok(body.rates.some((rate) => rate.pair === 'USD-TRY'), JSON.stringify(body).slice(0, 200));
    // Setup time, not a timing assertion: several of its cycle periods pass without a cycle.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(second.service.status().lastCycle, undefined, 'no empty cycle was composed or published');
  } finally {
    await second.close();
    await secondApp.close();
  }
});
