// Snapshot, restore and the state hash: a restored book is the same state (same hash, same
// snapshot) and behaves the same afterwards; the hash sees priority, quantities and flags only.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BookResult, DoneReason, SelfTradePrevention, snapshotStateHash, type BookSnapshot,
} from '../src/index.ts';
import { buy, done, order, sell, trade, type BookFactory, type Scenario, type ScenarioFactory } from './book-scenario.ts';
import { RecordingSink } from './recording-sink.ts';

function populated(s: Scenario): void {
  s.rest(
    order(1, 10, buy, 100, 5), order(2, 11, buy, 100, 6, { postOnly: true }), order(3, 12, buy, 98, 7),
    order(4, 20, sell, 103, 8, { selfTradePrevention: SelfTradePrevention.Decrement }),
    order(5, 21, sell, 103, 9), order(6, 22, sell, 110, 10),
  );
  s.place(order(7, 30, sell, 100, 2), BookResult.Ok, [
    trade([1, 10], [7, 30], sell, 100, 2, 3, 0), done(7, 30, sell, DoneReason.Filled, 0),
  ]);
}

export function runSnapshotSuite(scenario: ScenarioFactory, factory: BookFactory): void {
  test('snapshot + restore round trip: same snapshot, same hash, same behaviour afterwards', () => {
    const s = scenario();
    populated(s);
    const snapshot = s.book.snapshot();
    assert.deepEqual(snapshot.bids.map((resting) => resting.orderId), [1, 2, 3]);
    assert.deepEqual(snapshot.asks.map((resting) => resting.orderId), [4, 5, 6]);
    const serialized = JSON.parse(JSON.stringify(snapshot)) as BookSnapshot;
    const restored = factory.restore(serialized);
    factory.validate(restored);
    assert.equal(restored.stateHash(), s.book.stateHash());
    assert.equal(snapshotStateHash(snapshot), s.book.stateHash());
    assert.deepEqual(restored.snapshot(), snapshot);
    assert.deepEqual(restored.depth(10), s.book.depth(10));
    const taker = order(8, 11, sell, 98, 20, { selfTradePrevention: SelfTradePrevention.CancelOldest });
    const originalSink = new RecordingSink();
    const restoredSink = new RecordingSink();
    assert.equal(s.book.place(taker, originalSink), restored.place(taker, restoredSink));
    assert.deepEqual(restoredSink.calls, originalSink.calls);
    assert.equal(restored.stateHash(), s.book.stateHash());
  });

  test('restore keeps postOnly and STP, so a later amend behaves as before the snapshot', () => {
    const s = scenario();
    populated(s);
    const restored = factory.restore(s.book.snapshot());
    const sink = new RecordingSink();
    assert.equal(restored.amend(2, 103, 6, sink), BookResult.PostOnlyWouldTake);
    assert.deepEqual(restored.getOrder(4)?.selfTradePrevention, SelfTradePrevention.Decrement);
    assert.deepEqual(sink.calls, []);
  });

  test('restore fills in missing optional fields as postOnly false and STP None', () => {
    const snapshot: BookSnapshot = {
      version: 1,
      bids: [{ orderId: 1, ownerId: 10, side: buy, priceTicks: 100, remainingLots: 5 }],
      asks: [{ orderId: 2, ownerId: 20, side: sell, priceTicks: 101, remainingLots: 5 }],
    };
    const restored = factory.restore(snapshot);
    assert.deepEqual(restored.getOrder(1), {
      ...snapshot.bids[0], postOnly: false, selfTradePrevention: SelfTradePrevention.None,
    });
    assert.equal(restored.stateHash(), snapshotStateHash(snapshot));
  });

  test('restore refuses a corrupt snapshot', () => {
    const crossed: BookSnapshot = {
      version: 1,
      bids: [{ orderId: 1, ownerId: 10, side: buy, priceTicks: 101, remainingLots: 5 }],
      asks: [{ orderId: 2, ownerId: 20, side: sell, priceTicks: 101, remainingLots: 5 }],
    };
    assert.throws(() => factory.restore(crossed), /crossed/);
    const outOfOrder: BookSnapshot = {
      version: 1,
      bids: [
        { orderId: 1, ownerId: 10, side: buy, priceTicks: 99, remainingLots: 5 },
        { orderId: 2, ownerId: 10, side: buy, priceTicks: 100, remainingLots: 5 },
      ],
      asks: [],
    };
    assert.throws(() => factory.restore(outOfOrder), /priority order/);
    const duplicate: BookSnapshot = {
      version: 1,
      bids: [{ orderId: 1, ownerId: 10, side: buy, priceTicks: 99, remainingLots: 5 }],
      asks: [{ orderId: 1, ownerId: 10, side: sell, priceTicks: 100, remainingLots: 5 }],
    };
    assert.throws(() => factory.restore(duplicate), /duplicate/);
  });

  test('the state hash depends only on the resting orders in priority order', () => {
    const direct = scenario();
    direct.rest(order(1, 10, buy, 100, 5), order(2, 10, buy, 100, 5));
    const roundabout = scenario();
    roundabout.rest(order(1, 10, buy, 100, 9), order(2, 10, buy, 100, 5), order(3, 10, sell, 105, 1));
    roundabout.amend(1, 100, 5, BookResult.Ok, [['reduced', 1, 10, buy, 4, 5]]);
    roundabout.cancel(3, BookResult.Ok, [done(3, 10, sell, DoneReason.Cancelled, 1)]);
    assert.equal(roundabout.book.stateHash(), direct.book.stateHash());
    const swapped = scenario();
    swapped.rest(order(2, 10, buy, 100, 5), order(1, 10, buy, 100, 5));
    assert.notEqual(swapped.book.stateHash(), direct.book.stateHash());
    const flagged = scenario();
    flagged.rest(order(1, 10, buy, 100, 5, { postOnly: true }), order(2, 10, buy, 100, 5));
    assert.notEqual(flagged.book.stateHash(), direct.book.stateHash());
    assert.notEqual(scenario().book.stateHash(), direct.book.stateHash());
  });
}
