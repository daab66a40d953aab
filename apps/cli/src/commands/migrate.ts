// migrate: applies every pending migration (platform, identity, projections, and the journal
// tables when the journal lives in PostgreSQL). Idempotent: a second run applies nothing.

import { ensureJournalSchema } from '@parite/journal';
import { loadConfig, runMigrations } from '@parite/platform';
import { flag, type Command } from '../command.ts';
import { withDatabase } from '../database.ts';
import { ExitCode } from '../exit-codes.ts';
import { operatorMigrationModules } from '../migrations.ts';
import { jsonText } from '../output.ts';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Apply all pending database migrations.',
  details: 'Applies the platform, identity and projections migrations in order (the server does the same at\n' +
    'start), and creates the journal tables when PARITE_JOURNAL is postgres or nats. Safe to run twice and\n' +
    'safe to run while the server is up: migrations take an advisory lock.',
  options: {},
  async run(values, { environment, output }) {
    const config = loadConfig(environment);
    const report = await withDatabase(config, async (database) => {
      const migrations = await runMigrations(database.sql, operatorMigrationModules);
      if (config.journalKind !== 'file') await ensureJournalSchema(database.sql);
      return migrations;
    });
    if (flag(values, 'json')) {
      output.out(jsonText({ applied: report.applied, alreadyApplied: report.alreadyApplied }));
      return ExitCode.Ok;
    }
    for (const file of report.applied) {
      output.out(`applied ${file.module} ${String(file.version).padStart(4, '0')}-${file.name}`);
    }
    output.out(`${report.applied.length} migrations applied, ${report.alreadyApplied} already applied`);
    return ExitCode.Ok;
  },
};
