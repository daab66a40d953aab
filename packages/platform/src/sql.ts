// One driver (postgres.js) and one set of connection settings for embedded and external
// PostgreSQL alike, so code tested against one behaves the same against the other.
import postgres from 'postgres';

/** Custom types: int8 (bigint, bigserial, count(*)) is parsed to a JS bigint, never a number. */
export interface SqlTypes extends Record<string, unknown> {
  bigint: bigint;
}

export type Sql = postgres.Sql<SqlTypes>;
/** What `sql.begin(async (transaction) => ...)` hands to its callback. */
export type TransactionSql = postgres.TransactionSql<SqlTypes>;
export type PostgresError = postgres.PostgresError;

export const sqlConnectTimeoutSeconds = 10;
/** Idle connections are closed after a while so a quiet service does not pin server slots. */
export const sqlIdleTimeoutSeconds = 60;
export const sqlEndTimeoutSeconds = 5;

export interface ConnectSqlOptions {
  readonly poolSize: number;
  readonly applicationName?: string;
}

export function connectSql(url: string, options: ConnectSqlOptions): Sql {
  return postgres(url, {
    max: options.poolSize,
    types: { bigint: postgres.BigInt },
    // Notices ("relation already exists, skipping") are noise, not events.
    onnotice: () => {},
    connect_timeout: sqlConnectTimeoutSeconds,
    idle_timeout: sqlIdleTimeoutSeconds,
    connection: { application_name: options.applicationName ?? 'parite' },
  });
}

export function isPostgresError(error: unknown, code?: string): error is PostgresError {
  return error instanceof postgres.PostgresError && (code === undefined || error.code === code);
}

/** Quotes an identifier for the few statements that cannot take parameters (CREATE DATABASE). */
export function quoteIdentifier(identifier: string): string {
  return '"' + identifier.replaceAll('"', '""') + '"';
}
