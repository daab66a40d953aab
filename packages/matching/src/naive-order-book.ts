// The reference book: plain arrays of plain objects, kept in priority order, searched linearly.
// It is written to be obviously correct, not fast; FastOrderBook must produce exactly the same
// result codes, sink calls and state hash for any sequence of commands (see the differential tests).
import { assert } from '@parite/kernel';
import type { OrderBookOptions } from './options.ts';
import { bookStateHash } from './state-hash.ts';
import {
  BookResult, DoneReason, SelfTradePrevention, Side, TimeInForce,
  type BookEventSink, type BookSnapshot, type DepthLevel, type OrderBook, type PlaceOrderInput,
  type RestingOrder,
} from './types.ts';
import {
  assertAmendInput, assertPlaceOrderInput, assertSnapshotWellFormed, completeRestingOrder,
  isPositiveSafeInteger,
} from './validation.ts';

export const naiveOrdersMaxDefault = 1_000_000;

type NaiveOrder = Required<RestingOrder>;

export class NaiveOrderBook implements OrderBook {
  /** Best price first, then oldest first: index 0 is always the next order to trade. */
  private readonly bids: NaiveOrder[] = [];
  private readonly asks: NaiveOrder[] = [];
  private readonly ordersMax: number;

  constructor(options: OrderBookOptions = {}) {
    this.ordersMax = options.ordersMax ?? naiveOrdersMaxDefault;
    assert(isPositiveSafeInteger(this.ordersMax), 'ordersMax must be a positive safe integer');
  }

  static restore(snapshot: BookSnapshot, options: OrderBookOptions = {}): NaiveOrderBook {
    assertSnapshotWellFormed(snapshot);
    const book = new NaiveOrderBook(options);
    assert(snapshot.bids.length + snapshot.asks.length <= book.ordersMax, 'snapshot exceeds ordersMax');
    for (const order of snapshot.bids) book.bids.push(completeRestingOrder(order));
    for (const order of snapshot.asks) book.asks.push(completeRestingOrder(order));
    return book;
  }

  place(order: PlaceOrderInput, sink: BookEventSink): BookResult {
    assertPlaceOrderInput(order);
    // The checks run in this documented order in both books; the first that fails decides.
    if (this.find(order.orderId) !== undefined) return BookResult.DuplicateOrderId;
    // Refused up front, even if it would have traded in full: the outcome of a command must not
    // depend on whether a partial fill happens to leave a remainder that has no room to rest.
    if (order.timeInForce === TimeInForce.GoodTillCancelled && this.orderCount() >= this.ordersMax) {
      return BookResult.BookFull;
    }
    if (order.postOnly && this.wouldCross(order.side, order.priceTicks)) return BookResult.PostOnlyWouldTake;
    if (order.timeInForce === TimeInForce.FillOrKill && this.fillableLots(order) < order.quantityLots) {
      return BookResult.FillOrKillUnfillable;
    }
    const taker: NaiveOrder = {
      orderId: order.orderId,
      ownerId: order.ownerId,
      side: order.side,
      priceTicks: order.priceTicks,
      remainingLots: order.quantityLots,
      postOnly: order.postOnly,
      selfTradePrevention: order.selfTradePrevention,
    };
    this.execute(taker, order.timeInForce, sink);
    return BookResult.Ok;
  }

  cancel(orderId: number, sink: BookEventSink): BookResult {
    const order = this.find(orderId);
    if (order === undefined) return BookResult.UnknownOrder;
    this.remove(order);
    sink.done(order.orderId, order.ownerId, order.side, DoneReason.Cancelled, order.remainingLots);
    return BookResult.Ok;
  }

  amend(orderId: number, newPriceTicks: number, newQuantityLots: number, sink: BookEventSink): BookResult {
    assertAmendInput(newPriceTicks, newQuantityLots);
    const order = this.find(orderId);
    if (order === undefined) return BookResult.UnknownOrder;
    if (newPriceTicks === order.priceTicks) {
      if (newQuantityLots === order.remainingLots) return BookResult.AmendNoChange;
      if (newQuantityLots < order.remainingLots) {
        const reducedByLots = order.remainingLots - newQuantityLots;
        order.remainingLots = newQuantityLots;
        sink.reduced(order.orderId, order.ownerId, order.side, reducedByLots, newQuantityLots);
        return BookResult.Ok;
      }
    } else if (order.postOnly && this.wouldCross(order.side, newPriceTicks)) {
      return BookResult.PostOnlyWouldTake;
    }
    this.remove(order);
    const taker: NaiveOrder = { ...order, priceTicks: newPriceTicks, remainingLots: newQuantityLots };
    this.execute(taker, TimeInForce.GoodTillCancelled, sink);
    return BookResult.Ok;
  }

