// A user's orders, newest first, optionally one market and one status ('active' = open or
// partially filled, served by the partial index of live orders).

import { formatDecimal } from '@parite/kernel';
import type { OrderStatus } from '../mapping/order-status.ts';
import type { AnySql } from '../storage/sql.ts';
import { assertLimit, pageOf, type Page } from './pages.ts';
import {
  formatPrice, formatQuantity, safeNumber, sideName, timeInForceName, type SideName, type TimeInForceName,
} from './presentation.ts';

export type OrderStatusFilter = OrderStatus | 'active';

export interface OrderHistoryFilter {
  ownerId: number;
  marketId?: number;
  status?: OrderStatusFilter;
  beforeOrderId?: number;
  limit: number;
}

export interface OrderHistoryItem {
  orderId: number;
  clientOrderId: string;
  symbol: string;
  side: SideName;
  type: 'limit' | 'market';
  timeInForce: TimeInForceName;
  postOnly: boolean;
  /** Null for market orders (they trade up to a protection price, not at a limit). */
  price: string | null;
  quantity: string;
  filledQuantity: string;
  remainingQuantity: string;
  /** Quote paid (buy) or received (sell), before fees. */
  filledQuote: string;
  fee: string;
  feeAsset: string;
  status: OrderStatus;
  createdAtMs: number;
  updatedAtMs: number;
}

interface OrderRecord {
  order_id: bigint;
  client_order_id: string;
  symbol: string;
  side: number;
  type: 'limit' | 'market';
  time_in_force: number;
  post_only: boolean;
  price_ticks: bigint;
  quantity_lots: bigint;
  remaining_lots: bigint;
  filled_lots: bigint;
  filled_quote_units: bigint;
  fee_units: bigint;
  tick_size_units: bigint;
  lot_size_units: bigint;
  status: OrderStatus;
  created_at_ms: bigint;
  updated_at_ms: bigint;
  base_scale: number;
  quote_scale: number;
  quote_code: string;
}

export async function queryOrderHistory(sql: AnySql, filter: OrderHistoryFilter): Promise<Page<OrderHistoryItem>> {
  assertLimit(filter.limit);
  const rows = await sql<OrderRecord[]>`
    select o.order_id, o.client_order_id, o.symbol, o.side, o.type, o.time_in_force, o.post_only, o.price_ticks,
      o.quantity_lots, o.remaining_lots, o.filled_lots, o.filled_quote_units, o.fee_units, o.tick_size_units,
      o.lot_size_units, o.status, o.created_at_ms, o.updated_at_ms,
      base.scale as base_scale, quote.scale as quote_scale, quote.code as quote_code
    from orders o
    join markets m on m.market_id = o.market_id
    join assets base on base.asset_id = m.base_asset_id
    join assets quote on quote.asset_id = m.quote_asset_id
    where o.owner_id = ${filter.ownerId}
      ${filter.marketId === undefined ? sql`` : sql`and o.market_id = ${filter.marketId}`}
      ${statusCondition(sql, filter.status)}
      ${filter.beforeOrderId === undefined ? sql`` : sql`and o.order_id < ${filter.beforeOrderId}`}
    order by o.order_id desc
    limit ${filter.limit}`;
  return pageOf(rows.map(orderItem), filter.limit, (item) => String(item.orderId));
}

function statusCondition(sql: AnySql, status: OrderStatusFilter | undefined) {
  if (status === undefined) return sql``;
  // Literal, not a parameter: the planner must see the partial index's own predicate.
  if (status === 'active') return sql`and o.status in ('open', 'partially_filled')`;
  return sql`and o.status = ${status}`;
}

function orderItem(row: OrderRecord): OrderHistoryItem {
  const quantity = (lots: bigint): string => formatQuantity(lots, row.lot_size_units, row.base_scale);
  return {
    orderId: safeNumber(row.order_id, 'order_id'), clientOrderId: row.client_order_id, symbol: row.symbol,
    side: sideName(row.side), type: row.type, timeInForce: timeInForceName(row.time_in_force),
    postOnly: row.post_only,
    price: row.type === 'market' ? null : formatPrice(row.price_ticks, row.tick_size_units, row.quote_scale),
    quantity: quantity(row.quantity_lots), filledQuantity: quantity(row.filled_lots),
    remainingQuantity: quantity(row.remaining_lots),
    filledQuote: formatDecimal(row.filled_quote_units, row.quote_scale),
    fee: formatDecimal(row.fee_units, row.quote_scale), feeAsset: row.quote_code, status: row.status,
    createdAtMs: safeNumber(row.created_at_ms, 'created_at_ms'),
    updatedAtMs: safeNumber(row.updated_at_ms, 'updated_at_ms'),
  };
}
