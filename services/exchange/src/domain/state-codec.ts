// Snapshots and state hashes. A snapshot is the whole core state in canonical order (sorted ids,
// insertion order where eviction depends on it), so "snapshot then replay" and "replay from zero"
// can be compared by hash: exchange-core's persistence test, kept as an invariant here.

import { setImmediate as nextTurn } from 'node:timers/promises';
import { assert, jsonParseWithBigint, jsonStringifyWithBigint, sha256Hex, StateHasher } from '@parite/kernel';
import { restoreOrderBook, type BookSnapshot } from '@parite/matching';
import type { LedgerAccount } from './ledger.ts';
import { quotePerLotTick } from './markets.ts';
import { ExchangeState, type ClientOrderIdEntry, type OrderRecord, type PendingShardTransfer } from './state.ts';
import type { AssetSpec, MarketSpec } from './types.ts';
import { copySpec } from './admin-commands.ts';

export const snapshotFormatVersion = 1;

interface SnapshotMarket {
  spec: MarketSpec;
  lastTradeTicks: number | null;
  referenceTicks: number | null;
  book: BookSnapshot;
}

export interface CoreSnapshot {
  version: typeof snapshotFormatVersion;
  bookKind: 'fast' | 'naive';
  counters: { nextAssetId: number; nextMarketId: number; nextOrderId: number; nextTradeId: number;
    nextPostingId: number; lastTimestampMs: number };
  assets: AssetSpec[];
  markets: SnapshotMarket[];
  accounts: LedgerAccount[];
  orders: OrderRecord[];
  feeTiers: [ownerId: number, feeTier: number][];
  clientOrderIds: ClientOrderIdEntry[];
  transferIds: [transferId: string, postingId: number][];
  /** Absent in snapshots of unsharded cores taken before shards existed (then 0 of 1). */
  shard?: { shardIndex: number; shardCount: number; outboundTransfers: PendingShardTransfer[] };
  /** Insertion order (eviction order). Absent in snapshots taken before FX conversions existed. */
  conversionIds?: [conversionId: string, fingerprint: string, payPostingId: number][];
}

export function takeSnapshot(state: ExchangeState): CoreSnapshot {
  return {
    version: snapshotFormatVersion,
    bookKind: state.bookKind,
    counters: {
      nextAssetId: state.nextAssetId, nextMarketId: state.nextMarketId, nextOrderId: state.nextOrderId,
      nextTradeId: state.nextTradeId, nextPostingId: state.nextPostingId, lastTimestampMs: state.lastTimestampMs,
    },
    assets: [...state.assets.values()].map((asset) => ({ ...asset })),
    markets: [...state.markets.values()].map((market) => ({
      spec: copySpec(market.spec), lastTradeTicks: market.lastTradeTicks ?? null,
      referenceTicks: market.referenceTicks ?? null, book: market.book.snapshot(),
    })),
    accounts: state.ledger.sortedAccounts().map((account) => ({ ...account })),
    orders: [...state.orders.values()].sort((left, right) => left.view.orderId - right.view.orderId)
      .map(copyOrderRecord),
    feeTiers: [...state.users.entries()].filter(([, user]) => user.feeTier !== 0)
      .map(([ownerId, user]): [number, number] => [ownerId, user.feeTier]).sort((left, right) => left[0] - right[0]),
    // Up to millions of entries, captured inside the engine's hot path: shared, not copied (they
    // are immutable; see ClientOrderIdEntry).
    clientOrderIds: [...state.clientOrderIds.values()],
    transferIds: [...state.transferIds.entries()],
    shard: { shardIndex: state.shardIndex, shardCount: state.shardCount,
      outboundTransfers: [...state.outboundShardTransfers.values()].map((pending) => ({ ...pending })) },
    conversionIds: [...state.conversionIds.entries()]
      .map(([conversionId, entry]): [string, string, number] => [conversionId, entry.fingerprint, entry.payPostingId]),
  };
}

