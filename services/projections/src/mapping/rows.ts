// The rows of the projection tables as plain values, one interface per table. The mapping
// functions produce them from events without touching a database; storage/ writes them.

import type { MarketSpec, OrderView, Side } from '@parite/exchange/domain';
import type { OrderStatus } from './order-status.ts';

export interface AssetRow {
  assetId: number;
  code: string;
  scale: number;
  createdSequence: bigint;
}

export interface MarketRow {
  marketId: number;
  symbol: string;
  baseAssetId: number;
  quoteAssetId: number;
  status: string;
  version: number;
  tickSizeUnits: bigint;
  lotSizeUnits: bigint;
  spec: MarketSpec;
  referencePriceTicks: number | null;
  updatedSequence: bigint;
}

export interface UserFeeTierRow {
  ownerId: number;
  feeTier: number;
  updatedSequence: bigint;
}

/** The engine's view of the order, plus what the table keeps so history never needs the engine. */
export interface OrderRow extends OrderView {
  remainingLots: number;
  tickSizeUnits: bigint;
  lotSizeUnits: bigint;
  status: OrderStatus;
  updatedAtMs: number;
  lastSequence: bigint;
}

export interface TradeRow {
  tradeId: number;
  marketId: number;
  symbol: string;
  priceTicks: number;
  quantityLots: number;
  quoteUnits: bigint;
  baseUnits: bigint;
  tickSizeUnits: bigint;
  takerSide: Side;
  makerOrderId: number;
  makerOwnerId: number;
  takerOrderId: number;
  takerOwnerId: number;
  makerFeeUnits: bigint;
  takerFeeUnits: bigint;
  executedAtMs: number;
  sequence: bigint;
}

export interface BalanceRow {
  /** The engine shard that holds this part of the owner's funds (0 unless sharded). */
  shard: number;
  ownerId: number;
  assetId: number;
  balanceUnits: bigint;
  heldUnits: bigint;
  updatedSequence: bigint;
}

/** Which shard's journal a projector follows: the checkpoint name and the balance rows carry it. */
export interface ProjectionShard {
  shardIndex: number;
  /** More than one shard: assets and fee tiers arrive from every shard's journal, not once. */
  sharded: boolean;
}

export const unshardedProjection: ProjectionShard = { shardIndex: 0, sharded: false };

export interface PostingRow {
  postingId: number;
  reference: string;
  reason: string | null;
  legCount: number;
  postedAtMs: number;
  sequence: bigint;
}

export interface EntryRow {
  postingId: number;
  legIndex: number;
  debitOwnerId: number;
  creditOwnerId: number;
  assetId: number;
  amountUnits: bigint;
}

/** Where and when an event happened: the journal sequence and timestamp of its command. */
export interface EventOrigin {
  sequence: bigint;
  timestampMs: number;
}
