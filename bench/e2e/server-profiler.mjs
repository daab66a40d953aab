// Preloaded into the benchmark's server to profile a chosen window of it: the first SIGUSR2 starts
// V8's sampling CPU profiler (every 100 µs), the next one stops it and writes
// <BENCH_PROFILE_DIR, default the temp directory>/server-<pid>-<n>.cpuprofile (Chrome DevTools can
// open it; bench/e2e/profile-report.ts sums it by subsystem). Plain JavaScript: it is loaded with
// --import before the TypeScript loader. Usage in docs/benchmarks.md §2 ("How to profile").
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';

const directory = process.env['BENCH_PROFILE_DIR'] ?? tmpdir();
const samplingIntervalUs = 100;
const session = new Session();
session.connect();
let running = false;
let written = 0;

process.on('SIGUSR2', () => {
  if (!running) {
    running = true;
    session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: samplingIntervalUs },
      () => session.post('Profiler.start')));
    // Allocation sampling alongside (one sample per 16 KiB allocated on average): what feeds the collector.
    session.post('HeapProfiler.enable', () => session.post('HeapProfiler.startSampling', { samplingInterval: 16_384,
      includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true }));
    return;
  }
  running = false;
  session.post('Profiler.stop', (error, result) => {
    if (error !== null) return void process.stderr.write(`server-profiler: ${String(error)}\n`);
    const path = join(directory, `server-${process.pid}-${written++}.cpuprofile`);
    writeFileSync(path, JSON.stringify(result.profile));
    process.stderr.write(`server-profiler: wrote ${path}\n`);
  });
  session.post('HeapProfiler.stopSampling', (error, result) => {
    if (error !== null) return void process.stderr.write(`server-profiler: ${String(error)}\n`);
    const path = join(directory, `server-${process.pid}-${written - 1}.heapprofile`);
    writeFileSync(path, JSON.stringify(result.profile));
    process.stderr.write(`server-profiler: wrote ${path}\n`);
  });
});
