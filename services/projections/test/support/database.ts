// Which PostgreSQL the database suites use: DATABASE_URL when set; the local server
// (127.0.0.1:5432) when PARITE_TEST_REAL_SERVICES=1; otherwise an embedded server this test process
// starts, so the suites always run. Every test gets a fresh, randomly named database with the
// projections schema, dropped afterwards.

import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonStringifyWithBigint } from '@parite/kernel';
import {
  createTestDatabase, defaultTestAdminUrl, openDatabase, runMigrations, type Database, type TestDatabase,
} from '@parite/platform';
import { projectionsMigrations } from '../../src/migrations.ts';
import { projectionTables } from '../../src/rebuild.ts';
import type { AnySql } from '../../src/storage/sql.ts';
import { freePort } from '@parite/platform';

export interface TestServer {
  adminUrl: string;
  close(): Promise<void>;
}


export async function startTestServer(): Promise<TestServer> {
  const external = process.env['DATABASE_URL'];
  if (external !== undefined && external !== '') return { adminUrl: external, close: async () => {} };
  if (process.env['PARITE_TEST_REAL_SERVICES'] === '1') return { adminUrl: defaultTestAdminUrl, close: async () => {} };
  const dataDirectory = mkdtempSync(join(tmpdir(), 'parite-projections-db-'));
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

export async function freshDatabase(server: TestServer): Promise<TestDatabase> {
  const database = await createTestDatabase({ adminUrl: server.adminUrl, poolSize: 4 });
  try {
    await runMigrations(database.sql, [projectionsMigrations]);
  } catch (error) {
    await database.drop();
    throw error;
  }
  return database;
}

export async function withDatabase(server: TestServer, body: (database: TestDatabase) => Promise<void>):
  Promise<void> {
  const database = await freshDatabase(server);
  try {
    await body(database);
  } finally {
    await database.drop();
  }
}

const primaryKeys: Record<(typeof projectionTables)[number], string> = {
  orders: 'order_id', trades: 'trade_id', ledger_entries: 'posting_id, leg_index', ledger_postings: 'posting_id',
  balances: 'owner_id, asset_id', user_fee_tiers: 'owner_id', markets: 'market_id', assets: 'asset_id',
};

/** Every projection table and the checkpoints, as text, for equality checks. */
export async function dumpTables(sql: AnySql): Promise<string> {
  const parts: unknown[] = [];
  for (const table of projectionTables) {
    parts.push(table, await sql.unsafe(`select * from ${table} order by ${primaryKeys[table]}`));
  }
  parts.push(await sql`select name, sequence from projection_checkpoints order by name`);
  return jsonStringifyWithBigint(parts);
}
