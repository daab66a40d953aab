// Opens the one PostgreSQL database the platform uses: external when DATABASE_URL is set,
// otherwise an embedded server under the data directory. Either way callers get a postgres.js
// pool with the same settings (int8 as bigint, notices silenced).
import type { PlatformConfig } from './config.ts';
import { startEmbeddedServer, embeddedUser } from './database-embedded.ts';
import { createSilentLogger, type Logger } from './logger.ts';
import { connectSql, isPostgresError, quoteIdentifier, sqlEndTimeoutSeconds, type Sql } from './sql.ts';

export const embeddedDatabaseName = 'parite';

export interface Database {
  readonly sql: Sql;
  /** Connection URL. It carries the password: pass it to trusted code, never log it. */
  readonly url: string;
  readonly embedded: boolean;
  /** Ends the pool, then stops the embedded server if there is one. Safe to call twice. */
  close(): Promise<void>;
}

export type DatabaseConfig = Pick<
  PlatformConfig,
  'dataDirectory' | 'databaseUrl' | 'databasePoolSize' | 'embeddedPostgresPort'
> & Partial<Pick<PlatformConfig, 'backgroundNice'>>;

export interface OpenDatabaseOptions {
  readonly logger?: Logger;
}

export async function openDatabase(config: DatabaseConfig, options: OpenDatabaseOptions = {}): Promise<Database> {
  const logger = options.logger ?? createSilentLogger();
  if (config.databaseUrl !== undefined) return connectDatabase(config.databaseUrl, { poolSize: config.databasePoolSize });
  return openEmbedded(config, logger);
}

/**
 * Connects to a running server and proves it answers, so an unreachable database fails at start,
 * not on the first request. Also used by tools that attach to a running embedded cluster.
 */
export async function connectDatabase(url: string, options: { poolSize: number; applicationName?: string;
  embedded?: boolean }): Promise<Database> {
  const sql = connectSql(url, { poolSize: options.poolSize, applicationName: options.applicationName });
  try {
    await sql`select 1`;
  } catch (error) {
    await sql.end({ timeout: sqlEndTimeoutSeconds });
    throw error;
  }
  let closed: Promise<void> | undefined;
  return { sql, url, embedded: options.embedded ?? false,
    close: () => (closed ??= sql.end({ timeout: sqlEndTimeoutSeconds })) };
}

async function openEmbedded(config: DatabaseConfig, logger: Logger): Promise<Database> {
  const server = await startEmbeddedServer({
    dataDirectory: config.dataDirectory,
    firstPort: config.embeddedPostgresPort,
    logger,
    backgroundNice: config.backgroundNice ?? 0,
  });
  const credentials = `${embeddedUser}:${encodeURIComponent(server.password)}@127.0.0.1:${server.port}`;
  const url = `postgres://${credentials}/${embeddedDatabaseName}`;
  let sql: Sql;
  try {
    await createDatabaseIfMissing(`postgres://${credentials}/postgres`, embeddedDatabaseName);
    sql = connectSql(url, { poolSize: config.databasePoolSize });
    await sql`select 1`;
  } catch (error) {
    await server.stop();
    throw error;
  }
  logger.info({ port: server.port, dataDirectory: config.dataDirectory }, 'embedded PostgreSQL ready');
  const close = async (): Promise<void> => {
    // Pool first: stopping the server under open connections makes them error.
    await sql.end({ timeout: sqlEndTimeoutSeconds });
    await server.stop();
  };
  let closed: Promise<void> | undefined;
  return { sql, url, embedded: true, close: () => (closed ??= close()) };
}

/** Creates `name` unless it exists; tolerates another process creating it at the same moment. */
export async function createDatabaseIfMissing(adminUrl: string, name: string): Promise<void> {
  const admin = connectSql(adminUrl, { poolSize: 1 });
  try {
    const existing = await admin`select 1 from pg_database where datname = ${name}`;
    if (existing.length > 0) return;
    await admin.unsafe(`create database ${quoteIdentifier(name)}`);
  } catch (error) {
    // Another process won the race: 42P04 duplicate_database, or 23505 on the catalogue index.
    if (!isPostgresError(error, '42P04') && !isPostgresError(error, '23505')) throw error;
  } finally {
    await admin.end({ timeout: sqlEndTimeoutSeconds });
  }
}
