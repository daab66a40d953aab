export * from './errors.ts';
export * from './journal-port.ts';
export { GroupCommitJournal } from './group-commit-journal.ts';
export { journalFlushChannelName, type JournalFlushMessage } from './group-commit.ts';
export { MemoryJournal, MemoryJournalStorage, type MemoryJournalOptions } from './memory-journal.ts';
export { FileJournal, defaultSegmentBytesMax, type FileJournalOptions } from './file-journal.ts';
export { FileJournalReader, type FileJournalReaderOptions } from './file-journal-reader.ts';
export { acquireWriterLock, copyJournalDirectory, JournalLockedError, writerLockFileName } from './writer-lock.ts';
export { PostgresJournal, type PostgresJournalOptions } from './postgres-journal.ts';
export {
  ensureJournalSchema,
  journalSchemaSql,
  defaultJournalTable,
  defaultSnapshotTable,
  type AnySql,
  type PostgresTableNames,
} from './postgres-schema.ts';
export { NatsJournal, natsJournalNames, type NatsJournalOptions } from './nats-journal.ts';
export * from './snapshot-store.ts';
export { MemorySnapshotStore } from './memory-snapshot-store.ts';
export { PostgresSnapshotStore, type PostgresSnapshotStoreOptions } from './postgres-snapshot-store.ts';
