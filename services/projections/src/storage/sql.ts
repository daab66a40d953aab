// The database handle the projections use, and the one way they pass many rows to PostgreSQL: one
// array parameter per column, expanded server-side by unnest(). Arrays are sent as text literals
// built here and cast in SQL ($1::int8[]), because postgres.js infers array parameter types from
// the first element and gets bigint and boolean arrays wrong; a literal with an explicit cast is
// exact for every type and has no 65,535-parameter limit.

import { assert } from '@parite/kernel';
import type postgres from 'postgres';
import { TimeSlice } from './time-slice.ts';

/** int8 columns are parsed to bigint: open the pool with `types: { bigint: postgres.BigInt }`. */
export interface SqlTypes extends Record<string, unknown> {
  bigint: bigint;
}

export type Sql = postgres.Sql<SqlTypes>;
export type TransactionSql = postgres.TransactionSql<SqlTypes>;
/** Either: the writers run inside a transaction, the readers anywhere. */
export type AnySql = Sql | TransactionSql;

export const int8Min = -(2n ** 63n);
export const int8Max = 2n ** 63n - 1n;

export function assertInt8(value: bigint, name: string): void {
  assert(value >= int8Min && value <= int8Max, `${name} = ${value} does not fit in int8`);
}

export type ColumnType = 'int2' | 'int4' | 'int8' | 'text' | 'bool' | 'jsonb';
export type ColumnValue = string | number | bigint | boolean | null;

export interface Column<Row> {
  name: string;
  type: ColumnType;
  value: (row: Row) => ColumnValue;
}

function element(value: ColumnValue, column: { name: string; type: ColumnType }): string {
  if (value === null) return 'NULL';
  if (column.type === 'int2' || column.type === 'int4' || column.type === 'int8') {
    if (typeof value === 'number') assert(Number.isSafeInteger(value), `${column.name} must be a safe integer`);
    else assert(typeof value === 'bigint', `${column.name} must be an integer`);
    if (typeof value === 'bigint') assertInt8(value, column.name);
    return String(value);
  }
  if (column.type === 'bool') {
    assert(typeof value === 'boolean', `${column.name} must be a boolean`);
    return value ? 'true' : 'false';
  }
  assert(typeof value === 'string', `${column.name} must be a string`);
  return '"' + value.replaceAll('\\', '\\\\').replaceAll('"', '\\"') + '"';
}

/** A PostgreSQL array literal: '{1,2,NULL}' or '{"a","b\"c"}'. */
export function arrayLiteral(values: readonly ColumnValue[], column: { name: string; type: ColumnType }): string {
  return literalOf(values.map((value) => element(value, column)));
}

/** The array literal of elements already written by element(). */
function literalOf(elements: readonly string[]): string {
  return '{' + elements.join(',') + '}';
}

/**
 * `unnest($1::int8[], $2::text[], ...) as alias (a, b, ...)` and its parameters, one per column. It
 * yields to the event loop whenever `slice` has used its budget: a batch of ten thousand orders is
 * tens of milliseconds of literal building, and the engine's replies must not wait behind it.
 */
export async function unnestSource<Row>(columns: readonly Column<Row>[], rows: readonly Row[], alias: string,
  firstParameter = 1, slice = new TimeSlice()): Promise<{ text: string; parameters: string[] }> {
  const parameters: string[] = [];
  for (const column of columns) {
    const elements: string[] = [];
    for (let index = 0; index < rows.length; index++) {
      elements.push(element(column.value(rows[index] as Row), column));
      if (slice.due()) await slice.pause();
    }
    parameters.push(literalOf(elements));
  }
  const arrays = columns.map((column, index) => `$${firstParameter + index}::${column.type}[]`).join(', ');
  const names = columns.map((column) => column.name).join(', ');
  return { text: `unnest(${arrays}) as ${alias} (${names})`, parameters };
}

/** insert into table (columns) select * from unnest(...) [suffix]; returns the row count. */
export async function insertRows<Row>(sql: TransactionSql, table: string, columns: readonly Column<Row>[],
  rows: readonly Row[], suffix = ''): Promise<number> {
  if (rows.length === 0) return 0;
  const source = await unnestSource(columns, rows, 'source');
  const names = columns.map((column) => column.name).join(', ');
  // Table and column names are constants of this package, never input: unsafe() is safe here.
  const result = await sql.unsafe(`insert into ${table} (${names}) select * from ${source.text} ${suffix}`,
    source.parameters);
  return result.count;
}
