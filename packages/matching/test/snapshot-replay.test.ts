// Snapshot + replay: run commands, snapshot at the midpoint, restore (into either book, through
// JSON), replay the rest. The replayed book must emit the same sink calls and end with the same
// state hash as the uninterrupted run.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  FastOrderBook, NaiveOrderBook, restoreOrderBook, type BookSnapshot, type OrderBook,
  type OrderBookKind,
} from '../src/index.ts';
import { applyOperation, OperationGenerator, type Operation } from './operation-generator.ts';
import { RecordingSink, type SinkCall } from './recording-sink.ts';

function run(book: OrderBook, operations: readonly Operation[]): { results: number[]; calls: SinkCall[] } {
  const sink = new RecordingSink();
  const results = operations.map((operation) => applyOperation(book, operation, sink));
  return { results, calls: sink.calls };
}

describe('snapshot + replay', () => {
  for (const seed of [11, 12, 13]) {
    test(`seed ${seed}: restoring at the midpoint and replaying gives the uninterrupted result`, () => {
      const operations = new OperationGenerator(seed, { spreadTicks: 12 }).generate(4000);
      const midpoint = operations.length / 2;
      const uninterrupted = new FastOrderBook();
      run(uninterrupted, operations.slice(0, midpoint));
      const snapshot = JSON.parse(JSON.stringify(uninterrupted.snapshot())) as BookSnapshot;
      assert.ok(snapshot.bids.length + snapshot.asks.length > 10, `seed ${seed}: snapshot too small to mean much`);
      const expected = run(uninterrupted, operations.slice(midpoint));
      const reference = new NaiveOrderBook();
      run(reference, operations);
      assert.equal(reference.stateHash(), uninterrupted.stateHash(), `seed ${seed}: naive uninterrupted run`);
      for (const kind of ['fast', 'naive'] as const satisfies readonly OrderBookKind[]) {
        const restored = restoreOrderBook(kind, snapshot);
        const replayed = run(restored, operations.slice(midpoint));
        assert.deepEqual(replayed.results, expected.results, `seed ${seed} ${kind}: results after restore`);
        assert.deepEqual(replayed.calls, expected.calls, `seed ${seed} ${kind}: sink calls after restore`);
        assert.equal(restored.stateHash(), uninterrupted.stateHash(), `seed ${seed} ${kind}: final state hash`);
        if (restored instanceof FastOrderBook) restored.validateInternalState();
      }
    });
  }
});
