// Which PostgreSQL server the database suites run against: the real one on 127.0.0.1:5432 when
// PARITE_TEST_REAL_SERVICES=1, otherwise the embedded server the test file starts (so the
// suites always run). Each test gets its own database from createTestDatabase().
import { createTestDatabase, type TestDatabase } from '../../src/testing.ts';
import { runMigrations, type MigrationModule } from '../../src/migrations.ts';
import { platformMigrations } from '../../src/platform-migrations.ts';
import { freePort } from '../../src/testing.ts';
export { freePort };

export const realServices = process.env['PARITE_TEST_REAL_SERVICES'] === '1';

export interface ServerHandle {
  /** Admin URL (any database) on the server under test. */
  adminUrl: string;
}

export async function freshDatabase(server: ServerHandle, modules: readonly MigrationModule[] = []): Promise<TestDatabase> {
  const database = await createTestDatabase({ adminUrl: server.adminUrl, poolSize: 4 });
  if (modules.length > 0) await runMigrations(database.sql, modules);
  return database;
}

export async function freshAuditDatabase(server: ServerHandle): Promise<TestDatabase> {
  return await freshDatabase(server, [platformMigrations]);
}

/** Runs `body` with a fresh database and always drops it. */
export async function withDatabase(
  server: ServerHandle,
  modules: readonly MigrationModule[],
  body: (database: TestDatabase) => Promise<void>,
): Promise<void> {
  const database = await freshDatabase(server, modules);
  try {
    await body(database);
  } finally {
    await database.drop();
  }
}

