// Every module's migrations, in the order the server applies them at start (apps/server platform.ts).
import { identityMigrationsDirectory } from '@parite/identity';
import { projectionsMigrations } from '@parite/projections';
import { platformMigrations, type MigrationModule } from '@parite/platform';

export const operatorMigrationModules: readonly MigrationModule[] = [
  platformMigrations,
  { module: 'identity', directory: identityMigrationsDirectory },
  projectionsMigrations,
];
