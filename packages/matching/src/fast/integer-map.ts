// Safe integer -> handle, as an open-addressing hash table in typed arrays. FastOrderBook uses one
// for orderId -> order handle and one per side for priceTicks -> level handle.
//
// Why not Map<number, number>: a Map under constant insert/delete churn keeps deleted entries until
// it rehashes, and every rehash allocates a fresh backing store (hundreds of KB at 10k live
// orders): exactly the steady-state garbage this book avoids. On the engine benchmark the Map was
// also clearly slower. Here: linear probing at a load factor <= 1/2, Fibonacci hashing of the key,
// backward-shift deletion (no tombstones), so probe runs stay short forever and nothing is
// allocated until the owning store grows. The table is never full, so every probe loop ends.
//
// Each slot is 16 bytes, key and value side by side in one buffer (a float64 view for the keys, an
// int32 view for the values): a lookup into a table bigger than the L1 cache costs one cache
// miss, not one for the value and another for the key.
import { assert } from '@parite/kernel';
import { handleNone } from './order-store.ts';

/** Slot layout, as a const enum so the members compile to literals (fast/order-store.ts says why). */
const enum Slot {
  Bytes = 16,
  /** The key of slot S is keys[S * KeyStride]. */
  KeyStride = 2,
  /** The value of slot S is values[S * ValueStride + SlotValue.Offset]: the int32 after the key. */
  ValueStride = 4,
  /** Marks an empty slot and is what get() returns for an absent key (equal to handleNone). */
  Absent = -1,
  /** Multiplying by a power of two is exact, so this splits a safe integer without rounding. */
  TwoToTheMinus32 = 1 / 4294967296,
}

const enum SlotValue { Offset = 2 }

export class IntegerMap {
  size = 0;
  private capacity: number;
  private mask: number;
  private shift: number;
  /** Float64 view of the slots. */
  private keys: Float64Array;
  /** Int32 view of the same slots: the handle stored in each; an empty slot holds Slot.Absent. */
  private values: Int32Array;

  /** Sized for `entriesCapacity` entries at a load factor of at most 1/2. */
  constructor(entriesCapacity: number) {
    assert(
      Slot.Absent === handleNone && Slot.KeyStride * 8 === Slot.Bytes && Slot.ValueStride * 4 === Slot.Bytes,
      'integer map: bad slot layout',
    );
    this.capacity = tableCapacityFor(entriesCapacity);
    this.mask = this.capacity - 1;
    this.shift = 32 - Math.log2(this.capacity);
    this.keys = new Float64Array(0);
    this.values = new Int32Array(0);
    this.allocateSlots();
  }

  /** The value stored for key, or handleNone. */
  get(key: number): number {
    const keys = this.keys;
    const values = this.values;
    const mask = this.mask;
    for (let slot = this.home(key); ; slot = (slot + 1) & mask) {
      const value = values[slot * Slot.ValueStride + SlotValue.Offset]!;
      if (value === Slot.Absent || keys[slot * Slot.KeyStride] === key) return value;
    }
  }

  /** Adds key, which must not be present, with a value >= 0 (Slot.Absent marks empty slots). */
  insert(key: number, value: number): void {
    assert(value >= 0, 'integer map: values are non-negative handles');
    const keys = this.keys;
    const values = this.values;
    const mask = this.mask;
    let slot = this.home(key);
    while (values[slot * Slot.ValueStride + SlotValue.Offset] !== Slot.Absent) {
      assert(keys[slot * Slot.KeyStride] !== key, 'integer map: duplicate key');
      slot = (slot + 1) & mask;
    }
    keys[slot * Slot.KeyStride] = key;
    values[slot * Slot.ValueStride + SlotValue.Offset] = value;
    this.size += 1;
  }

  /** Removes key, which must be present; later entries of its probe run shift back. */
  remove(key: number): void {
    const keys = this.keys;
    const values = this.values;
    const mask = this.mask;
    let hole = this.home(key);
    while (keys[hole * Slot.KeyStride] !== key || values[hole * Slot.ValueStride + SlotValue.Offset] === Slot.Absent) {
      assert(values[hole * Slot.ValueStride + SlotValue.Offset] !== Slot.Absent, 'integer map: removing an absent key');
      hole = (hole + 1) & mask;
    }
    for (
      let slot = (hole + 1) & mask; values[slot * Slot.ValueStride + SlotValue.Offset] !== Slot.Absent; slot = (slot + 1) & mask
    ) {
      const home = this.home(keys[slot * Slot.KeyStride]!);
      // The entry may move into the hole only if its home is not inside (hole, slot] cyclically.
      const homeBetween = hole <= slot ? hole < home && home <= slot : hole < home || home <= slot;
      if (homeBetween) continue;
      keys[hole * Slot.KeyStride] = keys[slot * Slot.KeyStride]!;
      values[hole * Slot.ValueStride + SlotValue.Offset] = values[slot * Slot.ValueStride + SlotValue.Offset]!;
      hole = slot;
    }
    values[hole * Slot.ValueStride + SlotValue.Offset] = Slot.Absent;
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
    this.allocateSlots();
    this.size = 0;
    for (let slot = 0; slot * Slot.KeyStride < keys.length; slot++) {
      const value = values[slot * Slot.ValueStride + SlotValue.Offset]!;
      if (value !== Slot.Absent) this.insert(keys[slot * Slot.KeyStride]!, value);
    }
  }

  /** Visits every entry (for validation). */
  forEach(visit: (key: number, value: number) => void): void {
    for (let slot = 0; slot < this.capacity; slot++) {
      const value = this.values[slot * Slot.ValueStride + SlotValue.Offset]!;
      if (value !== Slot.Absent) visit(this.keys[slot * Slot.KeyStride]!, value);
    }
  }

  private allocateSlots(): void {
    const buffer = new ArrayBuffer(this.capacity * Slot.Bytes);
    this.keys = new Float64Array(buffer);
    this.values = new Int32Array(buffer);
    for (let slot = 0; slot < this.capacity; slot++) this.values[slot * Slot.ValueStride + SlotValue.Offset] = Slot.Absent;
  }

  /** Fibonacci hashing over both 32-bit halves of the safe integer key. */
  private home(key: number): number {
    // Any deterministic mix works; truncating (not flooring) the high half avoids a division.
    const low = key | 0;
    const high = (key * Slot.TwoToTheMinus32) | 0;
    return Math.imul(low ^ Math.imul(high, 0x85ebca6b), 0x9e3779b1) >>> this.shift;
  }
}

/** Smallest power of two holding entriesCapacity at a load factor of at most 1/2 (at least 16). */
function tableCapacityFor(entriesCapacity: number): number {
  let capacity = 16;
  while (capacity < entriesCapacity * 2) capacity *= 2;
  return capacity;
}
