// Randomized differential tests: the same commands go to FastOrderBook and NaiveOrderBook one by
// one; result codes, the exact sink calls and the state hash must agree after every command, and
// the fast book's structural self-check must hold throughout. Seeds are printed in every message.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  BookResult, DoneReason, FastOrderBook, NaiveOrderBook, SelfTradePrevention, Side, TimeInForce,
  type OrderBookOptions,
} from '../src/index.ts';
import { applyOperation, OperationGenerator, type GeneratorOptions, type Operation } from './operation-generator.ts';
import { RecordingSink } from './recording-sink.ts';

interface Coverage {
  results: Set<BookResult>;
  doneReasons: Set<DoneReason>;
  trades: number;
  reductions: number;
}

/** Runs both books side by side and fails on the first difference. */
function runDifferential(
  label: string, operations: readonly Operation[], options: OrderBookOptions, coverage?: Coverage,
): void {
  const fast = new FastOrderBook(options);
  const naive = new NaiveOrderBook(options);
  const fastSink = new RecordingSink();
  const naiveSink = new RecordingSink();
  operations.forEach((operation, index) => {
    const where = `${label} operation #${index} ${JSON.stringify(operation)}`;
    const fastResult = applyOperation(fast, operation, fastSink);
    const naiveResult = applyOperation(naive, operation, naiveSink);
    assert.equal(fastResult, naiveResult, `${where}: result code`);
    const calls = fastSink.take();
    assert.deepEqual(calls, naiveSink.take(), `${where}: sink calls`);
    assert.equal(fast.stateHash(), naive.stateHash(), `${where}: state hash`);
    assert.doesNotThrow(() => fast.validateInternalState(), `${where}: fast book internal state`);
    if (index % 64 === 0) {
      assert.deepEqual(fast.depth(1000), naive.depth(1000), `${where}: depth`);
      assert.equal(fast.bestBidTicks(), naive.bestBidTicks(), `${where}: best bid`);
      assert.equal(fast.bestAskTicks(), naive.bestAskTicks(), `${where}: best ask`);
      assert.equal(fast.orderCount(), naive.orderCount(), `${where}: order count`);
    }
    if (coverage !== undefined) {
      coverage.results.add(fastResult);
      for (const call of calls) {
        if (call[0] === 'done') coverage.doneReasons.add(call[4]);
        if (call[0] === 'trade') coverage.trades += 1;
        if (call[0] === 'reduced') coverage.reductions += 1;
      }
    }
  });
}

const seededRuns: Array<{ seed: number; operations: number; options: OrderBookOptions; generator: GeneratorOptions }> = [
  { seed: 1, operations: 6000, options: {}, generator: {} },
  { seed: 2, operations: 5000, options: {}, generator: { ownersMax: 2, spreadTicks: 4 } },
  { seed: 3, operations: 4000, options: { ordersMax: 24 }, generator: {} },
  { seed: 0xc0ffee, operations: 5000, options: {}, generator: { spreadTicks: 30, quantityMaxLots: 40, ownersMax: 6 } },
];

describe('differential: FastOrderBook against NaiveOrderBook', () => {
  test('seeded mixed workloads agree op by op (~20k operations)', () => {
    const coverage: Coverage = { results: new Set(), doneReasons: new Set(), trades: 0, reductions: 0 };
    for (const run of seededRuns) {
      const operations = new OperationGenerator(run.seed, run.generator).generate(run.operations);
      runDifferential(`seed ${run.seed}`, operations, run.options, coverage);
    }
    // The workload must actually reach every outcome, or agreement would prove little.
    for (const result of Object.values(BookResult)) {
      assert.ok(coverage.results.has(result), `the seeded workloads never produced result ${result}`);
    }
    for (const reason of Object.values(DoneReason)) {
      assert.ok(coverage.doneReasons.has(reason), `the seeded workloads never produced done reason ${reason}`);
    }
    assert.ok(coverage.trades > 1000 && coverage.reductions > 100, 'too few trades or reductions');
  });

  test('property: any short command sequence agrees (fast-check, shrinks to a minimal case)', () => {
    fc.assert(
      fc.property(fc.array(operationArbitrary(), { maxLength: 80 }), fc.integer({ min: 3, max: 40 }), (operations, ordersMax) => {
        runDifferential('fast-check', operations, { ordersMax });
      }),
      { numRuns: 300 },
    );
  });
});

/** Small id, price and owner ranges so duplicates, unknown ids, crossings and self-trades are common. */
function operationArbitrary(): fc.Arbitrary<Operation> {
  const orderId = fc.integer({ min: 1, max: 24 });
  const priceTicks = fc.integer({ min: 95, max: 105 });
  const quantityLots = fc.integer({ min: 1, max: 6 });
  const place = fc.record({
    orderId, ownerId: fc.integer({ min: 1, max: 3 }),
    side: fc.constantFrom(Side.Buy, Side.Sell),
    priceTicks, quantityLots,
    timeInForce: fc.constantFrom(
      TimeInForce.GoodTillCancelled, TimeInForce.GoodTillCancelled,
      TimeInForce.ImmediateOrCancel, TimeInForce.FillOrKill,
    ),
    postOnly: fc.boolean(),
    selfTradePrevention: fc.constantFrom(...Object.values(SelfTradePrevention)),
  }).map((order): Operation => ({ kind: 'place', order }));
  const cancel = orderId.map((id): Operation => ({ kind: 'cancel', orderId: id }));
  const amend = fc.record({ orderId, newPriceTicks: priceTicks, newQuantityLots: quantityLots })
    .map((fields): Operation => ({ kind: 'amend', ...fields }));
  return fc.oneof({ arbitrary: place, weight: 6 }, { arbitrary: cancel, weight: 2 }, { arbitrary: amend, weight: 2 });
}
