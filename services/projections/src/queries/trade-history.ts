// A user's fills, newest first: every trade where the user was maker or taker, seen from the user's
// side. Two index range scans (maker, taker), each at most one page long, merged by the database.
// A self-trade (same owner on both sides, when the market allows it) yields two fills. Sides are
// 1 (buy) and 2 (sell), so the maker's side is 3 - taker_side.

import { formatDecimal } from '@parite/kernel';
import type { AnySql } from '../storage/sql.ts';
import { assertLimit, fillBounds, pageOf, type FillCursor, type FillRole, type Page } from './pages.ts';
import { formatPrice, safeNumber, sideName, type SideName } from './presentation.ts';

export interface TradeHistoryFilter {
  ownerId: number;
  marketId?: number;
  before?: FillCursor;
  limit: number;
}

export interface TradeHistoryItem {
  tradeId: number;
  /** The user's order that traded. */
  orderId: number;
  symbol: string;
  side: SideName;
  role: FillRole;
  price: string;
  quantity: string;
  /** Quote amount of the trade, before fees. */
  quote: string;
  fee: string;
  feeAsset: string;
  executedAtMs: number;
}

interface FillRecord {
  trade_id: bigint;
  order_id: bigint;
  symbol: string;
  side: number;
  role: FillRole;
  price_ticks: bigint;
  tick_size_units: bigint;
  quote_units: bigint;
  base_units: bigint;
  fee_units: bigint;
  executed_at_ms: bigint;
  base_scale: number;
  quote_scale: number;
  quote_code: string;
}

export async function queryTradeHistory(sql: AnySql, filter: TradeHistoryFilter): Promise<Page<TradeHistoryItem>> {
  assertLimit(filter.limit);
  const bounds = fillBounds(filter.before);
  const market = filter.marketId === undefined ? sql`` : sql`and t.market_id = ${filter.marketId}`;
  const rows = await sql<FillRecord[]>`
    select f.*, base.scale as base_scale, quote.scale as quote_scale, quote.code as quote_code
    from (
      (select t.trade_id, t.maker_order_id as order_id, t.symbol, t.market_id, 3 - t.taker_side as side,
          'maker' as role, t.price_ticks, t.tick_size_units, t.quote_units, t.base_units,
          t.maker_fee_units as fee_units, t.executed_at_ms
        from trades t
        where t.maker_owner_id = ${filter.ownerId} ${market}
          ${bounds === undefined ? sql`` : sql`and t.trade_id < ${bounds.makerBefore}`}
        order by t.trade_id desc limit ${filter.limit})
      union all
      (select t.trade_id, t.taker_order_id as order_id, t.symbol, t.market_id, t.taker_side as side,
          'taker' as role, t.price_ticks, t.tick_size_units, t.quote_units, t.base_units,
          t.taker_fee_units as fee_units, t.executed_at_ms
        from trades t
        where t.taker_owner_id = ${filter.ownerId} ${market}
          ${bounds === undefined ? sql`` : sql`and t.trade_id < ${bounds.takerBefore}`}
        order by t.trade_id desc limit ${filter.limit})
    ) f
    join markets m on m.market_id = f.market_id
    join assets base on base.asset_id = m.base_asset_id
    join assets quote on quote.asset_id = m.quote_asset_id
    order by f.trade_id desc, f.role desc
    limit ${filter.limit}`;
  return pageOf(rows.map(fillItem), filter.limit, (item) => `${item.tradeId}:${item.role}`);
}

function fillItem(row: FillRecord): TradeHistoryItem {
  return {
    tradeId: safeNumber(row.trade_id, 'trade_id'), orderId: safeNumber(row.order_id, 'order_id'),
    symbol: row.symbol, side: sideName(row.side), role: row.role,
    price: formatPrice(row.price_ticks, row.tick_size_units, row.quote_scale),
    quantity: formatDecimal(row.base_units, row.base_scale), quote: formatDecimal(row.quote_units, row.quote_scale),
    fee: formatDecimal(row.fee_units, row.quote_scale), feeAsset: row.quote_code,
    executedAtMs: safeNumber(row.executed_at_ms, 'executed_at_ms'),
  };
}
