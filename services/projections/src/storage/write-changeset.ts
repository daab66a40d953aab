// Writes one changeset inside the caller's transaction: a handful of multi-row statements, whatever
// the number of events. Rows that are only ever added (orders accepted in the batch, trades, ledger
// postings and entries) go in by COPY; rows that change are upserted or updated from unnest() of
// array parameters. Orders accepted in the batch are inserted whole; orders stored earlier are
// updated in one statement, and every one of them must exist (a miss means the tables and the
// checkpoint disagree, which only a bug or a manual edit can cause).

import { assert } from '@parite/kernel';
import type { ProjectionChangeset } from '../mapping/changeset.ts';
import {
  assetColumns, balanceColumns, entryColumns, marketColumns, orderChangeColumns, orderColumns, postingColumns,
  tradeColumns, userFeeTierColumns,
} from './columns.ts';
import { copyRows, insertRows, unnestSource, type Column, type TransactionSql } from './sql.ts';

export interface WriteCounts {
  orders: number;
  orderUpdates: number;
  trades: number;
  entries: number;
  balances: number;
}

function updateAll(columns: readonly { name: string }[], except: readonly string[]): string {
  return columns.filter((column) => !except.includes(column.name))
    .map((column) => `${column.name} = excluded.${column.name}`).join(', ');
}

/**
 * How insert-only tables are written: `copy` (the default, cheaper for PostgreSQL) or `insert`
 * statements (after a refused COPY: they report why, see CopyRefusedError).
 */
export type RowsForm = 'copy' | 'insert';

export async function writeChangeset(sql: TransactionSql, changeset: ProjectionChangeset,
  form: RowsForm = 'copy'): Promise<WriteCounts> {
  const appendRows = <Row>(table: string, columns: readonly Column<Row>[], rows: readonly Row[]) =>
    form === 'copy' ? copyRows(sql, table, columns, rows) : insertRows(sql, table, columns, rows);
  // An asset is created once; a replayed duplicate would be a bug, so a conflict must fail. A sharded
  // engine creates every asset on every shard (same id, same code), and whichever shard's projector
  // writes it first wins. No conflict target: two projectors inserting the same asset at the same
  // moment can collide on either unique index (asset_id or code), and `on conflict (asset_id)` only
  // forgives the first (seen in CI: "assets_code_key" while both shards seeded the catalogue).
  await insertRows(sql, 'assets', assetColumns, changeset.assets,
    changeset.shard.sharded ? 'on conflict do nothing' : undefined);
  await insertRows(sql, 'markets', marketColumns, changeset.changedMarkets(),
    `on conflict (market_id) do update set ${updateAll(marketColumns, ['market_id'])}`);
  await insertRows(sql, 'user_fee_tiers', userFeeTierColumns, [...changeset.userFeeTiers.values()],
    `on conflict (owner_id) do update set ${updateAll(userFeeTierColumns, ['owner_id'])}`);
  const orders = await appendRows('orders', orderColumns, changeset.insertedOrders());
  const orderUpdates = await updateOrders(sql, changeset);
  const trades = await appendRows('trades', tradeColumns, changeset.trades);
  await appendRows('ledger_postings', postingColumns, changeset.postings);
  const entries = await appendRows('ledger_entries', entryColumns, changeset.entries);
  const balances = await insertRows(sql, 'balances', balanceColumns, changeset.balances(),
    `on conflict (shard, owner_id, asset_id) do update set ${updateAll(balanceColumns, ['shard', 'owner_id', 'asset_id'])}`);
  return { orders, orderUpdates, trades, entries, balances };
}

async function updateOrders(sql: TransactionSql, changeset: ProjectionChangeset): Promise<number> {
  const changes = changeset.updatedOrders();
  if (changes.length === 0) return 0;
  const source = await unnestSource(orderChangeColumns, changes, 'change');
  const filled = 'coalesce(change.filled_lots_set, orders.filled_lots) + change.filled_lots_add';
  // The live status rule is liveStatus() in mapping/order-status.ts.
  const result = await sql.unsafe(`
    update orders set
      price_ticks = coalesce(change.price_ticks, orders.price_ticks),
      quantity_lots = coalesce(change.quantity_lots_set, orders.quantity_lots) + change.quantity_lots_add,
      remaining_lots = coalesce(change.remaining_lots_set, orders.remaining_lots) + change.remaining_lots_add,
      filled_lots = ${filled},
      filled_quote_units = coalesce(change.filled_quote_units_set, orders.filled_quote_units)
        + change.filled_quote_units_add,
      fee_units = coalesce(change.fee_units_set, orders.fee_units) + change.fee_units_add,
      status = coalesce(change.terminal_status,
        case when ${filled} > 0 then 'partially_filled' else 'open' end),
      updated_at_ms = change.updated_at_ms,
      last_sequence = change.last_sequence
    from ${source.text}
    where orders.order_id = change.order_id and orders.status in ('open', 'partially_filled')`,
  source.parameters);
  assert(result.count === changes.length,
    `order updates found ${result.count} of ${changes.length} live orders: tables and checkpoint disagree`);
  return result.count;
}
