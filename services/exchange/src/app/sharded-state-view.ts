// The read-only state of a sharded engine, merged over its shards so that readers (trading queries,
// market data, private streams, FX) work unchanged. Lookups go straight to the owning shard where
// the key says which (order and market ids carry their shard, symbols are in the shard map); a
// user's balances and open orders are summed and joined over the shards. Assets are created on
// every shard with the same ids, so shard 0 answers for them.

import type { LedgerAccount } from '../domain/ledger.ts';
import {
  shardOfId, type ClientOrderIdEntry, type ExchangeStateView, type LedgerView, type MarketState, type OrderRecord,
  type UserView,
} from '../domain/state.ts';
import type { AssetSpec } from '../domain/types.ts';
import type { ShardMap } from './shard-map.ts';

/** A map spread over the shards; `route` names the one shard that may hold a key, when known. */
class MergedMap<Key, Value> implements ReadonlyMap<Key, Value> {
  constructor(private readonly parts: () => readonly ReadonlyMap<Key, Value>[],
    private readonly route?: (key: Key) => number | undefined) {}

  get(key: Key): Value | undefined {
    const parts = this.parts();
    const shardIndex = this.route?.(key);
    if (shardIndex !== undefined) return parts[shardIndex]?.get(key);
    for (const part of parts) {
      const value = part.get(key);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  has(key: Key): boolean {
    return this.get(key) !== undefined;
  }

  get size(): number {
    let size = 0;
    for (const part of this.parts()) size += part.size;
    return size;
  }

  *entries(): MapIterator<[Key, Value]> {
    for (const part of this.parts()) yield* part.entries();
  }

  *keys(): MapIterator<Key> {
    for (const part of this.parts()) yield* part.keys();
  }

  *values(): MapIterator<Value> {
    for (const part of this.parts()) yield* part.values();
  }

  [Symbol.iterator](): MapIterator<[Key, Value]> {
    return this.entries();
  }

  forEach(callback: (value: Value, key: Key, map: ReadonlyMap<Key, Value>) => void): void {
    for (const [key, value] of this.entries()) callback(value, key, this);
  }
}

/** One user's view joined over the shards: open orders from all, the fee tier from shard 0. */
function mergeUsers(parts: readonly UserView[]): UserView {
  if (parts.length === 1) return parts[0] as UserView;
  const openOrderIds = new Set<number>();
  const openOrdersByMarket = new Map<number, number>();
  for (const part of parts) {
    for (const orderId of part.openOrderIds) openOrderIds.add(orderId);
    for (const [marketId, count] of part.openOrdersByMarket) openOrdersByMarket.set(marketId, count);
  }
  return { feeTier: parts[0]?.feeTier ?? 0, openOrderIds, openOrdersByMarket };
}

class MergedUsers extends MergedMap<number, UserView> {
  constructor(private readonly states: () => readonly ExchangeStateView[]) {
    super(() => states().map((state) => state.users));
  }

  override get(ownerId: number): UserView | undefined {
    const parts = this.states().flatMap((state) => {
      const user = state.users.get(ownerId);
      return user === undefined ? [] : [user];
    });
    return parts.length === 0 ? undefined : mergeUsers(parts);
  }
}

/** A user's funds summed over the shards (sub-accounts); system accounts are per shard and summed too. */
class MergedLedger implements LedgerView {
  constructor(private readonly states: () => readonly ExchangeStateView[]) {}

  accountsOf(ownerId: number): readonly LedgerAccount[] {
    const states = this.states();
    const holding = states.filter((state) => state.ledger.accountsOf(ownerId).length > 0);
    if (holding.length <= 1) return holding[0]?.ledger.accountsOf(ownerId) ?? [];
    const byAsset = new Map<number, LedgerAccount>();
    for (const state of holding) {
      for (const account of state.ledger.accountsOf(ownerId)) {
        byAsset.set(account.assetId, addAccount(byAsset.get(account.assetId), account));
      }
    }
    return [...byAsset.values()];
  }

  peek(ownerId: number, assetId: number): LedgerAccount | undefined {
    let total: LedgerAccount | undefined;
    for (const state of this.states()) {
      const account = state.ledger.peek(ownerId, assetId);
      if (account !== undefined) total = addAccount(total, account);
    }
    return total;
  }

  availableUnits(ownerId: number, assetId: number): bigint {
    let total = 0n;
    for (const state of this.states()) total += state.ledger.availableUnits(ownerId, assetId);
    return total;
  }
}

export class ShardedStateView implements ExchangeStateView {
  readonly assets: ReadonlyMap<number, AssetSpec>;
  readonly assetByCode: ReadonlyMap<string, AssetSpec>;
  readonly markets: ReadonlyMap<number, MarketState>;
  readonly marketBySymbol: ReadonlyMap<string, MarketState>;
  readonly orders: ReadonlyMap<number, OrderRecord>;
  readonly users: ReadonlyMap<number, UserView>;
  readonly clientOrderIds: ReadonlyMap<string, ClientOrderIdEntry>;
  readonly ledger: LedgerView;

  /** `states` returns each shard's current state (a shard may replace its state at recovery). */
  constructor(states: () => readonly ExchangeStateView[], shardMap: ShardMap) {
    const count = shardMap.shardCount;
    const fundingShard = () => states().slice(0, 1);
    this.assets = new MergedMap(() => fundingShard().map((state) => state.assets));
    this.assetByCode = new MergedMap(() => fundingShard().map((state) => state.assetByCode));
    this.markets = new MergedMap(() => states().map((state) => state.markets), (marketId) => shardOfId(marketId, count));
    this.marketBySymbol = new MergedMap(() => states().map((state) => state.marketBySymbol),
      (symbol) => shardMap.shardOfSymbol(symbol));
    this.orders = new MergedMap(() => states().map((state) => state.orders),
      (orderId) => Number.isSafeInteger(orderId) && orderId >= 1 ? shardOfId(orderId, count) : undefined);
    this.users = new MergedUsers(states);
    this.clientOrderIds = new MergedMap(() => states().map((state) => state.clientOrderIds));
    this.ledger = new MergedLedger(states);
  }
}

/** Adds one shard's account into a running total; the first is copied, so no shard's account is changed. */
function addAccount(total: LedgerAccount | undefined, account: LedgerAccount): LedgerAccount {
  if (total === undefined) return { ...account };
  total.balanceUnits += account.balanceUnits;
  total.heldUnits += account.heldUnits;
  return total;
}
