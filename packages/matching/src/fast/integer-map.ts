// Safe integer -> handle, as an open-addressing hash table in typed arrays. FastOrderBook uses one
// for orderId -> order handle and one per side for priceTicks -> level handle.
//
// Why not Map<number, number>: a Map under constant insert/delete churn keeps deleted entries until
// it rehashes, and every rehash allocates a fresh backing store (hundreds of KB at 10k live
// orders): exactly the steady-state garbage this book avoids. On the engine benchmark the Map was
// also clearly slower. Here: linear probing at a load factor <= 1/2, Fibonacci hashing of the key,
// backward-shift deletion (no tombstones), so probe runs stay short forever and nothing is
// allocated until the owning store grows. The table is never full, so every probe loop ends.
import { assert } from '@parite/kernel';
import { handleNone } from './order-store.ts';

/** Multiplying by a power of two is exact, so this splits a safe integer without rounding. */
const twoToTheMinus32 = 1 / 4294967296;

export class IntegerMap {
  size = 0;
  private capacity: number;
  private mask: number;
  private shift: number;
  private keys: Float64Array;
  /** Handle stored in each slot; handleNone marks an empty slot. */
  private values: Int32Array;

  /** Sized for `entriesCapacity` entries at a load factor of at most 1/2. */
  constructor(entriesCapacity: number) {
    this.capacity = tableCapacityFor(entriesCapacity);
    this.mask = this.capacity - 1;
    this.shift = 32 - Math.log2(this.capacity);
    this.keys = new Float64Array(this.capacity);
    this.values = new Int32Array(this.capacity).fill(handleNone);
  }

  /** The value stored for key, or handleNone. */
  get(key: number): number {
    const keys = this.keys;
    const values = this.values;
    const mask = this.mask;
    for (let slot = this.home(key); ; slot = (slot + 1) & mask) {
      const value = values[slot]!;
      if (value === handleNone || keys[slot] === key) return value;
    }
  }

  /** Adds key, which must not be present, with a value >= 0 (handleNone marks empty slots). */
  insert(key: number, value: number): void {
    assert(value >= 0, 'integer map: values are non-negative handles');
    const keys = this.keys;
    const values = this.values;
    const mask = this.mask;
    let slot = this.home(key);
    while (values[slot] !== handleNone) {
      assert(keys[slot] !== key, 'integer map: duplicate key');
      slot = (slot + 1) & mask;
    }
    keys[slot] = key;
    values[slot] = value;
    this.size += 1;
  }

  /** Removes key, which must be present; later entries of its probe run shift back. */
  remove(key: number): void {
    const keys = this.keys;
    const values = this.values;
    const mask = this.mask;
    let hole = this.home(key);
    while (keys[hole] !== key || values[hole] === handleNone) {
      assert(values[hole] !== handleNone, 'integer map: removing an absent key');
      hole = (hole + 1) & mask;
    }
    for (let slot = (hole + 1) & mask; values[slot] !== handleNone; slot = (slot + 1) & mask) {
      const home = this.home(keys[slot]!);
      // The entry may move into the hole only if its home is not inside (hole, slot] cyclically.
      const homeBetween = hole <= slot ? hole < home && home <= slot : hole < home || home <= slot;
      if (homeBetween) continue;
      keys[hole] = keys[slot]!;
      values[hole] = values[slot]!;
      hole = slot;
    }
    values[hole] = handleNone;
    this.size -= 1;
  }

  /** Rebuilds the table for a larger order capacity (allocates; only when the owning store grows). */
  resize(entriesCapacity: number): void {
    // Called on every rest: the common "still big enough" answer must cost one comparison.
    if (entriesCapacity * 2 <= this.capacity) return;
    const capacity = tableCapacityFor(entriesCapacity);
    const keys = this.keys;
    const values = this.values;
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.shift = 32 - Math.log2(capacity);
    this.keys = new Float64Array(capacity);
    this.values = new Int32Array(capacity).fill(handleNone);
    this.size = 0;
    for (let slot = 0; slot < keys.length; slot++) {
      if (values[slot] !== handleNone) this.insert(keys[slot]!, values[slot]!);
    }
  }

  /** Visits every entry (for validation). */
  forEach(visit: (key: number, value: number) => void): void {
    for (let slot = 0; slot < this.capacity; slot++) {
      if (this.values[slot] !== handleNone) visit(this.keys[slot]!, this.values[slot]!);
    }
  }

  /** Fibonacci hashing over both 32-bit halves of the safe integer key. */
  private home(key: number): number {
    // Any deterministic mix works; truncating (not flooring) the high half avoids a division.
    const low = key | 0;
    const high = (key * twoToTheMinus32) | 0;
    return Math.imul(low ^ Math.imul(high, 0x85ebca6b), 0x9e3779b1) >>> this.shift;
  }
}

/** Smallest power of two holding entriesCapacity at a load factor of at most 1/2 (at least 16). */
function tableCapacityFor(entriesCapacity: number): number {
  let capacity = 16;
  while (capacity < entriesCapacity * 2) capacity *= 2;
  return capacity;
}
