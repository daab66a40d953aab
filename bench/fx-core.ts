// FX rate engine core benchmark (`node --import tsx bench/fx-core.ts`): the pure filter and
// composition with an in-memory cache port that serializes every entry as the Redis adapter would.
// Three measurements, one process:
//   1. throughput: pre-generated seeded ticks (50 pairs: 41 quoted by 3 sources, 9 crossed; 1 % fat
//      fingers) pushed through ingest, with a full cycle (compose + cache write) every
//      ticksPerCycle ticks, i.e. every 100 ms of simulated time at 50,000 ticks/s;
//   2. one full cycle: compose 50 pairs x 4 tiers x 3 segments and write the serialized entries;
//   3. tick-to-cycle latency at a paced real-time load: from a tick's ingest to the end of the
//      cache write + publish of the first cycle that includes it (cycle period + cycle time).
// Prints one JSON line: {"bench":"fx-core",...}. Benchmarks are not tests: nothing is asserted.

import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Prng } from '@parite/kernel';
import {
  crossedPair, defaultFxEngineSettings, MemoryRateCache, MemoryRateCyclePublisher, quotedPair, RateEngine,
  rateCacheEntries, sourceFor,
} from '@parite/fx';
import type { FxEngineSettings, PairSettings, ProviderTick } from '@parite/fx';

export interface FxCoreBenchOptions {
  readonly seed?: number;
  readonly tickCount?: number;
  readonly ticksPerCycle?: number;
  readonly compositionRepeats?: number;
  readonly latencySeconds?: number;
  readonly latencyTicksPerSec?: number;
  readonly cyclePeriodMs?: number;
}

export interface FxCoreBenchResult {
  readonly pairs: number;
  readonly sources: number;
  readonly variationsPerCycle: number;
  readonly ticks: number;
  readonly ticksPerSec: number;
  readonly ingestOnlyTicksPerSec: number;
  readonly acceptedShare: number;
  readonly cycleMsP50: number;
  readonly cycleMsP99: number;
  readonly fullCycleMsP50: number;
  readonly fullCycleMsMax: number;
  readonly composeMsP50: number;
  readonly cacheEntriesPerCycle: number;
  readonly latencyTicksPerSec: number;
  readonly tickToCycleMsP50: number;
  readonly tickToCycleMsP99: number;
  readonly tickToCycleMsMax: number;
}

const quotedCount = 40;
const crossedCount = 9;
const sourceIds = ['S1', 'S2', 'S3'];
const startMs = Date.parse('2026-03-04T10:00:00+03:00');

function currency(index: number): string {
  return `C${String(index).padStart(2, '0')}`;
}

/** 40 Cnn/USD pairs and USD/TRY quoted; Cnn/TRY crossed for the first nine: 50 pairs. Shared with bench/fx.ts. */
export function benchSettings(): FxEngineSettings {
  const defaults = defaultFxEngineSettings();
  const quoted: PairSettings[] = [quotedPair('USD/TRY', 4, '5', '500')];
  for (let index = 0; index < quotedCount; index++) quoted.push(quotedPair(`${currency(index)}/USD`, 5, '0.1', '10'));
  const crossed: PairSettings[] = [];
  for (let index = 0; index < crossedCount; index++) {
    crossed.push(crossedPair(`${currency(index)}/TRY`, 4, [`${currency(index)}/USD`, 'USD/TRY'], '1', '1000'));
  }
  const symbols = quoted.map((pair) => pair.pair);
  return { ...defaults, pairs: [...quoted, ...crossed],
    sources: sourceIds.map((sourceId, index) => sourceFor(sourceId, index < 2 ? 1 : 2, symbols, 3_000)) };
}

/** How a tick names itself (the source reference); the default is `<source>:<tick number>`. */
export type TickReference = (sourceId: string, tickNumber: number, pair: string) => string;

/** Seeded ticks: a random walk per quoted pair, three sources in turn, 1 % zero / x10 / crossed fat fingers. */
export class TickGenerator {
  private readonly prng: Prng;
  private readonly pairs: string[];
  private readonly mids: number[];
  private count = 0;

