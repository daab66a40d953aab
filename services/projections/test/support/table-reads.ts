// Reads projection tables back into the mapping's row shapes, to compare them with the core and with
// the in-memory model.

import type { OrderRow } from '../../src/mapping/rows.ts';
import type { AnySql } from '../../src/storage/sql.ts';
import type { BalanceLike } from './core-checks.ts';

interface OrderRecord {
  order_id: bigint; client_order_id: string; owner_id: bigint; market_id: number; symbol: string; side: number;
  type: 'limit' | 'market'; time_in_force: number; post_only: boolean; price_ticks: bigint; quantity_lots: bigint;
  remaining_lots: bigint; filled_lots: bigint; filled_quote_units: bigint; fee_units: bigint;
  tick_size_units: bigint; lot_size_units: bigint; status: OrderRow['status']; created_at_ms: bigint;
  updated_at_ms: bigint; last_sequence: bigint;
}

export async function readOrderRows(sql: AnySql): Promise<OrderRow[]> {
  const rows = await sql<OrderRecord[]>`select * from orders order by order_id`;
  return rows.map((row) => ({
    orderId: Number(row.order_id), clientOrderId: row.client_order_id, ownerId: Number(row.owner_id),
    marketId: row.market_id, symbol: row.symbol, side: row.side as OrderRow['side'], type: row.type,
    timeInForce: row.time_in_force as OrderRow['timeInForce'], postOnly: row.post_only,
    priceTicks: Number(row.price_ticks), quantityLots: Number(row.quantity_lots),
    remainingLots: Number(row.remaining_lots), filledLots: Number(row.filled_lots),
    filledQuoteUnits: row.filled_quote_units, feeUnits: row.fee_units, tickSizeUnits: row.tick_size_units,
    lotSizeUnits: row.lot_size_units, status: row.status, createdAtMs: Number(row.created_at_ms),
    updatedAtMs: Number(row.updated_at_ms), lastSequence: row.last_sequence,
  }));
}

export async function readBalances(sql: AnySql): Promise<BalanceLike[]> {
  const rows = await sql<{ owner_id: bigint; asset_id: number; balance_units: bigint; held_units: bigint }[]>`
    select owner_id, asset_id, balance_units, held_units from balances order by owner_id, asset_id`;
  return rows.map((row) => ({ ownerId: Number(row.owner_id), assetId: row.asset_id, balanceUnits: row.balance_units,
    heldUnits: row.held_units }));
}

export async function countRows(sql: AnySql, table: string): Promise<number> {
  const rows = await sql.unsafe<{ count: number }[]>(`select count(*)::int4 as count from ${table}`);
  return Number(rows[0]?.count);
}