  getOrder(orderId: number): RestingOrder | undefined {
    const order = this.find(orderId);
    return order === undefined ? undefined : { ...order };
  }

  bestBidTicks(): number | undefined {
    return this.bids[0]?.priceTicks;
  }

  bestAskTicks(): number | undefined {
    return this.asks[0]?.priceTicks;
  }

  depth(levelsMax: number): { bids: DepthLevel[]; asks: DepthLevel[] } {
    return { bids: aggregate(this.bids, levelsMax), asks: aggregate(this.asks, levelsMax) };
  }

  orderCount(): number {
    return this.bids.length + this.asks.length;
  }

  forEachOrder(side: Side, visit: (order: RestingOrder) => void): void {
    for (const order of this.ordersOf(side)) visit({ ...order });
  }

  snapshot(): BookSnapshot {
    return {
      version: 1,
      bids: this.bids.map((order) => ({ ...order })),
      asks: this.asks.map((order) => ({ ...order })),
    };
  }

  stateHash(): string {
    return bookStateHash(this);
  }

  /** Matches the taker, then rests it (GTC) or expires what is left (IOC, FOK). */
  private execute(taker: NaiveOrder, timeInForce: TimeInForce, sink: BookEventSink): void {
    const finishedBySelfTradePrevention = this.match(taker, sink);
    if (finishedBySelfTradePrevention) return;
    if (taker.remainingLots === 0) {
      sink.done(taker.orderId, taker.ownerId, taker.side, DoneReason.Filled, 0);
    } else if (timeInForce === TimeInForce.GoodTillCancelled) {
      this.rest(taker);
      sink.rested(taker.orderId, taker.ownerId, taker.side, taker.priceTicks, taker.remainingLots);
    } else {
      sink.done(taker.orderId, taker.ownerId, taker.side, DoneReason.Expired, taker.remainingLots);
    }
  }

  /** Trades the taker against the opposite side; true when self-trade prevention finished it. */
  private match(taker: NaiveOrder, sink: BookEventSink): boolean {
    const opposite = this.ordersOf(oppositeSide(taker.side));
    // Every step removes a maker or finishes the taker, so the book size bounds the loop.
    const stepsMax = opposite.length + 1;
    for (let step = 0; step < stepsMax && taker.remainingLots > 0; step++) {
      const maker = opposite[0];
      if (maker === undefined || !crosses(taker.side, taker.priceTicks, maker.priceTicks)) return false;
      const selfTrade = maker.ownerId === taker.ownerId &&
        taker.selfTradePrevention !== SelfTradePrevention.None;
      if (selfTrade) {
        if (this.preventSelfTrade(maker, taker, sink)) return true;
        continue;
      }
      const quantityLots = Math.min(maker.remainingLots, taker.remainingLots);
      maker.remainingLots -= quantityLots;
      taker.remainingLots -= quantityLots;
      sink.trade(
        maker.orderId, maker.ownerId, taker.orderId, taker.ownerId, taker.side,
        maker.priceTicks, quantityLots, maker.remainingLots, taker.remainingLots,
      );
      if (maker.remainingLots === 0) {
        this.remove(maker);
        sink.done(maker.orderId, maker.ownerId, maker.side, DoneReason.Filled, 0);
      }
    }
    assert(taker.remainingLots === 0, 'match loop exceeded its bound');
    return false;
  }

