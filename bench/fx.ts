// FX service benchmark (`node --import tsx bench/fx.ts`): the running service against embedded
// PostgreSQL (or DATABASE_URL), the platform MemoryCache, an in-process bus. Three measurements:
//   1. ticksPerSec: seeded ticks (50 pairs: 41 quoted by 3 sources, 9 crossed; 1 % fat fingers)
//      through FxService.acceptTick (filter) with a full cycle (compose, cache write, publish) every
//      5,000 ticks, until every raw tick is stored in PostgreSQL (batched unnest inserts);
//   2. cycleMs: one full composition + bulk cache write (CacheRateWriter -> Cache.setMany) of
//      50 pairs x 4 tiers x 3 segments, median of repeats (MemoryCache; RedisCache when REDIS_URL is set);
//   3. tickToCache: at a paced real-time load with the production cycle period (2 s), from a tick's
//      ingest to the end of the cache write of the first cycle that includes it.
// Run directly, it then runs the quote + accept benchmark (bench/fx-quote.ts) and prints ONE JSON
// line with quoteAcceptPerSec filled in; runFxBench() alone leaves it null.
// Benchmarks are not tests: nothing is asserted.

import { performance } from 'node:perf_hooks';
import { benchSettings, TickGenerator } from './fx-core.ts';
import { runFxQuoteBench } from './fx-quote.ts';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock, type Clock } from '@parite/kernel';
import {
  createSilentLogger, createTestDatabase, MemoryCache, MemoryEventBus, RedisCache, runMigrations, startTestPostgres, type Cache,
  type Sql,
} from '@parite/platform';
import {
  BusRateCyclePublisher, CacheRateWriter, FxService, fxMigrations, PostgresFxSettingsStore, PostgresRateHistoryStore,
  PostgresRawTickStore, type FxEngineSettings, type RateCachePort, type RateCycle,
} from '@parite/fx';

export interface FxBenchOptions {
  readonly tickCount?: number;
  readonly ticksPerCycle?: number;
  readonly cycleRepeats?: number;
  readonly latencySeconds?: number;
  readonly latencyTicksPerSec?: number;
  readonly cyclePeriodMs?: number;
}

export interface FxBenchResult {
  readonly bench: 'fx';
  readonly ticksPerSec: number;
  readonly cycleMs: number;
  readonly tickToCacheP50Ms: number;
  readonly tickToCacheP99Ms: number;
  readonly quoteAcceptPerSec: null;
}

/** FIX-style references, so stored raw ticks are as wide as real ones. */
const fixReference = (sourceId: string, tickNumber: number, pair: string) =>
  `FIX.4.4:PARITE->${sourceId};epoch=2026-03-04T07:00:00Z;seq=${tickNumber + 1};symbol=${pair}`;

/** The cache port with the end of each write timed (for tick-to-cache). */
class TimedCache implements RateCachePort {
  readonly writes: { cycle: RateCycle; doneMs: number }[] = [];
  constructor(private readonly inner: RateCachePort) {}
  async writeCycle(cycle: RateCycle): Promise<void> {
    await this.inner.writeCycle(cycle);
    this.writes.push({ cycle, doneMs: performance.now() });
  }
}

function createService(sql: Sql, settings: FxEngineSettings, clock: Clock, cyclePeriodMs: number, cache: Cache = new MemoryCache({ clock })) {
  const history = new PostgresRateHistoryStore(sql);
  const writer = new CacheRateWriter({ cache, history, clock });
  const timed = new TimedCache(writer);
  const service = new FxService({ baseSettings: settings, settingsStore: new PostgresFxSettingsStore(sql),
    tickStore: new PostgresRawTickStore(sql), history, rateCache: timed, publisher: new BusRateCyclePublisher(new MemoryEventBus()),
    providers: [], clock, logger: createSilentLogger(), cycleIntervalMs: cyclePeriodMs, instanceName: 'bench' });
  return { service, writer, timed };
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]! * 1_000) / 1_000;
}

async function measureThroughput(sql: Sql, settings: FxEngineSettings, tickCount: number, ticksPerCycle: number): Promise<number> {
  let nowMs = Date.parse('2026-03-04T10:00:00+03:00');
  const clock = { nowMs: () => nowMs };
  const { service } = createService(sql, settings, clock, 3_600_000);
  await service.start();
  const generator = new TickGenerator(settings, 7, fixReference);
  const ticks = Array.from({ length: tickCount }, (_, index) => generator.next(nowMs + Math.floor(index / 50)));
  const started = performance.now();
  for (let index = 0; index < ticks.length; index++) {
    service.acceptTick(ticks[index]!);
    if (index % ticksPerCycle === ticksPerCycle - 1) {
      nowMs = ticks[index]!.receiveTimeMs;
      await service.runCycle();
      // Let the recorder's batch writes run between bursts, as the event loop would between socket reads.
      await new Promise((resolveTurn) => setImmediate(resolveTurn));
    }
  }
  await service.flushRawTicks();
  const seconds = (performance.now() - started) / 1_000;
  await service.stop();
  return Math.round(tickCount / seconds);
}