/** A deep copy without structuredClone: the snapshot is captured inside the engine's hot path. */
function copyOrderRecord(record: OrderRecord): OrderRecord {
  return { view: { ...record.view }, heldUnits: record.heldUnits, holdAssetId: record.holdAssetId,
    feeRate: { ...record.feeRate }, selfTradePrevention: record.selfTradePrevention };
}

export function restoreSnapshot(snapshot: CoreSnapshot): ExchangeState {
  assert(snapshot.version === snapshotFormatVersion, `unknown snapshot version ${String(snapshot.version)}`);
  const state = new ExchangeState(snapshot.bookKind);
  Object.assign(state, snapshot.counters);
  for (const asset of snapshot.assets) {
    state.assets.set(asset.assetId, { ...asset });
    state.assetByCode.set(asset.code, state.assets.get(asset.assetId) as AssetSpec);
  }
  for (const entry of snapshot.markets) restoreMarket(state, entry);
  for (const account of snapshot.accounts) state.ledger.restoreAccount(account);
  for (const record of snapshot.orders) {
    const copy = structuredClone(record);
    state.orders.set(copy.view.orderId, copy);
    const user = state.user(copy.view.ownerId);
    user.openOrderIds.add(copy.view.orderId);
    user.openOrdersByMarket.set(copy.view.marketId, (user.openOrdersByMarket.get(copy.view.marketId) ?? 0) + 1);
  }
  for (const [ownerId, feeTier] of snapshot.feeTiers) state.user(ownerId).feeTier = feeTier;
  for (const entry of snapshot.clientOrderIds) state.clientOrderIds.set(entry.key, { ...entry });
  for (const [transferId, postingId] of snapshot.transferIds) state.transferIds.set(transferId, postingId);
  if (snapshot.shard !== undefined) {
    state.shardIndex = snapshot.shard.shardIndex;
    state.shardCount = snapshot.shard.shardCount;
    for (const pending of snapshot.shard.outboundTransfers) state.outboundShardTransfers.set(pending.transferId, { ...pending });
  }
  for (const [conversionId, fingerprint, payPostingId] of snapshot.conversionIds ?? []) {
    state.conversionIds.set(conversionId, { fingerprint, payPostingId });
  }
  return state;
}

function restoreMarket(state: ExchangeState, entry: SnapshotMarket): void {
  const spec = structuredClone(entry.spec);
  const base = state.assets.get(spec.baseAssetId);
  const quote = state.assets.get(spec.quoteAssetId);
  assert(base !== undefined && quote !== undefined, 'snapshot market refers to an unknown asset');
  const market = {
    spec, base, quote, quotePerLotTickUnits: quotePerLotTick(base, spec) ?? 0n,
    book: restoreOrderBook(state.bookKind, entry.book),
    lastTradeTicks: entry.lastTradeTicks ?? undefined, referenceTicks: entry.referenceTicks ?? undefined,
  };
  state.markets.set(spec.marketId, market);
  state.marketBySymbol.set(spec.symbol, market);
}

export function encodeSnapshot(snapshot: CoreSnapshot): Uint8Array {
  return new TextEncoder().encode(jsonStringifyWithBigint(snapshot));
}

/** Array items encoded between two yields of encodeSnapshotInSlices. */
export const snapshotSliceItems = 250;
/** Bytes of the encoded slices copied into the document between two yields. */
export const snapshotCopySliceBytes = 8 * 1024 * 1024;

/** T with every bigint anywhere inside it replaced by never: T extends BigintFree<T> iff it holds none. */
type BigintFree<T> = T extends bigint ? never
  : T extends readonly (infer Item)[] ? readonly BigintFree<Item>[]
  : T extends object ? { readonly [Key in keyof T]: BigintFree<T[Key]> } : T;
