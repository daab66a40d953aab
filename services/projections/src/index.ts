// @parite/projections: PostgreSQL read models of the exchange, projected exactly once from the
// engine's committed-command stream, rebuildable from the journal, and the history HTTP API.

export { Projector, projectorBatchMaxDefault, projectorBatchMaxLimit, projectorQueueMaxDefault } from './projector.ts';
export type { ProjectorHandle, ProjectorOptions, ProjectorStatus, ReadCommitted } from './projector.ts';
export { JournalFollower, followerBacklogMax } from './journal-follower.ts';
export type { JournalFollowerOptions } from './journal-follower.ts';
export { Waiters } from './waiters.ts';
export { boundedJournal, committedFromJournal } from './journal-source.ts';
export type { JournalReader, JournalRecordLike, JournalSourceOptions, SnapshotReader } from './journal-source.ts';
export { rebuildProjections, rebuildShardedProjections, projectionTables, rebuildBatchMax } from './rebuild.ts';
export type { ProjectionSource, RebuildReport } from './rebuild.ts';
export { projectionsMigrations } from './migrations.ts';
export { exchangeProjectionName, projectionNameOf, readCheckpoint, CheckpointMovedError } from './storage/checkpoint.ts';
export { unshardedProjection } from './mapping/rows.ts';
export type { ProjectionShard } from './mapping/rows.ts';
export type { Sql, SqlTypes, TransactionSql } from './storage/sql.ts';
export { projectionsPlugin, requestOwnerId } from './http/plugin.ts';
export type { ProjectionsPluginOptions } from './http/plugin.ts';
export * from './queries.ts';
export { orderStatuses } from './mapping/order-status.ts';
export type { OrderStatus } from './mapping/order-status.ts';
