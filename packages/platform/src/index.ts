// @parite/platform: configuration, logging, database, migrations, the audit log, and the event
// bus and cache ports with their in-process and production adapters.
export * from './config.ts';
export * from './logger.ts';
export * from './sql.ts';
export * from './sql-copy.ts';
export * from './database.ts';
export * from './process-priority.ts';
export { embeddedPortAttemptsMax, embeddedPasswordFileName, isPortFree } from './database-embedded.ts';
export * from './migrations.ts';
export * from './platform-migrations.ts';
export * from './testing.ts';
export * from './audit/index.ts';
export * from './bus/index.ts';
export * from './cache/index.ts';
