import { createServer } from 'node:net';
// Test helper: a fresh, uniquely named database per test suite on a real PostgreSQL server, so
// suites can run in parallel and never see each other's rows. Always call drop() when done.
import { randomBytes } from 'node:crypto';
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
