// Input checks shared by both books. A malformed command (a non-integer price, an unknown enum
// value) is a programmer error upstream: the gateway validates user input long before the book,
// so these are assertions, not result codes. Messages are constant strings so the hot path never
// builds one.
import { assert } from '@parite/kernel';
import {
  SelfTradePrevention, Side, TimeInForce,
  type BookSnapshot, type PlaceOrderInput, type RestingOrder,
} from './types.ts';

const safeIntegerMax = Number.MAX_SAFE_INTEGER;

/**
 * Number.isSafeInteger, spelled so TurboFan inlines it: every order passes here, and the builtin
 * call measured as ~15 % of the fast book's throughput. False for NaN, infinities and non-numbers.
 */
export function isSafeInteger(value: number): boolean {
  return Math.floor(value) === value && value <= safeIntegerMax && value >= -safeIntegerMax;
}

export function isPositiveSafeInteger(value: number): boolean {
  return Math.floor(value) === value && value <= safeIntegerMax && value > 0;
}

/**
 * Every order passes here, so the check is one chain of comparisons (cheap enough to stay on in
 * production); only a failing order pays for finding out which field is wrong.
 */
export function assertPlaceOrderInput(order: PlaceOrderInput): void {
  const wellFormed = isSafeInteger(order.orderId) &&
    isSafeInteger(order.ownerId) &&
    (order.side === Side.Buy || order.side === Side.Sell) &&
    isPositiveSafeInteger(order.priceTicks) &&
    isPositiveSafeInteger(order.quantityLots) &&
    order.timeInForce >= TimeInForce.GoodTillCancelled && order.timeInForce <= TimeInForce.FillOrKill &&
    order.selfTradePrevention >= SelfTradePrevention.None &&
    order.selfTradePrevention <= SelfTradePrevention.Decrement &&
    (order.postOnly === true || order.postOnly === false);
  if (!wellFormed) assertPlaceOrderInputFields(order);
}

function assertPlaceOrderInputFields(order: PlaceOrderInput): void {
  assert(isSafeInteger(order.orderId), 'place: orderId must be a safe integer');
  assert(isSafeInteger(order.ownerId), 'place: ownerId must be a safe integer');
  assert(order.side === Side.Buy || order.side === Side.Sell, 'place: unknown side');
  assert(isPositiveSafeInteger(order.priceTicks), 'place: priceTicks must be a positive safe integer');
  assert(isPositiveSafeInteger(order.quantityLots), 'place: quantityLots must be a positive safe integer');
  assert(
    order.timeInForce >= TimeInForce.GoodTillCancelled && order.timeInForce <= TimeInForce.FillOrKill,
    'place: unknown timeInForce',
  );
  assert(
    order.selfTradePrevention >= SelfTradePrevention.None &&
      order.selfTradePrevention <= SelfTradePrevention.Decrement,
    'place: unknown selfTradePrevention',
  );
  assert(order.postOnly === true || order.postOnly === false, 'place: postOnly must be a boolean');
  assert(false, 'place: malformed order');
}

export function assertAmendInput(newPriceTicks: number, newQuantityLots: number): void {
  assert(isPositiveSafeInteger(newPriceTicks), 'amend: newPriceTicks must be a positive safe integer');
  assert(isPositiveSafeInteger(newQuantityLots), 'amend: newQuantityLots must be a positive safe integer');
}

/** A snapshot is restored only if it could have been produced by a book: anything else is corrupt. */
export function assertSnapshotWellFormed(snapshot: BookSnapshot): void {
  assert(snapshot.version === 1, 'snapshot: unsupported version');
  const orderIds = new Set<number>();
  assertSnapshotSide(snapshot.bids, Side.Buy, orderIds);
  assertSnapshotSide(snapshot.asks, Side.Sell, orderIds);
  const bestBid = snapshot.bids[0];
  const bestAsk = snapshot.asks[0];
  if (bestBid !== undefined && bestAsk !== undefined) {
    assert(bestBid.priceTicks < bestAsk.priceTicks, 'snapshot: book is crossed');
  }
}

function assertSnapshotSide(orders: readonly RestingOrder[], side: Side, orderIds: Set<number>): void {
  let previousPriceTicks = side === Side.Buy ? Number.POSITIVE_INFINITY : 0;
  for (const order of orders) {
    assert(order.side === side, 'snapshot: order on the wrong side');
    assert(Number.isSafeInteger(order.orderId), 'snapshot: orderId must be a safe integer');
    assert(Number.isSafeInteger(order.ownerId), 'snapshot: ownerId must be a safe integer');
    assert(isPositiveSafeInteger(order.priceTicks), 'snapshot: priceTicks must be a positive safe integer');
    assert(isPositiveSafeInteger(order.remainingLots), 'snapshot: remainingLots must be positive');
    const selfTradePrevention = order.selfTradePrevention ?? SelfTradePrevention.None;
    assert(
      selfTradePrevention >= SelfTradePrevention.None && selfTradePrevention <= SelfTradePrevention.Decrement,
      'snapshot: unknown selfTradePrevention',
    );
    const inPriorityOrder = side === Side.Buy
      ? order.priceTicks <= previousPriceTicks
      : order.priceTicks >= previousPriceTicks;
    assert(inPriorityOrder, 'snapshot: orders are not in priority order');
    assert(!orderIds.has(order.orderId), 'snapshot: duplicate orderId');
    orderIds.add(order.orderId);
    previousPriceTicks = order.priceTicks;
  }
}

/** Fills in the optional fields, so restored orders carry explicit postOnly and STP. */
export function completeRestingOrder(order: RestingOrder): Required<RestingOrder> {
  return {
    orderId: order.orderId,
    ownerId: order.ownerId,
    side: order.side,
    priceTicks: order.priceTicks,
    remainingLots: order.remainingLots,
    postOnly: order.postOnly === true,
    selfTradePrevention: order.selfTradePrevention ?? SelfTradePrevention.None,
  };
}
