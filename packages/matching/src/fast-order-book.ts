// The fast book. Same contract and same observable behaviour as NaiveOrderBook (the differential
// tests hold it to that), laid out for speed in V8:
// - orders and price levels are fixed-size records in typed arrays (integer handles, free lists,
//   one cache line per order: see fast/order-store.ts, fast/level-store.ts), so trading allocates
//   nothing and the GC has nothing to trace;
// - each level is an intrusive doubly linked FIFO: O(1) cancel anywhere, O(1) fill at the head;
// - orderId -> handle through a 4-byte-per-slot open-addressing table that reads keys from the
//   order records (fast/order-index.ts; fast/integer-map.ts says why these tables are not Maps);
// - levels per side in a sorted array with the best price last (fast/price-ladder.ts says why);
// - the sink receives scalars only, and place/cancel/amend create no objects.
import { assert } from '@parite/kernel';
import { LevelStore } from './fast/level-store.ts';
import { OrderIndex } from './fast/order-index.ts';
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
 * Hard limit: the order index keeps handles in 24 bits (fast/order-index.ts), and stores grow on
 * demand to at most ~170 bytes of typed arrays per order of capacity (order and level records,
 * ladders, index, price maps), ~3 GB at this limit.
 */
export const fastOrdersMaxLimit = 1 << 24;
/** Stores start this big (or at ordersMax if smaller) and double on demand. */
const capacityInitialMax = 1024;
/**
 * Literals for the hot paths. A const enum member compiles to a literal; an imported constant
 * (handleNone, Side.Buy, ...) is loaded through the module's cells and type-checked on every use
 * in optimized code, which measured ~10 % of the book's instructions per operation (cachegrind on
 * the engine benchmark). The values are the contract's (types.ts): assertContractCodes checks
 * them when the module loads.
 */
const enum Handle { None = -1 }
const enum MatchResult {
  /** match() result when STP ended the taker (its done call is already made). Lots are never negative. */
  TakerFinished = -1,
}
const enum SideCode { Buy = 1, Sell = 2 }
const enum TimeInForceCode { GoodTillCancelled = 1, ImmediateOrCancel = 2, FillOrKill = 3 }
const enum SelfTradePreventionCode { None = 0, CancelNewest = 1, CancelOldest = 2, CancelBoth = 3, Decrement = 4 }
const enum DoneReasonCode { Filled = 1, Cancelled = 2, Expired = 3, SelfTradePrevented = 4 }
const enum BookResultCode {
  Ok = 0, PostOnlyWouldTake = 1, FillOrKillUnfillable = 2, UnknownOrder = 3, DuplicateOrderId = 4,
  AmendNoChange = 5, BookFull = 6,
}

function assertContractCodes(): void {
  const same = (left: Record<string, number>, right: Record<string, number>): boolean =>
    Object.keys(right).length === Object.keys(left).length &&
    Object.entries(right).every(([name, value]) => left[name] === value);
  assert(Handle.None === handleNone, 'fast book: Handle.None differs from handleNone');
  assert(same({ Buy: SideCode.Buy, Sell: SideCode.Sell }, Side), 'fast book: side codes differ');
  assert(same({
    GoodTillCancelled: TimeInForceCode.GoodTillCancelled, ImmediateOrCancel: TimeInForceCode.ImmediateOrCancel,
    FillOrKill: TimeInForceCode.FillOrKill,
  }, TimeInForce), 'fast book: time-in-force codes differ');
  assert(same({
    None: SelfTradePreventionCode.None, CancelNewest: SelfTradePreventionCode.CancelNewest,
    CancelOldest: SelfTradePreventionCode.CancelOldest, CancelBoth: SelfTradePreventionCode.CancelBoth,
    Decrement: SelfTradePreventionCode.Decrement,
  }, SelfTradePrevention), 'fast book: self-trade prevention codes differ');
  assert(same({
    Filled: DoneReasonCode.Filled, Cancelled: DoneReasonCode.Cancelled, Expired: DoneReasonCode.Expired,
    SelfTradePrevented: DoneReasonCode.SelfTradePrevented,
  }, DoneReason), 'fast book: done reason codes differ');
  assert(same({
    Ok: BookResultCode.Ok, PostOnlyWouldTake: BookResultCode.PostOnlyWouldTake,
    FillOrKillUnfillable: BookResultCode.FillOrKillUnfillable, UnknownOrder: BookResultCode.UnknownOrder,
    DuplicateOrderId: BookResultCode.DuplicateOrderId, AmendNoChange: BookResultCode.AmendNoChange,
    BookFull: BookResultCode.BookFull,
  }, BookResult), 'fast book: result codes differ');
}
assertContractCodes();

