// One driver (postgres.js) and one set of connection settings for embedded and external
// PostgreSQL alike, so code tested against one behaves the same against the other.
import { connect, type Socket } from 'node:net';
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

/** The connection settings postgres.js hands a custom socket factory (its parsed URL). */
interface SocketTarget {
  host: string[];
  port: number[];
  path: string | false;
}

/**
 * Sockets with TCP_NODELAY, as libpq opens them. postgres.js leaves Nagle's algorithm on, and then
 * a message written right after another one (a COPY's CopyDone after its data) waits for the
 * server's delayed acknowledgement of the first: 40 ms per COPY here. postgres.js does not connect
 * a socket it is given, so this picks the server as postgres.js does: the next host of the URL's
 * list for each new connection, or the Unix socket.
 */
export function noDelaySockets(): (target: SocketTarget) => Socket {
  let hostIndex = 0;
  return (target) => {
    if (target.path !== false && target.path !== '') return connect(target.path);
    const index = hostIndex;
    hostIndex = (hostIndex + 1) % target.port.length;
    return connect({ host: target.host[index], port: target.port[index] as number, noDelay: true });
  };
}

export function connectSql(url: string, options: ConnectSqlOptions): Sql {
  // `socket` is a postgres.js option its type declarations leave out.
  const socketOption = { socket: noDelaySockets() } as Record<string, unknown>;
  return postgres(url, {
    ...socketOption,
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
