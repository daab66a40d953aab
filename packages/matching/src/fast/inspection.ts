// The slow, allocating side of FastOrderBook: depth, order views and the structural self-check.
// Kept apart so the hot file holds only the trading path.
import { assert } from '@parite/kernel';
import type { LevelStore } from './level-store.ts';
import type { OrderIndex } from './order-index.ts';
import { handleNone, type OrderStore } from './order-store.ts';
import type { PriceLadder } from './price-ladder.ts';
import { Side, type DepthLevel, type RestingOrder, type SelfTradePrevention } from '../types.ts';

export function fastBookRestingOrder(orders: OrderStore, handle: number): RestingOrder {
  return {
    orderId: orders.orderId(handle),
    ownerId: orders.ownerId(handle),
    side: orders.side(handle) as Side,
    priceTicks: orders.priceTicks(handle),
    remainingLots: orders.remainingLots(handle),
    postOnly: orders.postOnly(handle),
    selfTradePrevention: orders.selfTradePrevention(handle) as SelfTradePrevention,
  };
}

export function fastBookDepth(levels: LevelStore, ladder: PriceLadder, levelsMax: number): DepthLevel[] {
  const depth: DepthLevel[] = [];
  const count = Math.min(levelsMax, ladder.length);
  for (let distance = 0; distance < count; distance++) {
    const level = ladder.levelFromBest(distance);
    depth.push({
      priceTicks: levels.priceTicks(level),
      quantityLots: levels.totalLots(level),
      orderCount: levels.orderCount(level),
    });
  }
  return depth;
}

/**
 * Walks the whole book and asserts every invariant the fast paths rely on: sorted ladders, levels
 * on the right side at the right price, FIFO links that agree in both directions, level totals
 * equal to the sum of their orders, and an index that maps exactly the live orders.
 */
export function validateFastBook(
  orders: OrderStore, levels: LevelStore, bids: PriceLadder, asks: PriceLadder,
  handleByOrderId: OrderIndex,
): void {
  let ordersSeen = 0;
  for (const ladder of [bids, asks]) {
    ladder.assertSorted();
    const side = ladder === bids ? Side.Buy : Side.Sell;
    for (let distance = 0; distance < ladder.length; distance++) {
      ordersSeen += validateLevel(orders, levels, ladder.levelFromBest(distance), side);
    }
  }
  const bestBid = bids.bestLevel();
  const bestAsk = asks.bestLevel();
  if (bestBid !== handleNone && bestAsk !== handleNone) {
    assert(levels.priceTicks(bestBid) < levels.priceTicks(bestAsk), 'book is crossed');
  }
  assert(levels.count === bids.length + asks.length, 'live levels differ from ladder entries');
  assert(ordersSeen === orders.count, 'orders in levels differ from the store count');
  assert(handleByOrderId.size === orders.count, 'index size differs from the order count');
  let indexed = 0;
  handleByOrderId.forEach((orderId, handle) => {
    assert(orders.isLive(handle), 'index points at a free handle');
    assert(orders.orderId(handle) === orderId, 'index points at another order');
    assert(handleByOrderId.get(orderId) === handle, 'index lookup misses a stored entry');
    indexed += 1;
  });
  assert(indexed === handleByOrderId.size, 'index size differs from its entries');
}

/** Validates one level and returns how many orders it holds. */
function validateLevel(orders: OrderStore, levels: LevelStore, level: number, side: Side): number {
  assert(levels.isLive(level), 'ladder points at a free level');
  assert(levels.side(level) === side, 'level on the wrong side');
  const orderCount = levels.orderCount(level);
  assert(orderCount > 0, 'empty level left in the ladder');
  const priceTicks = levels.priceTicks(level);
  let totalLots = 0;
  let previous = handleNone;
  let handle = levels.head(level);
  for (let index = 0; index < orderCount; index++) {
    assert(orders.isLive(handle), 'level links to a free order');
    assert(orders.level(handle) === level, 'order points at another level');
    assert(orders.previous(handle) === previous, 'previous link disagrees with next link');
    assert(orders.side(handle) === side, 'order on the wrong side');
    assert(orders.priceTicks(handle) === priceTicks, 'order price differs from its level');
    const remainingLots = orders.remainingLots(handle);
    assert(Number.isSafeInteger(remainingLots) && remainingLots > 0, 'order with no remaining lots');
    totalLots += remainingLots;
    previous = handle;
    handle = orders.next(handle);
  }
  assert(handle === handleNone, 'level FIFO longer than its order count');
  assert(levels.tail(level) === previous, 'level tail is not its last order');
  assert(levels.totalLots(level) === totalLots, 'level total differs from the sum of its orders');
  return orderCount;
}
