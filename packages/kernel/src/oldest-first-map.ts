// A map in insertion order whose oldest entry is found in O(1): for everything that remembers ids
// or counters up to a bound and forgets the oldest first (client order ids, transfer ids, replay
// nonces, rate-limit windows, LRU caches).
//
// Why not a Map alone: a Map keeps insertion order, but its oldest entry is found by iterating from
// the start, and V8 leaves a hole for every deleted entry until the table is rebuilt. With a steady
// stream of evictions (at a bound, or once entries start to expire) every search for the oldest
// skips the holes of all earlier deletions: 34 µs per eviction at 100,000 entries, where this map
// takes 1.3 µs (`npm run bench retention`, docs/benchmarks.md). Beside the map, a queue of keys in
// insertion order, in fixed-size chunks so that dropping the consumed front never copies the rest.
// A key deleted or set again leaves a stale position behind in the queue; stale positions are
// skipped when they reach the front, and the queue is rebuilt once they outnumber the entries.

import { assert } from './assert.ts';

/** Keys per chunk of the insertion-order queue. */
const chunkKeysMax = 4_096;
/** Stale positions tolerated before a rebuild, at least (otherwise: as many as the entries). */
const stalePositionsRebuildMin = 1_024;

export class OldestFirstMap<Key, Value> implements ReadonlyMap<Key, Value> {
  private readonly map = new Map<Key, Value>();
  /** Every key in insertion order, including stale positions of keys deleted or set again since. */
  private chunks: Key[][] = [[]];
  /** Position of the oldest queued key in chunks[0]. */
  private headIndex = 0;
  /** Keys with stale positions in the queue, and how many each has. */
  private readonly stalePositions = new Map<Key, number>();
  private stalePositionCount = 0;

  get size(): number {
    return this.map.size;
  }

  get(key: Key): Value | undefined {
    return this.map.get(key);
  }

  has(key: Key): boolean {
    return this.map.has(key);
  }

  /** Inserts `key` as the newest entry; a key already present moves to the newest end (as delete + set). */
  set(key: Key, value: Value): this {
    this.delete(key);
    this.map.set(key, value);
    let last = this.chunks[this.chunks.length - 1] as Key[];
    if (last.length === chunkKeysMax) {
      last = [];
      this.chunks.push(last);
    }
    last.push(key);
    return this;
  }

  delete(key: Key): boolean {
    if (!this.map.delete(key)) return false;
    this.stalePositions.set(key, (this.stalePositions.get(key) ?? 0) + 1);
    this.stalePositionCount++;
    if (this.stalePositionCount > Math.max(stalePositionsRebuildMin, this.map.size)) this.rebuildQueue();
    return true;
  }

  /** The oldest entry's key, or undefined when the map is empty. */
  oldestKey(): Key | undefined {
    if (this.map.size === 0) return undefined;
    this.skipStale();
    return this.peekQueue();
  }

  /** Removes the oldest entry (the map must not be empty). */
  deleteOldest(): void {
    const key = this.oldestKey();
    assert(key !== undefined, 'deleteOldest on an empty map');
    const deleted = this.map.delete(key);
    assert(deleted, 'the queue front is a live key');
    this.shiftQueue();
  }

  /**
   * Up to `positionsMax` queue positions from the oldest end, as the live keys among them, oldest
   * first: a bounded look at the old end (a cache looking for expired entries) that costs
   * `positionsMax` however many deletions came before. Collect, then delete: the list is a copy.
   */
  oldestKeys(positionsMax: number): Key[] {
    const keys: Key[] = [];
    // Occurrences seen so far of keys with stale positions: a key's earlier positions are the stale ones.
    const seen = new Map<Key, number>();
    let visited = 0;
    for (let chunkIndex = 0; chunkIndex < this.chunks.length && visited < positionsMax; chunkIndex++) {
      const chunk = this.chunks[chunkIndex] as Key[];
      for (let index = chunkIndex === 0 ? this.headIndex : 0; index < chunk.length && visited < positionsMax; index++) {
        visited++;
        const key = chunk[index] as Key;
        const stale = this.stalePositions.get(key);
        if (stale !== undefined) {
          const occurrence = (seen.get(key) ?? 0) + 1;
          seen.set(key, occurrence);
          if (occurrence <= stale) continue;
        }
        keys.push(key);
      }
    }
    return keys;
  }

  clear(): void {
    this.map.clear();
    this.chunks = [[]];
    this.headIndex = 0;
    this.stalePositions.clear();
    this.stalePositionCount = 0;
  }

  /** Replaces the value of a present key without moving it; false (and nothing changes) if absent. */
  update(key: Key, value: Value): boolean {
    if (!this.map.has(key)) return false;
    this.map.set(key, value);
    return true;
  }

  forEach(callback: (value: Value, key: Key, map: ReadonlyMap<Key, Value>) => void): void {
    for (const [key, value] of this.map) callback(value, key, this);
  }

  entries(): MapIterator<[Key, Value]> {
    return this.map.entries();
  }

  keys(): MapIterator<Key> {
    return this.map.keys();
  }

  values(): MapIterator<Value> {
    return this.map.values();
  }

  [Symbol.iterator](): MapIterator<[Key, Value]> {
    return this.map[Symbol.iterator]();
  }

  /** Drops stale positions at the front; the front is then the oldest live key. */
  private skipStale(): void {
    // Bounded by the stale positions: each pass consumes one.
    while (this.stalePositionCount > 0) {
      const key = this.peekQueue() as Key;
      const stale = this.stalePositions.get(key);
      if (stale === undefined) return;
      if (stale === 1) this.stalePositions.delete(key);
      else this.stalePositions.set(key, stale - 1);
      this.stalePositionCount--;
      this.shiftQueue();
    }
  }

  /** The queue again from the map's own order, without stale positions: O(entries), once per as many deletions. */
  private rebuildQueue(): void {
    this.chunks = [[]];
    this.headIndex = 0;
    this.stalePositions.clear();
    this.stalePositionCount = 0;
    let last = this.chunks[0] as Key[];
    for (const key of this.map.keys()) {
      if (last.length === chunkKeysMax) {
        last = [];
        this.chunks.push(last);
      }
      last.push(key);
    }
  }

  private peekQueue(): Key | undefined {
    return (this.chunks[0] as Key[])[this.headIndex];
  }

  private shiftQueue(): void {
    const first = this.chunks[0] as Key[];
    assert(this.headIndex < first.length, 'shift from an empty queue');
    this.headIndex++;
    if (this.headIndex < first.length) return;
    // The front chunk is consumed: drop it (the chunk list is short: entries / chunkKeysMax).
    if (this.chunks.length > 1) this.chunks.shift();
    else this.chunks[0] = [];
    this.headIndex = 0;
  }
}
