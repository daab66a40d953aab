// One service per process: the engine, the api and the projections each in their own server
// process, meeting only through the shared PostgreSQL, the NATS JetStream journal and NATS
// request/reply for commands. Needs the real services, so it runs in CI's second pass
// (PARITE_TEST_REAL_SERVICES=1).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { natsJournalNames } from '@parite/journal';
import { createTestDatabase } from '@parite/platform';
import { signRequest } from '@parite/identity';
import { demoCredentialsFileName, type DemoCredentials } from '../src/seed.ts';
import { freePort, stopGracefully, startServer, waitReady, type ServerProcess } from './support/crash-server.ts';

const realServices = process.env['PARITE_TEST_REAL_SERVICES'] === '1';
const natsUrl = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const waitMsMax = 30_000;

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + waitMsMax;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(50);
  }
}

if (realServices) {
  test('engine, api and projections run as three processes and behave as one', { timeout: 180_000 }, async () => {
    const database = await createTestDatabase({ adminUrl: process.env['DATABASE_URL'] });
    const journalName = `split${process.pid}${Date.now() % 100_000}`;
    const directories: string[] = [];
    const servers: ServerProcess[] = [];
    const start = async (services: string): Promise<ServerProcess> => {
      const dataDirectory = mkdtempSync(join(tmpdir(), `parite-${services}-`));
      chmodSync(dataDirectory, 0o755);
      directories.push(dataDirectory);
      const server = startServer({ dataDirectory, httpPort: await freePort(), embeddedPostgresPort: await freePort(),
        environment: { DATABASE_URL: database.url, PARITE_MASTER_KEY: 'cd'.repeat(32), NATS_URL: natsUrl,
          PARITE_JOURNAL: 'nats', PARITE_JOURNAL_NAME: journalName, PARITE_SERVICES: services,
          PARITE_MARKET_MAKER: 'false' } });
      servers.push(server);
      return server;
    };
    try {
      const [engine, projections, api] = await Promise.all([start('engine'), start('projections'), start('api')]);
      assert.ok(engine !== undefined && projections !== undefined && api !== undefined);
      await Promise.all([waitReady(engine), waitReady(projections), waitReady(api)]);
      const apiDirectory = directories[2] as string;
      const credentials = JSON.parse(readFileSync(join(apiDirectory, demoCredentialsFileName), 'utf8')) as DemoCredentials[];
      const alice = credentials.find((entry) => entry.email.startsWith('alice@'));
      assert.ok(alice !== undefined, 'the api process seeded the demo users');
      let nonce = 0;
      const signed = async (server: ServerProcess, method: string, path: string, body?: unknown) => {
        const raw = body === undefined ? '' : JSON.stringify(body);
        const headers = { ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...signRequest({ keyId: alice.apiKey, secret: alice.secret, method, url: path, body: raw,
            timestampMs: Date.now(), nonce: `split-${++nonce}` }) };
        const response = await fetch(server.baseUrl + path, { method, headers, body: body === undefined ? undefined : raw });
        return { status: response.status, body: await response.json() as Record<string, unknown> };
      };

      // The api process takes the order; the engine process executes and journals it.
      const placed = await signed(api, 'POST', '/v1/orders',
        { symbol: 'BTC-TRY', side: 'sell', type: 'limit', price: '4000000', quantity: '0.01', clientOrderId: 'split-1' });
      assert.equal(placed.status, 201, JSON.stringify(placed.body));
      const orderId = placed.body['orderId'] as string;
      const fetched = await signed(api, 'GET', `/v1/orders/${orderId}`);
      assert.equal(fetched.status, 200, 'the api replica reads its own write at once');
      assert.equal(fetched.body['status'], 'open');

      // The projections process writes the read models the api serves from the shared database.
      await until(async () => {
        const history = await signed(api, 'GET', '/v1/orders/history?limit=10');
        const items = (history.body['items'] ?? history.body['orders']) as { orderId: string }[] | undefined;
        return items?.some((item) => item.orderId === orderId) === true ? true : undefined;
      }, 'the projections process to write the order');

      // Each process serves only its own routes; every one answers its health checks.
      const engineMarkets = await fetch(`${engine.baseUrl}/v1/markets`);
      assert.equal(engineMarkets.status, 404);
      const engineReady = await fetch(`${engine.baseUrl}/readyz`);
      const apiReady = await fetch(`${api.baseUrl}/readyz`);
      const engineSequence = ((await engineReady.json()) as { sequence: string }).sequence;
      assert.equal(((await apiReady.json()) as { sequence: string }).sequence, engineSequence,
        'the replica followed the engine to the same journal sequence');

      // A restarted api process rebuilds its replica from the journal: the order is still there.
      await stopGracefully(api);
      servers.splice(servers.indexOf(api), 1);
      const restarted = await start('api');
      await waitReady(restarted);
      const again = await signed(restarted, 'GET', `/v1/orders/${orderId}`);
      assert.equal(again.status, 200);
      assert.equal(again.body['status'], 'open');
      const cancelled = await signed(restarted, 'DELETE', `/v1/orders/${orderId}`);
      assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
      assert.equal(cancelled.body['status'], 'cancelled');
    } finally {
      await Promise.all(servers.map((server) => stopGracefully(server).catch(() => undefined)));
      await database.drop();
      for (const directory of directories) rmSync(directory, { recursive: true, force: true });
      const connection = await connect({ servers: natsUrl });
      await (await jetstreamManager(connection)).streams.delete(natsJournalNames(journalName).stream).catch(() => false);
      await connection.drain();
    }
  });

  test('markets on two engine processes (shards) behind one api: orders routed, funds moved, history joined',
    { timeout: 180_000 }, async () => {
      const database = await createTestDatabase({ adminUrl: process.env['DATABASE_URL'] });
      const journalName = `shards${process.pid}${Date.now() % 100_000}`;
      const directories: string[] = [];
      const servers: ServerProcess[] = [];
      const start = async (services: string, engineShards: string): Promise<ServerProcess> => {
        const dataDirectory = mkdtempSync(join(tmpdir(), `parite-shard-${engineShards}-`));
        chmodSync(dataDirectory, 0o755);
        directories.push(dataDirectory);
        const server = startServer({ dataDirectory, httpPort: await freePort(), embeddedPostgresPort: await freePort(),
          environment: { DATABASE_URL: database.url, PARITE_MASTER_KEY: 'cd'.repeat(32), NATS_URL: natsUrl,
            PARITE_JOURNAL: 'nats', PARITE_JOURNAL_NAME: journalName, PARITE_SERVICES: services,
            PARITE_SHARDS: 'BTC/TRY,BTC/USDT;ETH/TRY,ETH/USDT,USDT/TRY', PARITE_ENGINE_SHARDS: engineShards,
            PARITE_MARKET_MAKER: 'false' } });
        servers.push(server);
        return server;
      };
      try {
        const processes = await Promise.all([start('engine', '0'), start('engine', '1'), start('api,projections', '0')]);
        await Promise.all(processes.map((server) => waitReady(server)));
        const api = processes[2] as ServerProcess;
        const credentials = JSON.parse(readFileSync(join(directories[2] as string, demoCredentialsFileName), 'utf8')) as DemoCredentials[];
        const user = (prefix: string) => {
          const found = credentials.find((entry) => entry.email.startsWith(prefix));
          assert.ok(found !== undefined);
          return found;
        };
        let nonce = 0;
        const signed = async (who: DemoCredentials, method: string, path: string, body?: unknown) => {
          const raw = body === undefined ? '' : JSON.stringify(body);
          const headers = { ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...signRequest({ keyId: who.apiKey, secret: who.secret, method, url: path, body: raw,
              timestampMs: Date.now(), nonce: `shard-${++nonce}` }) };
          const response = await fetch(api.baseUrl + path, { method, headers, body: body === undefined ? undefined : raw });
          return { status: response.status, body: await response.json() as Record<string, unknown> };
        };
        // ETH/TRY lives in the second engine process; both sides' funds start on the funding shard.
        const ask = await signed(user('alice@'), 'POST', '/v1/orders',
          { symbol: 'ETH-TRY', side: 'sell', type: 'limit', price: '130000', quantity: '0.1' });
        assert.equal(ask.status, 201, JSON.stringify(ask.body));
        const bid = await signed(user('bob@'), 'POST', '/v1/orders',
          { symbol: 'ETH-TRY', side: 'buy', type: 'limit', price: '130000', quantity: '0.1' });
        assert.equal(bid.status, 201, JSON.stringify(bid.body));
        assert.equal(bid.body['status'], 'filled');
        assert.equal((Number(bid.body['orderId']) - 1) % 2, 1, 'the order id names shard 1');
        const btc = await signed(user('bob@'), 'POST', '/v1/orders',
          { symbol: 'BTC-TRY', side: 'buy', type: 'limit', price: '3800000', quantity: '0.01' });
        assert.equal(btc.status, 201, JSON.stringify(btc.body));
        assert.equal((Number(btc.body['orderId']) - 1) % 2, 0, 'the order id names shard 0');
        await until(async () => {
          const history = await signed(user('bob@'), 'GET', '/v1/orders/history?limit=10');
          const items = history.body['items'] as { orderId: string }[] | undefined;
          const ids = new Set(items?.map((item) => item.orderId));
          return ids.has(bid.body['orderId'] as string) && ids.has(btc.body['orderId'] as string) ? true : undefined;
        }, 'both shards\' projectors to write bob\'s orders');
        const cancelled = await signed(user('bob@'), 'DELETE', '/v1/orders');
        assert.equal(cancelled.body['cancelled'], 1);
      } finally {
        await Promise.all(servers.map((server) => stopGracefully(server).catch(() => undefined)));
        await database.drop();
        for (const directory of directories) rmSync(directory, { recursive: true, force: true });
        const connection = await connect({ servers: natsUrl });
        const manager = await jetstreamManager(connection);
        for (const name of [journalName, `${journalName}-shard-1`]) {
          await manager.streams.delete(natsJournalNames(name).stream).catch(() => false);
        }
        await connection.drain();
      }
    });
}
