// A PostgreSQL-backed FX runtime for the service tests: a fresh database with the FX schema, the
// runtime over a given cache and bus, a manual or real clock, and a hand-fed tick helper.

import {
  createSilentLogger, createTestDatabase, MemoryEventBus, runMigrations, type Cache, type EventBus,
  type TestDatabase, type TestPostgresServer,
} from '@parite/platform';
import type { Clock } from '@parite/kernel';
import { createFxRuntime, fxMigrations, type FxRuntime, type FxRuntimeOptions } from '../../src/index.ts';

export async function freshFxDatabase(server: TestPostgresServer): Promise<TestDatabase> {
  const database = await createTestDatabase({ adminUrl: server.adminUrl, poolSize: 6 });
  try {
    await runMigrations(database.sql, [fxMigrations]);
  } catch (error) {
    await database.drop();
    throw error;
  }
  return database;
}

export interface HarnessOptions extends Partial<Omit<FxRuntimeOptions, 'sql' | 'cache' | 'clock'>> {
  readonly cache: Cache;
  readonly clock: Clock;
  readonly bus?: EventBus;
}

/** A runtime with no scheduled cycles unless cycleIntervalMs is given: tests call runCycle themselves. */
export function fxRuntime(database: TestDatabase, options: HarnessOptions): FxRuntime {
  return createFxRuntime({
    sql: database.sql, bus: options.bus ?? new MemoryEventBus(), logger: createSilentLogger(), providers: [],
    cycleIntervalMs: 3_600_000, ...options, baseSettings: options.baseSettings!,
  });
}
