// The fast book. Same contract and same observable behaviour as NaiveOrderBook (the differential
// tests hold it to that), laid out for speed in V8:
// - orders and price levels live in typed arrays (struct of arrays, integer handles, free lists:
//   see fast/order-store.ts, fast/level-store.ts), so trading allocates nothing and the GC has
//   nothing to trace;
// - each level is an intrusive doubly linked FIFO: O(1) cancel anywhere, O(1) fill at the head;
// - orderId -> handle through an open-addressing table in typed arrays (fast/integer-map.ts says
//   why it is not a Map);
// - levels per side in a sorted array with the best price last (fast/price-ladder.ts says why);
// - the sink receives scalars only, and place/cancel/amend create no objects.
import { assert } from '@parite/kernel';
import { LevelStore } from './fast/level-store.ts';
import { IntegerMap } from './fast/integer-map.ts';
import { handleNone, OrderStore } from './fast/order-store.ts';
import { PriceLadder } from './fast/price-ladder.ts';
import { fastBookDepth, fastBookRestingOrder, validateFastBook } from './fast/inspection.ts';
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

/** Default resting-order limit per book. */
export const fastOrdersMaxDefault = 1 << 20;
/**
 * Hard limit: handles are int32, and stores grow on demand to at most ~180 bytes of typed arrays
 * per order of capacity (orders, levels, ladders, hash tables), ~3 GB at this limit.
 */
export const fastOrdersMaxLimit = 1 << 24;
/** Stores start this big (or at ordersMax if smaller) and double on demand. */
const capacityInitialMax = 1024;
/** match() result when STP ended the taker (its done call is already made). Lots are never negative. */
const takerFinished = -1;

export class FastOrderBook implements OrderBook {
  private readonly ordersMax: number;
  private readonly orders: OrderStore;
  private readonly levels: LevelStore;
  private readonly bids: PriceLadder;
  private readonly asks: PriceLadder;
  private readonly handleByOrderId: IntegerMap;

  constructor(options: OrderBookOptions = {}) {
    this.ordersMax = options.ordersMax ?? fastOrdersMaxDefault;
    assert(isPositiveSafeInteger(this.ordersMax), 'ordersMax must be a positive safe integer');
    assert(this.ordersMax <= fastOrdersMaxLimit, 'ordersMax exceeds fastOrdersMaxLimit');
    const capacityInitial = Math.min(this.ordersMax, capacityInitialMax);
    this.orders = new OrderStore(capacityInitial, this.ordersMax);
    this.levels = new LevelStore(capacityInitial, this.ordersMax);
    this.bids = new PriceLadder(Side.Buy, capacityInitial, this.ordersMax);
    this.asks = new PriceLadder(Side.Sell, capacityInitial, this.ordersMax);
    this.handleByOrderId = new IntegerMap(capacityInitial);
  }

  static restore(snapshot: BookSnapshot, options: OrderBookOptions = {}): FastOrderBook {
    assertSnapshotWellFormed(snapshot);
    const book = new FastOrderBook(options);
    assert(snapshot.bids.length + snapshot.asks.length <= book.ordersMax, 'snapshot exceeds ordersMax');
    for (const order of [...snapshot.bids, ...snapshot.asks]) {
      const complete = completeRestingOrder(order);
      book.rest(
        complete.orderId, complete.ownerId, complete.side, complete.priceTicks,
        complete.remainingLots, complete.postOnly, complete.selfTradePrevention,
      );
    }
    return book;
  }

  place(order: PlaceOrderInput, sink: BookEventSink): BookResult {
    assertPlaceOrderInput(order);
    const { orderId, ownerId, side, priceTicks, quantityLots, timeInForce, postOnly } = order;
    const selfTradePrevention = order.selfTradePrevention;
    // Same checks in the same order as NaiveOrderBook.place (which explains the BookFull rule).
    if (this.handleByOrderId.get(orderId) !== handleNone) return BookResult.DuplicateOrderId;
    if (timeInForce === TimeInForce.GoodTillCancelled && this.orders.count >= this.ordersMax) {
      return BookResult.BookFull;
    }
    if (postOnly && this.wouldCross(side, priceTicks)) return BookResult.PostOnlyWouldTake;
    if (
      timeInForce === TimeInForce.FillOrKill &&
      !this.canFill(side, priceTicks, quantityLots, ownerId, selfTradePrevention)
    ) {
      return BookResult.FillOrKillUnfillable;
    }
    this.execute(
      orderId, ownerId, side, priceTicks, quantityLots, timeInForce, postOnly, selfTradePrevention, sink,
    );
    return BookResult.Ok;
  }