  /** Applies the taker's STP mode to a same-owner maker; true when the taker is finished. */
  private preventSelfTrade(maker: NaiveOrder, taker: NaiveOrder, sink: BookEventSink): boolean {
    const reason = DoneReason.SelfTradePrevented;
    switch (taker.selfTradePrevention) {
      case SelfTradePrevention.CancelNewest:
        sink.done(taker.orderId, taker.ownerId, taker.side, reason, taker.remainingLots);
        return true;
      case SelfTradePrevention.CancelOldest:
        this.remove(maker);
        sink.done(maker.orderId, maker.ownerId, maker.side, reason, maker.remainingLots);
        return false;
      case SelfTradePrevention.CancelBoth:
        this.remove(maker);
        sink.done(maker.orderId, maker.ownerId, maker.side, reason, maker.remainingLots);
        sink.done(taker.orderId, taker.ownerId, taker.side, reason, taker.remainingLots);
        return true;
      case SelfTradePrevention.Decrement: {
        const overlapLots = Math.min(maker.remainingLots, taker.remainingLots);
        maker.remainingLots -= overlapLots;
        taker.remainingLots -= overlapLots;
        if (maker.remainingLots === 0) {
          this.remove(maker);
          sink.done(maker.orderId, maker.ownerId, maker.side, reason, 0);
        } else {
          sink.reduced(maker.orderId, maker.ownerId, maker.side, overlapLots, maker.remainingLots);
        }
        if (taker.remainingLots > 0) return false;
        sink.done(taker.orderId, taker.ownerId, taker.side, reason, 0);
        return true;
      }
      case SelfTradePrevention.None:
        assert(false, 'preventSelfTrade called without a mode');
    }
  }

  /** Quantity a FOK taker could trade: crossing orders, minus same-owner ones when STP is on. */
  private fillableLots(order: PlaceOrderInput): number {
    let fillableLots = 0;
    for (const maker of this.ordersOf(oppositeSide(order.side))) {
      if (!crosses(order.side, order.priceTicks, maker.priceTicks)) break;
      const excluded = order.selfTradePrevention !== SelfTradePrevention.None &&
        maker.ownerId === order.ownerId;
      if (!excluded) fillableLots += maker.remainingLots;
    }
    return fillableLots;
  }

  private wouldCross(side: Side, priceTicks: number): boolean {
    const best = this.ordersOf(oppositeSide(side))[0];
    return best !== undefined && crosses(side, priceTicks, best.priceTicks);
  }

  /** Inserts behind every order with the same or a better price (price, then time priority). */
  private rest(order: NaiveOrder): void {
    const orders = this.ordersOf(order.side);
    const index = orders.findIndex((other) => isBetterPrice(order.side, order.priceTicks, other.priceTicks));
    if (index === -1) orders.push(order);
    else orders.splice(index, 0, order);
  }

  private remove(order: NaiveOrder): void {
    const orders = this.ordersOf(order.side);
    const index = orders.indexOf(order);
    assert(index >= 0, 'removing an order that is not in the book');
    orders.splice(index, 1);
  }

  private find(orderId: number): NaiveOrder | undefined {
    return this.bids.find((order) => order.orderId === orderId) ??
      this.asks.find((order) => order.orderId === orderId);
  }

  private ordersOf(side: Side): NaiveOrder[] {
    return side === Side.Buy ? this.bids : this.asks;
  }
}

function oppositeSide(side: Side): Side {
  return side === Side.Buy ? Side.Sell : Side.Buy;
}

/** Whether a taker with this limit may trade against a maker at makerPriceTicks. */
function crosses(takerSide: Side, takerPriceTicks: number, makerPriceTicks: number): boolean {
  return takerSide === Side.Buy ? makerPriceTicks <= takerPriceTicks : makerPriceTicks >= takerPriceTicks;
}

function isBetterPrice(side: Side, priceTicks: number, otherPriceTicks: number): boolean {
  return side === Side.Buy ? priceTicks > otherPriceTicks : priceTicks < otherPriceTicks;
}

function aggregate(orders: readonly NaiveOrder[], levelsMax: number): DepthLevel[] {
  const levels: DepthLevel[] = [];
  for (const order of orders) {
    const last = levels[levels.length - 1];
    if (last !== undefined && last.priceTicks === order.priceTicks) {
      last.quantityLots += order.remainingLots;
      last.orderCount += 1;
    } else if (levels.length < levelsMax) {
      levels.push({ priceTicks: order.priceTicks, quantityLots: order.remainingLots, orderCount: 1 });
    } else {
      break;
    }
  }
  return levels;
}
