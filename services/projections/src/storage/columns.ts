// Column lists of the projection tables: the single mapping from row fields to SQL columns.

import { encodeMarketSpec } from '../mapping/market-catalogue.ts';
import type { OrderChange } from '../mapping/order-change.ts';
import type {
  AssetRow, BalanceRow, EntryRow, MarketRow, OrderRow, PostingRow, TradeRow, UserFeeTierRow,
} from '../mapping/rows.ts';
import type { Column } from './sql.ts';

export const assetColumns: Column<AssetRow>[] = [
  { name: 'asset_id', type: 'int4', value: (row) => row.assetId },
  { name: 'code', type: 'text', value: (row) => row.code },
  { name: 'scale', type: 'int2', value: (row) => row.scale },
  { name: 'created_sequence', type: 'int8', value: (row) => row.createdSequence },
];

export const marketColumns: Column<MarketRow>[] = [
  { name: 'market_id', type: 'int4', value: (row) => row.marketId },
  { name: 'symbol', type: 'text', value: (row) => row.symbol },
  { name: 'base_asset_id', type: 'int4', value: (row) => row.baseAssetId },
  { name: 'quote_asset_id', type: 'int4', value: (row) => row.quoteAssetId },
  { name: 'status', type: 'text', value: (row) => row.status },
  { name: 'version', type: 'int4', value: (row) => row.version },
  { name: 'tick_size_units', type: 'int8', value: (row) => row.tickSizeUnits },
  { name: 'lot_size_units', type: 'int8', value: (row) => row.lotSizeUnits },
  { name: 'spec', type: 'jsonb', value: (row) => encodeMarketSpec(row.spec) },
  { name: 'reference_price_ticks', type: 'int8', value: (row) => row.referencePriceTicks },
  { name: 'updated_sequence', type: 'int8', value: (row) => row.updatedSequence },
];

export const userFeeTierColumns: Column<UserFeeTierRow>[] = [
  { name: 'owner_id', type: 'int8', value: (row) => row.ownerId },
  { name: 'fee_tier', type: 'int2', value: (row) => row.feeTier },
  { name: 'updated_sequence', type: 'int8', value: (row) => row.updatedSequence },
];

export const orderColumns: Column<OrderRow>[] = [
  { name: 'order_id', type: 'int8', value: (row) => row.orderId },
  { name: 'client_order_id', type: 'text', value: (row) => row.clientOrderId },
  { name: 'owner_id', type: 'int8', value: (row) => row.ownerId },
  { name: 'market_id', type: 'int4', value: (row) => row.marketId },
  { name: 'symbol', type: 'text', value: (row) => row.symbol },
  { name: 'side', type: 'int2', value: (row) => row.side },
  { name: 'type', type: 'text', value: (row) => row.type },
  { name: 'time_in_force', type: 'int2', value: (row) => row.timeInForce },
  { name: 'post_only', type: 'bool', value: (row) => row.postOnly },
  { name: 'price_ticks', type: 'int8', value: (row) => row.priceTicks },
  { name: 'quantity_lots', type: 'int8', value: (row) => row.quantityLots },
  { name: 'remaining_lots', type: 'int8', value: (row) => row.remainingLots },
  { name: 'filled_lots', type: 'int8', value: (row) => row.filledLots },
  { name: 'filled_quote_units', type: 'int8', value: (row) => row.filledQuoteUnits },
  { name: 'fee_units', type: 'int8', value: (row) => row.feeUnits },
  { name: 'tick_size_units', type: 'int8', value: (row) => row.tickSizeUnits },
  { name: 'lot_size_units', type: 'int8', value: (row) => row.lotSizeUnits },
  { name: 'status', type: 'text', value: (row) => row.status },
  { name: 'created_at_ms', type: 'int8', value: (row) => row.createdAtMs },
  { name: 'updated_at_ms', type: 'int8', value: (row) => row.updatedAtMs },
  { name: 'last_sequence', type: 'int8', value: (row) => row.lastSequence },
];