export class FastOrderBook implements OrderBook {
  private readonly ordersMax: number;
  private readonly orders: OrderStore;
  private readonly levels: LevelStore;
  private readonly bids: PriceLadder;
  private readonly asks: PriceLadder;
  private readonly handleByOrderId: OrderIndex;

  constructor(options: OrderBookOptions = {}) {
    this.ordersMax = options.ordersMax ?? fastOrdersMaxDefault;
    assert(isPositiveSafeInteger(this.ordersMax), 'ordersMax must be a positive safe integer');
    assert(this.ordersMax <= fastOrdersMaxLimit, 'ordersMax exceeds fastOrdersMaxLimit');
    const capacityInitial = Math.min(this.ordersMax, capacityInitialMax);
    this.orders = new OrderStore(capacityInitial, this.ordersMax);
    this.levels = new LevelStore(capacityInitial, this.ordersMax);
    this.bids = new PriceLadder(SideCode.Buy, capacityInitial, this.ordersMax);
    this.asks = new PriceLadder(SideCode.Sell, capacityInitial, this.ordersMax);
    this.handleByOrderId = new OrderIndex(this.orders, capacityInitial);
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
    if (this.handleByOrderId.get(orderId) !== Handle.None) return BookResultCode.DuplicateOrderId;
    if (timeInForce === TimeInForceCode.GoodTillCancelled && this.orders.count >= this.ordersMax) {
      return BookResultCode.BookFull;
    }
    if (postOnly && this.wouldCross(side, priceTicks)) return BookResultCode.PostOnlyWouldTake;
    if (
      timeInForce === TimeInForceCode.FillOrKill &&
      !this.canFill(side, priceTicks, quantityLots, ownerId, selfTradePrevention)
    ) {
      return BookResultCode.FillOrKillUnfillable;
    }
    this.execute(
      orderId, ownerId, side, priceTicks, quantityLots, timeInForce, postOnly, selfTradePrevention, sink,
    );
    return BookResultCode.Ok;
  }

  cancel(orderId: number, sink: BookEventSink): BookResult {
    const handle = this.handleByOrderId.get(orderId);
    if (handle === Handle.None) return BookResultCode.UnknownOrder;
    const orders = this.orders;
    const ownerId = orders.ownerId(handle);
    const side = orders.side(handle) as Side;
    const remainingLots = orders.remainingLots(handle);
    this.remove(handle);
    sink.done(orderId, ownerId, side, DoneReasonCode.Cancelled, remainingLots);
    return BookResultCode.Ok;
  }

  amend(orderId: number, newPriceTicks: number, newQuantityLots: number, sink: BookEventSink): BookResult {
    assertAmendInput(newPriceTicks, newQuantityLots);
    const handle = this.handleByOrderId.get(orderId);
    if (handle === Handle.None) return BookResultCode.UnknownOrder;
    const orders = this.orders;
    const ownerId = orders.ownerId(handle);
    const side = orders.side(handle) as Side;
    const priceTicks = orders.priceTicks(handle);
    const remainingLots = orders.remainingLots(handle);
    const postOnly = orders.postOnly(handle);
    if (newPriceTicks === priceTicks) {
      if (newQuantityLots === remainingLots) return BookResultCode.AmendNoChange;
      if (newQuantityLots < remainingLots) {
        // Down at the same price keeps its place in the queue.
        const reducedByLots = remainingLots - newQuantityLots;
        orders.setRemainingLots(handle, newQuantityLots);
        this.levels.addTotalLots(orders.level(handle), -reducedByLots);
        sink.reduced(orderId, ownerId, side, reducedByLots, newQuantityLots);
        return BookResultCode.Ok;
      }
    } else if (postOnly && this.wouldCross(side, newPriceTicks)) {
      return BookResultCode.PostOnlyWouldTake;
    }
    const selfTradePrevention = orders.selfTradePrevention(handle) as SelfTradePrevention;
    this.remove(handle);
    this.execute(
      orderId, ownerId, side, newPriceTicks, newQuantityLots, TimeInForceCode.GoodTillCancelled,
      postOnly, selfTradePrevention, sink,
    );
    return BookResultCode.Ok;
  }

  getOrder(orderId: number): RestingOrder | undefined {
    const handle = this.handleByOrderId.get(orderId);
    return handle === Handle.None ? undefined : fastBookRestingOrder(this.orders, handle);
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
    const ladder = side === SideCode.Buy ? this.bids : this.asks;
    for (let distance = 0; distance < ladder.length; distance++) {
      const level = ladder.levelFromBest(distance);
      let handle = this.levels.head(level);
      for (let index = this.levels.orderCount(level); index > 0; index--) {
        visit(fastBookRestingOrder(this.orders, handle));
        handle = this.orders.next(handle);
      }
    }
  }

