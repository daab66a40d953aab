// Test helpers: a fresh, uniquely named database per test suite on a real PostgreSQL server, so
// suites can run in parallel and never see each other's rows (always call drop() when done), and
// the server itself: external, local or embedded.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from './database.ts';
import { connectSql, quoteIdentifier, sqlEndTimeoutSeconds, type Sql } from './sql.ts';

export const defaultTestAdminUrl = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  readonly sql: Sql;
  /** URL of the new database (same server and credentials as the admin URL). */
  readonly url: string;
  readonly name: string;
  /** Ends the pool and drops the database, disconnecting any other sessions still on it. */
  drop(): Promise<void>;
}

export interface CreateTestDatabaseOptions {
  /** Any database on the target server; default DATABASE_URL, else the local server as postgres. */
  readonly adminUrl?: string;
  readonly poolSize?: number;
}

export async function createTestDatabase(options: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const adminUrl = options.adminUrl ?? process.env['DATABASE_URL'] ?? defaultTestAdminUrl;
  const name = `parite_test_${randomBytes(6).toString('hex')}`;
  await runAdmin(adminUrl, `create database ${quoteIdentifier(name)}`);
  const target = new URL(adminUrl);
  target.pathname = '/' + name;
  const url = target.toString();
  const sql = connectSql(url, { poolSize: options.poolSize ?? 5, applicationName: 'parite-test' });
  let dropped: Promise<void> | undefined;
  const drop = async (): Promise<void> => {
    await sql.end({ timeout: sqlEndTimeoutSeconds });
    await runAdmin(adminUrl, `drop database if exists ${quoteIdentifier(name)} with (force)`);
  };
  return { sql, url, name, drop: () => (dropped ??= drop()) };
}

async function runAdmin(adminUrl: string, statement: string): Promise<void> {
  const admin = connectSql(adminUrl, { poolSize: 1, applicationName: 'parite-test-admin' });
  try {
    await admin.unsafe(statement);
  } finally {
    await admin.end({ timeout: sqlEndTimeoutSeconds });
  }
}

/** A loopback port the OS just handed out, for test servers and benchmark processes. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ port: 0, host: '127.0.0.1' }, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface TestPostgresServer {
  /** A URL to any database on the server, for createTestDatabase({ adminUrl }). */
  readonly adminUrl: string;
  close(): Promise<void>;
}

/**
 * The PostgreSQL server database suites use: DATABASE_URL when set; the local server
 * (127.0.0.1:5432) when PARITE_TEST_REAL_SERVICES=1; otherwise an embedded server this test process
 * starts, so the suites always run, on a fresh clone too.
 */
export async function startTestPostgres(): Promise<TestPostgresServer> {
  const external = process.env['DATABASE_URL'];
  if (external !== undefined && external !== '') return { adminUrl: external, close: async () => {} };
  if (process.env['PARITE_TEST_REAL_SERVICES'] === '1') return { adminUrl: defaultTestAdminUrl, close: async () => {} };
  const dataDirectory = mkdtempSync(join(tmpdir(), 'parite-test-db-'));
  // As root, PostgreSQL runs as the `postgres` system user, which must be able to enter the directory.
  chmodSync(dataDirectory, 0o755);
  let database: Database;
  try {
    database = await openDatabase({ dataDirectory, databaseUrl: undefined, databasePoolSize: 2,
      embeddedPostgresPort: await freePort() });
  } catch (error) {
    rmSync(dataDirectory, { recursive: true, force: true });
    throw error;
  }
  const adminUrl = new URL(database.url);
  adminUrl.pathname = '/postgres';
  return {
    adminUrl: adminUrl.toString(),
    close: async () => {
      await database.close();
      rmSync(dataDirectory, { recursive: true, force: true });
    },
  };
}
