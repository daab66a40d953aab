// Seeded random commands for differential and replay tests. The generator does not look at any
// book: it keeps a short memory of the ids and prices it issued, so cancels and amends mostly hit
// live orders but sometimes hit filled or unknown ones, and prices cluster around one mid price so
// passive, crossing, post-only, IOC, FOK and market-like orders all meet each other.
import { Prng } from '@parite/kernel';
import {
  SelfTradePrevention, Side, TimeInForce, type BookEventSink, type BookResult, type OrderBook,
  type PlaceOrderInput,
} from '../src/index.ts';

export type Operation =
  | { kind: 'place'; order: PlaceOrderInput }
  | { kind: 'cancel'; orderId: number }
  | { kind: 'amend'; orderId: number; newPriceTicks: number; newQuantityLots: number };

export interface GeneratorOptions {
  midPriceTicks?: number;
  /** Prices spread this far either side of the mid. */
  spreadTicks?: number;
  ownersMax?: number;
  quantityMaxLots?: number;
}

interface IssuedOrder {
  orderId: number;
  priceTicks: number;
  quantityLots: number;
}

const selfTradeModes = [
  SelfTradePrevention.None, SelfTradePrevention.None, SelfTradePrevention.CancelNewest,
  SelfTradePrevention.CancelOldest, SelfTradePrevention.CancelBoth, SelfTradePrevention.Decrement,
] as const;
/** How many recent orders cancels and amends choose from. */
const recentOrdersMax = 200;

export class OperationGenerator {
  private readonly prng: Prng;
  private readonly midPriceTicks: number;
  private readonly spreadTicks: number;
  private readonly ownersMax: number;
  private readonly quantityMaxLots: number;
  private readonly recent: IssuedOrder[] = [];
  private orderIdNext = 1;

  constructor(seed: number, options: GeneratorOptions = {}) {
    this.prng = new Prng(seed);
    this.midPriceTicks = options.midPriceTicks ?? 1000;
    this.spreadTicks = options.spreadTicks ?? 8;
    this.ownersMax = options.ownersMax ?? 4;
    this.quantityMaxLots = options.quantityMaxLots ?? 10;
  }

  generate(count: number): Operation[] {
    const operations: Operation[] = [];
    for (let index = 0; index < count; index++) operations.push(this.next());
    return operations;
  }

  next(): Operation {
    const roll = this.prng.nextUnit();
    if (roll < 0.25) return this.place({ crossing: false });
    if (roll < 0.37) return this.place({ crossing: true });
    if (roll < 0.44) return this.place({ crossing: true, timeInForce: TimeInForce.ImmediateOrCancel });
    if (roll < 0.49) return this.place({ crossing: true, timeInForce: TimeInForce.FillOrKill });
    if (roll < 0.52) return this.place({ crossing: true, timeInForce: TimeInForce.ImmediateOrCancel, market: true });
    if (roll < 0.58) return this.place({ crossing: this.prng.nextUnit() < 0.5, postOnly: true });
    if (roll < 0.60) return this.duplicate();
    if (roll < 0.80) return this.cancel();
    return this.amend();
  }

  private place(shape: {
    crossing: boolean; timeInForce?: TimeInForce; postOnly?: boolean; market?: boolean;
  }): Operation {
    const side = this.prng.nextUnit() < 0.5 ? Side.Buy : Side.Sell;
    const priceTicks = shape.market === true ? this.protectionPrice(side) : this.price(side, shape.crossing);
    const order: PlaceOrderInput = {
      orderId: this.orderIdNext++,
      ownerId: this.prng.nextIntegerInclusive(1, this.ownersMax),
      side,
      priceTicks,
      quantityLots: this.prng.nextIntegerInclusive(1, this.quantityMaxLots),
      timeInForce: shape.timeInForce ?? TimeInForce.GoodTillCancelled,
      postOnly: shape.postOnly ?? false,
      selfTradePrevention: this.prng.pick(selfTradeModes),
    };
    this.remember({ orderId: order.orderId, priceTicks, quantityLots: order.quantityLots });
    return { kind: 'place', order };
  }

  /** A passive price sits on its own side of the mid; a crossing one reaches into the other. */
  private price(side: Side, crossing: boolean): number {
    const offsetTicks = this.prng.nextIntegerInclusive(0, this.spreadTicks);
    const towardsOtherSide = crossing ? offsetTicks : -offsetTicks;
    return side === Side.Buy ? this.midPriceTicks + towardsOtherSide : this.midPriceTicks - towardsOtherSide;
  }

  private protectionPrice(side: Side): number {
    return side === Side.Buy ? this.midPriceTicks * 2 : 1;
  }

  private duplicate(): Operation {
    const target = this.pickRecent();
    if (target === undefined) return this.place({ crossing: false });
    const side = this.prng.nextUnit() < 0.5 ? Side.Buy : Side.Sell;
    return {
      kind: 'place',
      order: {
        orderId: target.orderId, ownerId: 1, side, priceTicks: this.price(side, false), quantityLots: 1,
        timeInForce: TimeInForce.GoodTillCancelled, postOnly: false, selfTradePrevention: SelfTradePrevention.None,
      },
    };
  }

  private cancel(): Operation {
    const target = this.pickRecent();
    const unknown = target === undefined || this.prng.nextUnit() < 0.05;
    return { kind: 'cancel', orderId: unknown ? this.orderIdNext + 1_000_000 : target.orderId };
  }

  private amend(): Operation {
    const target = this.pickRecent();
    if (target === undefined) return this.place({ crossing: false });
    const roll = this.prng.nextUnit();
    let newPriceTicks = target.priceTicks;
    let newQuantityLots = target.quantityLots;
    if (roll < 0.35) {
      newQuantityLots = Math.max(1, target.quantityLots - this.prng.nextIntegerInclusive(1, 3));
    } else if (roll < 0.45) {
      // Same price and quantity as issued: AmendNoChange if untouched since, otherwise a change.
    } else if (roll < 0.6) {
      newQuantityLots = target.quantityLots + this.prng.nextIntegerInclusive(1, 3);
    } else {
      const offsetTicks = this.prng.nextIntegerInclusive(-this.spreadTicks, this.spreadTicks);
      newPriceTicks = Math.max(1, this.midPriceTicks + offsetTicks);
      newQuantityLots = this.prng.nextIntegerInclusive(1, this.quantityMaxLots);
    }
    target.priceTicks = newPriceTicks;
    target.quantityLots = newQuantityLots;
    return { kind: 'amend', orderId: target.orderId, newPriceTicks, newQuantityLots };
  }

  private remember(issued: IssuedOrder): void {
    this.recent.push(issued);
    if (this.recent.length > recentOrdersMax) this.recent.shift();
  }

  private pickRecent(): IssuedOrder | undefined {
    return this.recent.length === 0 ? undefined : this.prng.pick(this.recent);
  }
}

export function applyOperation(book: OrderBook, operation: Operation, sink: BookEventSink): BookResult {
  switch (operation.kind) {
    case 'place':
      return book.place(operation.order, sink);
    case 'cancel':
      return book.cancel(operation.orderId, sink);
    case 'amend':
      return book.amend(operation.orderId, operation.newPriceTicks, operation.newQuantityLots, sink);
  }
}
