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
const tableNamePattern = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertTableName(name: string): void {
  assert(tableNamePattern.test(name), `table name ${name} must match ${tableNamePattern}`);
}

/** The migration, as SQL, for operators who apply migrations themselves. */
export function journalSchemaSql(names: PostgresTableNames = {}): string {
  const journalTable = names.journalTable ?? defaultJournalTable;
  const snapshotTable = names.snapshotTable ?? defaultSnapshotTable;
  assertTableName(journalTable);
  assertTableName(snapshotTable);
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