  snapshot(): BookSnapshot {
    const bids: RestingOrder[] = [];
    const asks: RestingOrder[] = [];
    this.forEachOrder(SideCode.Buy, (order) => bids.push(order));
    this.forEachOrder(SideCode.Sell, (order) => asks.push(order));
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
    if (remainingLots === MatchResult.TakerFinished) return;
    if (remainingLots === 0) {
      sink.done(orderId, ownerId, side, DoneReasonCode.Filled, 0);
    } else if (timeInForce === TimeInForceCode.GoodTillCancelled) {
      this.rest(orderId, ownerId, side, priceTicks, remainingLots, postOnly, selfTradePrevention);
      sink.rested(orderId, ownerId, side, priceTicks, remainingLots);
    } else {
      sink.done(orderId, ownerId, side, DoneReasonCode.Expired, remainingLots);
    }
  }

  /**
   * Trades against the opposite side from its best level. Returns the taker's remaining lots, or
   * MatchResult.TakerFinished when self-trade prevention already reported the taker done.
   */
  private match(
    takerOrderId: number, takerOwnerId: number, takerSide: Side, limitPriceTicks: number,
    quantityLots: number, selfTradePrevention: SelfTradePrevention, sink: BookEventSink,
  ): number {
    const orders = this.orders;
    const levels = this.levels;
    const ladder = takerSide === SideCode.Buy ? this.asks : this.bids;
    const makerSide = takerSide === SideCode.Buy ? SideCode.Sell : SideCode.Buy;
    let takerRemainingLots = quantityLots;
    // Every step removes a maker or finishes the taker, so the book size bounds the loop.
    const stepsMax = orders.count + 1;
    for (let step = 0; step < stepsMax && takerRemainingLots > 0; step++) {
      const level = ladder.bestLevel();
      if (level === Handle.None) return takerRemainingLots;
      const levelPriceTicks = levels.priceTicks(level);
      const crosses = takerSide === SideCode.Buy
        ? levelPriceTicks <= limitPriceTicks
        : levelPriceTicks >= limitPriceTicks;
      if (!crosses) return takerRemainingLots;
      const maker = levels.head(level);
      const makerOwnerId = orders.ownerId(maker);
      if (makerOwnerId === takerOwnerId && selfTradePrevention !== SelfTradePreventionCode.None) {
        takerRemainingLots = this.preventSelfTrade(
          maker, takerOrderId, takerOwnerId, takerSide, takerRemainingLots, selfTradePrevention, sink,
        );
        if (takerRemainingLots === MatchResult.TakerFinished) return MatchResult.TakerFinished;
        continue;
      }
      const makerLots = orders.remainingLots(maker);
      const tradeLots = makerLots < takerRemainingLots ? makerLots : takerRemainingLots;
      const makerRemainingLots = makerLots - tradeLots;
      takerRemainingLots -= tradeLots;
      orders.setRemainingLots(maker, makerRemainingLots);
      levels.addTotalLots(level, -tradeLots);
      const makerOrderId = orders.orderId(maker);
      sink.trade(
        makerOrderId, makerOwnerId, takerOrderId, takerOwnerId, takerSide,
        levelPriceTicks, tradeLots, makerRemainingLots, takerRemainingLots,
      );
      if (makerRemainingLots === 0) {
        this.remove(maker);
        sink.done(makerOrderId, makerOwnerId, makerSide, DoneReasonCode.Filled, 0);
      }
    }
    assert(takerRemainingLots === 0, 'match loop exceeded its bound');
    return 0;
  }

