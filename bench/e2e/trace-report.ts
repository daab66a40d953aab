// Where an open loop's slow orders waited (`node --import tsx bench/e2e/trace-report.ts <dir>
// [--window-ms 250] [--slow-ms 10]`, after `bench/e2e.ts --open-only --trace-dir <dir>`): per window
// of send time, the orders' p50, p99 and maximum latency beside the server's garbage collections,
// event-loop stalls and longest journal flush in that window; then how many slow orders overlapped
// a collection, a stall or a long flush. Both processes run on one machine, so their wall clocks agree.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { percentile } from './orders.ts';

type Span = [startEpochMs: number, durationMs: number, kind?: number];

const { values, positionals } = parseArgs({ allowPositionals: true, options: {
  'window-ms': { type: 'string', default: '250' }, 'slow-ms': { type: 'string', default: '10' },
} });
const directory = positionals[0];
if (directory === undefined) throw new Error('usage: trace-report.ts <trace directory>');
const windowMs = Number(values['window-ms']);
const slowMs = Number(values['slow-ms']);
/** A collection or stall at least this long counts as a cause of a slow order it overlaps. */
const causeMsMin = 2;
/** A journal flush at least this long counts as a cause (a flush's wait is part of every order in it). */
const longFlushMsMin = 5;

const timeline = JSON.parse(readFileSync(join(directory, 'timeline.json'), 'utf8')) as [number, number][];
const trace = JSON.parse(readFileSync(join(directory, 'server-trace.json'), 'utf8')) as
  { collections: Span[]; stalls: Span[]; flushes?: Span[] };
const flushes = trace.flushes ?? [];
const firstSendMs = timeline[0]?.[0];
if (firstSendMs === undefined) throw new Error('the timeline is empty');

const overlapping = (spans: readonly Span[], fromMs: number, toMs: number): Span[] =>
  spans.filter(([startMs, durationMs]) => startMs < toMs && startMs + durationMs > fromMs);
const sum = (spans: readonly Span[]): number => spans.reduce((total, span) => total + span[1], 0);
const longest = (spans: readonly Span[]): number => spans.reduce((most, span) => Math.max(most, span[1]), 0);
const fixed = (value: number, width: number): string => value.toFixed(1).padStart(width);

const windows = new Map<number, number[]>();
for (const [sentMs, latencyMs] of timeline) {
  const index = Math.floor((sentMs - firstSendMs) / windowMs);
  const latencies = windows.get(index) ?? [];
  latencies.push(latencyMs);
  windows.set(index, latencies);
}
console.log('   at ms orders    p50    p99    max | collections ms count longest | stalls ms longest | flush max');
for (const [index, latencies] of [...windows].sort((left, right) => left[0] - right[0])) {
  latencies.sort((left, right) => left - right);
  const fromMs = firstSendMs + index * windowMs;
  const collections = overlapping(trace.collections, fromMs, fromMs + windowMs);
  const stalls = overlapping(trace.stalls, fromMs, fromMs + windowMs);
  const windowFlushes = overlapping(flushes, fromMs, fromMs + windowMs);
  console.log(`${String(index * windowMs).padStart(8)} ${String(latencies.length).padStart(6)} ` +
    `${fixed(percentile(latencies, 0.5), 6)} ${fixed(percentile(latencies, 0.99), 6)} ` +
    `${fixed(latencies[latencies.length - 1] ?? 0, 6)} | ${fixed(sum(collections), 14)} ` +
    `${String(collections.length).padStart(5)} ${fixed(longest(collections), 7)} | ` +
    `${fixed(sum(stalls), 9)} ${fixed(longest(stalls), 7)} | ${fixed(longest(windowFlushes), 9)}`);
}

let withCollection = 0;
let withStall = 0;
let withLongFlush = 0;
let withNone = 0;
const slow = timeline.filter(([, latencyMs]) => latencyMs > slowMs);
for (const [sentMs, latencyMs] of slow) {
  const collection = overlapping(trace.collections, sentMs, sentMs + latencyMs).some((span) => span[1] >= causeMsMin);
  const stall = overlapping(trace.stalls, sentMs, sentMs + latencyMs).some((span) => span[1] >= causeMsMin);
  const longFlush = overlapping(flushes, sentMs, sentMs + latencyMs).some((span) => span[1] >= longFlushMsMin);
  if (collection) withCollection++;
  if (stall) withStall++;
  if (longFlush) withLongFlush++;
  if (!collection && !stall && !longFlush) withNone++;
}
const lastSendMs = timeline[timeline.length - 1]?.[0] ?? firstSendMs;
const inRun = trace.collections.filter(([startMs]) => startMs >= firstSendMs && startMs <= lastSendMs);
const stallsInRun = trace.stalls.filter(([startMs]) => startMs >= firstSendMs && startMs <= lastSendMs);
const durations = inRun.map((span) => span[1]).sort((left, right) => left - right);
const flushesInRun = flushes.filter(([startMs]) => startMs >= firstSendMs && startMs <= lastSendMs);
const flushDurations = flushesInRun.map((span) => span[1]).sort((left, right) => left - right);
const flushRecords = flushesInRun.reduce((total, span) => total + (span[2] ?? 0), 0);
console.log(JSON.stringify({
  orders: timeline.length, slowOrders: slow.length, slowMs,
  slowOverlappingCollection: withCollection, slowOverlappingStall: withStall, slowOverlappingLongFlush: withLongFlush,
  slowOverlappingNone: withNone,
  collections: inRun.length, youngCollections: inRun.filter((span) => span[2] === 1).length,
  collectionMsTotal: Math.round(sum(inRun)), collectionP50Ms: percentile(durations, 0.5),
  collectionMaxMs: Math.round(longest(inRun) * 1000) / 1000,
  stalls: stallsInRun.length, stallsOver5Ms: stallsInRun.filter((span) => span[1] > 5).length,
  stallMsTotal: Math.round(sum(stallsInRun)), stallMaxMs: Math.round(longest(stallsInRun) * 1000) / 1000,
  flushes: flushesInRun.length, recordsPerFlush: flushesInRun.length === 0 ? 0 : Math.round((10 * flushRecords) / flushesInRun.length) / 10,
  flushP50Ms: percentile(flushDurations, 0.5), flushP99Ms: percentile(flushDurations, 0.99),
  flushMaxMs: Math.round(longest(flushesInRun) * 1000) / 1000, flushesOver5Ms: flushDurations.filter((ms) => ms >= longFlushMsMin).length,
}));
