import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  BookResult, FastOrderBook, NaiveOrderBook, Side, type OrderBook,
} from '../src/index.ts';
import { runBookSuite } from './book-suite.ts';
import { order } from './book-scenario.ts';
import { RecordingSink } from './recording-sink.ts';

function validate(book: OrderBook): void {
  assert.ok(book instanceof FastOrderBook);
  book.validateInternalState();
}

runBookSuite('FastOrderBook', {
  create: (options) => new FastOrderBook(options),
  restore: (snapshot, options) => FastOrderBook.restore(snapshot, options),
  validate,
});

describe('FastOrderBook: storage', () => {
  test('grows past its initial capacity, reuses freed handles, and stays equal to the reference', () => {
    const fast = new FastOrderBook({ ordersMax: 5000 });
    const naive = new NaiveOrderBook({ ordersMax: 5000 });
    const sink = new RecordingSink();
    // 3000 passive orders on 300 levels per side: past the 1024-slot initial capacity twice.
    for (let orderId = 1; orderId <= 3000; orderId++) {
      const side = orderId % 2 === 0 ? Side.Buy : Side.Sell;
      const priceTicks = side === Side.Buy ? 1000 - (orderId % 300) : 1001 + (orderId % 300);
      const input = order(orderId, orderId % 7, side, priceTicks, 1 + (orderId % 5));
      assert.equal(fast.place(input, sink), BookResult.Ok);
      assert.equal(naive.place(input, sink), BookResult.Ok);
    }
    fast.validateInternalState();
    for (let orderId = 1; orderId <= 3000; orderId += 3) {
      assert.equal(fast.cancel(orderId, sink), BookResult.Ok);
      assert.equal(naive.cancel(orderId, sink), BookResult.Ok);
    }
    for (let orderId = 3001; orderId <= 4000; orderId++) {
      const input = order(orderId, 1, Side.Buy, 500 + (orderId % 50), 2);
      assert.equal(fast.place(input, sink), BookResult.Ok);
      assert.equal(naive.place(input, sink), BookResult.Ok);
    }
    fast.validateInternalState();
    assert.equal(fast.orderCount(), naive.orderCount());
    assert.equal(fast.stateHash(), naive.stateHash());
    assert.deepEqual(fast.depth(1000), naive.depth(1000));
  });

  test('refuses ordersMax above its hard limit', () => {
    assert.throws(() => new FastOrderBook({ ordersMax: 2 ** 30 }), /fastOrdersMaxLimit/);
  });
});

describe('malformed commands are programmer errors', () => {
  const cases: Array<[string, Partial<Parameters<OrderBook['place']>[0]>, RegExp]> = [
    ['fractional price', { priceTicks: 100.5 }, /priceTicks/],
    ['zero quantity', { quantityLots: 0 }, /quantityLots/],
    ['unsafe orderId', { orderId: 2 ** 60 }, /orderId/],
    ['unknown side', { side: 3 as Side }, /side/],
    ['unknown STP mode', { selfTradePrevention: 9 as 0 }, /selfTradePrevention/],
  ];
  for (const book of [new FastOrderBook(), new NaiveOrderBook()]) {
    for (const [name, fields, message] of cases) {
      test(`${book.constructor.name} asserts on a ${name}`, () => {
        assert.throws(() => book.place({ ...order(1, 1, Side.Buy, 100, 1), ...fields }, new RecordingSink()), message);
        assert.equal(book.orderCount(), 0);
      });
    }
    test(`${book.constructor.name} asserts on a non-positive amend`, () => {
      assert.throws(() => book.amend(1, 100, 0, new RecordingSink()), /newQuantityLots/);
    });
  }
});
