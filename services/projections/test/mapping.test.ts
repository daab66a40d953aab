// Event -> row mapping without a database: the set-then-add folding of order changes, and a real
// core workload projected into in-memory tables, which must agree with the core and must not depend
// on how the stream is cut into batches.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { jsonStringifyWithBigint } from '@parite/kernel';
import { DoneReason, Side, TimeInForce } from '@parite/matching';
import { applyChangeToRow, applyFill, applyOrderEvent, emptyOrderChange } from '../src/mapping/order-change.ts';
import { liveStatus, terminalStatus } from '../src/mapping/order-status.ts';
import type { OrderRow } from '../src/mapping/rows.ts';
import { checkOrdersAgainstCore, coreBalances, sortBalances } from './support/core-checks.ts';
import { FakeEngine } from './support/fake-engine.ts';
import { MemoryTables } from './support/memory-tables.ts';

const origin = (sequence: number) => ({ sequence: BigInt(sequence), timestampMs: 1_000 + sequence });

function restingRow(): OrderRow {
  return {
    orderId: 7, clientOrderId: 'c-7', ownerId: 1001, marketId: 1, symbol: 'BTC/TRY', side: Side.Buy, type: 'limit',
    timeInForce: TimeInForce.GoodTillCancelled, postOnly: false, priceTicks: 100, quantityLots: 10, remainingLots: 10,
    filledLots: 0, filledQuoteUnits: 0n, feeUnits: 0n, tickSizeUnits: 1_000_000n, lotSizeUnits: 1_000n,
    status: 'open', createdAtMs: 1_000, updatedAtMs: 1_000, lastSequence: 1n,
  };
}

describe('order changes', () => {
  test('fills add up, a partial fill is partially_filled, the last event sets the time and sequence', () => {
    const change = emptyOrderChange(7, origin(2));
    applyFill(change, 3, 300n, 1n, origin(2));
    applyFill(change, 2, 200n, 2n, origin(3));
    const row = applyChangeToRow(restingRow(), change);
    assert.deepEqual([row.filledLots, row.remainingLots, row.filledQuoteUnits, row.feeUnits, row.status],
      [5, 5, 500n, 3n, 'partially_filled']);
    assert.deepEqual([row.updatedAtMs, row.lastSequence], [1_003, 3n]);
  });

  test('absolute values from events replace the additions before them', () => {
    const change = emptyOrderChange(7, origin(2));
    applyFill(change, 4, 400n, 1n, origin(2));
    applyOrderEvent(change, { type: 'order.amended', orderId: 7, ownerId: 1001, marketId: 1, priceTicks: 90,
      quantityLots: 12, remainingLots: 8, priorityKept: false }, origin(3));
    applyOrderEvent(change, { type: 'order.reduced', orderId: 7, ownerId: 1001, marketId: 1, reducedByLots: 2,
      remainingLots: 6 }, origin(4));
    const row = applyChangeToRow(restingRow(), change);
    assert.deepEqual([row.priceTicks, row.quantityLots, row.remainingLots, row.filledLots], [90, 10, 6, 4]);
  });

  test('done takes the totals from the event and leaves nothing working', () => {
    const change = emptyOrderChange(7, origin(2));
    applyFill(change, 4, 400n, 1n, origin(2));
    applyOrderEvent(change, { type: 'order.done', orderId: 7, ownerId: 1001, marketId: 1,
      reason: DoneReason.Cancelled, filledLots: 4, remainingLots: 6, filledQuoteUnits: 400n, feeUnits: 1n }, origin(3));
    const row = applyChangeToRow(restingRow(), change);
    assert.deepEqual([row.status, row.remainingLots, row.filledLots, row.feeUnits], ['cancelled', 0, 4, 1n]);
    assert.throws(() => applyFill(change, 1, 100n, 0n, origin(4)), /after it was done/);
  });

  test('every done reason has its status; live status follows the fills', () => {
    assert.deepEqual(
      [DoneReason.Filled, DoneReason.Cancelled, DoneReason.Expired, DoneReason.SelfTradePrevented].map(terminalStatus),
      ['filled', 'cancelled', 'expired', 'self_trade_prevented']);
    assert.deepEqual([liveStatus(0), liveStatus(1)], ['open', 'partially_filled']);
  });
});

function dump(tables: MemoryTables): string {
  const sorted = (map: Map<number | string, unknown>) => [...map.entries()].sort(([left], [right]) =>
    String(left).localeCompare(String(right), 'en', { numeric: true })).map(([, row]) => row);
  return jsonStringifyWithBigint([tables.assets, tables.markets, tables.userFeeTiers, tables.orders, tables.trades,
    tables.postings, tables.entries, tables.balances, tables.checkpoint].map((table) =>
    (table instanceof Map ? sorted(table as Map<number | string, unknown>) : table)));
}

describe('projecting a core workload into memory', () => {
  const engine = new FakeEngine();
  engine.runWorkload(11, 1_500);
  const journal = engine.journal;

  test('the tables agree with the core: balances, open orders, trades and postings', () => {
    const tables = new MemoryTables();
    tables.project(journal, 500);
    const state = engine.state;
    assert.deepEqual(sortBalances([...tables.balances.values()]), coreBalances(state));
    checkOrdersAgainstCore(state, [...tables.orders.values()]);
    assert.equal(tables.trades.size, state.nextTradeId - 1);
    assert.equal(tables.postings.size, state.nextPostingId - 1);
    assert.ok(tables.trades.size > 100, `the workload trades (${tables.trades.size})`);
    const statuses = new Set([...tables.orders.values()].map((row) => row.status));
    for (const status of ['open', 'partially_filled', 'filled', 'cancelled', 'expired', 'self_trade_prevented']) {
      assert.ok(statuses.has(status as OrderRow['status']), `the workload produces ${status} orders`);
    }
  });

  test('the result does not depend on how the stream is cut into batches', () => {
    const whole = new MemoryTables();
    whole.project(journal, journal.length);
    const expected = dump(whole);
    for (const batchMax of [1, 3, 64]) {
      const tables = new MemoryTables();
      tables.project(journal, batchMax);
      assert.equal(dump(tables), expected, `batches of ${batchMax}`);
    }
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 40 }), (sizes) => {
      const tables = new MemoryTables();
      let start = 0;
      for (let index = 0; start < journal.length; index++) {
        const size = sizes[index % sizes.length] ?? 1;
        tables.write(journal.slice(start, start + size));
        start += size;
      }
      assert.equal(dump(tables), expected);
    }), { numRuns: 15 });
  });

  test('a batch that does not start right after the checkpoint is refused', () => {
    // Cut after the catalogue, so the batches refused refer only to markets the tables know.
    const cut = 40;
    const tables = new MemoryTables();
    tables.project(journal.slice(0, cut), cut);
    assert.throws(() => tables.write(journal.slice(cut + 1, cut + 10)), new RegExp(`checkpoint is ${cut}`));
    assert.throws(() => tables.write([journal[cut], journal[cut + 2]].filter((entry) => entry !== undefined)), /contiguous/);
  });
});
