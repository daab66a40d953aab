// The shared behavioural suite: every point of the contract comment in src/types.ts, pinned with
// the exact result code and the exact sequence of sink calls. Both books run it unchanged.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  BookResult, DoneReason, SelfTradePrevention, TimeInForce, type OrderBookOptions,
} from '../src/index.ts';
import { runAmendSuite } from './book-suite-amend.ts';
import { runSelfTradeSuite } from './book-suite-self-trade.ts';
import { runSnapshotSuite } from './book-suite-snapshot.ts';
import {
  buy, done, order, rested, Scenario, sell, trade, type BookFactory, type ScenarioFactory,
} from './book-scenario.ts';

export type { BookFactory } from './book-scenario.ts';

export function runBookSuite(name: string, factory: BookFactory): void {
  const scenario: ScenarioFactory = (options?: OrderBookOptions): Scenario => new Scenario(factory.create(options), factory);
  describe(`${name}: contract`, () => {
    runPlacementTests(scenario);
    runTimeInForceTests(scenario);
    runPostOnlyTests(scenario);
    runCancelAndLookupTests(scenario);
    runSelfTradeSuite(scenario);
    runAmendSuite(scenario);
    runSnapshotSuite(scenario, factory);
  });
}

function runPlacementTests(scenario: ScenarioFactory): void {
  test('a passive order rests and shows in best price, depth and count', () => {
    const s = scenario();
    s.rest(order(1, 10, buy, 100, 5), order(2, 20, sell, 105, 7));
    assert.equal(s.book.bestBidTicks(), 100);
    assert.equal(s.book.bestAskTicks(), 105);
    assert.equal(s.book.orderCount(), 2);
    assert.deepEqual(s.book.getOrder(1), {
      orderId: 1, ownerId: 10, side: buy, priceTicks: 100, remainingLots: 5,
      postOnly: false, selfTradePrevention: SelfTradePrevention.None,
    });
  });

  test('an empty book has no best prices, no depth and no orders', () => {
    const s = scenario();
    assert.equal(s.book.bestBidTicks(), undefined);
    assert.equal(s.book.bestAskTicks(), undefined);
    assert.deepEqual(s.book.depth(10), { bids: [], asks: [] });
    assert.equal(s.book.orderCount(), 0);
    assert.equal(s.book.getOrder(1), undefined);
  });

  test('price-time priority: best price first, then oldest first, at the maker price', () => {
    const s = scenario();
    s.rest(order(1, 10, sell, 101, 2), order(2, 11, sell, 101, 3), order(3, 12, sell, 100, 4), order(4, 13, sell, 102, 1));
    s.place(order(5, 20, buy, 101, 8), BookResult.Ok, [
      trade([3, 12], [5, 20], buy, 100, 4, 0, 4), done(3, 12, sell, DoneReason.Filled, 0),
      trade([1, 10], [5, 20], buy, 101, 2, 0, 2), done(1, 10, sell, DoneReason.Filled, 0),
      trade([2, 11], [5, 20], buy, 101, 2, 1, 0),
      done(5, 20, buy, DoneReason.Filled, 0),
    ]);
    assert.deepEqual(s.orders(sell), [[2, 101, 1], [4, 102, 1]]);
    assert.deepEqual(s.orders(buy), []);
  });

  test('a sell taker trades against bids from the highest price down', () => {
    const s = scenario();
    s.rest(order(1, 10, buy, 99, 2), order(2, 11, buy, 100, 2), order(3, 12, buy, 98, 2));
    s.place(order(4, 20, sell, 99, 5), BookResult.Ok, [
      trade([2, 11], [4, 20], sell, 100, 2, 0, 3), done(2, 11, buy, DoneReason.Filled, 0),
      trade([1, 10], [4, 20], sell, 99, 2, 0, 1), done(1, 10, buy, DoneReason.Filled, 0),
      rested(4, 20, sell, 99, 1),
    ]);
    assert.equal(s.book.bestAskTicks(), 99);
    assert.equal(s.book.bestBidTicks(), 98);
  });

  test('a partially filled maker keeps its place at the head of its level', () => {
    const s = scenario();
    s.rest(order(1, 10, sell, 100, 10), order(2, 11, sell, 100, 10));
    s.place(order(3, 20, buy, 100, 4), BookResult.Ok, [
      trade([1, 10], [3, 20], buy, 100, 4, 6, 0), done(3, 20, buy, DoneReason.Filled, 0),
    ]);
    s.place(order(4, 21, buy, 100, 7), BookResult.Ok, [
      trade([1, 10], [4, 21], buy, 100, 6, 0, 1), done(1, 10, sell, DoneReason.Filled, 0),
      trade([2, 11], [4, 21], buy, 100, 1, 9, 0), done(4, 21, buy, DoneReason.Filled, 0),
    ]);
    assert.deepEqual(s.orders(sell), [[2, 100, 9]]);
  });

  test('a GTC taker trades what crosses and rests the remainder at its own limit', () => {
    const s = scenario();
    s.rest(order(1, 10, sell, 100, 3));
    s.place(order(2, 20, buy, 103, 5), BookResult.Ok, [
      trade([1, 10], [2, 20], buy, 100, 3, 0, 2), done(1, 10, sell, DoneReason.Filled, 0),
      rested(2, 20, buy, 103, 2),
    ]);
    assert.deepEqual(s.orders(buy), [[2, 103, 2]]);
    assert.equal(s.book.bestAskTicks(), undefined);
  });

  test('orders that do not cross both rest', () => {
    const s = scenario();
    s.rest(order(1, 10, sell, 101, 3), order(2, 20, buy, 100, 3));
    assert.equal(s.book.orderCount(), 2);
  });

  test('depth aggregates each price level, best first, at most levelsMax per side', () => {
    const s = scenario();
    s.rest(
      order(1, 10, buy, 100, 1), order(2, 10, buy, 100, 2), order(3, 10, buy, 99, 4), order(4, 10, buy, 98, 8),
      order(5, 20, sell, 102, 3), order(6, 20, sell, 101, 5), order(7, 20, sell, 102, 6),
    );
    assert.deepEqual(s.book.depth(2), {
      bids: [{ priceTicks: 100, quantityLots: 3, orderCount: 2 }, { priceTicks: 99, quantityLots: 4, orderCount: 1 }],
      asks: [{ priceTicks: 101, quantityLots: 5, orderCount: 1 }, { priceTicks: 102, quantityLots: 9, orderCount: 2 }],
    });
    assert.equal(s.book.depth(10).bids.length, 3);
    assert.deepEqual(s.book.depth(0), { bids: [], asks: [] });
  });

  test('a live duplicate orderId is refused; a finished id may be used again', () => {
    const s = scenario();
    s.rest(order(1, 10, buy, 100, 5));
    const before = s.book.stateHash();
    s.place(order(1, 10, sell, 120, 5), BookResult.DuplicateOrderId, []);
    s.place(order(1, 11, buy, 90, 5, { timeInForce: TimeInForce.ImmediateOrCancel }), BookResult.DuplicateOrderId, []);
    assert.equal(s.book.stateHash(), before);
    s.cancel(1, BookResult.Ok, [done(1, 10, buy, DoneReason.Cancelled, 5)]);
    s.rest(order(1, 10, buy, 101, 6));
  });

  test('a GTC order beyond ordersMax is refused with BookFull; IOC still trades', () => {
    const s = scenario({ ordersMax: 2 });
    s.rest(order(1, 10, buy, 100, 5), order(2, 20, sell, 105, 5));
    const before = s.book.stateHash();
    s.place(order(3, 30, buy, 99, 1), BookResult.BookFull, []);
    // Refused even though it would have traded in full: the rule does not depend on the match.
    s.place(order(4, 30, buy, 105, 1), BookResult.BookFull, []);
    assert.equal(s.book.stateHash(), before);
    s.place(order(5, 30, buy, 105, 2, { timeInForce: TimeInForce.ImmediateOrCancel }), BookResult.Ok, [
      trade([2, 20], [5, 30], buy, 105, 2, 3, 0), done(5, 30, buy, DoneReason.Filled, 0),
    ]);
    s.cancel(1, BookResult.Ok, [done(1, 10, buy, DoneReason.Cancelled, 5)]);
    s.rest(order(6, 30, buy, 99, 1));
  });
}

