// Tables of the PostgreSQL journal and snapshot store. Several nodes share them; one writes.
import type postgres from 'postgres';
import { assert } from '@parite/kernel';

/**
 * Any postgres.js instance, whatever its custom types: the adapters cast every bigint to text in
 * SQL, so they work the same whether or not the caller parses int8 to a JS bigint.
 */
export type AnySql = postgres.Sql;

export interface PostgresTableNames {
  readonly journalTable?: string;
  readonly snapshotTable?: string;
}

export const defaultJournalTable = 'journal_entries';
export const defaultSnapshotTable = 'snapshots';
/** Where a snapshot table's data lives, in chunk rows (postgres-snapshot-store.ts). */
export function snapshotChunkTableOf(snapshotTable: string): string {
  return `${snapshotTable}_chunks`;
}

const tableNamePattern = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertTableName(name: string): void {
  assert(tableNamePattern.test(name), `table name ${name} must match ${tableNamePattern}`);
}

/** The migration, as SQL, for operators who apply migrations themselves. */
export function journalSchemaSql(names: PostgresTableNames = {}): string {
  const journalTable = names.journalTable ?? defaultJournalTable;
  const snapshotTable = names.snapshotTable ?? defaultSnapshotTable;
  const chunkTable = snapshotChunkTableOf(snapshotTable);
  assertTableName(journalTable);
  assertTableName(snapshotTable);
  assertTableName(chunkTable);
  return `
create table if not exists ${journalTable} (
  sequence bigint primary key check (sequence > 0),
  timestamp_ms bigint not null check (timestamp_ms >= 0),
  payload bytea not null
);
create table if not exists ${snapshotTable} (
  sequence bigint primary key check (sequence >= 0),
  data bytea not null,
  checksum text not null
);
-- Since snapshots are stored in chunks (data is then empty; rows from before keep it inline, count 0).
alter table ${snapshotTable} add column if not exists chunk_count integer not null default 0 check (chunk_count >= 0);
alter table ${snapshotTable} add column if not exists data_bytes bigint not null default 0 check (data_bytes >= 0);
create table if not exists ${chunkTable} (
  sequence bigint not null references ${snapshotTable} (sequence) on delete cascade,
  chunk_index integer not null check (chunk_index >= 0),
  data bytea not null,
  primary key (sequence, chunk_index)
);`;
}

/** Creates the tables if missing. Safe when several nodes start at once (advisory lock). */
export async function ensureJournalSchema(sql: AnySql, names: PostgresTableNames = {}): Promise<void> {
  const statements = journalSchemaSql(names);
  await sql.begin(async (transaction) => {
    await transaction`select pg_advisory_xact_lock(hashtext('parite.journal.schema'))`;
    await transaction.unsafe(statements);
  });
}
