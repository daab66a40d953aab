// Database suites of the projections. One PostgreSQL for the whole file: DATABASE_URL, the local
// server (PARITE_TEST_REAL_SERVICES=1), or an embedded server started here, so the suites always
// run. Each test works in its own fresh database (see support/database.ts).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { registerHttpSuite } from './support/http-suite.ts';
import { registerProjectorSuite } from './support/projector-suite.ts';
import { startTestServer, withDatabase, type TestServer } from './support/database.ts';

const server: TestServer = { adminUrl: '', close: async () => {} };
let started: TestServer | undefined;

before(async () => {
  started = await startTestServer();
  server.adminUrl = started.adminUrl;
});

after(async () => {
  await started?.close();
});

describe('projections schema', () => {
  test('the migration creates the tables with their money checks', async () => {
    await withDatabase(server, async ({ sql }) => {
      const tables = await sql<{ table_name: string }[]>`
        select table_name from information_schema.tables where table_schema = 'public' order by table_name`;
      const names = tables.map((row) => row.table_name);
      for (const table of ['assets', 'markets', 'orders', 'trades', 'balances', 'ledger_postings', 'ledger_entries',
        'projection_checkpoints', 'user_fee_tiers']) assert.ok(names.includes(table), table);
      await sql`insert into ledger_postings (posting_id, reference, leg_count, posted_at_ms, sequence)
        values (1, 'transfer:x', 1, 0, 1)`;
      await assert.rejects(sql`insert into ledger_entries
        (posting_id, leg_index, debit_owner_id, credit_owner_id, asset_id, amount_units) values (1, 0, 0, 1001, 1, 0)`,
      /ledger_entries_amount_units_check/);
      await assert.rejects(sql`insert into balances (owner_id, asset_id, balance_units, held_units, updated_sequence)
        values (1001, 1, 5, 6, 1)`, /balances_check/);
    });
  });
});

registerProjectorSuite(server);
registerHttpSuite(server);
