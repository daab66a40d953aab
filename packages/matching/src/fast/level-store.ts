// Price levels as fixed-size records, like the orders (fast/order-store.ts says why records, and
// why the layout is in module-private const enums): a level is an integer handle holding its price,
// the head and tail of its order FIFO, and running totals so depth and fill-or-kill checks read
// one number per level instead of walking its orders.
import { assert } from '@parite/kernel';
import { growRecords, nextCapacity } from './growth.ts';
import { handleNone } from './order-store.ts';

const enum Layout {
  /** Bytes per level record: half a cache line. */
  RecordBytes = 32,
  /** Float64 slots per record: float64 field F of level L is numbers[L * NumberStride + F]. */
  NumberStride = 4,
  /** Int32 slots per record: int32 field F of level L is integers[L * IntegerStride + F]. */
  IntegerStride = 8,
  /** handleNone, as a literal for the hot paths. */
  None = -1,
}

const enum NumberField {
  PriceTicks = 0,
  TotalLots = 1,
}

/** Int32 fields, after the two float64 fields. */
const enum IntegerField {
  /** First order of the FIFO; the free-list link while the slot is free. */
  Head = 4,
  Tail = 5,
  OrderCount = 6,
  /** Side of a live level; 0 marks a free slot. */
  Side = 7,
}

export class LevelStore {
  capacity: number;
  readonly capacityMax: number;
  /** Live levels. */
  count = 0;
  /** The float64 view of the records. */
  private numbers: Float64Array;
  /** The int32 view of the same records. */
  private integers: Int32Array;
  private freeHead: number;

  constructor(capacityInitial: number, capacityMax: number) {
    assert(capacityInitial >= 1 && capacityInitial <= capacityMax, 'level store: bad capacity');
    assert(
      Layout.RecordBytes === Layout.NumberStride * 8 && Layout.RecordBytes === Layout.IntegerStride * 4 &&
        Layout.None === handleNone,
      'level store: bad layout',
    );
    this.capacity = capacityInitial;
    this.capacityMax = capacityMax;
    const buffer = new ArrayBuffer(capacityInitial * Layout.RecordBytes);
    this.numbers = new Float64Array(buffer);
    this.integers = new Int32Array(buffer);
    this.freeHead = Layout.None;
    this.threadFreeList(0, capacityInitial);
  }

  /** An empty level at priceTicks. Every live level holds an order, so levels never outnumber orders. */
  allocate(side: number, priceTicks: number): number {
    if (this.freeHead === Layout.None) this.grow();
    const level = this.freeHead;
    const integers = this.integers;
    const integerBase = level * Layout.IntegerStride;
    this.freeHead = integers[integerBase + IntegerField.Head]!;
    this.count += 1;
    this.numbers[level * Layout.NumberStride + NumberField.PriceTicks] = priceTicks;
    this.numbers[level * Layout.NumberStride + NumberField.TotalLots] = 0;
    integers[integerBase + IntegerField.Head] = Layout.None;
    integers[integerBase + IntegerField.Tail] = Layout.None;
    integers[integerBase + IntegerField.OrderCount] = 0;
    integers[integerBase + IntegerField.Side] = side;
    return level;
  }

  release(level: number): void {
    const integers = this.integers;
    const integerBase = level * Layout.IntegerStride;
    assert(integers[integerBase + IntegerField.OrderCount] === 0, 'level store: releasing a level that holds orders');
    integers[integerBase + IntegerField.Side] = 0;
    integers[integerBase + IntegerField.Head] = this.freeHead;
    this.freeHead = level;
    this.count -= 1;
  }

  isLive(level: number): boolean {
    return level >= 0 && level < this.capacity && this.integers[level * Layout.IntegerStride + IntegerField.Side] !== 0;
  }

  priceTicks(level: number): number {
    return this.numbers[level * Layout.NumberStride + NumberField.PriceTicks]!;
  }

  totalLots(level: number): number {
    return this.numbers[level * Layout.NumberStride + NumberField.TotalLots]!;
  }

  /** Adds deltaLots (negative to take lots away) to the level's total. */
  addTotalLots(level: number, deltaLots: number): void {
    this.numbers[level * Layout.NumberStride + NumberField.TotalLots]! += deltaLots;
  }

  head(level: number): number {
    return this.integers[level * Layout.IntegerStride + IntegerField.Head]!;
  }

  setHead(level: number, head: number): void {
    this.integers[level * Layout.IntegerStride + IntegerField.Head] = head;
  }

  tail(level: number): number {
    return this.integers[level * Layout.IntegerStride + IntegerField.Tail]!;
  }

  setTail(level: number, tail: number): void {
    this.integers[level * Layout.IntegerStride + IntegerField.Tail] = tail;
  }

  orderCount(level: number): number {
    return this.integers[level * Layout.IntegerStride + IntegerField.OrderCount]!;
  }

  /** Adds deltaOrders (+1 or -1) to the level's order count and returns the new count. */
  addOrderCount(level: number, deltaOrders: number): number {
    const index = level * Layout.IntegerStride + IntegerField.OrderCount;
    const orderCount = this.integers[index]! + deltaOrders;
    this.integers[index] = orderCount;
    return orderCount;
  }

  side(level: number): number {
    return this.integers[level * Layout.IntegerStride + IntegerField.Side]!;
  }

  private grow(): void {
    const capacityOld = this.capacity;
    const capacity = nextCapacity(capacityOld, this.capacityMax);
    assert(capacity > capacityOld, 'level store: cannot grow');
    const buffer = growRecords(this.numbers.buffer, capacity * Layout.RecordBytes);
    this.numbers = new Float64Array(buffer);
    this.integers = new Int32Array(buffer);
    this.capacity = capacity;
    this.threadFreeList(capacityOld, capacity);
  }

  private threadFreeList(from: number, to: number): void {
    const integers = this.integers;
    for (let level = to - 1; level >= from; level--) {
      integers[level * Layout.IntegerStride + IntegerField.Side] = 0;
      integers[level * Layout.IntegerStride + IntegerField.Head] = this.freeHead;
      this.freeHead = level;
    }
  }
}