type BigintFreeField = {
  [Key in keyof CoreSnapshot]-?: NonNullable<CoreSnapshot[Key]> extends BigintFree<NonNullable<CoreSnapshot[Key]>> ? Key : never
}[keyof CoreSnapshot];
/**
 * Snapshot arrays whose items hold no bigint (checked by the compiler): the plain JSON.stringify
 * writes the same text as jsonStringifyWithBigint without calling a replacer for every value, which
 * keeps V8 on its fast path. The remembered client order ids are most of a large snapshot.
 */
const bigintFreeArrays: ReadonlySet<string> = new Set<BigintFreeField>(['clientOrderIds', 'transferIds', 'feeTiers', 'conversionIds']);

/**
 * The same JSON document as encodeSnapshot, produced in slices of at most `snapshotSliceItems`
 * array items with a yield to the event loop between slices. The captured snapshot is a deep copy, so
 * the engine goes on while it is encoded: no single long pause for a big state (a 100k-entry
 * snapshot encoded at once stalled every order behind it for tens of milliseconds).
 */
export async function encodeSnapshotInSlices(snapshot: CoreSnapshot,
  yieldToEventLoop: () => Promise<unknown> = nextTurn): Promise<Uint8Array> {
  // Each slice is encoded to bytes at once: joining and encoding the whole document at the end was
  // itself a pause of tens of milliseconds for a large state.
  const encoder = new TextEncoder();
  const parts = { chunks: [] as Uint8Array[], push(text: string) { this.chunks.push(encoder.encode(text)); } };
  let key = 0;
  for (const [name, value] of Object.entries(snapshot)) {
    if (value === undefined) continue;
    parts.push(`${key++ === 0 ? '{' : ','}${JSON.stringify(name)}:`);
    if (!Array.isArray(value)) {
      parts.push(jsonStringifyWithBigint(value));
      continue;
    }
    parts.push('[');
    const stringify = bigintFreeArrays.has(name) ? JSON.stringify : jsonStringifyWithBigint;
    for (let start = 0; start < value.length; start += snapshotSliceItems) {
      const slice = stringify(value.slice(start, start + snapshotSliceItems));
      parts.push(start === 0 ? slice.slice(1, -1) : `,${slice.slice(1, -1)}`);
      await yieldToEventLoop();
    }
    parts.push(']');
  }
  parts.push(key === 0 ? '{}' : '}');
  // Not zero-filled (every byte is written below), in memory of its own (not a slice of Buffer's
  // shared pool), and copied with a yield every few megabytes: allocating and copying a document of
  // hundreds of megabytes in one piece was itself a pause of the engine's thread.
  const document = Buffer.allocUnsafeSlow(parts.chunks.reduce((total, chunk) => total + chunk.length, 0));
  let offset = 0;
  let copiedSinceYield = 0;
  for (const chunk of parts.chunks) {
    document.set(chunk, offset);
    offset += chunk.length;
    copiedSinceYield += chunk.length;
    if (copiedSinceYield >= snapshotCopySliceBytes) {
      copiedSinceYield = 0;
      await yieldToEventLoop();
    }
  }
  return new Uint8Array(document.buffer, document.byteOffset, document.byteLength);
}

export function decodeSnapshot(data: Uint8Array): CoreSnapshot {
  return jsonParseWithBigint(new TextDecoder().decode(data)) as CoreSnapshot;
}

/** One hash over the whole state; books contribute their own canonical hash. */
export function stateHash(state: ExchangeState): string {
  const snapshot = takeSnapshot(state);
  const hasher = new StateHasher();
  for (const market of state.markets.values()) hasher.add(market.spec.marketId).add(market.book.stateHash());
  const withoutBooks = { ...snapshot, bookKind: undefined, markets: snapshot.markets.map((market) => ({ ...market, book: undefined })) };
  hasher.add(sha256Hex(jsonStringifyWithBigint(withoutBooks)));
  return hasher.digestHex();
}
