// Read access to the engine's journal and snapshots (one shard's), for verify and rebuild-projections.
//
// The file journal has one writer, the server, and opening a FileJournal is a recovery that may cut
// a torn tail. The CLI therefore opens the live directory with a FileJournalReader: it never takes
// the writer lock and never writes, and a flush the server is still writing reads as the end.
// PostgreSQL and NATS journals are read in place (reading them writes nothing).

import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import {
  FileJournalReader, FileSnapshotStore, NatsJournal, PostgresJournal, PostgresSnapshotStore, defaultJournalTable,
  defaultSnapshotTable, type Journal, type SnapshotStore,
} from '@parite/journal';
import { shardStorageNames, type PlatformConfig, type Sql } from '@parite/platform';

export interface JournalReading {
  journal: Journal;
  snapshots: SnapshotStore;
  /** Where the records come from, for the report. */
  source: string;
  close(): Promise<void>;
}

export async function openJournalForReading(config: PlatformConfig, sql: Sql, shardIndex = 0): Promise<JournalReading> {
  const names = shardStorageNames(config, shardIndex);
  if (config.journalKind === 'file') {
    const directory = join(config.dataDirectory, `journal${names.directorySuffix}`);
    const journal = new FileJournalReader({ directory });
    await journal.open();
    return {
      journal, snapshots: new FileSnapshotStore({ directory: join(config.dataDirectory, `snapshots${names.directorySuffix}`) }),
      source: directory, close: () => journal.close(),
    };
  }
  const snapshots = new PostgresSnapshotStore({ sql, table: `${defaultSnapshotTable}${names.tableSuffix}` });
  if (config.journalKind === 'postgres') {
    const journal = new PostgresJournal({ sql, table: `${defaultJournalTable}${names.tableSuffix}` });
    await journal.open();
    return { journal, snapshots, source: 'PostgreSQL journal', close: () => journal.close() };
  }
  if (config.natsUrl === undefined) throw new Error('PARITE_JOURNAL=nats needs NATS_URL');
  const connection = await connect({ servers: config.natsUrl, name: 'parite-cli' });
  const journal = new NatsJournal({ connection, name: names.journalName });
  try {
    await journal.open();
  } catch (error) {
    await connection.close();
    throw error;
  }
  return {
    journal, snapshots, source: 'NATS JetStream journal',
    close: async () => {
      await journal.close();
      await connection.drain();
    },
  };
}
