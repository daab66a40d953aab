// The CLI's database connection. External PostgreSQL (DATABASE_URL) is simply connected to. In
// embedded mode the cluster lives in the data directory and only one postmaster may run on it:
// when one is running already (the server's, usually) the CLI connects to it as one more client;
// otherwise it starts the cluster for the duration of the command and stops it afterwards (a
// server started meanwhile would then fail to start its own: run CLI commands one at a time).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  connectDatabase, createSilentLogger, embeddedDatabaseName, embeddedPasswordFileName, openDatabase, type Database,
  type PlatformConfig,
} from '@parite/platform';

/** The CLI runs one statement at a time; a couple of connections are plenty. */
const cliPoolSize = 2;
const clusterDirectoryName = 'postgres';

export interface RunningCluster {
  pid: number;
  port: number;
}

/**
 * The embedded cluster's postmaster, when one is alive: postmaster.pid holds its pid (line 1) and
 * port (line 4). A stale file left by a killed postmaster names a dead pid and is ignored.
 */
export function runningEmbeddedCluster(dataDirectory: string): RunningCluster | undefined {
  let lines: string[];
  try {
    lines = readFileSync(join(dataDirectory, clusterDirectoryName, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isSafeInteger(pid) || pid <= 0 || !Number.isSafeInteger(port) || port <= 0) return undefined;
  return isAlive(pid) ? { pid, port } : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user (the postgres system user when we are not root).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function openOperatorDatabase(config: PlatformConfig): Promise<Database> {
  const settings = { ...config, databasePoolSize: cliPoolSize };
  if (config.databaseUrl !== undefined) return await openDatabase(settings);
  const running = runningEmbeddedCluster(config.dataDirectory);
  if (running === undefined) return await openDatabase(settings, { logger: createSilentLogger() });
  const password = readFileSync(join(config.dataDirectory, embeddedPasswordFileName), 'utf8').trim();
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${running.port}/${embeddedDatabaseName}`;
  return await connectDatabase(url, { poolSize: cliPoolSize, applicationName: 'parite-cli', embedded: true });
}

export async function withDatabase<Value>(config: PlatformConfig, use: (database: Database) => Promise<Value>):
  Promise<Value> {
  const database = await openOperatorDatabase(config);
  try {
    return await use(database);
  } finally {
    await database.close();
  }
}
