// In-process cache for embedded mode and tests. Time comes from an injected Clock, so tests move
// it by hand. Size is bounded by `entriesMax`: when full, a bounded scan from the oldest entry
// removes expired ones, and if none had expired the oldest entry is evicted.
//
// Replay protection relies on entries living their whole TTL, so size entriesMax above the
// number of nonces accepted per replay window; an evicted nonce could be replayed.
import { assert, OldestFirstMap, type Clock } from '@parite/kernel';
import {
  assertCacheEntries,
  assertCacheKey,
  assertCacheTtl,
  assertCacheValue,
  CacheValueNotCounterError,
  type Cache,
  type CacheEntry,
} from './cache.ts';

export const memoryCacheEntriesMaxDefault = 100_000;
/** Entries inspected per insertion when full; bounds the work of one call. */
export const memoryCacheEvictionScanMax = 64;

interface StoredValue {
  readonly value: string;
  readonly expiresAtMs: number;
}

export interface MemoryCacheOptions {
  readonly clock: Clock;
  readonly entriesMax?: number;
}

export class MemoryCache implements Cache {
  // Insertion order: the first entries are the oldest. Not a plain Map: a scan of a Map from its
  // start skips the hole of every earlier deletion (kernel/oldest-first-map.ts).
  private readonly entries = new OldestFirstMap<string, StoredValue>();
  private readonly clock: Clock;
  private readonly entriesMax: number;

  constructor(options: MemoryCacheOptions) {
    this.clock = options.clock;
    this.entriesMax = options.entriesMax ?? memoryCacheEntriesMaxDefault;
    assert(Number.isSafeInteger(this.entriesMax) && this.entriesMax >= 1, 'entriesMax must be positive');
  }

  get size(): number {
    return this.entries.size;
  }

  async get(key: string): Promise<string | undefined> {
    assertCacheKey(key);
    return this.live(key)?.value;
  }

  async setMany(entries: readonly CacheEntry[]): Promise<void> {
    assertCacheEntries(entries);
    for (const entry of entries) this.store(entry.key, entry.value, entry.ttlMs);
  }

  async delete(key: string): Promise<void> {
    assertCacheKey(key);
    this.entries.delete(key);
  }

  async incrementWithTtl(key: string, ttlMs: number): Promise<number> {
    assertCacheKey(key);
    assertCacheTtl(ttlMs);
    const current = this.live(key);
    if (current === undefined) {
      this.store(key, '1', ttlMs);
      return 1;
    }
    if (!/^-?[0-9]{1,15}$/.test(current.value)) throw new CacheValueNotCounterError(`cache key ${key} is not a counter`);
    const next = Number(current.value) + 1;
    // Keep the window's original expiry; re-set in place so the entry keeps its age position.
    this.entries.update(key, { value: String(next), expiresAtMs: current.expiresAtMs });
    return next;
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    assertCacheKey(key);
    assertCacheValue(value);
    assertCacheTtl(ttlMs);
    if (this.live(key) !== undefined) return false;
    this.store(key, value, ttlMs);
    return true;
  }

  async close(): Promise<void> {
    this.entries.clear();
  }

  private live(key: string): StoredValue | undefined {
    const stored = this.entries.get(key);
    if (stored === undefined) return undefined;
    if (stored.expiresAtMs <= this.clock.nowMs()) {
      this.entries.delete(key);
      return undefined;
    }
    return stored;
  }

  private store(key: string, value: string, ttlMs: number): void {
    // Delete first so an overwritten key moves to the young end of the eviction order.
    this.entries.delete(key);
    if (this.entries.size >= this.entriesMax) this.makeRoom();
    this.entries.set(key, { value, expiresAtMs: this.clock.nowMs() + ttlMs });
    assert(this.entries.size <= this.entriesMax, 'memory cache exceeded entriesMax');
  }

  private makeRoom(): void {
    const nowMs = this.clock.nowMs();
    let removed = 0;
    for (const key of this.entries.oldestKeys(memoryCacheEvictionScanMax)) {
      if ((this.entries.get(key) as StoredValue).expiresAtMs > nowMs) continue;
      this.entries.delete(key);
      removed++;
    }
    if (removed === 0) this.entries.deleteOldest();
  }
}