  constructor(settings: FxEngineSettings, seed: number,
    private readonly reference: TickReference = (sourceId, tickNumber) => `${sourceId}:${tickNumber}`) {
    this.prng = new Prng(seed);
    this.pairs = settings.pairs.filter((pair) => pair.crossLegs === undefined).map((pair) => pair.pair);
    this.mids = this.pairs.map((pair) => (pair === 'USD/TRY' ? 4_000_000_000 : this.prng.nextIntegerInclusive(50_000_000, 200_000_000)));
  }

  next(atMs: number): ProviderTick {
    const { prng } = this;
    const index = prng.nextIntegerInclusive(0, this.pairs.length - 1);
    const mid = (this.mids[index] = this.mids[index]! + prng.nextIntegerInclusive(-2, 2) * Math.floor(this.mids[index]! / 100_000));
    const half = Math.floor(mid / 20_000) + prng.nextIntegerInclusive(0, 1_000);
    let bidUnits = mid - half;
    let askUnits = mid + half;
    const roll = prng.nextIntegerInclusive(0, 299);
    if (roll === 0) bidUnits = 0;
    else if (roll === 1) [bidUnits, askUnits] = [bidUnits * 10, askUnits * 10];
    else if (roll === 2) [bidUnits, askUnits] = [askUnits, bidUnits];
    const sourceId = sourceIds[this.count % sourceIds.length]!;
    const pair = this.pairs[index]!;
    const tickNumber = this.count++;
    return { sourceId, pair, bidUnits, askUnits, sourceTimeMs: atMs, receiveTimeMs: atMs,
      sourceReference: this.reference(sourceId, tickNumber, pair) };
  }
}

function generateTicks(settings: FxEngineSettings, seed: number, count: number, ticksPerMs: number): ProviderTick[] {
  const generator = new TickGenerator(settings, seed);
  const ticks: ProviderTick[] = new Array<ProviderTick>(count);
  for (let index = 0; index < count; index++) ticks[index] = generator.next(startMs + Math.floor(index / ticksPerMs));
  return ticks;
}

function createEngine(settings: FxEngineSettings): { engine: RateEngine; cache: MemoryRateCache } {
  const cache = new MemoryRateCache();
  const engine = new RateEngine({ settings, cache, publisher: new MemoryRateCyclePublisher(4), engineId: 'bench' });
  return { engine, cache };
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  return round3(sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!);
}

function round3(value: number): number {
  return Math.round(value * 1_000) / 1_000;
}

function sortedCopy(values: readonly number[]): number[] {
  return [...values].sort((left, right) => left - right);
}

async function measureThroughput(settings: FxEngineSettings, ticks: readonly ProviderTick[], ticksPerCycle: number) {
  const { engine } = createEngine(settings);
  const cycleMs: number[] = [];
  const started = performance.now();
  for (let index = 0; index < ticks.length; index++) {
    engine.ingest(ticks[index]!);
    if (index % ticksPerCycle === ticksPerCycle - 1) {
      const cycleStarted = performance.now();
      await engine.runCycle(ticks[index]!.receiveTimeMs);
      cycleMs.push(performance.now() - cycleStarted);
    }
  }
  const seconds = (performance.now() - started) / 1_000;
  const counters = Object.values(engine.metrics().sources);
  const accepted = counters.reduce((sum, counter) => sum + counter.accepted, 0);
  const ingestOnly = createEngine(settings).engine;
  const ingestStarted = performance.now();
  for (const tick of ticks) ingestOnly.ingest(tick);
  const ingestSeconds = (performance.now() - ingestStarted) / 1_000;
  return { engine, ticksPerSec: Math.round(ticks.length / seconds), ingestOnlyTicksPerSec: Math.round(ticks.length / ingestSeconds),
    acceptedShare: round3(accepted / ticks.length), cycleMs: sortedCopy(cycleMs) };
}

