// The whole in-memory state of one exchange core. Everything here is rebuilt by replaying the
// journal (or restored from a snapshot), so it holds only what decisions need: open orders, not
// history; recent idempotency keys, not all of them.

import { OldestFirstMap } from '@parite/kernel';
import type { OrderBook } from '@parite/matching';
import { Ledger, type LedgerAccount } from './ledger.ts';
import type { MarketRuntime } from './markets.ts';
import type { AssetSpec, FeeRate, OrderView, SelfTradePrevention } from './types.ts';

export interface MarketState extends MarketRuntime {
  book: OrderBook;
  lastTradeTicks: number | undefined;
  referenceTicks: number | undefined;
}

export interface OrderRecord {
  view: OrderView;
  /** Funds still reserved for this order (quote units for a buy, base units for a sell). */
  heldUnits: bigint;
  holdAssetId: number;
  /** Fee rates fixed when the order was accepted, so later fee changes never reprice it. */
  feeRate: FeeRate;
  selfTradePrevention: SelfTradePrevention;
}

export interface UserState {
  feeTier: number;
  /** Open orders per market id. */
  openOrdersByMarket: Map<number, number>;
  openOrderIds: Set<number>;
}

/** Immutable: a new placement replaces the entry, so a snapshot capture may share it. */
export interface ClientOrderIdEntry {
  readonly key: string;
  readonly orderId: number;
  readonly fingerprint: string;
  readonly expiresAtMs: number;
}

/** Client order ids are remembered this long for idempotent retries. */
export const clientOrderIdRetentionMs = 24 * 60 * 60 * 1000;
/** Bound on remembered client order ids; the oldest are forgotten first. */
export const clientOrderIdsRetainedMax = 2_000_000;
/** Bound on remembered transfer ids (idempotency of deposits, withdrawals, adjustments). */
export const transferIdsRetainedMax = 1_000_000;
/** Bound on remembered FX conversion ids (idempotency of quote acceptances); the oldest are forgotten first. */
export const conversionIdsRetainedMax = 1_000_000;

/** What a retry of a conversion needs: the command's fingerprint and the first of its two posting ids. */
export interface ConversionEntry {
  fingerprint: string;
  payPostingId: number;
}

/** Bound on a shard's transfers to peer shards that are not yet settled (shards.ts). */
export const outboundShardTransfersMax = 100_000;

/** A transfer of a user's funds to a peer shard, debited here and not yet confirmed credited there. */
export interface PendingShardTransfer {
  transferId: string;
  ownerId: number;
  assetId: number;
  amountUnits: bigint;
  peerShardIndex: number;
}

export type IdCounter = 'nextOrderId' | 'nextTradeId' | 'nextPostingId' | 'nextMarketId';

/** What readers (queries, market data, streams) may see of a user; never mutated through it. */
export interface UserView {
  readonly feeTier: number;
  readonly openOrdersByMarket: ReadonlyMap<number, number>;
  readonly openOrderIds: ReadonlySet<number>;
}

export interface LedgerView {
  accountsOf(ownerId: number): readonly LedgerAccount[];
  peek(ownerId: number, assetId: number): LedgerAccount | undefined;
  availableUnits(ownerId: number, assetId: number): bigint;
}

/**
 * The read-only state every service outside the engine works with. One core's ExchangeState is one;
 * a sharded engine's merged view over its shards (app/sharded-state-view.ts) is another, so readers
 * never know whether markets are sharded.
 */
export interface ExchangeStateView {
  readonly assets: ReadonlyMap<number, AssetSpec>;
  readonly assetByCode: ReadonlyMap<string, AssetSpec>;
  readonly markets: ReadonlyMap<number, MarketState>;
  readonly marketBySymbol: ReadonlyMap<string, MarketState>;
  readonly orders: ReadonlyMap<number, OrderRecord>;
  readonly users: ReadonlyMap<number, UserView>;
  readonly clientOrderIds: ReadonlyMap<string, ClientOrderIdEntry>;
  readonly ledger: LedgerView;
}

export class ExchangeState implements ExchangeStateView {
  readonly assets = new Map<number, AssetSpec>();
  readonly assetByCode = new Map<string, AssetSpec>();
  readonly markets = new Map<number, MarketState>();
  readonly marketBySymbol = new Map<string, MarketState>();
  readonly ledger = new Ledger();
  /** Open orders only; finished orders live in the projections. */
  readonly orders = new Map<number, OrderRecord>();
  readonly users = new Map<number, UserState>();
  /** Insertion-ordered, so the oldest is evicted first and replay evicts the same ones. */
  readonly clientOrderIds = new OldestFirstMap<string, ClientOrderIdEntry>();
  readonly transferIds = new OldestFirstMap<string, number>();
  /** Insertion-ordered like transferIds: replay evicts the same ones. */
  readonly conversionIds = new OldestFirstMap<string, ConversionEntry>();
  /** Transfers to peer shards awaiting settlement, in insertion order (shards.ts). */
  readonly outboundShardTransfers = new Map<string, PendingShardTransfer>();
  /** This core's shard and the shard count (0 of 1 unless sharded): ids advance by the count. */
  shardIndex = 0;
  shardCount = 1;
  nextAssetId = 1;
  nextMarketId = 1;
  nextOrderId = 1;
  nextTradeId = 1;
  nextPostingId = 1;
  lastTimestampMs = 0;

  constructor(readonly bookKind: 'fast' | 'naive') {}

  user(ownerId: number): UserState {
    let user = this.users.get(ownerId);
    if (user === undefined) {
      user = { feeTier: 0, openOrdersByMarket: new Map(), openOrderIds: new Set() };
      this.users.set(ownerId, user);
    }
    return user;
  }
}

/**
 * Takes the next id of a counter. Ids advance by the shard count, starting at the shard index + 1,
 * so no two shards ever hand out the same order, trade, posting or market id.
 */
export function takeId(state: ExchangeState, counter: IdCounter): number {
  const id = state[counter];
  state[counter] = id + state.shardCount;
  return id;
}

/** The shard that handed out an order, trade, posting or market id. */
export function shardOfId(id: number, shardCount: number): number {
  return (id - 1) % shardCount;
}

/**
 * The key of a remembered client order id. Built by join, not by `+` or a template: V8 represents a
 * concatenation as a tree of string pieces (a cons string), and these keys are kept for up to a day
 * and two million orders, where a tree costs several objects per key and every young-generation GC
 * copies them; join returns one flat string with the same content.
 */
export function clientOrderIdKey(ownerId: number, clientOrderId: string): string {
  return [ownerId, clientOrderId].join('\u0000');
}