function runTimeInForceTests(scenario: ScenarioFactory): void {
  const immediateOrCancel = { timeInForce: TimeInForce.ImmediateOrCancel } as const;
  const fillOrKill = { timeInForce: TimeInForce.FillOrKill } as const;

  test('IOC trades what crosses and expires the remainder', () => {
    const s = scenario();
    s.rest(order(1, 10, sell, 100, 3), order(2, 10, sell, 102, 3));
    s.place(order(3, 20, buy, 101, 5, immediateOrCancel), BookResult.Ok, [
      trade([1, 10], [3, 20], buy, 100, 3, 0, 2), done(1, 10, sell, DoneReason.Filled, 0),
      done(3, 20, buy, DoneReason.Expired, 2),
    ]);
    assert.deepEqual(s.orders(buy), []);
    assert.deepEqual(s.orders(sell), [[2, 102, 3]]);
  });

  test('IOC with nothing to trade expires in full; IOC filled in full is done Filled', () => {
    const s = scenario();
    s.rest(order(1, 10, sell, 100, 3));
    s.place(order(2, 20, buy, 99, 4, immediateOrCancel), BookResult.Ok, [done(2, 20, buy, DoneReason.Expired, 4)]);
    s.place(order(3, 20, buy, 100, 2, immediateOrCancel), BookResult.Ok, [
      trade([1, 10], [3, 20], buy, 100, 2, 1, 0), done(3, 20, buy, DoneReason.Filled, 0),
    ]);
  });

  test('a market order is an IOC at its protection price and stops there', () => {
    const s = scenario();
    s.rest(order(1, 10, buy, 100, 2), order(2, 11, buy, 95, 2), order(3, 12, buy, 80, 2));
    s.place(order(4, 20, sell, 90, 10, immediateOrCancel), BookResult.Ok, [
      trade([1, 10], [4, 20], sell, 100, 2, 0, 8), done(1, 10, buy, DoneReason.Filled, 0),
      trade([2, 11], [4, 20], sell, 95, 2, 0, 6), done(2, 11, buy, DoneReason.Filled, 0),
      done(4, 20, sell, DoneReason.Expired, 6),
    ]);
    assert.deepEqual(s.orders(buy), [[3, 80, 2]]);
  });

  test('FOK that cannot fill in full changes nothing', () => {
    const s = scenario();
    s.rest(order(1, 10, sell, 100, 3), order(2, 10, sell, 101, 3), order(3, 10, sell, 103, 10));
    const before = s.book.stateHash();
    s.place(order(4, 20, buy, 102, 7, fillOrKill), BookResult.FillOrKillUnfillable, []);
    assert.equal(s.book.stateHash(), before);
    assert.equal(s.book.getOrder(4), undefined);
  });

  test('FOK that can fill trades in full across levels', () => {
    const s = scenario();
    s.rest(order(1, 10, sell, 100, 3), order(2, 10, sell, 101, 3));
    s.place(order(3, 20, buy, 101, 6, fillOrKill), BookResult.Ok, [
      trade([1, 10], [3, 20], buy, 100, 3, 0, 3), done(1, 10, sell, DoneReason.Filled, 0),
      trade([2, 10], [3, 20], buy, 101, 3, 0, 0), done(2, 10, sell, DoneReason.Filled, 0),
      done(3, 20, buy, DoneReason.Filled, 0),
    ]);
    assert.equal(s.book.orderCount(), 0);
  });

  test('FOK does not count same-owner liquidity when STP is on, and counts it when STP is None', () => {
    const s = scenario();
    s.rest(order(1, 20, sell, 100, 5), order(2, 10, sell, 100, 3));
    const withPrevention = { ...fillOrKill, selfTradePrevention: SelfTradePrevention.CancelOldest };
    s.place(order(3, 20, buy, 100, 4, withPrevention), BookResult.FillOrKillUnfillable, []);
    s.place(order(4, 20, buy, 100, 3, withPrevention), BookResult.Ok, [
      done(1, 20, sell, DoneReason.SelfTradePrevented, 5),
      trade([2, 10], [4, 20], buy, 100, 3, 0, 0), done(2, 10, sell, DoneReason.Filled, 0),
      done(4, 20, buy, DoneReason.Filled, 0),
    ]);
    s.rest(order(5, 20, sell, 100, 5));
    s.place(order(6, 20, buy, 100, 5, fillOrKill), BookResult.Ok, [
      trade([5, 20], [6, 20], buy, 100, 5, 0, 0), done(5, 20, sell, DoneReason.Filled, 0),
      done(6, 20, buy, DoneReason.Filled, 0),
    ]);
  });
}

