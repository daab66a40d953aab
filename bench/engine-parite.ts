// Parite's side of the engine benchmark: FastOrderBook driven from the workload arrays, with a
// sink that really builds the ack and fill events (fixed-size records written into a preallocated
// ring, as a journal/event writer would), so the matching output is produced while measured.
import {
  BookResult, FastOrderBook, NaiveOrderBook, SelfTradePrevention, Side, TimeInForce,
  type BookEventSink, type DoneReason, type OrderBook, type PlaceOrderInput,
} from '@parite/matching';
import type { EngineAdapter } from './engine-measure.ts';
import { OperationKind, type Workload } from './engine-workload.ts';

// Const enums compile to literals. A module-level constant (or an imported OperationKind.Cancel)
// is loaded from the module and type-checked on every use in optimized code, an overhead per
// event that would be the adapter's, not the book's (see packages/matching/src/fast/order-store.ts).
const enum EventType { Ack = 1, Trade = 2, Rested = 3, Done = 4, Reduced = 5 }
const enum Ring {
  /** Float64 slots per event record: the type plus up to nine fields (a trade). */
  RecordSlots = 10,
  /** Records in the ring (320 KB); a consumer would drain it every batch, here it simply wraps. */
  RecordsMax = 1 << 12,
}
/** The workload's operation kinds and the book's time-in-force codes, as literals (checked below). */
const enum Code {
  Cancel = 3,
  Market = 4,
  GoodTillCancelled = 1,
  ImmediateOrCancel = 2,
}
if (
  Code.Cancel !== OperationKind.Cancel || Code.Market !== OperationKind.Market ||
  Code.GoodTillCancelled !== TimeInForce.GoodTillCancelled || Code.ImmediateOrCancel !== TimeInForce.ImmediateOrCancel
) {
  throw new Error('engine-parite: literal codes differ from the workload or the book contract');
}

export class EventRing implements BookEventSink {
  readonly slots = new Float64Array(Ring.RecordsMax * Ring.RecordSlots);
  /** Events written since creation (acks included). */
  written = 0;
  tradedLots = 0;

  acknowledge(orderId: number, result: BookResult): void {
    const base = this.claim(EventType.Ack);
    this.slots[base + 1] = orderId;
    this.slots[base + 2] = result;
  }

  trade(
    makerOrderId: number, makerOwnerId: number, takerOrderId: number, takerOwnerId: number,
    takerSide: Side, priceTicks: number, quantityLots: number,
    makerRemainingLots: number, takerRemainingLots: number,
  ): void {
    const slots = this.slots;
    const base = this.claim(EventType.Trade);
    slots[base + 1] = makerOrderId;
    slots[base + 2] = makerOwnerId;
    slots[base + 3] = takerOrderId;
    slots[base + 4] = takerOwnerId;
    slots[base + 5] = takerSide;
    slots[base + 6] = priceTicks;
    slots[base + 7] = quantityLots;
    slots[base + 8] = makerRemainingLots;
    slots[base + 9] = takerRemainingLots;
    this.tradedLots += quantityLots;
  }

  rested(orderId: number, ownerId: number, side: Side, priceTicks: number, remainingLots: number): void {
    this.write5(EventType.Rested, orderId, ownerId, side, priceTicks, remainingLots);
  }

  done(orderId: number, ownerId: number, side: Side, reason: DoneReason, remainingLots: number): void {
    this.write5(EventType.Done, orderId, ownerId, side, reason, remainingLots);
  }

  reduced(orderId: number, ownerId: number, side: Side, reducedByLots: number, remainingLots: number): void {
    this.write5(EventType.Reduced, orderId, ownerId, side, reducedByLots, remainingLots);
  }

  private write5(type: number, a: number, b: number, c: number, d: number, e: number): void {
    const slots = this.slots;
    const base = this.claim(type);
    slots[base + 1] = a;
    slots[base + 2] = b;
    slots[base + 3] = c;
    slots[base + 4] = d;
    slots[base + 5] = e;
  }

  private claim(type: number): number {
    const base = (this.written & (Ring.RecordsMax - 1)) * Ring.RecordSlots;
    this.written += 1;
    this.slots[base] = type;
    return base;
  }
}

/** Drives any OrderBook implementation; 'fast' is measured, 'naive' is the validation reference. */
export class PariteAdapter implements EngineAdapter {
  readonly name: string;
  readonly book: OrderBook;
  private readonly ring = new EventRing();
  /** One input record reused for every order: the gateway decodes into it, nothing is allocated. */
  private readonly input: PlaceOrderInput = {
    orderId: 0, ownerId: 0, side: Side.Buy, priceTicks: 1, quantityLots: 1,
    timeInForce: TimeInForce.GoodTillCancelled, postOnly: false, selfTradePrevention: SelfTradePrevention.None,
  };

  constructor(private readonly workload: Workload, kind: 'fast' | 'naive') {
    this.name = kind === 'fast' ? 'parite-fast' : 'parite-naive';
    const options = { ordersMax: 1 << 20 };
    this.book = kind === 'fast' ? new FastOrderBook(options) : new NaiveOrderBook(options);
  }

  runRange(from: number, to: number): void {
    for (let index = from; index < to; index++) this.apply(index);
  }

  runRangeTimed(from: number, to: number, latenciesNs: Float64Array): void {
    for (let index = from; index < to; index++) {
      const started = process.hrtime.bigint();
      this.apply(index);
      latenciesNs[index - from] = Number(process.hrtime.bigint() - started);
    }
  }

  depthLevels(): Array<[number, number]>[] {
    const depth = this.book.depth(Number.MAX_SAFE_INTEGER);
    return [
      depth.bids.map((level) => [level.priceTicks, level.quantityLots]),
      depth.asks.map((level) => [level.priceTicks, level.quantityLots]),
    ];
  }

  eventCount(): number {
    return this.ring.written;
  }

  private apply(index: number): void {
    const workload = this.workload;
    const kind = workload.kind[index]!;
    const orderId = workload.orderId[index]!;
    if (kind === Code.Cancel) {
      this.ring.acknowledge(orderId, this.book.cancel(orderId, this.ring));
      return;
    }
    const input = this.input;
    input.orderId = orderId;
    input.ownerId = workload.ownerId[index]!;
    input.side = workload.side[index]! as Side;
    input.priceTicks = workload.priceTicks[index]!;
    input.quantityLots = workload.quantityLots[index]!;
    input.timeInForce = kind === Code.Market ? Code.ImmediateOrCancel : Code.GoodTillCancelled;
    this.ring.acknowledge(orderId, this.book.place(input, this.ring));
  }
}
