// Migration runner behaviour against a real PostgreSQL: order, one transaction per file,
// idempotence, immutability of applied files, and several migrators racing.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MigrationError, runMigrations, type MigrationModule } from '../../src/migrations.ts';
import { platformMigrations } from '../../src/platform-migrations.ts';
import { connectSql } from '../../src/sql.ts';
import { withDatabase, type ServerHandle } from './postgres-server.ts';

const fixtureDirectory = fileURLToPath(new URL('../fixtures/migrations/alpha', import.meta.url));

function copyFixtures(): { module: MigrationModule; remove(): void } {
  const directory = mkdtempSync(join(tmpdir(), 'parite-migrations-'));
  cpSync(fixtureDirectory, directory, { recursive: true });
  return { module: { module: 'alpha', directory }, remove: () => rmSync(directory, { recursive: true, force: true }) };
}

export function registerMigrationSuite(server: ServerHandle): void {
  describe('runMigrations', () => {
    test('applies files in order, records them, and is idempotent', async () => {
      await withDatabase(server, [], async ({ sql }) => {
        const alpha = { module: 'alpha', directory: fixtureDirectory };
        const first = await runMigrations(sql, [platformMigrations, alpha]);
        assert.deepEqual(
          first.applied.map((entry) => `${entry.module}:${entry.version}:${entry.name}`),
          ['platform:1:audit-log', 'alpha:1:create-things', 'alpha:2:add-colour'],
        );
        const things = await sql<{ name: string; colour: string }[]>`select name, colour from things`;
        assert.deepEqual([...things], [{ name: 'first', colour: 'blue' }]);
        const second = await runMigrations(sql, [platformMigrations, alpha]);
        assert.deepEqual(second, { applied: [], alreadyApplied: 3 });
        const recorded = await sql<{ count: bigint }[]>`select count(*) from schema_migrations`;
        assert.equal(recorded[0]?.count, 3n);
      });
    });

    test('refuses an applied migration whose content changed', async () => {
      const copy = copyFixtures();
      try {
        await withDatabase(server, [], async ({ sql }) => {
          await runMigrations(sql, [copy.module]);
          writeFileSync(join(copy.module.directory, '0001-create-things.sql'), 'create table things (id int);\n');
          await assert.rejects(runMigrations(sql, [copy.module]), (error: unknown) => {
            assert.ok(error instanceof MigrationError);
            assert.match(error.message, /alpha migration 1 \(create-things\) was changed/);
            return true;
          });
        });
      } finally {
        copy.remove();
      }
    });

    test('refuses an applied migration whose file was removed', async () => {
      const copy = copyFixtures();
      try {
        await withDatabase(server, [], async ({ sql }) => {
          await runMigrations(sql, [copy.module]);
          unlinkSync(join(copy.module.directory, '0002-add-colour.sql'));
          await assert.rejects(runMigrations(sql, [copy.module]), /alpha migration 2 \(add-colour\) is applied but its file is missing/);
        });
      } finally {
        copy.remove();
      }
    });

    test('rolls a failing file back entirely and keeps the earlier ones', async () => {
      const copy = copyFixtures();
      try {
        writeFileSync(
          join(copy.module.directory, '0003-broken.sql'),
          'create table half_done (id int);\nselect * from no_such_table;\n',
        );
        await withDatabase(server, [], async ({ sql }) => {
          await assert.rejects(runMigrations(sql, [copy.module]), /no_such_table/);
          const versions = await sql<{ version: number }[]>`select version from schema_migrations order by version`;
          assert.deepEqual(versions.map((row) => row.version), [1, 2]);
          const halfDone = await sql`select 1 from pg_tables where tablename = 'half_done'`;
          assert.equal(halfDone.length, 0);
        });
      } finally {
        copy.remove();
      }
    });

    test('refuses misnamed files and version gaps before touching the database', async () => {
      const copy = copyFixtures();
      try {
        writeFileSync(join(copy.module.directory, '0004-gap.sql'), 'select 1;\n');
        await withDatabase(server, [], async ({ sql }) => {
          await assert.rejects(runMigrations(sql, [copy.module]), /expected version 3 but found 0004-gap.sql/);
          unlinkSync(join(copy.module.directory, '0004-gap.sql'));
          writeFileSync(join(copy.module.directory, '3-bad.sql'), 'select 1;\n');
          await assert.rejects(runMigrations(sql, [copy.module]), /3-bad.sql is not named NNNN-name.sql/);
          const tables = await sql`select 1 from pg_tables where tablename = 'schema_migrations'`;
          assert.equal(tables.length, 0);
        });
      } finally {
        copy.remove();
      }
    });

    test('concurrent migrators apply every file exactly once', async () => {
      await withDatabase(server, [], async (database) => {
        const alpha = { module: 'alpha', directory: fixtureDirectory };
        const migratorCount = 4;
        const pools = Array.from({ length: migratorCount }, () => connectSql(database.url, { poolSize: 2 }));
        try {
          const reports = await Promise.all(pools.map((pool) => runMigrations(pool, [platformMigrations, alpha])));
          const appliedTotal = reports.reduce((total, report) => total + report.applied.length, 0);
          assert.equal(appliedTotal, 3);
          for (const report of reports) assert.equal(report.applied.length + report.alreadyApplied, 3);
          const rows = await database.sql<{ count: bigint }[]>`select count(*) from things`;
          assert.equal(rows[0]?.count, 1n);
        } finally {
          await Promise.all(pools.map((pool) => pool.end()));
        }
      });
    });
  });
}
