// The engine benchmark's workload: one deterministic list of operations, generated once from a
// seed and stored as a struct of typed arrays (so the list itself adds nothing for the GC to
// trace while the engines run). See the header of bench/engine.ts for the method.
//
// To cancel only live orders and to price relative to the touch, the generator needs to know the
// book as it evolves. It uses FastOrderBook as that model while generating; this does not make the
// validation circular: bench/engine.ts checks the fast book's final state against NaiveOrderBook on
// the same list, and the peer against both.
import { Prng } from '@parite/kernel';
import {
  BookResult, FastOrderBook, SelfTradePrevention, Side, TimeInForce,
  type BookEventSink, type DoneReason, type PlaceOrderInput,
} from '@parite/matching';

export const OperationKind = { PassiveLimit: 1, CrossingLimit: 2, Cancel: 3, Market: 4 } as const;
export type OperationKind = (typeof OperationKind)[keyof typeof OperationKind];

export interface WorkloadOptions {
  seed: number;
  /** Resting orders placed before measuring (untimed). */
  prefillOrders: number;
  /** Measured operations after the prefill. */
  operations: number;
}

export interface Workload {
  readonly options: WorkloadOptions;
  /** prefillOrders + operations entries; the first prefillOrders are passive limits. */
  readonly count: number;
  readonly kind: Uint8Array;
  readonly side: Uint8Array;
  readonly orderId: Float64Array;
  readonly ownerId: Float64Array;
  readonly priceTicks: Float64Array;
  readonly quantityLots: Float64Array;
}

/** Where the book starts; prices move as the touch is traded away. */
const midPriceTicksInitial = 1_000_000;
/** Passive orders land 1..tailTicks behind the opposite touch, most of them close to it. */
const tailTicks = 300;
/** Market orders are IOC limited to this far through the opposite touch. */
const marketProtectionTicks = 50;
const passiveQuantityMaxLots = 100;
const ownersMax = 1000;
/** The crossing-order size adapts so the book hovers around this many orders. */
const bookTargetOrders = 11_000;

export function generateWorkload(options: WorkloadOptions): Workload {
  const count = options.prefillOrders + options.operations;
  const workload: Workload = {
    options, count,
    kind: new Uint8Array(count), side: new Uint8Array(count),
    orderId: new Float64Array(count), ownerId: new Float64Array(count),
    priceTicks: new Float64Array(count), quantityLots: new Float64Array(count),
  };
  const generator = new WorkloadGenerator(options.seed, workload);
  for (let index = 0; index < count; index++) generator.generate(index, index < options.prefillOrders);
  return workload;
}

/** Tracks which orders are live (for cancels) from the model book's events. */
class LiveOrders implements BookEventSink {
  private readonly orderIds: number[] = [];
  private readonly positionByOrderId = new Map<number, number>();

  get size(): number {
    return this.orderIds.length;
  }

  at(position: number): number {
    return this.orderIds[position]!;
  }

  trade(): void {}
  reduced(): void {}

  rested(orderId: number): void {
    this.positionByOrderId.set(orderId, this.orderIds.length);
    this.orderIds.push(orderId);
  }

  done(orderId: number, _ownerId: number, _side: Side, _reason: DoneReason): void {
    const position = this.positionByOrderId.get(orderId);
    if (position === undefined) return;
    const last = this.orderIds.pop()!;
    if (last !== orderId) {
      this.orderIds[position] = last;
      this.positionByOrderId.set(last, position);
    }
    this.positionByOrderId.delete(orderId);
  }
}

class WorkloadGenerator {
  private readonly prng: Prng;
  private readonly model = new FastOrderBook({ ordersMax: 1 << 22 });
  private readonly live = new LiveOrders();
  private orderIdNext = 1;

  constructor(seed: number, private readonly workload: Workload) {
    this.prng = new Prng(seed);
  }

  generate(index: number, prefill: boolean): void {
    const roll = this.prng.nextUnit();
    // 39 % passive, 28 % crossing, 30 % cancel, 2 % market; the last 1 % is passive too (40 %).
    if (prefill || roll < 0.39 || roll >= 0.99) this.limit(index, OperationKind.PassiveLimit);
    else if (roll < 0.67) this.limit(index, OperationKind.CrossingLimit);
    else if (roll < 0.97) this.cancel(index);
    else this.limit(index, OperationKind.Market);
  }

