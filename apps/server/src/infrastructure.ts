// Chooses each adapter from configuration: embedded/in-process by default, production adapters
// (PostgreSQL, Redis, NATS JetStream) when their URL is set. Nothing else in the platform knows
// which one it got.

import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import type { Clock } from '@parite/kernel';
import { fxStreamSubjects } from '@parite/fx';
import {
  FileJournal, FileSnapshotStore, NatsJournal, PostgresJournal, PostgresSnapshotStore, defaultJournalTable,
  defaultSnapshotTable, ensureJournalSchema,
  type Journal, type SnapshotStore,
} from '@parite/journal';
import {
  isServiceEnabled, MemoryCache, NatsEventBus, RedisCache, shardStorageNames, type Cache, type EventBus, type Logger, type PlatformConfig,
  type Sql,
} from '@parite/platform';

export interface JournalSetup {
  journal: Journal;
  snapshots: SnapshotStore;
  /** A file journal's directories (a follower in another thread opens them for reading). */
  directories?: { journal: string; snapshots: string };
  close(): Promise<void>;
}

/**
 * The journal directories a projector thread follows, when this shard's projector runs in its own
 * thread (PARITE_PROJECTOR_THREAD, a file journal, the projections service here); else undefined.
 * The engine keeps its payloads for the thread exactly then (engine-role.ts).
 */
export function projectorThreadDirectories(config: PlatformConfig, journalSetup: JournalSetup):
  JournalSetup['directories'] {
  return config.projectorThread && isServiceEnabled(config, 'projections') ? journalSetup.directories : undefined;
}

export async function openJournal(config: PlatformConfig, sql: Sql, shardIndex = 0): Promise<JournalSetup> {
  const names = shardStorageNames(config, shardIndex);
  if (config.journalKind === 'file') {
    const directories = { journal: join(config.dataDirectory, `journal${names.directorySuffix}`),
      snapshots: join(config.dataDirectory, `snapshots${names.directorySuffix}`) };
    return {
      journal: new FileJournal({ directory: directories.journal }),
      snapshots: new FileSnapshotStore({ directory: directories.snapshots }),
      directories,
      close: async () => {},
    };
  }
  const tables = { journalTable: `${defaultJournalTable}${names.tableSuffix}`,
    snapshotTable: `${defaultSnapshotTable}${names.tableSuffix}` };
  await ensureJournalSchema(sql, tables);
  const snapshots = new PostgresSnapshotStore({ sql, table: tables.snapshotTable });
  if (config.journalKind === 'postgres') {
    return { journal: new PostgresJournal({ sql, table: tables.journalTable }), snapshots, close: async () => {} };
  }
  if (config.natsUrl === undefined) throw new Error('PARITE_JOURNAL=nats needs NATS_URL');
  const connection = await connect({ servers: config.natsUrl, name: `parite-journal-${names.journalName}` });
  return {
    journal: new NatsJournal({ connection, name: names.journalName }),
    snapshots,
    close: async () => connection.drain(),
  };
}

export async function openCache(config: PlatformConfig, clock: Clock, logger: Logger): Promise<Cache> {
  if (config.redisUrl === undefined) return new MemoryCache({ clock });
  return RedisCache.connect({ url: config.redisUrl, keyPrefix: 'parite:', logger });
}

export const eventStreamName = 'PARITE_EVENTS';
export const eventSubjectPrefix = 'parite.exchange';

export const fxEventStreamName = 'PARITE_FX';

/** The FX rate cycles and alerts (NATS JetStream): their own stream, retention and consumers. */
export async function openFxBus(natsUrl: string): Promise<EventBus> {
  return NatsEventBus.connect({ url: natsUrl, streamName: fxEventStreamName, streamSubjects: [...fxStreamSubjects],
    connectionName: 'parite-fx' });
}

/** The bus events leave the process through (NATS JetStream); in-process consumers follow the engine. */
export async function openBus(natsUrl: string): Promise<EventBus> {
  return NatsEventBus.connect({ url: natsUrl, streamName: eventStreamName,
    streamSubjects: [`${eventSubjectPrefix}.>`], connectionName: 'parite-events' });
}