  cancel(orderId: number, sink: BookEventSink): BookResult {
    const handle = this.handleByOrderId.get(orderId);
    if (handle === handleNone) return BookResult.UnknownOrder;
    const orders = this.orders;
    const ownerId = orders.ownerId[handle]!;
    const side = orders.side[handle]! as Side;
    const remainingLots = orders.remainingLots[handle]!;
    this.remove(handle);
    sink.done(orderId, ownerId, side, DoneReason.Cancelled, remainingLots);
    return BookResult.Ok;
  }

  amend(orderId: number, newPriceTicks: number, newQuantityLots: number, sink: BookEventSink): BookResult {
    assertAmendInput(newPriceTicks, newQuantityLots);
    const handle = this.handleByOrderId.get(orderId);
    if (handle === handleNone) return BookResult.UnknownOrder;
    const orders = this.orders;
    const ownerId = orders.ownerId[handle]!;
    const side = orders.side[handle]! as Side;
    const priceTicks = orders.priceTicks[handle]!;
    const remainingLots = orders.remainingLots[handle]!;
    const postOnly = orders.postOnly[handle] === 1;
    if (newPriceTicks === priceTicks) {
      if (newQuantityLots === remainingLots) return BookResult.AmendNoChange;
      if (newQuantityLots < remainingLots) {
        // Down at the same price keeps its place in the queue.
        const reducedByLots = remainingLots - newQuantityLots;
        orders.remainingLots[handle] = newQuantityLots;
        this.levels.totalLots[orders.level[handle]!]! -= reducedByLots;
        sink.reduced(orderId, ownerId, side, reducedByLots, newQuantityLots);
        return BookResult.Ok;
      }
    } else if (postOnly && this.wouldCross(side, newPriceTicks)) {
      return BookResult.PostOnlyWouldTake;
    }
    const selfTradePrevention = orders.selfTradePrevention[handle]! as SelfTradePrevention;
    this.remove(handle);
    this.execute(
      orderId, ownerId, side, newPriceTicks, newQuantityLots, TimeInForce.GoodTillCancelled,
      postOnly, selfTradePrevention, sink,
    );
    return BookResult.Ok;
  }

  getOrder(orderId: number): RestingOrder | undefined {
    const handle = this.handleByOrderId.get(orderId);
    return handle === handleNone ? undefined : fastBookRestingOrder(this.orders, handle);
  }

  bestBidTicks(): number | undefined {
    return this.bestPriceTicks(this.bids);
  }

  bestAskTicks(): number | undefined {
    return this.bestPriceTicks(this.asks);
  }

  depth(levelsMax: number): { bids: DepthLevel[]; asks: DepthLevel[] } {
    return {
      bids: fastBookDepth(this.levels, this.bids, levelsMax),
      asks: fastBookDepth(this.levels, this.asks, levelsMax),
    };
  }

  orderCount(): number {
    return this.orders.count;
  }

  forEachOrder(side: Side, visit: (order: RestingOrder) => void): void {
    const ladder = side === Side.Buy ? this.bids : this.asks;
    for (let distance = 0; distance < ladder.length; distance++) {
      const level = ladder.levelFromBest(distance);
      let handle = this.levels.head[level]!;
      for (let index = this.levels.orderCount[level]!; index > 0; index--) {
        visit(fastBookRestingOrder(this.orders, handle));
        handle = this.orders.next[handle]!;
      }
    }
  }

  snapshot(): BookSnapshot {
    const bids: RestingOrder[] = [];
    const asks: RestingOrder[] = [];
    this.forEachOrder(Side.Buy, (order) => bids.push(order));
    this.forEachOrder(Side.Sell, (order) => asks.push(order));
    return { version: 1, bids, asks };
  }

  stateHash(): string {
    return bookStateHash(this);
  }

  /** Checks every structural invariant (links, totals, index); throws AssertionError on the first break. */
  validateInternalState(): void {
    validateFastBook(this.orders, this.levels, this.bids, this.asks, this.handleByOrderId);
  }

  /** Matches the taker, then rests it (GTC) or expires what is left (IOC, FOK). */
  private execute(
    orderId: number, ownerId: number, side: Side, priceTicks: number, quantityLots: number,
    timeInForce: TimeInForce, postOnly: boolean, selfTradePrevention: SelfTradePrevention,
    sink: BookEventSink,
  ): void {
    const remainingLots = this.match(
      orderId, ownerId, side, priceTicks, quantityLots, selfTradePrevention, sink,
    );
    if (remainingLots === takerFinished) return;
    if (remainingLots === 0) {
      sink.done(orderId, ownerId, side, DoneReason.Filled, 0);
    } else if (timeInForce === TimeInForce.GoodTillCancelled) {
      this.rest(orderId, ownerId, side, priceTicks, remainingLots, postOnly, selfTradePrevention);
      sink.rested(orderId, ownerId, side, priceTicks, remainingLots);
    } else {
      sink.done(orderId, ownerId, side, DoneReason.Expired, remainingLots);
    }
  }

