// The FX admin routes over HTTP: a margin change and an override are four-eyes (a second treasury
// member approves, then the change applies and survives in the database), source and holiday changes
// apply at once, every change is audited, and the history route answers the rate in force at T.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApprovalService, MemoryApprovalStore, approvalsPlugin } from '@parite/approvals';
import { MemoryAuditRecorder } from '@parite/contracts';
import { anonymousPrincipal, createHttpApp, type Authenticator, type HttpApp, type Permission } from '@parite/http';
import { ManualClock } from '@parite/kernel';
import { MemoryCache, startTestPostgres, type TestDatabase, type TestPostgresServer } from '@parite/platform';
import { fxAdminPlugin, fxRatesPlugin, type FxRuntime } from '../src/index.ts';
import { businessMorning, testSettings, TickFactory } from './fx-fixture.ts';
import { freshFxDatabase, fxRuntime } from './support/fx-service-harness.ts';
import { waitFor } from './support/wait-for.ts';

const staff: Record<string, readonly Permission[]> = {
  maker: ['fx:admin', 'fx:read', 'approval:read', 'approval:decide'],
  checker: ['fx:admin', 'fx:read', 'approval:read', 'approval:decide'],
  auditor: ['fx:read'],
};

/** `x-test-user: maker` authenticates as that staff member (test only). */
const testAuthenticator: Authenticator = {
  authenticate: async (request) => {
    const name = request.headers['x-test-user'];
    if (typeof name !== 'string' || staff[name] === undefined) return anonymousPrincipal;
    return { kind: 'user', userId: 1, userPublicId: `usr_${name}`, permissions: new Set(staff[name]), roles: [] };
  },
};

let server: TestPostgresServer;
let database: TestDatabase;
let runtime: FxRuntime;
let app: HttpApp;
const audit = new MemoryAuditRecorder();
const clock = new ManualClock(businessMorning);
before(async () => {
  server = await startTestPostgres();
  database = await freshFxDatabase(server);
  runtime = fxRuntime(database, { cache: new MemoryCache({ clock }), clock, baseSettings: testSettings() });
  await runtime.start();
  const approvals = new ApprovalService({ store: new MemoryApprovalStore(), audit, clock });
  app = createHttpApp({ authenticator: testAuthenticator, openApi: { title: 'fx', version: '0' }, rateLimit: false });
  await app.register(fxRatesPlugin, { service: runtime.service, reader: runtime.reader });
  await app.register(fxAdminPlugin, { service: runtime.service, reader: runtime.reader, writer: runtime.writer, audit, approvals });
  await app.register(approvalsPlugin, { service: approvals });
  await app.ready();
});
after(async () => {
  await app?.close();
  await runtime?.stop();
  await database?.drop();
  await server?.close();
});

async function call(user: string | undefined, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) {
  const response = await app.inject({ method, url, payload: payload as never,
    headers: user === undefined ? {} : { 'x-test-user': user } });
  return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
}

