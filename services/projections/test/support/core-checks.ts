// What the projections must agree on with the exchange core they were projected from.

import assert from 'node:assert/strict';
import type { ExchangeState } from '@parite/exchange/domain';
import type { OrderRow } from '../../src/mapping/rows.ts';

export interface BalanceLike {
  ownerId: number;
  assetId: number;
  balanceUnits: bigint;
  heldUnits: bigint;
}

/** Every ledger account of the core, system accounts included, sorted by owner then asset. */
export function coreBalances(state: ExchangeState): BalanceLike[] {
  return state.ledger.sortedAccounts().map(({ ownerId, assetId, balanceUnits, heldUnits }) =>
    ({ ownerId, assetId, balanceUnits, heldUnits }));
}

export function sortBalances(rows: readonly BalanceLike[]): BalanceLike[] {
  return rows.map(({ ownerId, assetId, balanceUnits, heldUnits }) => ({ ownerId, assetId, balanceUnits, heldUnits }))
    .sort((left, right) => left.ownerId - right.ownerId || left.assetId - right.assetId);
}

/** Open orders match the core's records field by field; every other order is finished. */
export function checkOrdersAgainstCore(state: ExchangeState, orders: readonly OrderRow[]): void {
  assert.equal(orders.length, state.nextOrderId - 1, 'one row per accepted order');
  let live = 0;
  for (const row of orders) {
    const record = state.orders.get(row.orderId);
    if (record === undefined) {
      assert.ok(row.status !== 'open' && row.status !== 'partially_filled', `order ${row.orderId} is done in the core`);
      assert.equal(row.remainingLots, 0);
      continue;
    }
    live++;
    const view = record.view;
    const resting = state.markets.get(view.marketId)?.book.getOrder(view.orderId);
    assert.ok(resting !== undefined, `open order ${view.orderId} rests in its book`);
    assert.deepEqual(
      [row.status, row.priceTicks, row.quantityLots, row.remainingLots, row.filledLots, row.filledQuoteUnits,
        row.feeUnits],
      [view.filledLots > 0 ? 'partially_filled' : 'open', view.priceTicks, view.quantityLots, resting.remainingLots,
        view.filledLots, view.filledQuoteUnits, view.feeUnits],
      `order ${view.orderId}`);
  }
  assert.equal(live, state.orders.size, 'every open order of the core is live in the projection');
}
