// The whole in-memory state of one exchange core. Everything here is rebuilt by replaying the
// journal (or restored from a snapshot), so it holds only what decisions need: open orders, not
// history; recent idempotency keys, not all of them.

import type { OrderBook } from '@parite/matching';
import { Ledger } from './ledger.ts';
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

export interface ClientOrderIdEntry {
  key: string;
  orderId: number;
  fingerprint: string;
  expiresAtMs: number;
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

export class ExchangeState {
  readonly assets = new Map<number, AssetSpec>();
  readonly assetByCode = new Map<string, AssetSpec>();
  readonly markets = new Map<number, MarketState>();
  readonly marketBySymbol = new Map<string, MarketState>();
  readonly ledger = new Ledger();
  /** Open orders only; finished orders live in the projections. */
  readonly orders = new Map<number, OrderRecord>();
  readonly users = new Map<number, UserState>();
  /** Insertion-ordered, so the oldest is evicted first and replay evicts the same ones. */
  readonly clientOrderIds = new Map<string, ClientOrderIdEntry>();
  readonly transferIds = new Map<string, number>();
  /** Insertion-ordered like transferIds: replay evicts the same ones. */
  readonly conversionIds = new Map<string, ConversionEntry>();
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

export function clientOrderIdKey(ownerId: number, clientOrderId: string): string {
  return `${ownerId}\u0000${clientOrderId}`;
}
