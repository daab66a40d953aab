// Isolated resources on the real services of this machine (127.0.0.1 only): a fresh database or a
// fresh JetStream stream per harness, removed on dispose.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { ensureJournalSchema, natsJournalNames, NatsJournal, PostgresJournal } from '../src/index.ts';
import type { JournalHarness } from './journal-contract.ts';

export const realServices = process.env.PARITE_TEST_REAL_SERVICES === '1';

const postgresConnection = { host: '127.0.0.1', port: 5432, user: 'postgres', onnotice: () => {} };

/** A fresh database per harness, dropped on dispose. */
export async function freshDatabase(): Promise<{ sql: postgres.Sql; drop: () => Promise<void> }> {
  const database = `parite_journal_${randomBytes(6).toString('hex')}`;
  const admin = postgres({ ...postgresConnection, database: 'postgres', max: 1 });
  await admin.unsafe(`create database ${database}`);
  const sql = postgres({ ...postgresConnection, database, max: 4 });
  return {
    sql,
    drop: async () => {
      await sql.end();
      await admin.unsafe(`drop database if exists ${database} with (force)`);
      await admin.end();
    },
  };
}

export async function postgresHarness(): Promise<JournalHarness> {
  const { sql, drop } = await freshDatabase();
  await ensureJournalSchema(sql);
  return { journal: (limits) => new PostgresJournal({ sql, limits }), dispose: drop };
}

export async function natsHarness(): Promise<JournalHarness> {
  const connection = await connect({ servers: '127.0.0.1:4222' });
  const name = `test_${randomBytes(6).toString('hex')}`;
  return {
    journal: (limits) => new NatsJournal({ connection, name, limits }),
    dispose: async () => {
      const manager = await jetstreamManager(connection);
      await manager.streams.delete(natsJournalNames(name).stream).catch(() => false);
      await connection.close();
    },
  };
}