/** The "set, then add" pairs of an OrderChange (see mapping/order-change.ts). */
export const orderChangeColumns: Column<OrderChange>[] = [
  { name: 'order_id', type: 'int8', value: (change) => change.orderId },
  { name: 'price_ticks', type: 'int8', value: (change) => change.priceTicks ?? null },
  { name: 'quantity_lots_set', type: 'int8', value: (change) => change.quantityLots.set ?? null },
  { name: 'quantity_lots_add', type: 'int8', value: (change) => change.quantityLots.add },
  { name: 'remaining_lots_set', type: 'int8', value: (change) => change.remainingLots.set ?? null },
  { name: 'remaining_lots_add', type: 'int8', value: (change) => change.remainingLots.add },
  { name: 'filled_lots_set', type: 'int8', value: (change) => change.filledLots.set ?? null },
  { name: 'filled_lots_add', type: 'int8', value: (change) => change.filledLots.add },
  { name: 'filled_quote_units_set', type: 'int8', value: (change) => change.filledQuoteUnits.set ?? null },
  { name: 'filled_quote_units_add', type: 'int8', value: (change) => change.filledQuoteUnits.add },
  { name: 'fee_units_set', type: 'int8', value: (change) => change.feeUnits.set ?? null },
  { name: 'fee_units_add', type: 'int8', value: (change) => change.feeUnits.add },
  { name: 'terminal_status', type: 'text', value: (change) => change.terminalStatus ?? null },
  { name: 'updated_at_ms', type: 'int8', value: (change) => change.updatedAtMs },
  { name: 'last_sequence', type: 'int8', value: (change) => change.lastSequence },
];

export const tradeColumns: Column<TradeRow>[] = [
  { name: 'trade_id', type: 'int8', value: (row) => row.tradeId },
  { name: 'market_id', type: 'int4', value: (row) => row.marketId },
  { name: 'symbol', type: 'text', value: (row) => row.symbol },
  { name: 'price_ticks', type: 'int8', value: (row) => row.priceTicks },
  { name: 'quantity_lots', type: 'int8', value: (row) => row.quantityLots },
  { name: 'quote_units', type: 'int8', value: (row) => row.quoteUnits },
  { name: 'base_units', type: 'int8', value: (row) => row.baseUnits },
  { name: 'tick_size_units', type: 'int8', value: (row) => row.tickSizeUnits },
  { name: 'taker_side', type: 'int2', value: (row) => row.takerSide },
  { name: 'maker_order_id', type: 'int8', value: (row) => row.makerOrderId },
  { name: 'maker_owner_id', type: 'int8', value: (row) => row.makerOwnerId },
  { name: 'taker_order_id', type: 'int8', value: (row) => row.takerOrderId },
  { name: 'taker_owner_id', type: 'int8', value: (row) => row.takerOwnerId },
  { name: 'maker_fee_units', type: 'int8', value: (row) => row.makerFeeUnits },
  { name: 'taker_fee_units', type: 'int8', value: (row) => row.takerFeeUnits },
  { name: 'executed_at_ms', type: 'int8', value: (row) => row.executedAtMs },
  { name: 'sequence', type: 'int8', value: (row) => row.sequence },
];

export const balanceColumns: Column<BalanceRow>[] = [
  { name: 'shard', type: 'int2', value: (row) => row.shard },
  { name: 'owner_id', type: 'int8', value: (row) => row.ownerId },
  { name: 'asset_id', type: 'int4', value: (row) => row.assetId },
  { name: 'balance_units', type: 'int8', value: (row) => row.balanceUnits },
  { name: 'held_units', type: 'int8', value: (row) => row.heldUnits },
  { name: 'updated_sequence', type: 'int8', value: (row) => row.updatedSequence },
];

export const postingColumns: Column<PostingRow>[] = [
  { name: 'posting_id', type: 'int8', value: (row) => row.postingId },
  { name: 'reference', type: 'text', value: (row) => row.reference },
  { name: 'reason', type: 'text', value: (row) => row.reason },
  { name: 'leg_count', type: 'int2', value: (row) => row.legCount },
  { name: 'posted_at_ms', type: 'int8', value: (row) => row.postedAtMs },
  { name: 'sequence', type: 'int8', value: (row) => row.sequence },
];

export const entryColumns: Column<EntryRow>[] = [
  { name: 'posting_id', type: 'int8', value: (row) => row.postingId },
  { name: 'leg_index', type: 'int2', value: (row) => row.legIndex },
  { name: 'debit_owner_id', type: 'int8', value: (row) => row.debitOwnerId },
  { name: 'credit_owner_id', type: 'int8', value: (row) => row.creditOwnerId },
  { name: 'asset_id', type: 'int4', value: (row) => row.assetId },
  { name: 'amount_units', type: 'int8', value: (row) => row.amountUnits },
];