  /** Applies the taker's STP mode to a same-owner maker; returns the taker's remaining or MatchResult.TakerFinished. */
  private preventSelfTrade(
    maker: number, takerOrderId: number, takerOwnerId: number, takerSide: Side,
    takerRemainingLots: number, selfTradePrevention: SelfTradePrevention, sink: BookEventSink,
  ): number {
    const orders = this.orders;
    const makerOrderId = orders.orderId(maker);
    const makerOwnerId = orders.ownerId(maker);
    const makerSide = orders.side(maker) as Side;
    const makerLots = orders.remainingLots(maker);
    const reason = DoneReasonCode.SelfTradePrevented;
    if (selfTradePrevention === SelfTradePreventionCode.CancelNewest) {
      sink.done(takerOrderId, takerOwnerId, takerSide, reason, takerRemainingLots);
      return MatchResult.TakerFinished;
    }
    if (selfTradePrevention === SelfTradePreventionCode.CancelOldest) {
      this.remove(maker);
      sink.done(makerOrderId, makerOwnerId, makerSide, reason, makerLots);
      return takerRemainingLots;
    }
    if (selfTradePrevention === SelfTradePreventionCode.CancelBoth) {
      this.remove(maker);
      sink.done(makerOrderId, makerOwnerId, makerSide, reason, makerLots);
      sink.done(takerOrderId, takerOwnerId, takerSide, reason, takerRemainingLots);
      return MatchResult.TakerFinished;
    }
    assert(selfTradePrevention === SelfTradePreventionCode.Decrement, 'preventSelfTrade without a mode');
    const overlapLots = makerLots < takerRemainingLots ? makerLots : takerRemainingLots;
    const makerRemainingLots = makerLots - overlapLots;
    const takerLeftLots = takerRemainingLots - overlapLots;
    if (makerRemainingLots === 0) {
      this.remove(maker);
      sink.done(makerOrderId, makerOwnerId, makerSide, reason, 0);
    } else {
      orders.setRemainingLots(maker, makerRemainingLots);
      this.levels.addTotalLots(orders.level(maker), -overlapLots);
      sink.reduced(makerOrderId, makerOwnerId, makerSide, overlapLots, makerRemainingLots);
    }
    if (takerLeftLots > 0) return takerLeftLots;
    sink.done(takerOrderId, takerOwnerId, takerSide, reason, 0);
    return MatchResult.TakerFinished;
  }

  /** FOK pre-check: enough crossing quantity, not counting same-owner orders when STP is on. */
  private canFill(
    side: Side, limitPriceTicks: number, quantityLots: number, ownerId: number,
    selfTradePrevention: SelfTradePrevention,
  ): boolean {
    const ladder = side === SideCode.Buy ? this.asks : this.bids;
    const levels = this.levels;
    let fillableLots = 0;
    for (let distance = 0; distance < ladder.length; distance++) {
      const level = ladder.levelFromBest(distance);
      const levelPriceTicks = levels.priceTicks(level);
      const crosses = side === SideCode.Buy
        ? levelPriceTicks <= limitPriceTicks
        : levelPriceTicks >= limitPriceTicks;
      if (!crosses) return false;
      if (selfTradePrevention === SelfTradePreventionCode.None) {
        fillableLots += levels.totalLots(level);
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
    let handle = this.levels.head(level);
    for (let index = this.levels.orderCount(level); index > 0; index--) {
      if (orders.ownerId(handle) !== ownerId) lots += orders.remainingLots(handle);
      handle = orders.next(handle);
    }
    return lots;
  }

  private wouldCross(side: Side, priceTicks: number): boolean {
    const level = (side === SideCode.Buy ? this.asks : this.bids).bestLevel();
    if (level === Handle.None) return false;
    const bestPriceTicks = this.levels.priceTicks(level);
    return side === SideCode.Buy ? priceTicks >= bestPriceTicks : priceTicks <= bestPriceTicks;
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
    assert(handle !== Handle.None, 'rest: order store full');
    // The store may just have grown (doubling, rare): the index follows so it stays half empty.
    this.handleByOrderId.resize(orders.capacity);
    const ladder = side === SideCode.Buy ? this.bids : this.asks;
    let level = ladder.find(priceTicks);
    if (level === Handle.None) {
      level = levels.allocate(side, priceTicks);
      ladder.insert(priceTicks, level);
    }
    const tail = levels.tail(level);
    orders.initialize(
      handle, orderId, ownerId, side, priceTicks, remainingLots, postOnly, selfTradePrevention, level, tail,
    );
    if (tail === Handle.None) levels.setHead(level, handle);
    else orders.setNext(tail, handle);
    levels.setTail(level, handle);
    levels.addOrderCount(level, 1);
    levels.addTotalLots(level, remainingLots);
    this.handleByOrderId.insert(orderId, handle);
  }

  /** Unlinks an order from its level (dropping the level when empty) and frees its handle. */
  private remove(handle: number): void {
    const orders = this.orders;
    const levels = this.levels;
    const level = orders.level(handle);
    const previous = orders.previous(handle);
    const next = orders.next(handle);
    if (previous === Handle.None) levels.setHead(level, next);
    else orders.setNext(previous, next);
    if (next === Handle.None) levels.setTail(level, previous);
    else orders.setPrevious(next, previous);
    levels.addTotalLots(level, -orders.remainingLots(handle));
    if (levels.addOrderCount(level, -1) === 0) {
      const ladder = orders.side(handle) === SideCode.Buy ? this.bids : this.asks;
      ladder.remove(levels.priceTicks(level));
      levels.release(level);
    }
    this.handleByOrderId.remove(orders.orderId(handle), handle);
    orders.release(handle);
  }

  private bestPriceTicks(ladder: PriceLadder): number | undefined {
    const level = ladder.bestLevel();
    return level === Handle.None ? undefined : this.levels.priceTicks(level);
  }
}
