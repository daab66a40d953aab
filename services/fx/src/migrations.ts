// The FX service's schema, for the platform migration runner: runMigrations(sql, [fxMigrations]).
import { fileURLToPath } from 'node:url';

export const fxMigrations = {
  module: 'fx',
  directory: fileURLToPath(new URL('../migrations', import.meta.url)),
} as const;
