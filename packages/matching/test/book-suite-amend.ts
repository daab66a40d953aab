// Amend: down at the same price keeps priority; any other change re-places the order as a GTC
// taker with its id, owner, side, postOnly and STP; a crossing post-only amend changes nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BookResult, DoneReason, SelfTradePrevention } from '../src/index.ts';
import { buy, done, order, reduced, rested, sell, trade, type ScenarioFactory } from './book-scenario.ts';

export function runAmendSuite(scenario: ScenarioFactory): void {
  test('amend down at the same price keeps priority and reports reduced', () => {
    const s = scenario();
    s.rest(order(1, 10, sell, 100, 10), order(2, 11, sell, 100, 10));
    s.amend(1, 100, 4, BookResult.Ok, [reduced(1, 10, sell, 6, 4)]);
    assert.deepEqual(s.orders(sell), [[1, 100, 4], [2, 100, 10]]);
    assert.deepEqual(s.book.depth(1).asks, [{ priceTicks: 100, quantityLots: 14, orderCount: 2 }]);
    s.place(order(3, 20, buy, 100, 5), BookResult.Ok, [
      trade([1, 10], [3, 20], buy, 100, 4, 0, 1), done(1, 10, sell, DoneReason.Filled, 0),
      trade([2, 11], [3, 20], buy, 100, 1, 9, 0), done(3, 20, buy, DoneReason.Filled, 0),
    ]);
  });

  test('amend to the same price and quantity is AmendNoChange', () => {
    const s = scenario();
    s.rest(order(1, 10, buy, 100, 10));
    s.amend(1, 100, 10, BookResult.AmendNoChange, []);
  });

  test('amend of an unknown order is UnknownOrder', () => {
    const s = scenario();
    s.amend(7, 100, 10, BookResult.UnknownOrder, []);
  });

  test('amend up at the same price loses priority', () => {
    const s = scenario();
    s.rest(order(1, 10, buy, 100, 5), order(2, 11, buy, 100, 5));
    s.amend(1, 100, 6, BookResult.Ok, [rested(1, 10, buy, 100, 6)]);
    assert.deepEqual(s.orders(buy), [[2, 100, 5], [1, 100, 6]]);
  });

  test('amend to a new passive price moves the order to the back of that level', () => {
    const s = scenario();
    s.rest(order(1, 10, buy, 100, 5), order(2, 11, buy, 99, 5), order(3, 12, buy, 98, 1));
    s.amend(1, 99, 5, BookResult.Ok, [rested(1, 10, buy, 99, 5)]);
    assert.deepEqual(s.orders(buy), [[2, 99, 5], [1, 99, 5], [3, 98, 1]]);
    s.amend(3, 98, 1, BookResult.AmendNoChange, []);
    assert.equal(s.book.bestBidTicks(), 99);
  });

  test('amend to a crossing price trades as a GTC taker and rests the remainder', () => {
    const s = scenario();
    s.rest(order(1, 10, sell, 100, 3), order(2, 20, buy, 95, 5));
    s.amend(2, 101, 8, BookResult.Ok, [
      trade([1, 10], [2, 20], buy, 100, 3, 0, 5), done(1, 10, sell, DoneReason.Filled, 0),
      rested(2, 20, buy, 101, 5),
    ]);
    assert.deepEqual(s.orders(buy), [[2, 101, 5]]);
  });

  test('amend that fills in full reports the order done Filled', () => {
    const s = scenario();
    s.rest(order(1, 10, sell, 100, 9), order(2, 20, buy, 95, 5));
    s.amend(2, 100, 4, BookResult.Ok, [
      trade([1, 10], [2, 20], buy, 100, 4, 5, 0), done(2, 20, buy, DoneReason.Filled, 0),
    ]);
    assert.equal(s.book.getOrder(2), undefined);
  });

  test('post-only amend that would cross is refused and the order stays exactly as it was', () => {
    const s = scenario();
    s.rest(order(1, 10, sell, 100, 3), order(2, 20, buy, 95, 5, { postOnly: true }), order(3, 21, buy, 95, 5));
    const before = s.book.stateHash();
    s.amend(2, 100, 5, BookResult.PostOnlyWouldTake, []);
    s.amend(2, 104, 2, BookResult.PostOnlyWouldTake, []);
    assert.equal(s.book.stateHash(), before);
    assert.deepEqual(s.orders(buy), [[2, 95, 5], [3, 95, 5]]);
    s.amend(2, 99, 5, BookResult.Ok, [rested(2, 20, buy, 99, 5)]);
    assert.equal(s.book.getOrder(2)?.postOnly, true);
  });

  test('an amended order keeps its STP mode when it trades again', () => {
    const s = scenario();
    s.rest(
      order(1, 20, sell, 100, 3), order(2, 30, sell, 100, 3),
      order(3, 20, buy, 95, 4, { selfTradePrevention: SelfTradePrevention.CancelOldest }),
    );
    s.amend(3, 100, 4, BookResult.Ok, [
      done(1, 20, sell, DoneReason.SelfTradePrevented, 3),
      trade([2, 30], [3, 20], buy, 100, 3, 0, 1), done(2, 30, sell, DoneReason.Filled, 0),
      rested(3, 20, buy, 100, 1),
    ]);
    assert.equal(s.book.getOrder(3)?.selfTradePrevention, SelfTradePrevention.CancelOldest);
  });
}
