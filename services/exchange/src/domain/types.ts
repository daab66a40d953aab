// Commands, events and specifications of the exchange core: the contract between the pure state
// machine (this folder) and everything around it (journal, HTTP, WebSocket, projections).
// Amounts are bigint minor units; book prices and quantities are safe-integer ticks and lots.

import type { ErrorCode } from '@parite/contracts';
import type { DoneReason, SelfTradePrevention, Side, TimeInForce } from '@parite/matching';

export type { DoneReason, SelfTradePrevention, Side, TimeInForce };

/** Ledger owners that are not users. User owner ids are >= 1. */
export const SystemOwner = {
  /** The outside world: deposits are credited from it, withdrawals debited to it. */
  External: 0,
  /** Trading fees collected by the exchange. */
  Fees: -1,
  /** The bank's liquidity accounts: the counterparty of every customer FX conversion (fx-conversion.ts). */
  Liquidity: -2,
} as const;

/**
 * Clearing accounts of a sharded engine (shards.ts): on each shard, one system account per peer
 * shard, the counterparty of every transfer of a user's funds to or from that peer.
 */
export const clearingOwnerIdBase = -100;

export function clearingOwnerId(peerShardIndex: number): number {
  return clearingOwnerIdBase - peerShardIndex;
}

export interface AssetSpec {
  assetId: number;
  code: string;
  /** Digits after the decimal point of one minor unit (BTC 8: 1 unit = 1 satoshi). */
  scale: number;
}

export const MarketStatus = { Open: 'open', Halted: 'halted', CancelOnly: 'cancel-only' } as const;
export type MarketStatus = (typeof MarketStatus)[keyof typeof MarketStatus];

export interface FeeRate {
  makerFeePpm: number;
  takerFeePpm: number;
}

export interface MarketParameters {
  /** Price step in quote minor units per one whole base unit. */
  tickSizeUnits: bigint;
  /** Quantity step in base minor units. */
  lotSizeUnits: bigint;
  quantityMinLots: number;
  quantityMaxLots: number;
  /** Smallest order value in quote minor units. */
  notionalMinUnits: bigint;
  /** Limit prices must stay within +/- this many parts per million of the reference price. */
  priceBandPpm: number;
  /** Market orders trade no further than this from the best opposite price. */
  marketSlippageMaxPpm: number;
  status: MarketStatus;
  /** Fee rates by user fee tier; tier 0 is the default, a tier beyond the list uses the last. */
  feeTiers: FeeRate[];
  /** Resting orders one user may keep in this market. */
  openOrdersPerUserMax: number;
}

export interface MarketSpec extends MarketParameters {
  marketId: number;
  symbol: string;
  baseAssetId: number;
  quoteAssetId: number;
  /** Bumped by every parameter change, so clients can tell which rules applied. */
  version: number;
}

export const OrderType = { Limit: 'limit', Market: 'market' } as const;
export type OrderType = (typeof OrderType)[keyof typeof OrderType];

// ---- Commands ---------------------------------------------------------------------------------

export interface AssetCreateCommand {
  kind: 'asset.create';
  code: string;
  scale: number;
}

export interface MarketCreateCommand {
  kind: 'market.create';
  symbol: string;
  baseAssetCode: string;
  quoteAssetCode: string;
  parameters: MarketParameters;
}

export interface MarketUpdateCommand {
  kind: 'market.update';
  symbol: string;
  /** Only the named parameters change. Tick and lot sizes change only when the book is empty. */
  parameters: Partial<MarketParameters>;
}

export interface ReferencePriceSetCommand {
  kind: 'market.reference-price';
  symbol: string;
  priceUnits: bigint;
}

export interface UserSetCommand {
  kind: 'user.set';
  ownerId: number;
  feeTier: number;
}

/** Moves funds between two owners' accounts in one asset: deposits, withdrawals, adjustments. */
export interface TransferCommand {
  kind: 'ledger.transfer';
  /** Idempotency key: a repeated transfer id changes nothing and returns the original result. */
  transferId: string;
  debitOwnerId: number;
  creditOwnerId: number;
  assetCode: string;
  amountUnits: bigint;
  reason: string;
}

/**
 * A customer converts between two of their currency balances at an FX rate (fx-conversion.ts): the
 * customer pays one asset to the bank's Liquidity account and receives the other from it, in two
 * linked postings applied together or not at all. `base`/`quote` name the pair as the FX engine
 * quotes it (USD/TRY: base USD, quote TRY); the customer buys or sells the base currency.
 */
export interface FxConvertCommand {
  kind: 'fx.convert';
  /** Idempotency key (the FX quote id): a retry changes nothing and returns the original result. */
  conversionId: string;
  ownerId: number;
  baseAssetCode: string;
  quoteAssetCode: string;
  /** 'buy': the customer buys base and pays quote; 'sell': sells base and receives quote. */
  side: 'buy' | 'sell';
  /** Quote currency per one whole unit of base, times 10^8 (the FX rate scale). */
  rateUnits: bigint;
  baseAmountUnits: bigint;
  /** Must equal fxQuoteUnits(side, base amount, rate): the core re-derives it and refuses a mismatch. */
  quoteAmountUnits: bigint;
}

/**
 * Makes this core one shard of a sharded engine (shards.ts): its order, trade, posting and market
 * ids are then `index + 1 + k x count`, disjoint from every other shard's. Only a core that holds
 * nothing yet accepts it, so it is the first command of a shard's journal.
 */
export interface ShardConfigureCommand {
  kind: 'shard.configure';
  shardIndex: number;
  shardCount: number;
}