function runPostOnlyTests(scenario: ScenarioFactory): void {
  const postOnly = { postOnly: true } as const;

  test('post-only that would cross is refused and changes nothing', () => {
    const s = scenario();
    s.rest(order(1, 10, sell, 100, 3), order(2, 11, buy, 98, 3));
    const before = s.book.stateHash();
    s.place(order(3, 20, buy, 100, 1, postOnly), BookResult.PostOnlyWouldTake, []);
    s.place(order(4, 20, sell, 98, 1, postOnly), BookResult.PostOnlyWouldTake, []);
    s.place(order(5, 20, buy, 120, 1, postOnly), BookResult.PostOnlyWouldTake, []);
    assert.equal(s.book.stateHash(), before);
  });

  test('post-only that does not cross rests and keeps its flag', () => {
    const s = scenario();
    s.rest(order(1, 10, sell, 100, 3), order(2, 20, buy, 99, 3, postOnly), order(3, 20, sell, 101, 3, postOnly));
    assert.equal(s.book.getOrder(2)?.postOnly, true);
    assert.equal(s.book.getOrder(1)?.postOnly, false);
  });

  test('post-only on an empty opposite side rests', () => {
    const s = scenario();
    s.rest(order(1, 10, buy, 1_000_000, 3, postOnly));
  });
}

