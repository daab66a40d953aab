// The store contract on a real PostgreSQL (127.0.0.1:5432, user postgres), in a fresh database
// with a random name that is dropped afterwards. Runs only with PARITE_TEST_REAL_SERVICES=1.
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { identityMigrationsDirectory, PostgresIdentityStore } from '../src/index.ts';
import { storeContract } from './store-contract.ts';

const serverUrl = 'postgres://postgres@127.0.0.1:5432';

async function admin(statement: string): Promise<void> {
  const sql = postgres(`${serverUrl}/postgres`, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(statement);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

if (process.env['PARITE_TEST_REAL_SERVICES'] === '1') {
  for (const int8 of ['string', 'bigint'] as const) {
    storeContract(`postgres (int8 as ${int8})`, async () => {
      const database = `parite_identity_test_${randomBytes(6).toString('hex')}`;
      await admin(`create database ${database}`);
      // The platform pool parses int8 to bigint; a plain pool returns strings. Both must work.
      const url = `${serverUrl}/${database}`;
      const sql =
        int8 === 'bigint'
          ? postgres(url, { max: 2, onnotice: () => {}, types: { bigint: postgres.BigInt } })
          : postgres(url, { max: 2, onnotice: () => {} });
      const migration = readFileSync(`${identityMigrationsDirectory}/0001-identity.sql`, 'utf8');
      await sql.begin((transaction) => transaction.unsafe(migration));
      return {
        store: new PostgresIdentityStore(sql),
        close: async () => {
          await sql.end({ timeout: 5 });
          await admin(`drop database if exists ${database} with (force)`);
        },
      };
    });
  }
}
