// Price levels as a struct of arrays, like the orders: a level is an integer handle holding its
// price, the head and tail of its order FIFO, and running totals so depth and fill-or-kill checks
// read one number per level instead of walking its orders.
import { assert } from '@parite/kernel';
import { growFloat64, growInt32, growUint8, nextCapacity } from './growth.ts';
import { handleNone } from './order-store.ts';

export class LevelStore {
  capacity: number;
  readonly capacityMax: number;
  /** Live levels. */
  count = 0;
  priceTicks: Float64Array;
  side: Uint8Array;
  head: Int32Array;
  tail: Int32Array;
  totalLots: Float64Array;
  orderCount: Int32Array;
  /** Free-list link; handleNone for a live level's slot is never read. */
  private nextFree: Int32Array;
  private freeHead: number;

  constructor(capacityInitial: number, capacityMax: number) {
    assert(capacityInitial >= 1 && capacityInitial <= capacityMax, 'level store: bad capacity');
    this.capacity = capacityInitial;
    this.capacityMax = capacityMax;
    this.priceTicks = new Float64Array(capacityInitial);
    this.side = new Uint8Array(capacityInitial);
    this.head = new Int32Array(capacityInitial);
    this.tail = new Int32Array(capacityInitial);
    this.totalLots = new Float64Array(capacityInitial);
    this.orderCount = new Int32Array(capacityInitial);
    this.nextFree = new Int32Array(capacityInitial);
    this.freeHead = handleNone;
    this.threadFreeList(0, capacityInitial);
  }

  /** An empty level at priceTicks. Every live level holds an order, so levels never outnumber orders. */
  allocate(side: number, priceTicks: number): number {
    if (this.freeHead === handleNone) this.grow();
    const level = this.freeHead;
    this.freeHead = this.nextFree[level]!;
    this.count += 1;
    this.priceTicks[level] = priceTicks;
    this.side[level] = side;
    this.head[level] = handleNone;
    this.tail[level] = handleNone;
    this.totalLots[level] = 0;
    this.orderCount[level] = 0;
    return level;
  }

  release(level: number): void {
    assert(this.orderCount[level] === 0, 'level store: releasing a level that holds orders');
    this.side[level] = 0;
    this.nextFree[level] = this.freeHead;
    this.freeHead = level;
    this.count -= 1;
  }

  isLive(level: number): boolean {
    return level >= 0 && level < this.capacity && this.side[level] !== 0;
  }

  private grow(): void {
    const capacityOld = this.capacity;
    const capacity = nextCapacity(capacityOld, this.capacityMax);
    assert(capacity > capacityOld, 'level store: cannot grow');
    this.priceTicks = growFloat64(this.priceTicks, capacity);
    this.side = growUint8(this.side, capacity);
    this.head = growInt32(this.head, capacity);
    this.tail = growInt32(this.tail, capacity);
    this.totalLots = growFloat64(this.totalLots, capacity);
    this.orderCount = growInt32(this.orderCount, capacity);
    this.nextFree = growInt32(this.nextFree, capacity);
    this.capacity = capacity;
    this.threadFreeList(capacityOld, capacity);
  }

  private threadFreeList(from: number, to: number): void {
    for (let level = to - 1; level >= from; level--) {
      this.side[level] = 0;
      this.nextFree[level] = this.freeHead;
      this.freeHead = level;
    }
  }
}