  /**
   * Trades against the opposite side from its best level. Returns the taker's remaining lots, or
   * takerFinished when self-trade prevention already reported the taker done.
   */
  private match(
    takerOrderId: number, takerOwnerId: number, takerSide: Side, limitPriceTicks: number,
    quantityLots: number, selfTradePrevention: SelfTradePrevention, sink: BookEventSink,
  ): number {
    const orders = this.orders;
    const levels = this.levels;
    const ladder = takerSide === Side.Buy ? this.asks : this.bids;
    const makerSide = takerSide === Side.Buy ? Side.Sell : Side.Buy;
    let takerRemainingLots = quantityLots;
    // Every step removes a maker or finishes the taker, so the book size bounds the loop.
    const stepsMax = orders.count + 1;
    for (let step = 0; step < stepsMax && takerRemainingLots > 0; step++) {
      const level = ladder.bestLevel();
      if (level === handleNone) return takerRemainingLots;
      const levelPriceTicks = levels.priceTicks[level]!;
      const crosses = takerSide === Side.Buy
        ? levelPriceTicks <= limitPriceTicks
        : levelPriceTicks >= limitPriceTicks;
      if (!crosses) return takerRemainingLots;
      const maker = levels.head[level]!;
      const makerOwnerId = orders.ownerId[maker]!;
      if (makerOwnerId === takerOwnerId && selfTradePrevention !== SelfTradePrevention.None) {
        takerRemainingLots = this.preventSelfTrade(
          maker, takerOrderId, takerOwnerId, takerSide, takerRemainingLots, selfTradePrevention, sink,
        );
        if (takerRemainingLots === takerFinished) return takerFinished;
        continue;
      }
      const makerLots = orders.remainingLots[maker]!;
      const tradeLots = makerLots < takerRemainingLots ? makerLots : takerRemainingLots;
      const makerRemainingLots = makerLots - tradeLots;
      takerRemainingLots -= tradeLots;
      orders.remainingLots[maker] = makerRemainingLots;
      levels.totalLots[level]! -= tradeLots;
      const makerOrderId = orders.orderId[maker]!;
      sink.trade(
        makerOrderId, makerOwnerId, takerOrderId, takerOwnerId, takerSide,
        levelPriceTicks, tradeLots, makerRemainingLots, takerRemainingLots,
      );
      if (makerRemainingLots === 0) {
        this.remove(maker);
        sink.done(makerOrderId, makerOwnerId, makerSide, DoneReason.Filled, 0);
      }
    }
    assert(takerRemainingLots === 0, 'match loop exceeded its bound');
    return 0;
  }

  /** Applies the taker's STP mode to a same-owner maker; returns the taker's remaining or takerFinished. */
  private preventSelfTrade(
    maker: number, takerOrderId: number, takerOwnerId: number, takerSide: Side,
    takerRemainingLots: number, selfTradePrevention: SelfTradePrevention, sink: BookEventSink,
  ): number {
    const orders = this.orders;
    const makerOrderId = orders.orderId[maker]!;
    const makerOwnerId = orders.ownerId[maker]!;
    const makerSide = orders.side[maker]! as Side;
    const makerLots = orders.remainingLots[maker]!;
    const reason = DoneReason.SelfTradePrevented;
    if (selfTradePrevention === SelfTradePrevention.CancelNewest) {
      sink.done(takerOrderId, takerOwnerId, takerSide, reason, takerRemainingLots);
      return takerFinished;
    }
    if (selfTradePrevention === SelfTradePrevention.CancelOldest) {
      this.remove(maker);
      sink.done(makerOrderId, makerOwnerId, makerSide, reason, makerLots);
      return takerRemainingLots;
    }
    if (selfTradePrevention === SelfTradePrevention.CancelBoth) {
      this.remove(maker);
      sink.done(makerOrderId, makerOwnerId, makerSide, reason, makerLots);
      sink.done(takerOrderId, takerOwnerId, takerSide, reason, takerRemainingLots);
      return takerFinished;
    }
    assert(selfTradePrevention === SelfTradePrevention.Decrement, 'preventSelfTrade without a mode');
    const overlapLots = makerLots < takerRemainingLots ? makerLots : takerRemainingLots;
    const makerRemainingLots = makerLots - overlapLots;
    const takerLeftLots = takerRemainingLots - overlapLots;
    if (makerRemainingLots === 0) {
      this.remove(maker);
      sink.done(makerOrderId, makerOwnerId, makerSide, reason, 0);
    } else {
      orders.remainingLots[maker] = makerRemainingLots;
      this.levels.totalLots[orders.level[maker]!]! -= overlapLots;
      sink.reduced(makerOrderId, makerOwnerId, makerSide, overlapLots, makerRemainingLots);
    }
    if (takerLeftLots > 0) return takerLeftLots;
    sink.done(takerOrderId, takerOwnerId, takerSide, reason, 0);
    return takerFinished;
  }

