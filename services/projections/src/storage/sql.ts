// The database handle the projections use, and the one way they pass many rows to PostgreSQL: one
// array parameter per column, expanded server-side by unnest(). Arrays are sent as text literals
// built here and cast in SQL ($1::int8[]), because postgres.js infers array parameter types from
// the first element and gets bigint and boolean arrays wrong; a literal with an explicit cast is
// exact for every type and has no 65,535-parameter limit.

import { assert } from '@parite/kernel';
import type postgres from 'postgres';
import { copyIn, copyText } from '@parite/platform';
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

/** The value's text after checking it against the column's type; null stays null. */
function scalarText(value: ColumnValue, column: { name: string; type: ColumnType }): string | null {
  if (value === null) return null;
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
  return value;
}

function element(value: ColumnValue, column: { name: string; type: ColumnType }): string {
  const text = scalarText(value, column);
  if (text === null) return 'NULL';
  if (column.type !== 'text' && column.type !== 'jsonb') return text;
  return '"' + text.replaceAll('\\', '\\\\').replaceAll('"', '\\"') + '"';
}

/** One field of a COPY text-format row: \N for null, the four special characters escaped. */
export function copyField(value: ColumnValue, column: { name: string; type: ColumnType }): string {
  const text = scalarText(value, column);
  if (text === null) return '\\N';
  return copyText(text);
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

/** Rows per chunk of COPY data (one CopyData message each). */
const copyRowsPerChunk = 1_000;
/**
 * `copy table (columns) from stdin` in the text format: about half of PostgreSQL's CPU per row of
 * the equivalent insert from unnest() (no array literals to parse, no set-returning function; see
 * docs/benchmarks.md). For insert-only tables. Yields to the event loop as unnestSource does. A
 * refusal without PostgreSQL's reason is a CopyRefusedError (@parite/platform): the projector then
 * writes the batch with insert statements, which report it.
 */
export async function copyRows<Row>(sql: TransactionSql, table: string, columns: readonly Column<Row>[],
  rows: readonly Row[], slice = new TimeSlice()): Promise<number> {
  if (rows.length === 0) return 0;
  const chunks: string[] = [];
  const lines: string[] = [];
  const fields: string[] = [];
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index] as Row;
    fields.length = 0;
    for (const column of columns) fields.push(copyField(column.value(row), column));
    lines.push(fields.join('\t'));
    if (lines.length === copyRowsPerChunk || index === rows.length - 1) {
      chunks.push(lines.join('\n') + '\n');
      lines.length = 0;
    }
    if (slice.due()) await slice.pause();
  }
  const names = columns.map((column) => column.name).join(', ');
  // Table and column names are constants of this package, never input: unsafe() is safe here.
  await copyIn(sql, table, `copy ${table} (${names}) from stdin`, chunks);
  return rows.length;
}