test('margin and override changes wait for a second person; source and holiday changes apply at once', async () => {
  const schedule = (await call('auditor', 'GET', '/v1/admin/fx/margins')).body['defaultMargins'] as Record<string, unknown>;
  const changed = { ...schedule, sessionAdd: { 'out-of-hours': { buyPpm: 9_000, sellPpm: 9_000 },
    weekend: { buyPpm: 3_000, sellPpm: 3_000 }, holiday: { buyPpm: 4_000, sellPpm: 4_000 } } };
  const filed = await call('maker', 'POST', '/v1/admin/fx/margins/USD-TRY', { schedule: changed, reason: 'wider at night' });
  assert.equal(filed.status, 202);
  assert.equal(runtime.service.margins().pairs['USD/TRY'], undefined, 'nothing changes before the approval');
  const approvalId = filed.body['approvalId'] as string;
  assert.equal((await call('maker', 'POST', `/v1/admin/approvals/${approvalId}/approve`, {})).status, 403, 'no self-approval');
  const approved = await call('checker', 'POST', `/v1/admin/approvals/${approvalId}/approve`, {});
  assert.equal(approved.body['status'], 'executed');
  assert.deepEqual(runtime.service.margins().pairs['USD/TRY']?.sessionAdd['out-of-hours'], { buyPpm: 9_000, sellPpm: 9_000 });
  const [row] = await database.sql<{ approval_id: string }[]>`select approval_id from fx_margin_schedules where scope = 'USD/TRY'`;
  assert.equal(row?.approval_id, approvalId);

  const invalid = await call('maker', 'POST', '/v1/admin/fx/overrides', { pair: 'USD-TRY', mid: '4000', validForSeconds: 60,
    reason: 'fat finger' });
  assert.equal(invalid.status, 400, 'a mid outside the sane range is refused before any approval');
  const override = await call('maker', 'POST', '/v1/admin/fx/overrides', { pair: 'USD-TRY', mid: '42.5', validForSeconds: 600,
    reason: 'feeds down' });
  assert.equal(override.status, 202);
  assert.equal(runtime.service.overrides().length, 0);
  await call('checker', 'POST', `/v1/admin/approvals/${override.body['approvalId'] as string}/approve`, {});
  const overrides = (await call('auditor', 'GET', '/v1/admin/fx/overrides')).body['overrides'] as { pair: string; mid: string }[];
  assert.deepEqual(overrides.map((each) => [each.pair, each.mid]), [['USD-TRY', '42.50000000']]);
  assert.equal((await call('maker', 'DELETE', '/v1/admin/fx/overrides/USD-TRY')).status, 200, 'clearing is immediate');
  assert.equal(runtime.service.overrides().length, 0);

  const source = await call('maker', 'PATCH', '/v1/admin/fx/sources/C', { enabled: false, reason: 'venue maintenance' });
  assert.equal(source.status, 200);
  assert.equal(runtime.service.settings.sources.find((each) => each.sourceId === 'C')?.enabled, false);
  assert.equal((await call('auditor', 'PATCH', '/v1/admin/fx/sources/C', { enabled: true, reason: 'nope' })).status, 403);
  assert.equal((await call('maker', 'POST', '/v1/admin/fx/holidays', { date: '2026-03-06', kind: 'half', name: 'Köprü',
    reason: 'decree' })).status, 201);
  assert.equal((await call('maker', 'DELETE', '/v1/admin/fx/holidays/2026-03-06')).status, 200);

  const actions = audit.records.map((record) => record.action);
  for (const action of ['fx.margins.update.requested', 'fx.margins.update.approved', 'fx.margins.update.executed',
    'fx.override.set.executed', 'fx.override.clear.completed', 'fx.source.update.completed', 'fx.holiday.add.completed',
    'fx.holiday.remove.completed']) {
    assert.ok(actions.includes(action), `audited: ${action}`);
  }
});

test('the public board and the history route over HTTP', async () => {
  const factory = new TickFactory();
  clock.setMs(businessMorning + 30_000);
  for (let repeat = 0; repeat < 4; repeat++) {
    for (const source of ['A', 'B']) runtime.service.acceptTick(factory.tick(source, 'USD/TRY', '42.10', '42.12', clock.nowMs() - 4 + repeat));
  }
  const cycle = await runtime.service.runCycle();
  await waitFor(() => runtime.consumer!.lastCycleId === cycle.cycleId, 'the history consumer');
  const board = await call(undefined, 'GET', '/v1/fx/rates?segment=corporate&tier=T2');
  assert.equal(board.status, 200);
  const usdTry = (board.body['rates'] as { pair: string; buy: string }[]).find((rate) => rate.pair === 'USD-TRY');
  assert.match(usdTry?.buy ?? '', /^42\.\d{4}$/);

  const history = await call('auditor', 'GET', `/v1/admin/fx/history?pair=USD-TRY&segment=corporate&tier=T2&at=${cycle.atMs + 500}`);
  assert.equal(history.status, 200);
  assert.equal(history.body['cycleId'], cycle.cycleId);
  assert.equal(history.body['buy'], usdTry?.buy);
  const before = await call('auditor', 'GET', `/v1/admin/fx/history?pair=USD-TRY&segment=corporate&tier=T2&at=${businessMorning - 1}`);
  assert.equal((before.body['error'] as { code: string }).code, 'FX_RATE_NOT_FOUND');
  assert.ok(audit.records.some((record) => record.action === 'fx.history.read'), 'history reads are audited');
  assert.equal((await call(undefined, 'GET', '/v1/admin/fx/history?pair=USD-TRY&segment=corporate&tier=T2&at=1')).status, 401);
  const status = await call('auditor', 'GET', '/v1/admin/fx/status');
  assert.equal(status.status, 200);
});
