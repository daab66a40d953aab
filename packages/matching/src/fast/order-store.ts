// Resting orders as a struct of arrays: one typed array per field, an order is an integer handle
// (its index). No object per order means nothing for the GC to trace or collect, and a free list
// recycles handles so steady-state trading allocates nothing.
import { assert } from '@parite/kernel';
import { growFloat64, growInt32, growUint8, nextCapacity } from './growth.ts';

/** "No order": the end of a level's FIFO, or an allocation that found the store full. */
export const handleNone = -1;

export class OrderStore {
  capacity: number;
  readonly capacityMax: number;
  /** Live orders. */
  count = 0;
  // Ids, owners, prices and quantities are safe integers, which float64 holds exactly.
  orderId: Float64Array;
  ownerId: Float64Array;
  priceTicks: Float64Array;
  remainingLots: Float64Array;
  side: Uint8Array;
  postOnly: Uint8Array;
  selfTradePrevention: Uint8Array;
  /** FIFO links inside the order's price level (intrusive doubly linked list). */
  previous: Int32Array;
  next: Int32Array;
  /** The order's price level handle; handleNone while the slot is free. */
  level: Int32Array;
  /** Head of the free list, threaded through `next`. */
  private freeHead: number;

  constructor(capacityInitial: number, capacityMax: number) {
    assert(capacityInitial >= 1 && capacityInitial <= capacityMax, 'order store: bad capacity');
    this.capacity = capacityInitial;
    this.capacityMax = capacityMax;
    this.orderId = new Float64Array(capacityInitial);
    this.ownerId = new Float64Array(capacityInitial);
    this.priceTicks = new Float64Array(capacityInitial);
    this.remainingLots = new Float64Array(capacityInitial);
    this.side = new Uint8Array(capacityInitial);
    this.postOnly = new Uint8Array(capacityInitial);
    this.selfTradePrevention = new Uint8Array(capacityInitial);
    this.previous = new Int32Array(capacityInitial);
    this.next = new Int32Array(capacityInitial);
    this.level = new Int32Array(capacityInitial);
    this.freeHead = handleNone;
    this.threadFreeList(0, capacityInitial);
  }

  /** A free handle, or handleNone when capacityMax orders are live. */
  allocate(): number {
    if (this.freeHead === handleNone) {
      if (this.capacity === this.capacityMax) return handleNone;
      this.grow();
    }
    const handle = this.freeHead;
    this.freeHead = this.next[handle]!;
    this.count += 1;
    return handle;
  }

  release(handle: number): void {
    assert(this.level[handle] !== handleNone, 'order store: double release');
    this.level[handle] = handleNone;
    this.next[handle] = this.freeHead;
    this.freeHead = handle;
    this.count -= 1;
  }

  isLive(handle: number): boolean {
    return handle >= 0 && handle < this.capacity && this.level[handle] !== handleNone;
  }

  private grow(): void {
    const capacityOld = this.capacity;
    const capacity = nextCapacity(capacityOld, this.capacityMax);
    assert(capacity > capacityOld, 'order store: cannot grow');
    this.orderId = growFloat64(this.orderId, capacity);
    this.ownerId = growFloat64(this.ownerId, capacity);
    this.priceTicks = growFloat64(this.priceTicks, capacity);
    this.remainingLots = growFloat64(this.remainingLots, capacity);
    this.side = growUint8(this.side, capacity);
    this.postOnly = growUint8(this.postOnly, capacity);
    this.selfTradePrevention = growUint8(this.selfTradePrevention, capacity);
    this.previous = growInt32(this.previous, capacity);
    this.next = growInt32(this.next, capacity);
    this.level = growInt32(this.level, capacity);
    this.capacity = capacity;
    this.threadFreeList(capacityOld, capacity);
  }

  /** Puts handles [from, to) on the free list, lowest handle first. */
  private threadFreeList(from: number, to: number): void {
    for (let handle = to - 1; handle >= from; handle--) {
      this.level[handle] = handleNone;
      this.next[handle] = this.freeHead;
      this.freeHead = handle;
    }
  }
}