async function measureFullCycle(engine: RateEngine, atMs: number, repeats: number) {
  const cache = new MemoryRateCache();
  const fullMs: number[] = [];
  const composeMs: number[] = [];
  let entries = 0;
  let variations = 0;
  for (let repeat = 0; repeat < repeats; repeat++) {
    const started = performance.now();
    const cycle = engine.composeCycle(atMs + repeat);
    composeMs.push(performance.now() - started);
    const serialized = rateCacheEntries(cycle);
    cache.writeEntries(serialized, cycle.validUntilMs);
    fullMs.push(performance.now() - started);
    entries = serialized.length;
    variations = cycle.rates.reduce((sum, rate) => sum + rate.variations.length, 0);
  }
  return { fullMs: sortedCopy(fullMs), composeMs: sortedCopy(composeMs), entries, variations };
}

/** Real-time paced ingest with a cycle every period; latency from ingest to the end of its cycle. */
async function measureLatency(settings: FxEngineSettings, ticks: readonly ProviderTick[], seconds: number,
  ticksPerSec: number, periodMs: number): Promise<number[]> {
  const { engine } = createEngine(settings);
  const latencies: number[] = [];
  const pendingIngestMs: number[] = [];
  const started = performance.now();
  let sent = 0;
  let nextCycleMs = periodMs;
  while (performance.now() - started < seconds * 1_000 && sent < ticks.length) {
    const elapsedMs = performance.now() - started;
    const due = Math.min(ticks.length, Math.floor((elapsedMs * ticksPerSec) / 1_000));
    for (; sent < due; sent++) {
      const tick = ticks[sent]!;
      const atMs = startMs + Math.floor(elapsedMs);
      engine.ingest({ ...tick, sourceTimeMs: atMs, receiveTimeMs: atMs });
      if (sent % 10 === 0) pendingIngestMs.push(performance.now());
    }
    if (elapsedMs >= nextCycleMs) {
      await engine.runCycle(startMs + Math.floor(elapsedMs));
      const doneMs = performance.now();
      for (const ingestedMs of pendingIngestMs) latencies.push(doneMs - ingestedMs);
      pendingIngestMs.length = 0;
      nextCycleMs += periodMs;
    }
    await new Promise<void>((resolveTurn) => setImmediate(resolveTurn));
  }
  return sortedCopy(latencies);
}

export async function runFxCoreBench(options: FxCoreBenchOptions = {}): Promise<FxCoreBenchResult> {
  const seed = options.seed ?? 7;
  const tickCount = options.tickCount ?? 300_000;
  const ticksPerCycle = options.ticksPerCycle ?? 5_000;
  const latencyTicksPerSec = options.latencyTicksPerSec ?? 20_000;
  const settings = benchSettings();
  const ticks = generateTicks(settings, seed, tickCount, 50);
  const throughput = await measureThroughput(settings, ticks, ticksPerCycle);
  const lastTickMs = ticks[ticks.length - 1]!.receiveTimeMs;
  const full = await measureFullCycle(throughput.engine, lastTickMs, options.compositionRepeats ?? 50);
  const latencies = await measureLatency(settings, ticks, options.latencySeconds ?? 3, latencyTicksPerSec,
    options.cyclePeriodMs ?? 100);
  return {
    pairs: settings.pairs.length,
    sources: settings.sources.length,
    variationsPerCycle: full.variations,
    ticks: tickCount,
    ticksPerSec: throughput.ticksPerSec,
    ingestOnlyTicksPerSec: throughput.ingestOnlyTicksPerSec,
    acceptedShare: throughput.acceptedShare,
    cycleMsP50: percentile(throughput.cycleMs, 0.5),
    cycleMsP99: percentile(throughput.cycleMs, 0.99),
    fullCycleMsP50: percentile(full.fullMs, 0.5),
    fullCycleMsMax: percentile(full.fullMs, 1),
    composeMsP50: percentile(full.composeMs, 0.5),
    cacheEntriesPerCycle: full.entries,
    latencyTicksPerSec,
    tickToCycleMsP50: percentile(latencies, 0.5),
    tickToCycleMsP99: percentile(latencies, 0.99),
    tickToCycleMsMax: percentile(latencies, 1),
  };
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const { values } = parseArgs({ options: { seed: { type: 'string', default: '7' }, ticks: { type: 'string', default: '300000' } } });
  const result = await runFxCoreBench({ seed: Number(values.seed), tickCount: Number(values.ticks) });
  console.log(JSON.stringify({ bench: 'fx-core', ...result }));
}