function runCancelAndLookupTests(scenario: ScenarioFactory): void {
  test('cancel removes a resting order and reports its remaining lots', () => {
    const s = scenario();
    s.rest(order(1, 10, sell, 100, 10), order(2, 11, sell, 100, 4), order(3, 12, sell, 100, 5));
    s.place(order(4, 20, buy, 100, 3), BookResult.Ok, [
      trade([1, 10], [4, 20], buy, 100, 3, 7, 0), done(4, 20, buy, DoneReason.Filled, 0),
    ]);
    s.cancel(1, BookResult.Ok, [done(1, 10, sell, DoneReason.Cancelled, 7)]);
    s.cancel(3, BookResult.Ok, [done(3, 12, sell, DoneReason.Cancelled, 5)]);
    assert.deepEqual(s.orders(sell), [[2, 100, 4]]);
    assert.deepEqual(s.book.depth(5).asks, [{ priceTicks: 100, quantityLots: 4, orderCount: 1 }]);
  });

  test('cancel in the middle of a level keeps the others in time order', () => {
    const s = scenario();
    s.rest(order(1, 10, buy, 100, 1), order(2, 10, buy, 100, 2), order(3, 10, buy, 100, 3));
    s.cancel(2, BookResult.Ok, [done(2, 10, buy, DoneReason.Cancelled, 2)]);
    s.rest(order(4, 10, buy, 100, 4));
    assert.deepEqual(s.orders(buy), [[1, 100, 1], [3, 100, 3], [4, 100, 4]]);
  });

  test('cancel of an unknown, filled or already cancelled order is UnknownOrder', () => {
    const s = scenario();
    s.cancel(42, BookResult.UnknownOrder, []);
    s.rest(order(1, 10, sell, 100, 2), order(2, 10, sell, 101, 2));
    s.place(order(3, 20, buy, 100, 2), BookResult.Ok, [
      trade([1, 10], [3, 20], buy, 100, 2, 0, 0), done(1, 10, sell, DoneReason.Filled, 0),
      done(3, 20, buy, DoneReason.Filled, 0),
    ]);
    s.cancel(1, BookResult.UnknownOrder, []);
    s.cancel(3, BookResult.UnknownOrder, []);
    s.cancel(2, BookResult.Ok, [done(2, 10, sell, DoneReason.Cancelled, 2)]);
    s.cancel(2, BookResult.UnknownOrder, []);
    s.amend(2, 100, 1, BookResult.UnknownOrder, []);
    assert.equal(s.book.getOrder(2), undefined);
  });

  test('forEachOrder visits one side in priority order', () => {
    const s = scenario();
    s.rest(order(1, 10, sell, 102, 1), order(2, 10, sell, 101, 1), order(3, 10, sell, 102, 1), order(4, 10, buy, 90, 1));
    assert.deepEqual(s.orders(sell), [[2, 101, 1], [1, 102, 1], [3, 102, 1]]);
    assert.deepEqual(s.orders(buy), [[4, 90, 1]]);
  });
}
