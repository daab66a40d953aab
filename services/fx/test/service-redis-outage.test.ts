// The customer read path survives a Redis crash: cycles keep being written (to PostgreSQL while the
// cache is down), reads keep answering from PostgreSQL, and after Redis restarts (empty) the next
// cycle refills it and reads come from the cache again. A real redis-server on a loopback port.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { systemClock } from '@parite/kernel';
import { RedisCache, startTestPostgres, type TestDatabase, type TestPostgresServer } from '@parite/platform';
import { rateCacheKey, type FxRuntime } from '../src/index.ts';
import { testSettings, TickFactory } from './fx-fixture.ts';
import { freshFxDatabase, fxRuntime } from './support/fx-service-harness.ts';
import { TestRedisServer } from './support/redis-server.ts';

let server: TestPostgresServer;
let database: TestDatabase;
let redis: TestRedisServer;
const closers: (() => Promise<void>)[] = [];
before(async () => {
  server = await startTestPostgres();
  database = await freshFxDatabase(server);
  redis = await TestRedisServer.start();
});
after(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  await redis?.kill();
  await database?.drop();
  await server?.close();
});

const factory = new TickFactory();

/** Fresh quotes from the three sources at the current time, a few each (sources start cold). */
function feed(runtime: FxRuntime): void {
  const nowMs = systemClock.nowMs();
  for (let repeat = 0; repeat < 4; repeat++) {
    for (const source of ['A', 'B', 'C']) {
      runtime.service.acceptTick(factory.tick(source, 'USD/TRY', '42.10', '42.12', nowMs - 4 + repeat));
      runtime.service.acceptTick(factory.tick(source, 'EUR/USD', '1.16000', '1.16010', nowMs - 4 + repeat));
    }
  }
}

async function until(condition: () => Promise<boolean>, description: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('Redis killed mid-run: reads keep answering from PostgreSQL, and the cache refills when Redis is back', async () => {
  const cache = await RedisCache.connect({ url: redis.url, keyPrefix: 'parite:', connectTimeoutMs: 500 });
  closers.push(() => cache.close());
  const runtime = fxRuntime(database, { cache, clock: systemClock, baseSettings: testSettings(), cacheWriteTimeoutMs: 500 });
  await runtime.start();
  closers.push(() => runtime.stop());

  feed(runtime);
  const first = await runtime.service.runCycle();
  assert.ok(first.rates.some((rate) => rate.pair === 'USD/TRY'));
  const healthy = await runtime.reader.currentRates('retail', 'T1');
  assert.equal(healthy.origin, 'cache');
  assert.equal(healthy.rates.find((rate) => rate.pair === 'USD/TRY')?.cycleId, first.cycleId);
  assert.ok(await cache.get(rateCacheKey('USD/TRY', 'corporate', 'T2')) !== undefined, 'every variation is cached');

  await redis.kill();
  const cyclesWhileDown = [];
  for (let index = 0; index < 3; index++) {
    feed(runtime);
    cyclesWhileDown.push(await runtime.service.runCycle());
    const read = await runtime.reader.currentRates('retail', 'T1');
    assert.equal(read.origin, 'database');
    assert.equal(read.rates.find((rate) => rate.pair === 'USD/TRY')?.cycleId, cyclesWhileDown[index]!.cycleId,
      'the database answers with the cycle just composed');
    const one = await runtime.reader.currentRate('EUR/USD', 'corporate', 'T2');
    assert.equal(one?.origin, 'database');
    assert.equal(one.rate.cycleId, cyclesWhileDown[index]!.cycleId);
    assert.match(one.rate.buy, /^1\.\d{5}$/, 'decimal string at the pair precision');
  }
  assert.equal(runtime.writer.cacheHealthy, false);
  assert.ok(runtime.writer.writesToDatabase >= 3);
  assert.ok(runtime.service.status().cycleFailures === 0, 'no cycle failed while Redis was down');

  await redis.restart();
  await until(async () => {
    feed(runtime);
    await runtime.service.runCycle();
    return runtime.writer.cacheHealthy;
  }, 'a cycle written to the restarted Redis');
  const refilled = runtime.service.status().lastCycle!;
  assert.ok(await cache.get(rateCacheKey('USD/TRY', 'retail', 'T1')) !== undefined, 'the empty Redis was refilled');
  await until(async () => (await runtime.reader.currentRates('retail', 'T1')).origin === 'cache', 'reads from the cache again');
  const back = await runtime.reader.currentRates('retail', 'T1');
  assert.ok(back.rates.every((rate) => rate.cycleId === refilled.cycleId || rate.atMs > refilled.atMs));

  const codes = (await runtime.service.alerts(50)).map((alert) => alert.code);
  assert.ok(codes.includes('CACHE_DOWN') && codes.includes('CACHE_RESTORED'), codes.join(','));
});
