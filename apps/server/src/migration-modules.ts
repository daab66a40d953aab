// Every module's migrations, in the order they are applied: by the server at start and by the
// operator CLI's `migrate`. A module added here is migrated everywhere.
import { approvalsMigrations } from '@parite/approvals';
import { fxMigrations } from '@parite/fx';
import { identityMigrationsDirectory } from '@parite/identity';
import { platformMigrations, type MigrationModule } from '@parite/platform';
import { projectionsMigrations } from '@parite/projections';

export const migrationModules: readonly MigrationModule[] = [
  platformMigrations,
  { module: 'identity', directory: identityMigrationsDirectory },
  projectionsMigrations,
  approvalsMigrations,
  fxMigrations,
];
