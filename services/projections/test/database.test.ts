// Database suites of the projections. One PostgreSQL for the whole file: DATABASE_URL, the local
// server (PARITE_TEST_REAL_SERVICES=1), or an embedded server started here, so the suites always
// run. Each test works in its own fresh database (see support/database.ts).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { registerHttpSuite } from './support/http-suite.ts';
import { registerProjectorSuite } from './support/projector-suite.ts';
import { startTestServer, withDatabase, type TestServer } from './support/database.ts';
import { postingColumns } from '../src/storage/columns.ts';
import { CopyRefusedError } from '@parite/platform';
import { copyRows } from '../src/storage/sql.ts';
import { CountingSlice } from './support/counting-slice.ts';
import type { PostingRow } from '../src/mapping/rows.ts';

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

/** Ledger postings with awkward text: every character the COPY text format treats specially. */
function postings(firstId: number, count: number): PostingRow[] {
  const awkward = ['tab\there', 'line\nbreak', 'carriage\rreturn', 'back\\slash', '\\N', '', 'İğüşöç "q", {x}'];
  return Array.from({ length: count }, (_, index) => ({
    postingId: firstId + index, reference: `transfer:${awkward[index % awkward.length] as string}`,
    reason: index % 3 === 0 ? null : (awkward[(index + 1) % awkward.length] as string), legCount: 2,
    postedAtMs: 1_700_000_000_000 + index, sequence: BigInt(firstId + index),
  }));
}


describe('COPY into insert-only tables', () => {
  test('stores every row exactly, awkward text and nulls included, yielding while it builds', async () => {
    await withDatabase(server, async ({ sql }) => {
      const rows = postings(1, 2_500);
      const slice = new CountingSlice();
      const count = await sql.begin((transaction) => copyRows(transaction, 'ledger_postings', postingColumns, rows, slice));
      assert.equal(count, rows.length);
      assert.ok(slice.pauses > 0, 'it yields to the event loop while building the rows');
      const stored = await sql<{ posting_id: bigint; reference: string; reason: string | null; leg_count: number;
        posted_at_ms: bigint; sequence: bigint }[]>`select * from ledger_postings order by posting_id`;
      assert.deepEqual(stored.map((row) => ({ postingId: Number(row.posting_id), reference: row.reference, reason: row.reason,
        legCount: row.leg_count, postedAtMs: Number(row.posted_at_ms), sequence: row.sequence })), rows);
    });
  });

  test('a refused COPY fails its transaction as a whole and leaves the connection usable', async () => {
    await withDatabase(server, async ({ sql }) => {
      await sql.begin((transaction) => copyRows(transaction, 'ledger_postings', postingColumns, postings(1, 10)));
      // Small (the refusal comes after the end of the data) and large (it may come while sending).
      for (const rows of [postings(11, 5).concat(postings(3, 1)), postings(20, 30_000).concat(postings(5, 1))]) {
        const refused = await sql.begin(async (transaction) => {
          await transaction`insert into projection_checkpoints (name, sequence) values ('copy-test', 1)`;
          await copyRows(transaction, 'ledger_postings', postingColumns, rows);
        }).then(() => undefined, (error: unknown) => error);
        assert.ok(refused instanceof CopyRefusedError || (refused as { code?: string }).code === '23505', String(refused));
        const [counts] = await sql<{ postings: bigint; checkpoints: bigint }[]>`select
          (select count(*) from ledger_postings) as postings,
          (select count(*) from projection_checkpoints where name = 'copy-test') as checkpoints`;
        assert.deepEqual(counts, { postings: 10n, checkpoints: 0n }, 'nothing of the transaction stays');
      }
    });
  });
});

registerProjectorSuite(server);
registerHttpSuite(server);
