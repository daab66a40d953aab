// The platform's own migrations (the audit log), to be passed to runMigrations with the services'.
import { fileURLToPath } from 'node:url';
import type { MigrationModule } from './migrations.ts';

export const platformMigrations: MigrationModule = {
  module: 'platform',
  directory: fileURLToPath(new URL('../migrations', import.meta.url)),
};
