// The cache port. Two adapters: MemoryCache (one process) and RedisCache (shared by processes).
// Every entry has a TTL; nothing lives forever. Besides plain values the port offers the two
// atomic primitives the API edge needs:
// - incrementWithTtl: fixed-window counters for rate limits. The TTL starts when the counter is
//   created and is not extended by later increments, so a window always ends.
// - setIfAbsent: first-writer-wins, for replay protection (a signed request's nonce is stored
//   once; a replay finds it present and is refused).
import { assert } from '@parite/kernel';

export interface CacheEntry {
  readonly key: string;
  readonly value: string;
  readonly ttlMs: number;
}

export interface Cache {
  get(key: string): Promise<string | undefined>;
  /** Sets every entry (overwriting), each with its own TTL. Not atomic across entries. */
  setMany(entries: readonly CacheEntry[]): Promise<void>;
  delete(key: string): Promise<void>;
  /** Adds 1 and returns the new count; a new counter starts at 1 and expires after ttlMs. */
  incrementWithTtl(key: string, ttlMs: number): Promise<number>;
  /** Stores the value only if the key is absent; true when stored. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export const cacheKeyLengthMax = 512;
export const cacheValueLengthMax = 1024 * 1024;
export const cacheSetManyBatchMax = 1000;
/** 30 days: anything longer is not a cache entry. */
export const cacheTtlMsMax = 30 * 24 * 60 * 60 * 1000;

/** Thrown by incrementWithTtl when the key holds something that is not a counter. */
export class CacheValueNotCounterError extends Error {
  override readonly name = 'CacheValueNotCounterError';
}

export function assertCacheKey(key: string): void {
  assert(key.length > 0 && key.length <= cacheKeyLengthMax, `cache key must be 1..${cacheKeyLengthMax} characters`);
}

export function assertCacheValue(value: string): void {
  assert(value.length <= cacheValueLengthMax, `cache value exceeds ${cacheValueLengthMax} characters`);
}

export function assertCacheTtl(ttlMs: number): void {
  assert(Number.isSafeInteger(ttlMs) && ttlMs >= 1 && ttlMs <= cacheTtlMsMax, `cache ttlMs must be 1..${cacheTtlMsMax}`);
}

export function assertCacheEntries(entries: readonly CacheEntry[]): void {
  assert(entries.length <= cacheSetManyBatchMax, `setMany batch exceeds ${cacheSetManyBatchMax}`);
  for (const entry of entries) {
    assertCacheKey(entry.key);
    assertCacheValue(entry.value);
    assertCacheTtl(entry.ttlMs);
  }
}