  /** FOK pre-check: enough crossing quantity, not counting same-owner orders when STP is on. */
  private canFill(
    side: Side, limitPriceTicks: number, quantityLots: number, ownerId: number,
    selfTradePrevention: SelfTradePrevention,
  ): boolean {
    const ladder = side === Side.Buy ? this.asks : this.bids;
    const levels = this.levels;
    let fillableLots = 0;
    for (let distance = 0; distance < ladder.length; distance++) {
      const level = ladder.levelFromBest(distance);
      const levelPriceTicks = levels.priceTicks[level]!;
      const crosses = side === Side.Buy
        ? levelPriceTicks <= limitPriceTicks
        : levelPriceTicks >= limitPriceTicks;
      if (!crosses) return false;
      if (selfTradePrevention === SelfTradePrevention.None) {
        fillableLots += levels.totalLots[level]!;
      } else {
        fillableLots += this.levelLotsExcludingOwner(level, ownerId);
      }
      if (fillableLots >= quantityLots) return true;
    }
    return false;
  }

  private levelLotsExcludingOwner(level: number, ownerId: number): number {
    const orders = this.orders;
    let lots = 0;
    let handle = this.levels.head[level]!;
    for (let index = this.levels.orderCount[level]!; index > 0; index--) {
      if (orders.ownerId[handle] !== ownerId) lots += orders.remainingLots[handle]!;
      handle = orders.next[handle]!;
    }
    return lots;
  }

  private wouldCross(side: Side, priceTicks: number): boolean {
    const level = (side === Side.Buy ? this.asks : this.bids).bestLevel();
    if (level === handleNone) return false;
    const bestPriceTicks = this.levels.priceTicks[level]!;
    return side === Side.Buy ? priceTicks >= bestPriceTicks : priceTicks <= bestPriceTicks;
  }

  /** Appends an order at the tail of its price level, creating the level if needed. */
  private rest(
    orderId: number, ownerId: number, side: Side, priceTicks: number, remainingLots: number,
    postOnly: boolean, selfTradePrevention: SelfTradePrevention,
  ): void {
    const orders = this.orders;
    const levels = this.levels;
    const handle = orders.allocate();
    // place() refused GTC with BookFull when full, and amend() freed a slot before re-placing.
    assert(handle !== handleNone, 'rest: order store full');
    // The store may just have grown (doubling, rare): the index follows so it stays half empty.
    this.handleByOrderId.resize(orders.capacity);
    const ladder = side === Side.Buy ? this.bids : this.asks;
    let level = ladder.find(priceTicks);
    if (level === handleNone) {
      level = levels.allocate(side, priceTicks);
      ladder.insert(priceTicks, level);
    }
    const tail = levels.tail[level]!;
    orders.orderId[handle] = orderId;
    orders.ownerId[handle] = ownerId;
    orders.side[handle] = side;
    orders.priceTicks[handle] = priceTicks;
    orders.remainingLots[handle] = remainingLots;
    orders.postOnly[handle] = postOnly ? 1 : 0;
    orders.selfTradePrevention[handle] = selfTradePrevention;
    orders.level[handle] = level;
    orders.previous[handle] = tail;
    orders.next[handle] = handleNone;
    if (tail === handleNone) levels.head[level] = handle;
    else orders.next[tail] = handle;
    levels.tail[level] = handle;
    levels.orderCount[level]! += 1;
    levels.totalLots[level]! += remainingLots;
    this.handleByOrderId.insert(orderId, handle);
  }

  /** Unlinks an order from its level (dropping the level when empty) and frees its handle. */
  private remove(handle: number): void {
    const orders = this.orders;
    const levels = this.levels;
    const level = orders.level[handle]!;
    const previous = orders.previous[handle]!;
    const next = orders.next[handle]!;
    if (previous === handleNone) levels.head[level] = next;
    else orders.next[previous] = next;
    if (next === handleNone) levels.tail[level] = previous;
    else orders.previous[next] = previous;
    levels.orderCount[level]! -= 1;
    levels.totalLots[level]! -= orders.remainingLots[handle]!;
    if (levels.orderCount[level] === 0) {
      const ladder = orders.side[handle] === Side.Buy ? this.bids : this.asks;
      ladder.remove(levels.priceTicks[level]!);
      levels.release(level);
    }
    this.handleByOrderId.remove(orders.orderId[handle]!);
    orders.release(handle);
  }

  private bestPriceTicks(ladder: PriceLadder): number | undefined {
    const level = ladder.bestLevel();
    return level === handleNone ? undefined : this.levels.priceTicks[level];
  }
}