  private limit(index: number, kind: OperationKind): void {
    const side = this.prng.nextUnit() < 0.5 ? Side.Buy : Side.Sell;
    const touchTicks = this.oppositeTouch(side);
    const towardsBook = side === Side.Buy ? 1 : -1;
    let priceTicks: number;
    let quantityLots: number;
    if (kind === OperationKind.PassiveLimit) {
      // Cubing a uniform draw packs most orders near the touch and leaves a sparse tail.
      const behindTicks = 1 + Math.floor(tailTicks * this.prng.nextUnit() ** 3);
      priceTicks = touchTicks - towardsBook * behindTicks;
      quantityLots = this.prng.nextIntegerInclusive(1, passiveQuantityMaxLots);
    } else if (kind === OperationKind.CrossingLimit) {
      priceTicks = touchTicks + towardsBook * this.prng.nextIntegerInclusive(0, 2);
      quantityLots = this.prng.nextIntegerInclusive(1, this.crossingQuantityMaxLots());
    } else {
      priceTicks = touchTicks + towardsBook * marketProtectionTicks;
      quantityLots = this.prng.nextIntegerInclusive(1, this.crossingQuantityMaxLots());
    }
    this.record(index, kind, side, this.orderIdNext++, Math.max(1, priceTicks), quantityLots);
  }

  private cancel(index: number): void {
    if (this.live.size === 0) {
      this.limit(index, OperationKind.PassiveLimit);
      return;
    }
    const orderId = this.live.at(this.prng.nextIntegerInclusive(0, this.live.size - 1));
    this.record(index, OperationKind.Cancel, Side.Buy, orderId, 0, 0);
  }

  /** Larger takers when the book is above target, smaller below: keeps it near 10k orders. */
  private crossingQuantityMaxLots(): number {
    const fill = this.model.orderCount() / bookTargetOrders;
    return Math.max(2, Math.min(400, Math.round(60 * fill ** 6)));
  }

  private oppositeTouch(side: Side): number {
    const bestAsk = this.model.bestAskTicks();
    const bestBid = this.model.bestBidTicks();
    if (side === Side.Buy) return bestAsk ?? (bestBid === undefined ? midPriceTicksInitial : bestBid + 1);
    return bestBid ?? (bestAsk === undefined ? midPriceTicksInitial : bestAsk - 1);
  }

  private record(
    index: number, kind: OperationKind, side: Side, orderId: number, priceTicks: number, quantityLots: number,
  ): void {
    const workload = this.workload;
    workload.kind[index] = kind;
    workload.side[index] = side;
    workload.orderId[index] = orderId;
    workload.ownerId[index] = this.prng.nextIntegerInclusive(1, ownersMax);
    workload.priceTicks[index] = priceTicks;
    workload.quantityLots[index] = quantityLots;
    const result = kind === OperationKind.Cancel
      ? this.model.cancel(orderId, this.live)
      : this.model.place(placeInput(workload, index), this.live);
    if (result !== BookResult.Ok) throw new Error(`workload model refused operation ${index}: ${result}`);
  }
}

export function placeInput(workload: Workload, index: number): PlaceOrderInput {
  return {
    orderId: workload.orderId[index]!,
    ownerId: workload.ownerId[index]!,
    side: workload.side[index]! as Side,
    priceTicks: workload.priceTicks[index]!,
    quantityLots: workload.quantityLots[index]!,
    timeInForce: workload.kind[index] === OperationKind.Market
      ? TimeInForce.ImmediateOrCancel
      : TimeInForce.GoodTillCancelled,
    postOnly: false,
    selfTradePrevention: SelfTradePrevention.None,
  };
}

/**
 * The workload as bytes, so the benchmark generates it once and every round (a child process)
 * replays exactly the same list. Float arrays first, so every view stays 8-byte aligned.
 */
export function encodeWorkload(workload: Workload): Buffer {
  const { seed, prefillOrders, operations } = workload.options;
  const arrays = [
    new Float64Array([seed, prefillOrders, operations]),
    workload.orderId, workload.ownerId, workload.priceTicks, workload.quantityLots,
    workload.kind, workload.side,
  ];
  return Buffer.concat(arrays.map((array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength)));
}

export function decodeWorkload(bytes: Uint8Array): Workload {
  const buffer = new Uint8Array(bytes).buffer;
  const header = new Float64Array(buffer, 0, 3);
  const options: WorkloadOptions = { seed: header[0]!, prefillOrders: header[1]!, operations: header[2]! };
  const count = options.prefillOrders + options.operations;
  const floatsAt = (index: number): Float64Array => new Float64Array(buffer, 24 + index * count * 8, count);
  const bytesAt = (index: number): Uint8Array =>
    new Uint8Array(buffer, 24 + 4 * count * 8 + index * count, count);
  return {
    options, count,
    orderId: floatsAt(0), ownerId: floatsAt(1), priceTicks: floatsAt(2), quantityLots: floatsAt(3),
    kind: bytesAt(0), side: bytesAt(1),
  };
}
