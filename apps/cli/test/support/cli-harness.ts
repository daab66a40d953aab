// Runs the CLI as operators do, as a child process (`node --import tsx apps/cli/src/main.ts`), against
// a temporary installation: its own data directory and its own database (an embedded PostgreSQL in
// the data directory, or a fresh database on the server named by DATABASE_URL when that is set).

import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, loadConfig, type PlatformConfig, type TestDatabase } from '@parite/platform';
import { freePort } from '@parite/platform';
export { freePort };

const repositoryRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const cliMainPath = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
/** One CLI command, including the tsx start and possibly an embedded PostgreSQL start and stop. */
const cliRunMsMax = 60_000;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Installation {
  dataDirectory: string;
  /** The CLI's environment: the same variables the server reads. */
  environment: Record<string, string>;
  config: PlatformConfig;
  cli(...args: string[]): Promise<CliResult>;
  /** Drops the external test database (if any) and removes the data directory. */
  remove(): Promise<void>;
}


export function runCli(args: readonly string[], environment: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const inherited: Record<string, string> = {};
    for (const [name, value] of Object.entries(process.env)) {
      if (value !== undefined && !name.startsWith('PARITE_') && name !== 'DATABASE_URL') inherited[name] = value;
    }
    const child = spawn(process.execPath, ['--import', 'tsx', cliMainPath, ...args], {
      cwd: repositoryRoot, env: { ...inherited, ...environment }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cli ${args.join(' ')} ran longer than ${cliRunMsMax} ms\n${stderr}`));
    }, cliRunMsMax);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export async function createInstallation(extraEnvironment: Record<string, string> = {}): Promise<Installation> {
  const dataDirectory = mkdtempSync(join(tmpdir(), 'parite-cli-'));
  // Embedded PostgreSQL runs as its own system user when we are root: it must reach the directory.
  chmodSync(dataDirectory, 0o755);
  let database: TestDatabase | undefined;
  // PORT names a port nobody listens on, so commands that probe the server find it down.
  const environment: Record<string, string> = {
    PARITE_DATA_DIR: dataDirectory, PORT: String(await freePort()), LOG_LEVEL: 'silent',
    PARITE_EMBEDDED_PG_PORT: String(await freePort()), ...extraEnvironment,
  };
  if (process.env['DATABASE_URL'] !== undefined) {
    database = await createTestDatabase({ adminUrl: process.env['DATABASE_URL'] });
    Object.assign(environment, { DATABASE_URL: database.url, PARITE_MASTER_KEY: 'cd'.repeat(32) });
  }
  return {
    dataDirectory, environment, config: loadConfig(environment),
    cli: (...args) => runCli(args, environment),
    remove: async () => {
      if (database !== undefined) await database.drop();
      rmSync(dataDirectory, { recursive: true, force: true });
    },
  };
}

/** The JSON document a command printed with --json. */
export function jsonOutput<Value>(result: CliResult): Value {
  try {
    return JSON.parse(result.stdout) as Value;
  } catch {
    throw new Error(`not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
}
