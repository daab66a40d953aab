// A small LRU cache with a time-to-live: bounded in size, so a flood of distinct keys cannot
// grow memory, and in staleness, so a change made by another process is seen within ttlMs.
import { assert, OldestFirstMap } from '@parite/kernel';

interface Entry<V> {
  readonly value: V;
  readonly expiresAtMs: number;
}

export class BoundedTtlCache<K, V> {
  /** Least recently used first. Not a plain Map: finding its oldest entry skips every earlier deletion's hole. */
  private readonly entries = new OldestFirstMap<K, Entry<V>>();

  constructor(
    private readonly entriesMax: number,
    private readonly ttlMs: number,
  ) {
    assert(Number.isSafeInteger(entriesMax) && entriesMax > 0, 'entriesMax must be a positive integer');
    assert(Number.isSafeInteger(ttlMs) && ttlMs >= 0, 'ttlMs must be a non-negative integer');
  }

  get(key: K, nowMs: number): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (nowMs >= entry.expiresAtMs) return undefined;
    this.entries.set(key, entry); // most recently used goes last
    return entry.value;
  }

  set(key: K, value: V, nowMs: number): void {
    this.entries.delete(key);
    if (this.entries.size >= this.entriesMax) this.entries.deleteOldest();
    this.entries.set(key, { value, expiresAtMs: nowMs + this.ttlMs });
    assert(this.entries.size <= this.entriesMax, 'cache over its bound');
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** Drops every entry whose value matches; the scan is bounded by entriesMax. */
  deleteWhere(predicate: (value: V) => boolean): void {
    for (const [key, entry] of this.entries) if (predicate(entry.value)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
