// Which PostgreSQL the OIDC suites use: DATABASE_URL when set; the local server (127.0.0.1:5432)
// when PARITE_TEST_REAL_SERVICES=1; otherwise an embedded server this test process starts, so the
// suites always run. Each suite gets a fresh, randomly named database with the OIDC tables.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, startTestPostgres, type TestDatabase, type TestPostgresServer } from '@parite/platform';
import { identityMigrationsDirectory } from '../../src/index.ts';

export type OidcTestServer = TestPostgresServer;
export const startOidcTestServer: () => Promise<OidcTestServer> = startTestPostgres;

/**
 * A fresh database holding the OIDC tables. The migration file is applied directly: its tables
 * stand alone, and the identity module's other migrations are not needed here.
 */
export async function freshOidcDatabase(server: OidcTestServer): Promise<TestDatabase> {
  const database = await createTestDatabase({ adminUrl: server.adminUrl, poolSize: 8 });
  try {
    const migration = readFileSync(join(identityMigrationsDirectory, '0003-oidc.sql'), 'utf8');
    await database.sql.begin((transaction) => transaction.unsafe(migration));
  } catch (error) {
    await database.drop();
    throw error;
  }
  return database;
}
