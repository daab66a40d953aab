// Self-trade prevention: every mode, applied when the next resting order at the best price has the
// taker's owner, with the exact sink calls the contract prescribes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BookResult, DoneReason, SelfTradePrevention, TimeInForce } from '../src/index.ts';
import { buy, done, order, reduced, rested, sell, trade, type Scenario, type ScenarioFactory } from './book-scenario.ts';

const prevented = DoneReason.SelfTradePrevented;

/** Asks: #1 owner 10 @100 x2, #2 owner 20 @100 x5, #3 owner 30 @101 x4. The taker is owner 20. */
function bookWithOwnOrderSecond(s: Scenario): void {
  s.rest(order(1, 10, sell, 100, 2), order(2, 20, sell, 100, 5), order(3, 30, sell, 101, 4));
}

export function runSelfTradeSuite(scenario: ScenarioFactory): void {
  test('STP CancelNewest: trades up to the own order, then the taker is done; the maker stays', () => {
    const s = scenario();
    bookWithOwnOrderSecond(s);
    const taker = order(4, 20, buy, 101, 10, { selfTradePrevention: SelfTradePrevention.CancelNewest });
    s.place(taker, BookResult.Ok, [
      trade([1, 10], [4, 20], buy, 100, 2, 0, 8), done(1, 10, sell, DoneReason.Filled, 0),
      done(4, 20, buy, prevented, 8),
    ]);
    assert.deepEqual(s.orders(sell), [[2, 100, 5], [3, 101, 4]]);
    assert.deepEqual(s.orders(buy), []);
  });

  test('STP CancelOldest: the own maker is done and matching continues', () => {
    const s = scenario();
    bookWithOwnOrderSecond(s);
    const taker = order(4, 20, buy, 101, 10, { selfTradePrevention: SelfTradePrevention.CancelOldest });
    s.place(taker, BookResult.Ok, [
      trade([1, 10], [4, 20], buy, 100, 2, 0, 8), done(1, 10, sell, DoneReason.Filled, 0),
      done(2, 20, sell, prevented, 5),
      trade([3, 30], [4, 20], buy, 101, 4, 0, 4), done(3, 30, sell, DoneReason.Filled, 0),
      rested(4, 20, buy, 101, 4),
    ]);
    assert.deepEqual(s.orders(sell), []);
    assert.deepEqual(s.orders(buy), [[4, 101, 4]]);
  });

  test('STP CancelBoth: the maker, then the taker, are done', () => {
    const s = scenario();
    bookWithOwnOrderSecond(s);
    const taker = order(4, 20, buy, 101, 10, { selfTradePrevention: SelfTradePrevention.CancelBoth });
    s.place(taker, BookResult.Ok, [
      trade([1, 10], [4, 20], buy, 100, 2, 0, 8), done(1, 10, sell, DoneReason.Filled, 0),
      done(2, 20, sell, prevented, 5), done(4, 20, buy, prevented, 8),
    ]);
    assert.deepEqual(s.orders(sell), [[3, 101, 4]]);
  });

  test('STP Decrement, maker larger: the maker is reduced in place and the taker is done', () => {
    const s = scenario();
    bookWithOwnOrderSecond(s);
    const taker = order(4, 20, buy, 101, 5, { selfTradePrevention: SelfTradePrevention.Decrement });
    s.place(taker, BookResult.Ok, [
      trade([1, 10], [4, 20], buy, 100, 2, 0, 3), done(1, 10, sell, DoneReason.Filled, 0),
      reduced(2, 20, sell, 3, 2), done(4, 20, buy, prevented, 0),
    ]);
    assert.deepEqual(s.orders(sell), [[2, 100, 2], [3, 101, 4]]);
    assert.deepEqual(s.book.depth(1).asks, [{ priceTicks: 100, quantityLots: 2, orderCount: 1 }]);
  });

  test('STP Decrement, taker larger: the maker is done and the taker continues', () => {
    const s = scenario();
    bookWithOwnOrderSecond(s);
    const taker = order(4, 20, buy, 101, 10, { selfTradePrevention: SelfTradePrevention.Decrement });
    s.place(taker, BookResult.Ok, [
      trade([1, 10], [4, 20], buy, 100, 2, 0, 8), done(1, 10, sell, DoneReason.Filled, 0),
      done(2, 20, sell, prevented, 0),
      trade([3, 30], [4, 20], buy, 101, 3, 1, 0), done(4, 20, buy, DoneReason.Filled, 0),
    ]);
    assert.deepEqual(s.orders(sell), [[3, 101, 1]]);
  });

  test('STP Decrement, equal quantities: both are done without a trade', () => {
    const s = scenario();
    s.rest(order(1, 20, buy, 100, 4), order(2, 30, buy, 100, 4));
    const taker = order(3, 20, sell, 99, 4, {
      selfTradePrevention: SelfTradePrevention.Decrement, timeInForce: TimeInForce.ImmediateOrCancel,
    });
    s.place(taker, BookResult.Ok, [done(1, 20, buy, prevented, 0), done(3, 20, sell, prevented, 0)]);
    assert.deepEqual(s.orders(buy), [[2, 100, 4]]);
  });

  test('STP None: same-owner orders trade', () => {
    const s = scenario();
    s.rest(order(1, 20, sell, 100, 3));
    s.place(order(2, 20, buy, 100, 3), BookResult.Ok, [
      trade([1, 20], [2, 20], buy, 100, 3, 0, 0), done(1, 20, sell, DoneReason.Filled, 0),
      done(2, 20, buy, DoneReason.Filled, 0),
    ]);
  });

  test('STP only looks at owners: other owners trade normally, and for sell takers too', () => {
    const s = scenario();
    s.rest(order(1, 10, buy, 100, 3), order(2, 20, buy, 99, 3));
    const taker = order(3, 20, sell, 98, 6, { selfTradePrevention: SelfTradePrevention.CancelNewest });
    s.place(taker, BookResult.Ok, [
      trade([1, 10], [3, 20], sell, 100, 3, 0, 3), done(1, 10, buy, DoneReason.Filled, 0),
      done(3, 20, sell, prevented, 3),
    ]);
    assert.deepEqual(s.orders(buy), [[2, 99, 3]]);
  });

  test('STP is the taker\'s mode: a maker\'s own mode does not matter', () => {
    const s = scenario();
    s.rest(order(1, 20, sell, 100, 3, { selfTradePrevention: SelfTradePrevention.CancelBoth }));
    s.place(order(2, 20, buy, 100, 1), BookResult.Ok, [
      trade([1, 20], [2, 20], buy, 100, 1, 2, 0), done(2, 20, buy, DoneReason.Filled, 0),
    ]);
  });
}
