// Runs the real server as a child process for the end-to-end benchmark: durable file journal,
// embedded PostgreSQL, projections and market data all on, demo users, no demo market maker.

import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@parite/platform';
export { freePort };

export interface DemoCredential {
  email: string;
  apiKey: string;
  secret: string;
  roles: readonly string[];
}

export interface ServerProcess {
  baseUrl: string;
  credentials: DemoCredential[];
  /** CPU time (user + system) the server process has used so far, in ms; undefined where /proc is absent. */
  cpuMs(): number | undefined;
  /** The same for the server's main thread alone (engine, API, WebSocket; not its worker threads). */
  mainThreadCpuMs(): number | undefined;
  /** CPU time of the processes the server started and their children (embedded PostgreSQL), in ms; undefined where /proc is absent. */
  childProcessesCpuMs(): number | undefined;
  stop(): Promise<void>;
}

/** Bound on waiting for the server to become ready (embedded PostgreSQL initdb included). */
const readyWaitMsMax = 120_000;

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on Linux). */
const clockTicksPerSecond = 100;

/** The parent id and the CPU time (user + system, ms) in a /proc/<pid>/stat file; undefined when unreadable. */
function readStat(statPath: string): { parentId: number; cpuMs: number } | undefined {
  try {
    // Fields after the parenthesised command name: the parent id is the 2nd, utime and stime the 12th and 13th.
    const fields = readFileSync(statPath, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? { parentId: Number(fields[1]), cpuMs: (ticks * 1000) / clockTicksPerSecond } : undefined;
  } catch {
    return undefined; // no /proc, or the process ended while being read
  }
}

/** CPU time (user + system, ms) of a process or thread, from its /proc stat file; undefined where absent. */
export function processCpuMs(statPath: string): number | undefined {
  return readStat(statPath)?.cpuMs;
}

/** CPU time (ms) of every descendant of process `rootId` (PostgreSQL backends start their own sessions). */
function descendantsCpuMs(rootId: number): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const processes: { id: number; parentId: number; cpuMs: number }[] = [];
  for (const entry of entries) {
    const stat = /^[0-9]+$/.test(entry) ? readStat(`/proc/${entry}/stat`) : undefined;
    if (stat !== undefined) processes.push({ id: Number(entry), ...stat });
  }
  const inTree = new Set([rootId]);
  let total = 0;
  // Parents have lower ids than their children except after pid wrap-around; repeat until stable.
  for (let changed = true; changed;) {
    changed = false;
    for (const candidate of processes) {
      if (inTree.has(candidate.id) || !inTree.has(candidate.parentId)) continue;
      inTree.add(candidate.id);
      total += candidate.cpuMs;
      changed = true;
    }
  }
  return total;
}

/** The preload that records the server's collections and event-loop stalls (bench/e2e.ts --trace-dir). */
const serverTracePath = fileURLToPath(new URL('./server-trace.mjs', import.meta.url));

export interface ServerProcessOptions {
  /** Write the server's garbage collections and event-loop stalls to <traceDirectory>/server-trace.json. */
  traceDirectory?: string;
}

export async function startServerProcess(options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const dataDirectory = mkdtempSync(join(tmpdir(), 'parite-bench-'));
  chmodSync(dataDirectory, 0o755);
  const port = await freePort();
  // BENCH_SERVER_CPU_PROFILE_DIR=<dir> writes a V8 CPU profile of the server (for finding where time goes).
  const profileDirectory = process.env['BENCH_SERVER_CPU_PROFILE_DIR'];
  const profiling = profileDirectory === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDirectory}`];
  // BENCH_SERVER_STDOUT=<file> keeps the server's standard output (e.g. with BENCH_SERVER_NODE_FLAGS=--trace-gc).
  const extraFlags = (process.env['BENCH_SERVER_NODE_FLAGS'] ?? '').split(' ').filter((flag) => flag.length > 0);
  const tracing = options.traceDirectory === undefined ? [] : ['--import', serverTracePath];
  const child: ChildProcess = spawn(process.execPath, [...extraFlags, ...profiling, ...tracing, '--import', 'tsx',
    'apps/server/src/main.ts'], {
    env: {
      ...process.env, ...(options.traceDirectory === undefined ? {} : { BENCH_TRACE_DIR: options.traceDirectory }),
      PARITE_DATA_DIR: dataDirectory, PORT: String(port), PARITE_DEMO: 'true',
      PARITE_MARKET_MAKER: 'false', PARITE_RATE_LIMIT: 'off', LOG_LEVEL: 'warn',
      PARITE_EMBEDDED_PG_PORT: String(await freePort()),
    },
    stdio: ['ignore', process.env['BENCH_SERVER_STDOUT'] === undefined ? 'ignore' : openSync(process.env['BENCH_SERVER_STDOUT'], 'w'), 'inherit'], detached: true,
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyWaitMsMax;
  while (Date.now() < deadline) {
    const ready = await fetch(`${baseUrl}/readyz`).then((response) => response.ok, () => false);
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const credentials = JSON.parse(readFileSync(join(dataDirectory, 'demo-credentials.json'), 'utf8')) as
    DemoCredential[];
  return {
    baseUrl, credentials,
    cpuMs: () => (child.pid === undefined ? undefined : processCpuMs(`/proc/${child.pid}/stat`)),
    childProcessesCpuMs: () => (child.pid === undefined ? undefined : descendantsCpuMs(child.pid)),
    mainThreadCpuMs: () => (child.pid === undefined ? undefined : processCpuMs(`/proc/${child.pid}/task/${child.pid}/stat`)),
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // The server alone first: it stops its embedded PostgreSQL itself (and, profiling, writes its
      // profile on a clean exit); whatever of the group is left after the grace period is killed.
      if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // The group has already gone.
        }
      }
      rmSync(dataDirectory, { recursive: true, force: true });
    },
  };
}
