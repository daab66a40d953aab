// Schema migrations: each module owns a directory of `NNNN-name.sql` files, applied in order,
// each in its own transaction, and recorded with a checksum in schema_migrations.
//
// - An applied migration is history: editing it is refused (checksum mismatch), and so is
//   deleting it. Fix forward with a new file.
// - Several processes may start at once. Every step takes the same transaction-scoped advisory
//   lock and re-reads schema_migrations after taking it, so each file is applied exactly once.
// - Files must not contain their own BEGIN/COMMIT: the runner owns the transaction.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assert, sha256Hex } from '@parite/kernel';
import type { Sql, TransactionSql } from './sql.ts';

export interface MigrationModule {
  /** Owner of the migrations, e.g. 'platform' or a service name. */
  readonly module: string;
  /** Absolute path of the directory holding the module's NNNN-name.sql files. */
  readonly directory: string;
}

export interface MigrationFile {
  readonly module: string;
  readonly version: number;
  readonly name: string;
  readonly checksum: string;
  readonly sqlText: string;
}

export interface MigrationReport {
  readonly applied: readonly { module: string; version: number; name: string }[];
  readonly alreadyApplied: number;
}

export const migrationModulesMax = 100;
export const migrationFilesPerModuleMax = 1000;
/** Arbitrary constant shared by every migrator; only needs to differ from other advisory lock keys. */
export const migrationAdvisoryLockKey = 7_260_001n;

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

const fileNamePattern = /^([0-9]{4})-([a-z0-9][a-z0-9-]*)\.sql$/;
const moduleNamePattern = /^[a-z][a-z0-9_-]{0,63}$/;

export async function runMigrations(sql: Sql, modules: readonly MigrationModule[]): Promise<MigrationReport> {
  assert(modules.length <= migrationModulesMax, 'too many migration modules');
  assert(new Set(modules.map((entry) => entry.module)).size === modules.length, 'duplicate migration module');
  const plans = modules.map((entry) => ({ module: entry.module, files: readMigrationFiles(entry) }));
  await sql.begin(async (transaction) => {
    await lock(transaction);
    await transaction`
      create table if not exists schema_migrations (
        module text not null,
        version int not null,
        name text not null,
        checksum text not null,
        applied_at timestamptz not null default now(),
        primary key (module, version)
      )`;
  });
  const applied: { module: string; version: number; name: string }[] = [];
  let alreadyApplied = 0;
  for (const plan of plans) {
    for (const file of plan.files) {
      const result = await applyOne(sql, file);
      if (result === 'applied') applied.push({ module: file.module, version: file.version, name: file.name });
      else alreadyApplied++;
    }
    // Checked after applying so a concurrent migrator's records are seen too.
    await refuseUnknownVersions(sql, plan.module, plan.files.length);
  }
  return { applied, alreadyApplied };
}

/** Reads and validates a module's directory: versions 1..n, no gaps, no duplicates. */
export function readMigrationFiles(entry: MigrationModule): MigrationFile[] {
  assert(moduleNamePattern.test(entry.module), `invalid migration module name: ${entry.module}`);
  const names = readdirSync(entry.directory).filter((name) => name.endsWith('.sql')).sort();
  if (names.length > migrationFilesPerModuleMax) throw new MigrationError(`${entry.module}: too many migrations`);
  const files = names.map((fileName, index): MigrationFile => {
    const match = fileNamePattern.exec(fileName);
    if (match === null) throw new MigrationError(`${entry.module}: ${fileName} is not named NNNN-name.sql`);
    const version = Number(match[1]);
    if (version !== index + 1) {
      throw new MigrationError(`${entry.module}: expected version ${index + 1} but found ${fileName}`);
    }
    const sqlText = readFileSync(join(entry.directory, fileName), 'utf8');
    return { module: entry.module, version, name: match[2] ?? '', checksum: sha256Hex(sqlText), sqlText };
  });
  return files;
}

async function applyOne(sql: Sql, file: MigrationFile): Promise<'applied' | 'present'> {
  return await sql.begin(async (transaction) => {
    await lock(transaction);
    const rows = await transaction<{ checksum: string }[]>`
      select checksum from schema_migrations where module = ${file.module} and version = ${file.version}`;
    const existing = rows[0];
    if (existing !== undefined) {
      if (existing.checksum !== file.checksum) {
        throw new MigrationError(
          `${file.module} migration ${file.version} (${file.name}) was changed after it was applied; ` +
            'applied migrations are immutable, add a new migration instead',
        );
      }
      return 'present' as const;
    }
    await transaction.unsafe(file.sqlText);
    await transaction`
      insert into schema_migrations (module, version, name, checksum)
      values (${file.module}, ${file.version}, ${file.name}, ${file.checksum})`;
    return 'applied' as const;
  });
}

async function refuseUnknownVersions(sql: Sql, module: string, versionLast: number): Promise<void> {
  const rows = await sql<{ version: number; name: string }[]>`
    select version, name from schema_migrations where module = ${module} and version > ${versionLast}
    order by version limit 1`;
  const unknown = rows[0];
  if (unknown !== undefined) {
    throw new MigrationError(`${module} migration ${unknown.version} (${unknown.name}) is applied but its file is missing`);
  }
}

async function lock(transaction: TransactionSql): Promise<void> {
  await transaction`select pg_advisory_xact_lock(${migrationAdvisoryLockKey})`;
}
