// A user's ledger entries, newest first: every posting leg that debits or credits one of the user's
// accounts, seen from the user's side. The other side is shown only as a kind of account: another
// user's id never leaves the platform.

import { formatDecimal } from '@parite/kernel';
import type { AnySql } from '../storage/sql.ts';
import { assertLimit, pageOf, type EntryCursor, type Page } from './pages.ts';
import { counterpartyKind, safeNumber, type CounterpartyKind } from './presentation.ts';

export interface LedgerEntryFilter {
  ownerId: number;
  assetId?: number;
  before?: EntryCursor;
  limit: number;
}

export interface LedgerEntryItem {
  postingId: number;
  legIndex: number;
  asset: string;
  /** Positive decimal; `direction` says whether it left (debit) or reached (credit) the account. */
  amount: string;
  direction: 'debit' | 'credit';
  counterparty: CounterpartyKind;
  /** 'trade:<tradeId>' or 'transfer:<transferId>'. */
  reference: string;
  postedAtMs: number;
}

interface EntryRecord {
  posting_id: bigint;
  leg_index: number;
  direction: 'debit' | 'credit';
  counterparty_id: bigint;
  amount_units: bigint;
  asset_code: string;
  asset_scale: number;
  reference: string;
  posted_at_ms: bigint;
}

export async function queryLedgerEntries(sql: AnySql, filter: LedgerEntryFilter): Promise<Page<LedgerEntryItem>> {
  assertLimit(filter.limit);
  const asset = filter.assetId === undefined ? sql`` : sql`and e.asset_id = ${filter.assetId}`;
  const before = filter.before === undefined ? sql``
    : sql`and (e.posting_id, e.leg_index) < (${filter.before.postingId}::int8, ${filter.before.legIndex}::int2)`;
  const rows = await sql<EntryRecord[]>`
    select x.posting_id, x.leg_index, x.direction, x.counterparty_id, x.amount_units,
      a.code as asset_code, a.scale as asset_scale, p.reference, p.posted_at_ms
    from (
      (select e.posting_id, e.leg_index, 'debit' as direction, e.credit_owner_id as counterparty_id, e.asset_id,
          e.amount_units
        from ledger_entries e
        where e.debit_owner_id = ${filter.ownerId} ${asset} ${before}
        order by e.posting_id desc, e.leg_index desc limit ${filter.limit})
      union all
      (select e.posting_id, e.leg_index, 'credit' as direction, e.debit_owner_id as counterparty_id, e.asset_id,
          e.amount_units
        from ledger_entries e
        where e.credit_owner_id = ${filter.ownerId} ${asset} ${before}
        order by e.posting_id desc, e.leg_index desc limit ${filter.limit})
    ) x
    join ledger_postings p on p.posting_id = x.posting_id
    join assets a on a.asset_id = x.asset_id
    order by x.posting_id desc, x.leg_index desc
    limit ${filter.limit}`;
  return pageOf(rows.map(entryItem), filter.limit, (item) => `${item.postingId}:${item.legIndex}`);
}

function entryItem(row: EntryRecord): LedgerEntryItem {
  return {
    postingId: safeNumber(row.posting_id, 'posting_id'), legIndex: row.leg_index, asset: row.asset_code,
    amount: formatDecimal(row.amount_units, row.asset_scale), direction: row.direction,
    counterparty: counterpartyKind(safeNumber(row.counterparty_id, 'counterparty_id')),
    reference: row.reference, postedAtMs: safeNumber(row.posted_at_ms, 'posted_at_ms'),
  };
}