async function measureCycle(sql: Sql, settings: FxEngineSettings, repeats: number): Promise<number> {
  let nowMs = Date.parse('2026-03-04T10:00:00+03:00');
  const clock = { nowMs: () => nowMs };
  // REDIS_URL set: the bulk write goes to that Redis (RedisCache, one pipeline per 1,000 entries).
  const redisUrl = process.env['REDIS_URL'];
  const cache = redisUrl === undefined ? new MemoryCache({ clock }) : await RedisCache.connect({ url: redisUrl, keyPrefix: 'bench:' });
  const { service, writer } = createService(sql, settings, clock, 3_600_000, cache);
  await service.start();
  const generator = new TickGenerator(settings, 7, fixReference);
  for (let index = 0; index < 20_000; index++) service.acceptTick(generator.next(nowMs));
  const durations: number[] = [];
  for (let repeat = 0; repeat < repeats; repeat++) {
    nowMs += 1;
    const started = performance.now();
    const cycle = service.engine.composeCycle(nowMs);
    await writer.writeCycle(cycle);
    durations.push(performance.now() - started);
  }
  await service.stop();
  await cache.close();
  return percentile(durations.sort((left, right) => left - right), 0.5);
}

async function measureLatency(sql: Sql, settings: FxEngineSettings, seconds: number, ticksPerSec: number,
  periodMs: number): Promise<number[]> {
  const { service, timed } = createService(sql, settings, systemClock, periodMs);
  await service.start();
  const generator = new TickGenerator(settings, 7, fixReference);
  const pending: { atMs: number; ingestedMs: number }[] = [];
  const started = performance.now();
  let sent = 0;
  while (performance.now() - started < seconds * 1_000) {
    const due = Math.floor(((performance.now() - started) * ticksPerSec) / 1_000);
    for (; sent < due; sent++) {
      const nowMs = systemClock.nowMs();
      service.acceptTick(generator.next(nowMs));
      if (sent % 10 === 0) pending.push({ atMs: nowMs, ingestedMs: performance.now() });
    }
    await new Promise((resolveTurn) => setTimeout(resolveTurn, 1));
  }
  await service.stop();
  const latencies: number[] = [];
  for (const sample of pending) {
    const write = timed.writes.find((each) => each.cycle.atMs >= sample.atMs);
    if (write !== undefined) latencies.push(write.doneMs - sample.ingestedMs);
  }
  return latencies.sort((left, right) => left - right);
}

export async function runFxBench(options: FxBenchOptions = {}): Promise<FxBenchResult> {
  const server = await startTestPostgres();
  const database = await createTestDatabase({ adminUrl: server.adminUrl, poolSize: 6 });
  try {
    await runMigrations(database.sql, [fxMigrations]);
    const settings = benchSettings();
    const ticksPerSec = await measureThroughput(database.sql, settings, options.tickCount ?? 300_000, options.ticksPerCycle ?? 5_000);
    const cycleMs = await measureCycle(database.sql, settings, options.cycleRepeats ?? 50);
    const latencies = await measureLatency(database.sql, settings, options.latencySeconds ?? 9,
      options.latencyTicksPerSec ?? 20_000, options.cyclePeriodMs ?? 2_000);
    return { bench: 'fx', ticksPerSec, cycleMs, tickToCacheP50Ms: percentile(latencies, 0.5),
      tickToCacheP99Ms: percentile(latencies, 0.99), quoteAcceptPerSec: null };
  } finally {
    await database.drop();
    await server.close();
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // The one line: the rate pipeline, then customer quote + accept over HTTP (bench/fx-quote.ts).
  const rates = await runFxBench();
  const quotes = await runFxQuoteBench({ seconds: 8 });
  console.log(JSON.stringify({ ...rates, quoteAcceptPerSec: quotes.quoteAcceptPerSec, quoteAcceptP50Ms: quotes.p50Ms,
    quoteAcceptP99Ms: quotes.p99Ms, quoteAcceptFailures: quotes.failures }));
}
