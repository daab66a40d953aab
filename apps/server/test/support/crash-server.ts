// The real server (`apps/server/src/main.ts`) as a child process, for the crash test. It runs in its
// own process group, so one SIGKILL takes the node process and the embedded PostgreSQL postmaster
// at once, as a power cut of the process would. PostgreSQL's own children call setsid() and so
// leave the group: they are found by their working directory (the cluster directory) and must be
// gone before the next start may reuse the cluster. Every process started here is killed when the
// test process exits, even after a failed assertion or a timeout.

import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { assert } from '@parite/kernel';
import { freePort, procStatFields } from '@parite/platform';
export { freePort };

const repositoryRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const serverMainPath = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

/** Lines of child output kept to explain a failure. */
const outputLinesMax = 60;
/** How long a start may take before the test gives up (cold tsx compile + initdb + recovery). */
export const readyWaitMsMax = 60_000;
const readyPollMs = 100;
/** How long PostgreSQL's processes get to exit and be reaped after their postmaster was killed. */
export const clusterExitWaitMsMax = 20_000;
/** How long a graceful stop (final snapshot, database shutdown) may take. */
export const gracefulStopWaitMsMax = 30_000;
const killedExitWaitMsMax = 10_000;

export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  readonly pid: number;
  readonly baseUrl: string;
  readonly exited: Promise<ServerExit>;
  /** The last lines the child printed (stdout and stderr). */
  output(): string;
}

export interface ServerStartOptions {
  dataDirectory: string;
  httpPort: number;
  embeddedPostgresPort: number;
  /** Added to the child's environment (e.g. DATABASE_URL and PARITE_MASTER_KEY for an external database). */
  environment?: Record<string, string>;
}

const liveGroups = new Set<number>();
const ownedClusters = new Set<string>();
let exitHookInstalled = false;

/** Last-resort cleanup: synchronous, so it also runs when the runner ends the process. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const group of liveGroups) signalGroup(group, 'SIGKILL');
    for (const cluster of ownedClusters) for (const pid of clusterProcesses(cluster)) signalProcess(pid, 'SIGKILL');
  });
}

/** Server environment: the parent's, minus every setting that would point the child elsewhere. */
function childEnvironment(options: ServerStartOptions): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (name.startsWith('PARITE_') || ['DATABASE_URL', 'REDIS_URL', 'NATS_URL', 'PORT', 'HOST'].includes(name)) continue;
    environment[name] = value;
  }
  return {
    ...environment,
    PARITE_DATA_DIR: options.dataDirectory, PORT: String(options.httpPort), HOST: '127.0.0.1',
    PARITE_DEMO: 'true', PARITE_EMBEDDED_PG_PORT: String(options.embeddedPostgresPort), LOG_LEVEL: 'warn',
    ...options.environment,
  };
}

/** A fresh data directory for a crash run (its real path: the cluster's processes are found by it). */
export function crashDataDirectory(prefix: string): string {
  const dataDirectory = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  // Embedded PostgreSQL runs as its own system user when we are root: it must reach the directory.
  chmodSync(dataDirectory, 0o755);
  return dataDirectory;
}

export function startServer(options: ServerStartOptions): ServerProcess {
  installExitHook();
  ownedClusters.add(join(options.dataDirectory, 'postgres'));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', serverMainPath], {
    cwd: repositoryRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: childEnvironment(options),
  });
  assert(child.pid !== undefined, 'the server child has a pid');
  const pid = child.pid;
  liveGroups.add(pid);
  const lines: string[] = [];
  const remember = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim().length === 0) continue;
      lines.push(line);
      if (lines.length > outputLinesMax) lines.shift();
    }
  };
  child.stdout?.on('data', remember);
  child.stderr?.on('data', remember);
  const exited = new Promise<ServerExit>((resolve) => {
    child.once('exit', (code, signal) => {
      liveGroups.delete(pid);
      resolve({ code, signal });
    });
  });
  return { pid, baseUrl: `http://127.0.0.1:${options.httpPort}`, exited, output: () => lines.join('\n') };
}

