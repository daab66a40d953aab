// The projections' schema, for the platform migration runner: runMigrations(sql, [projectionsMigrations]).
import { fileURLToPath } from 'node:url';

export const projectionsMigrations = {
  module: 'projections',
  directory: fileURLToPath(new URL('../migrations', import.meta.url)),
} as const;
