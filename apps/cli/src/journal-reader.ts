// Read access to the engine's journal and snapshots, for verify and rebuild-projections.
//
// The file journal has one writer, the server, and opening a FileJournal is a recovery that may cut
// a torn tail: opening the live directory while the server appends could cut a record being
// written. So the CLI copies the segments to a temporary directory and opens the copy; a flush
// caught half-copied is just a torn tail of the copy. The copy costs disk and time proportional to
// the journal. PostgreSQL and NATS journals are read in place (reading them writes nothing).

import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import {
  FileJournal, FileSnapshotStore, NatsJournal, PostgresJournal, PostgresSnapshotStore, copyJournalDirectory, type Journal,
  type SnapshotStore,
} from '@parite/journal';
import type { PlatformConfig, Sql } from '@parite/platform';

export interface JournalReading {
  journal: Journal;
  snapshots: SnapshotStore;
  /** Where the records come from, for the report. */
  source: string;
  close(): Promise<void>;
}

export async function openJournalForReading(config: PlatformConfig, sql: Sql): Promise<JournalReading> {
  if (config.journalKind === 'file') return await openFileCopy(config.dataDirectory);
  const snapshots = new PostgresSnapshotStore({ sql });
  if (config.journalKind === 'postgres') {
    const journal = new PostgresJournal({ sql });
    await journal.open();
    return { journal, snapshots, source: 'PostgreSQL journal', close: () => journal.close() };
  }
  if (config.natsUrl === undefined) throw new Error('PARITE_JOURNAL=nats needs NATS_URL');
  const connection = await connect({ servers: config.natsUrl, name: 'parite-cli' });
  const journal = new NatsJournal({ connection, name: config.journalName });
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

async function openFileCopy(dataDirectory: string): Promise<JournalReading> {
  const live = join(dataDirectory, 'journal');
  const copy = await mkdtemp(join(tmpdir(), 'parite-cli-journal-'));
  try {
    if (existsSync(live)) await copyJournalDirectory(live, copy);
    else await mkdir(copy, { recursive: true });
    const journal = new FileJournal({ directory: copy });
    await journal.open();
    return {
      journal, snapshots: new FileSnapshotStore({ directory: join(dataDirectory, 'snapshots') }),
      source: `copy of ${live}`,
      close: async () => {
        await journal.close();
        await rm(copy, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(copy, { recursive: true, force: true });
    throw error;
  }
}
