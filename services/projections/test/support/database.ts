// The database suites run on startTestPostgres() (external, local or embedded server). Every test
// gets a fresh, randomly named database with the projections schema, dropped afterwards.

import { jsonStringifyWithBigint } from '@parite/kernel';
import {
  createTestDatabase, runMigrations, startTestPostgres, type TestDatabase, type TestPostgresServer,
} from '@parite/platform';
import { projectionsMigrations } from '../../src/migrations.ts';
import { projectionTables } from '../../src/rebuild.ts';
import type { AnySql } from '../../src/storage/sql.ts';

export interface TestServer { adminUrl: string; close(): Promise<void> }
export const startTestServer: () => Promise<TestPostgresServer> = startTestPostgres;

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
