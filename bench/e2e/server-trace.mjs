// Preloaded into the benchmark's server (`bench/e2e.ts --trace-dir <dir>`): records every garbage
// collection of the main thread, every stall of its event loop longer than stallMsMin and every
// journal flush (the `parite:journal:flush` diagnostics channel of packages/journal), with
// wall-clock times, into <dir>/server-trace.json, so that trace-report.ts can set the slow orders of
// an open loop against what the server was doing when they waited. Plain JavaScript: it is loaded
// with --import before the TypeScript loader.
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import process from 'node:process';
import { setInterval } from 'node:timers';

const directory = process.env['BENCH_TRACE_DIR'];
/** A timer due every millisecond that fires later than this marks a stall. */
const stallMsMin = 3;
/** Bounds on what is kept (a few minutes of a busy server). */
const collectionsMax = 100_000;
const stallsMax = 100_000;
const flushesMax = 1_000_000;
/** How often the file is rewritten (the server may be killed rather than stopped). */
const writeEveryMs = 2_000;

if (directory !== undefined) {
  /** [startEpochMs, durationMs, kind]: kind 1 is a young-generation collection, 4 a full one. */
  const collections = [];
  /** [startEpochMs, durationMs] */
  const stalls = [];
  /** [startEpochMs, durationMs, records]: from the start of a journal flush to the engine seeing it durable. */
  const flushes = [];
  subscribe('parite:journal:flush', (message) => {
    if (flushes.length < flushesMax) flushes.push([performance.timeOrigin + message.startedMs, message.durationMs, message.records]);
  });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (collections.length < collectionsMax) {
        collections.push([performance.timeOrigin + entry.startTime, entry.duration, entry.detail?.kind ?? 0]);
      }
    }
  }).observe({ entryTypes: ['gc'] });
  let lastTickMs = performance.now();
  setInterval(() => {
    const nowMs = performance.now();
    if (nowMs - lastTickMs > stallMsMin && stalls.length < stallsMax) {
      stalls.push([performance.timeOrigin + lastTickMs, nowMs - lastTickMs]);
    }
    lastTickMs = nowMs;
  }, 1).unref();
  const write = () => writeFileSync(join(directory, 'server-trace.json'), JSON.stringify({ collections, stalls, flushes }));
  setInterval(write, writeEveryMs).unref();
  process.on('exit', write);
}
