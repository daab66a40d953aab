// The history routes on the real HTTP foundation (createHttpApp + inject): own rows only, keyset
// pages that visit every row exactly once, filters, decimals, and the refusals.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestDatabase } from '@parite/platform';
import {
  anonymousPrincipal, createHttpApp, type Authenticator, type HttpApp, type Permission,
} from '@parite/http';
import { projectionsPlugin } from '../../src/http/plugin.ts';
import { Projector } from '../../src/projector.ts';
import { freshDatabase, type TestServer } from './database.ts';
import { FakeEngine } from './fake-engine.ts';
import { countRows } from './table-reads.ts';

const owner = 1002;

/** x-test-user: <owner id>[,<permission>...]; no header is anonymous. */
const headerAuthenticator: Authenticator = {
  authenticate: (request) => {
    const header = request.headers['x-test-user'];
    if (typeof header !== 'string') return Promise.resolve(anonymousPrincipal);
    const [id = '', ...granted] = header.split(',');
    return Promise.resolve({ kind: 'user', userId: Number(id), userPublicId: `usr_${id}`,
      permissions: new Set(granted as Permission[]), roles: ['customer'] });
  },
};

interface PageBody<Item> {
  items: Item[];
  nextBefore: string | null;
}

async function allPages<Item>(app: HttpApp, path: string, query: string, limit: number): Promise<Item[][]> {
  const pages: Item[][] = [];
  let cursor: string | null = '';
  // Bounded: the suite's workload has far fewer rows than this many pages.
  for (let page = 0; page < 1_000 && cursor !== null; page++) {
    const url: string = `${path}?limit=${limit}${query}${cursor === '' ? '' : `&before=${encodeURIComponent(cursor)}`}`;
    const response: { statusCode: number; body: string; json<Body>(): Body } = await app.inject({ method: 'GET', url,
      headers: { 'x-test-user': `${owner},order:read,account:read` } });
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json<PageBody<Item>>();
    pages.push(body.items);
    cursor = body.nextBefore;
  }
  assert.equal(cursor, null, 'paging ends');
  return pages;
}

export function registerHttpSuite(server: TestServer): void {
  describe('history routes', () => {
    let database: TestDatabase;
    let app: HttpApp;

    before(async () => {
      database = await freshDatabase(server);
      const engine = new FakeEngine();
      const projector = new Projector(database.sql, { readCommitted: engine.readCommitted });
      projector.attach(engine);
      await projector.start();
      engine.runWorkload(81, 1_200);
      await projector.whenCaughtUp(engine.lastSequence);
      await projector.stop();
      app = createHttpApp({ authenticator: headerAuthenticator, openApi: { title: 'test', version: '1' },
        rateLimit: false });
      await app.register(projectionsPlugin, { sql: database.sql });
      await app.ready();
    });

    after(async () => {
      await app?.close();
      await database?.drop();
    });

    test('orders: own orders only, newest first, every one exactly once across pages', async () => {
      const pages = await allPages<{ orderId: number; price: string | null; quantity: string }>(
        app, '/v1/orders/history', '', 37);
      const ids = pages.flat().map((item) => item.orderId);
      const owned = await database.sql`select order_id from orders where owner_id = ${owner} order by order_id desc`;
      assert.deepEqual(ids, owned.map((row) => Number(row['order_id'])));
      assert.ok(ids.length > 37, 'more than one page');
      for (const item of pages.flat()) assert.match(item.quantity, /^[0-9]+(\.[0-9]+)?$/);
    });

    test('orders: status and symbol filters', async () => {
      const live = await database.sql<{ symbol: string; count: number }[]>`
        select symbol, count(*)::int4 as count from orders
        where owner_id = ${owner} and status in ('open', 'partially_filled')
        group by symbol order by count desc limit 1`;
      const symbol = (live[0]?.symbol ?? 'BTC/TRY').replace('/', '-');
      const active = (await allPages<{ status: string; symbol: string }>(app, '/v1/orders/history',
        `&status=active&symbol=${symbol}`, 50)).flat();
      assert.equal(active.length, live[0]?.count ?? 0);
      assert.ok(active.length > 0, 'the workload leaves open orders');
      assert.ok(active.every((item) => (item.status === 'open' || item.status === 'partially_filled') &&
        item.symbol === symbol));
      const filled = (await allPages<{ status: string }>(app, '/v1/orders/history', '&status=filled', 50)).flat();
      assert.ok(filled.length > 0 && filled.every((item) => item.status === 'filled'));
    });

    test('trades: every fill of the user once, with side, role and fee', async () => {
      const fills = (await allPages<{ tradeId: number; role: string; side: string; fee: string }>(
        app, '/v1/trades/history', '', 23)).flat();
      const expected = await database.sql`
        select (count(*) filter (where maker_owner_id = ${owner})
          + count(*) filter (where taker_owner_id = ${owner}))::int4 as count
        from trades`;
      assert.equal(fills.length, Number(expected[0]?.['count']));
      const keys = fills.map((fill) => `${fill.tradeId}:${fill.role}`);
      assert.equal(new Set(keys).size, keys.length, 'no fill twice');
      assert.ok(fills.some((fill) => fill.role === 'maker') && fills.some((fill) => fill.role === 'taker'));
    });

    test('ledger entries: every leg touching the user once; asset filter', async () => {
      const entries = (await allPages<{ postingId: number; legIndex: number; asset: string; direction: string }>(
        app, '/v1/ledger/entries', '', 41)).flat();
      const expected = await database.sql`
        select count(*)::int4 as count from ledger_entries
        where debit_owner_id = ${owner} or credit_owner_id = ${owner}`;
      assert.equal(entries.length, Number(expected[0]?.['count']));
      const btc = (await allPages<{ asset: string }>(app, '/v1/ledger/entries', '&asset=BTC', 41)).flat();
      assert.ok(btc.length > 0 && btc.every((entry) => entry.asset === 'BTC'));
      assert.ok(btc.length < entries.length);
      assert.ok(await countRows(database.sql, 'ledger_entries') > entries.length);
    });

    test('refusals: anonymous, missing permission, unknown market, malformed cursor, unknown field', async () => {
      const get = (url: string, user?: string) => app.inject({ method: 'GET', url,
        headers: user === undefined ? {} : { 'x-test-user': user } });
      assert.equal((await get('/v1/orders/history')).statusCode, 401);
      assert.equal((await get('/v1/ledger/entries', `${owner},order:read`)).statusCode, 403);
      const unknown = await get('/v1/orders/history?symbol=DOGE-TRY', `${owner},order:read`);
      assert.equal(unknown.statusCode, 404);
      assert.equal(unknown.json<{ error: { code: string } }>().error.code, 'MARKET_UNKNOWN');
      assert.equal((await get('/v1/trades/history?before=12:buyer', `${owner},order:read`)).statusCode, 400);
      assert.equal((await get('/v1/orders/history?owner=1001', `${owner},order:read`)).statusCode, 400);
      assert.equal((await get('/v1/orders/history?limit=100000', `${owner},order:read`)).statusCode, 400);
    });
  });
}