/**
 * First step of moving a user's funds to another shard: user -> clearing(peer) on this shard. The
 * transfer stays pending here until `ledger.shard-settle` confirms that the peer credited it.
 */
export interface ShardTransferOutCommand {
  kind: 'ledger.shard-out';
  transferId: string;
  ownerId: number;
  assetCode: string;
  amountUnits: bigint;
  peerShardIndex: number;
}

/** Second step, on the receiving shard: clearing(peer) -> user. Idempotent by transfer id. */
export interface ShardTransferInCommand {
  kind: 'ledger.shard-in';
  transferId: string;
  ownerId: number;
  assetCode: string;
  amountUnits: bigint;
  peerShardIndex: number;
}

/** Third step, back on the sending shard: the peer has the funds; forget the pending transfer. */
export interface ShardTransferSettleCommand {
  kind: 'ledger.shard-settle';
  transferId: string;
}

export interface OrderPlaceCommand {
  kind: 'order.place';
  ownerId: number;
  symbol: string;
  clientOrderId: string;
  side: Side;
  type: OrderType;
  timeInForce: TimeInForce;
  postOnly: boolean;
  /** Quote minor units per one whole base unit; absent for market orders. */
  priceUnits: bigint | undefined;
  /** Base minor units. */
  quantityUnits: bigint;
  selfTradePrevention: SelfTradePrevention;
}

export interface OrderCancelCommand {
  kind: 'order.cancel';
  ownerId: number;
  symbol: string;
  /** Exactly one of orderId / clientOrderId. */
  orderId: number | undefined;
  clientOrderId: string | undefined;
}

export interface OrderAmendCommand {
  kind: 'order.amend';
  ownerId: number;
  symbol: string;
  orderId: number;
  /** New limit price; absent keeps the price. */
  priceUnits: bigint | undefined;
  /** New remaining quantity; absent keeps it. */
  quantityUnits: bigint | undefined;
}

export interface OrderCancelAllCommand {
  kind: 'order.cancel-all';
  ownerId: number;
  /** Absent cancels in every market. */
  symbol: string | undefined;
}

export type ExchangeCommand =
  | AssetCreateCommand
  | MarketCreateCommand
  | MarketUpdateCommand
  | ReferencePriceSetCommand
  | UserSetCommand
  | TransferCommand
  | FxConvertCommand
  | OrderPlaceCommand
  | OrderCancelCommand
  | OrderAmendCommand
  | OrderCancelAllCommand
  | ShardConfigureCommand
  | ShardTransferOutCommand
  | ShardTransferInCommand
  | ShardTransferSettleCommand;

// ---- Events -----------------------------------------------------------------------------------

export interface OrderView {
  orderId: number;
  clientOrderId: string;
  ownerId: number;
  marketId: number;
  symbol: string;
  side: Side;
  type: OrderType;
  timeInForce: TimeInForce;
  postOnly: boolean;
  priceTicks: number;
  quantityLots: number;
  filledLots: number;
  /** Quote minor units paid or received so far (excluding fees). */
  filledQuoteUnits: bigint;
  feeUnits: bigint;
  createdAtMs: number;
}

export type ExchangeEvent =
  | { type: 'asset.created'; asset: AssetSpec }
  | { type: 'market.created'; market: MarketSpec }
  | { type: 'market.updated'; market: MarketSpec }
  | { type: 'market.reference-price-set'; marketId: number; priceTicks: number }
  | { type: 'user.updated'; ownerId: number; feeTier: number }
  | { type: 'shard.configured'; shardIndex: number; shardCount: number }
  | { type: 'ledger.shard-settled'; transferId: string; peerShardIndex: number }
  | { type: 'order.accepted'; order: OrderView; holdUnits: bigint; holdAssetId: number }
  | { type: 'order.rested'; orderId: number; ownerId: number; marketId: number; priceTicks: number; remainingLots: number }
  | { type: 'order.amended'; orderId: number; ownerId: number; marketId: number; priceTicks: number; quantityLots: number;
      remainingLots: number; priorityKept: boolean }
  | { type: 'order.reduced'; orderId: number; ownerId: number; marketId: number; reducedByLots: number; remainingLots: number }
  | { type: 'order.done'; orderId: number; ownerId: number; marketId: number; reason: DoneReason; filledLots: number;
      remainingLots: number; filledQuoteUnits: bigint; feeUnits: bigint }
  | { type: 'trade.executed'; tradeId: number; marketId: number; symbol: string; priceTicks: number; quantityLots: number;
      quoteUnits: bigint; baseUnits: bigint; takerSide: Side; makerOrderId: number; makerOwnerId: number;
      takerOrderId: number; takerOwnerId: number; makerFeeUnits: bigint; takerFeeUnits: bigint }
  | { type: 'ledger.posted'; postingId: number; reference: string; legs: LedgerLeg[] }
  | { type: 'balance.changed'; ownerId: number; assetId: number; balanceUnits: bigint; heldUnits: bigint };

export interface LedgerLeg {
  debitOwnerId: number;
  creditOwnerId: number;
  assetId: number;
  amountUnits: bigint;
}

export type ResultCode = 'OK' | ErrorCode;

export interface CommandResult {
  code: ResultCode;
  events: ExchangeEvent[];
  /** Command-specific reply data (order id, transfer echo, ...). */
  reply?: Record<string, unknown>;
  /**
   * Set on an OK that changed nothing: an identical retry (same client order id, transfer id,
   * asset code). Like a refusal it is answered at once and not journalled; unlike one it is a success.
   */
  unchanged?: true;
}