/** Polls GET /readyz until 200; fails early when the child exits. Returns the engine's sequence. */
export async function waitReady(server: ServerProcess, waitMsMax = readyWaitMsMax): Promise<bigint> {
  const deadline = Date.now() + waitMsMax;
  let exit: ServerExit | undefined;
  void server.exited.then((value) => (exit = value));
  while (Date.now() < deadline) {
    if (exit !== undefined) {
      throw new Error(`server exited before it was ready (${JSON.stringify(exit)}):\n${server.output()}`);
    }
    try {
      const response = await fetch(`${server.baseUrl}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return BigInt(((await response.json()) as { sequence: string }).sequence);
      await response.body?.cancel();
    } catch {
      // Not listening yet.
    }
    await delay(readyPollMs);
  }
  throw new Error(`server not ready after ${waitMsMax} ms:\n${server.output()}`);
}

/** SIGKILL to the whole process group: node, esbuild and the postmaster die in the same instant. */
export function killGroup(server: ServerProcess): void {
  signalGroup(server.pid, 'SIGKILL');
}

/** Waits for a killed server to be reaped. */
export async function awaitKilled(server: ServerProcess): Promise<ServerExit> {
  const exit = await withinMs(server.exited, killedExitWaitMsMax);
  if (exit === undefined) throw new Error(`server ${server.pid} survived SIGKILL for ${killedExitWaitMsMax} ms`);
  return exit;
}

/** SIGTERM to the node process only: main.ts stops gracefully (final snapshot, database stop). */
export async function stopGracefully(server: ServerProcess, waitMsMax = gracefulStopWaitMsMax): Promise<ServerExit> {
  signalProcess(server.pid, 'SIGTERM');
  const exit = await withinMs(server.exited, waitMsMax);
  if (exit === undefined) {
    killGroup(server);
    throw new Error(`server did not stop within ${waitMsMax} ms after SIGTERM:\n${server.output()}`);
  }
  return exit;
}

/** Processes whose working directory is the cluster directory: the postmaster and all its children. */
export function clusterProcesses(clusterDirectory: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) === clusterDirectory) found.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

export interface ClusterExit {
  /** Cluster processes still alive after the wait, killed by the harness (0 is the expected case). */
  orphansKilled: number;
  /** Stale postmaster.pid files removed because their postmaster stayed a zombie (never reaped). */
  staleLocksRemoved: number;
}

/**
 * Waits until the killed cluster can start again: every process of the cluster has exited (they
 * notice the postmaster's death by themselves) and the postmaster itself has been reaped. A dead
 * but unreaped postmaster (a zombie, until the init process collects it) still answers kill(pid, 0),
 * and PostgreSQL then takes its postmaster.pid for a live server and refuses to start.
 */
export async function awaitClusterGone(dataDirectory: string, waitMsMax = clusterExitWaitMsMax): Promise<ClusterExit> {
  const clusterDirectory = join(dataDirectory, 'postgres');
  const lockFile = join(clusterDirectory, 'postmaster.pid');
  const deadline = Date.now() + waitMsMax;
  const postmasterPid = Number(readFileOrEmpty(lockFile).split('\n')[0]);
  const postmasterGone = () => !Number.isSafeInteger(postmasterPid) || postmasterPid <= 0 || !exists(postmasterPid);
  while (Date.now() < deadline) {
    if (clusterProcesses(clusterDirectory).length === 0 && postmasterGone()) return { orphansKilled: 0, staleLocksRemoved: 0 };
    await delay(50);
  }
  const orphans = clusterProcesses(clusterDirectory);
  for (const pid of orphans) signalProcess(pid, 'SIGKILL');
  await delay(200);
  let staleLocksRemoved = 0;
  if (!postmasterGone() && processState(postmasterPid) === 'Z') {
    rmSync(lockFile, { force: true });
    staleLocksRemoved = 1;
  }
  return { orphansKilled: orphans.length, staleLocksRemoved };
}

function readFileOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The state letter of /proc/<pid>/stat (R, S, D, Z, ...), or undefined when there is no such process. */
function processState(pid: number): string | undefined {
  return procStatFields(readFileOrEmpty(`/proc/${pid}/stat`))[0] || undefined;
}

/** Kills everything still running for this data directory (cleanup after the test, even a failed one). */
export async function killEverything(server: ServerProcess | undefined, dataDirectory: string): Promise<void> {
  if (server !== undefined && liveGroups.has(server.pid)) {
    killGroup(server);
    await withinMs(server.exited, 5_000);
  }
  await awaitClusterGone(dataDirectory, 2_000);
  ownedClusters.delete(join(dataDirectory, 'postgres'));
}


/** The promise's value, or undefined after `waitMsMax`; the timer never outlives the wait. */
async function withinMs<Value>(promise: Promise<Value>, waitMsMax: number): Promise<Value | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), waitMsMax);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function signalGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-group, signal);
  } catch {
    // The group is gone already.
  }
}

function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // The process is gone already.
  }
}
