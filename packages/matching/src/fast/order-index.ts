// orderId -> order handle for FastOrderBook: an open-addressing hash table of int32 slots that
// keeps no keys of its own. A key is the orderId already stored in the order's record, so a slot
// is 4 bytes and the table for a 10k-order book is 128 KB, small enough to stay in the L2 cache;
// with its own 8-byte keys the table was four times larger and its first probe was the single
// hottest load of the engine benchmark (a cache miss on nearly every operation).
//
// A slot holds the order handle in its low 24 bits (handles are below fastOrdersMaxLimit = 2^24)
// and, above them, the entry's displacement: how far it sits past its home slot, saturated at
// displacementSaturated. The displacement is what keeps the key reads rare:
// - a lookup skips every entry whose home differs from the key's home without reading its record,
//   so only an entry with the same home (rare at this load) costs a record read, and a found order
//   is read by the caller next anyway;
// - deletion (backward shift, no tombstones) finds the entry by its handle and moves the entries
//   after it using their displacements alone.
// Only a saturated displacement (a probe run longer than 127 slots, which needs hostile keys)
// falls back to reading the key, so correctness never depends on the saturation.
//
// Same rules as fast/integer-map.ts otherwise: linear probing at a load factor <= 1/2, Fibonacci
// hashing, nothing allocated until the order store grows, and the table is never full, so every
// probe loop ends.
import { assert } from '@parite/kernel';
import { handleNone, type OrderStore } from './order-store.ts';

/** Slot encoding, as a const enum so the members compile to literals (fast/order-store.ts says why). */
const enum Slot {
  /** An empty slot, and what get() returns for an absent key (equal to handleNone). */
  Absent = -1,
  HandleBits = 24,
  HandleMask = (1 << 24) - 1,
  /** Displacements are stored in 7 bits, so the slot stays a non-negative int32. */
  DisplacementSaturated = 127,
  /** Multiplying by a power of two is exact, so this splits a safe integer without rounding. */
  TwoToTheMinus32 = 1 / 4294967296,
}

export class OrderIndex {
  size = 0;
  private capacity: number;
  private mask: number;
  private shift: number;
  private slots: Int32Array;

  /** Sized for `entriesCapacity` orders at a load factor of at most 1/2. */
  constructor(private readonly orders: OrderStore, entriesCapacity: number) {
    assert(entriesCapacity <= Slot.HandleMask + 1, 'order index: handles must fit in 24 bits');
    assert(Slot.Absent === handleNone && Slot.HandleMask === (1 << Slot.HandleBits) - 1, 'order index: bad layout');
    this.capacity = tableCapacityFor(entriesCapacity);
    this.mask = this.capacity - 1;
    this.shift = 32 - Math.log2(this.capacity);
    this.slots = new Int32Array(this.capacity).fill(Slot.Absent);
  }

  /** The handle of the order with this id, or handleNone. */
  get(orderId: number): number {
    const slots = this.slots;
    const mask = this.mask;
    const home = this.home(orderId);
    for (let slot = home, displacement = 0; ; slot = (slot + 1) & mask, displacement++) {
      const entry = slots[slot]!;
      if (entry === Slot.Absent) return Slot.Absent;
      // An entry with the key's home is stored with the same (saturated) displacement as this
      // probe; only such an entry needs its orderId compared.
      const expected = displacement < Slot.DisplacementSaturated ? displacement : Slot.DisplacementSaturated;
      if (entry >>> Slot.HandleBits === expected) {
        const handle = entry & Slot.HandleMask;
        if (this.orders.orderId(handle) === orderId) return handle;
      }
    }
  }

  /** Adds the order `handle`, whose record already holds orderId; orderId must not be present. */
  insert(orderId: number, handle: number): void {
    assert(handle >= 0 && handle <= Slot.HandleMask, 'order index: bad handle');
    const slots = this.slots;
    const mask = this.mask;
    let slot = this.home(orderId);
    let displacement = 0;
    while (slots[slot] !== Slot.Absent) {
      slot = (slot + 1) & mask;
      displacement++;
    }
    slots[slot] = entryOf(handle, displacement);
    this.size += 1;
  }

  /** Removes the order `handle`, which is present under orderId; later entries of its run shift back. */
  remove(orderId: number, handle: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let hole = this.home(orderId);
    let entry = slots[hole]!;
    while ((entry & Slot.HandleMask) !== handle || entry === Slot.Absent) {
      assert(entry !== Slot.Absent, 'order index: removing an absent order');
      hole = (hole + 1) & mask;
      entry = slots[hole]!;
    }
    for (let slot = (hole + 1) & mask; ; slot = (slot + 1) & mask) {
      const moving = slots[slot]!;
      if (moving === Slot.Absent) break;
      const displacement = this.displacementOf(moving, slot);
      // The entry may move into the hole only if its home is not inside (hole, slot] cyclically,
      // that is if it sits at least as far past its home as the hole is behind it.
      const distance = (slot - hole) & mask;
      if (displacement < distance) continue;
      slots[hole] = entryOf(moving & Slot.HandleMask, displacement - distance);
      hole = slot;
    }
    slots[hole] = Slot.Absent;
    this.size -= 1;
  }

  /** Rebuilds the table for a larger order capacity (allocates; only when the order store grows). */
  resize(entriesCapacity: number): void {
    // Called on every rest: the common "still big enough" answer must cost one comparison.
    if (entriesCapacity * 2 <= this.capacity) return;
    assert(entriesCapacity <= Slot.HandleMask + 1, 'order index: handles must fit in 24 bits');
    const slotsOld = this.slots;
    this.capacity = tableCapacityFor(entriesCapacity);
    this.mask = this.capacity - 1;
    this.shift = 32 - Math.log2(this.capacity);
    this.slots = new Int32Array(this.capacity).fill(Slot.Absent);
    this.size = 0;
    for (const entry of slotsOld) {
      if (entry === Slot.Absent) continue;
      const handle = entry & Slot.HandleMask;
      this.insert(this.orders.orderId(handle), handle);
    }
  }

  /** Visits every entry as (orderId, handle) (for validation). */
  forEach(visit: (orderId: number, handle: number) => void): void {
    for (const entry of this.slots) {
      if (entry === Slot.Absent) continue;
      const handle = entry & Slot.HandleMask;
      visit(this.orders.orderId(handle), handle);
    }
  }

  /** How far the entry at `slot` sits past its home; reads its key only when saturated. */
  private displacementOf(entry: number, slot: number): number {
    const displacement = entry >>> Slot.HandleBits;
    if (displacement !== Slot.DisplacementSaturated) return displacement;
    return (slot - this.home(this.orders.orderId(entry & Slot.HandleMask))) & this.mask;
  }

  /** Fibonacci hashing over both 32-bit halves of the safe integer key. */
  private home(key: number): number {
    // Any deterministic mix works; truncating (not flooring) the high half avoids a division.
    const low = key | 0;
    const high = (key * Slot.TwoToTheMinus32) | 0;
    return Math.imul(low ^ Math.imul(high, 0x85ebca6b), 0x9e3779b1) >>> this.shift;
  }
}

function entryOf(handle: number, displacement: number): number {
  const stored = displacement < Slot.DisplacementSaturated ? displacement : Slot.DisplacementSaturated;
  return (stored << Slot.HandleBits) | handle;
}

/** Smallest power of two holding entriesCapacity at a load factor of at most 1/2 (at least 16). */
function tableCapacityFor(entriesCapacity: number): number {
  let capacity = 16;
  while (capacity < entriesCapacity * 2) capacity *= 2;
  return capacity;
}
