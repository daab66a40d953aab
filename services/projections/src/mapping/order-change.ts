// Everything a batch does to one order, folded into one change, so a busy order costs one row write
// per batch however many events touched it. Each numeric field is "set, then add": an event that
// reports an absolute value (rested, amended, done) sets it and clears the pending additions; a fill
// or a reduction adds to it. The same change applies to a row in memory (orders accepted in this
// batch) or in SQL (orders already stored): value = coalesce(set, current) + add.

import { assert } from '@parite/kernel';
import type { ExchangeEvent } from '@parite/exchange/domain';
import { liveStatus, terminalStatus, type TerminalOrderStatus } from './order-status.ts';
import type { EventOrigin, OrderRow } from './rows.ts';

export interface FieldChange<Value> {
  set: Value | undefined;
  add: Value;
}

export interface OrderChange {
  orderId: number;
  priceTicks: number | undefined;
  quantityLots: FieldChange<number>;
  remainingLots: FieldChange<number>;
  filledLots: FieldChange<number>;
  filledQuoteUnits: FieldChange<bigint>;
  feeUnits: FieldChange<bigint>;
  terminalStatus: TerminalOrderStatus | undefined;
  updatedAtMs: number;
  lastSequence: bigint;
}

export type OrderLifecycleEvent = Extract<ExchangeEvent,
  { type: 'order.rested' | 'order.amended' | 'order.reduced' | 'order.done' }>;

export function emptyOrderChange(orderId: number, origin: EventOrigin): OrderChange {
  return {
    orderId, priceTicks: undefined,
    quantityLots: { set: undefined, add: 0 }, remainingLots: { set: undefined, add: 0 },
    filledLots: { set: undefined, add: 0 }, filledQuoteUnits: { set: undefined, add: 0n },
    feeUnits: { set: undefined, add: 0n }, terminalStatus: undefined,
    updatedAtMs: origin.timestampMs, lastSequence: origin.sequence,
  };
}

function setNumber(field: FieldChange<number>, value: number): void {
  field.set = value;
  field.add = 0;
}

function setBigint(field: FieldChange<bigint>, value: bigint): void {
  field.set = value;
  field.add = 0n;
}

function touch(change: OrderChange, origin: EventOrigin): void {
  // A done order receives no further events: anything after it is a bug upstream or here.
  assert(change.terminalStatus === undefined, `order ${change.orderId} changed after it was done`);
  assert(origin.sequence >= change.lastSequence, 'order events must arrive in journal order');
  change.updatedAtMs = origin.timestampMs;
  change.lastSequence = origin.sequence;
}

export function applyOrderEvent(change: OrderChange, event: OrderLifecycleEvent, origin: EventOrigin): void {
  assert(event.orderId === change.orderId, 'event applied to the wrong order');
  touch(change, origin);
  switch (event.type) {
    case 'order.rested':
      change.priceTicks = event.priceTicks;
      setNumber(change.remainingLots, event.remainingLots);
      return;
    case 'order.amended':
      change.priceTicks = event.priceTicks;
      setNumber(change.quantityLots, event.quantityLots);
      setNumber(change.remainingLots, event.remainingLots);
      return;
    case 'order.reduced':
      change.quantityLots.add -= event.reducedByLots;
      setNumber(change.remainingLots, event.remainingLots);
      return;
    case 'order.done':
      // remainingLots in the event is what never traded; the order itself has nothing working now.
      setNumber(change.remainingLots, 0);
      setNumber(change.filledLots, event.filledLots);
      setBigint(change.filledQuoteUnits, event.filledQuoteUnits);
      setBigint(change.feeUnits, event.feeUnits);
      change.terminalStatus = terminalStatus(event.reason);
      return;
  }
}

/**
 * The order.reduced that a priority-keeping amend reports for the amended order itself: the
 * order.amended before it already carries the quantity after the cut, so only the remainder is
 * confirmed here.
 */
export function applyAmendCut(change: OrderChange, event: Extract<ExchangeEvent, { type: 'order.reduced' }>,
  origin: EventOrigin): void {
  assert(event.orderId === change.orderId, 'event applied to the wrong order');
  touch(change, origin);
  assert(change.remainingLots.set === event.remainingLots && change.remainingLots.add === 0,
    `order ${change.orderId}: the amend cut disagrees with the amended remainder`);
}

/** One side of a trade: the order traded `quantityLots` for `quoteUnits` and paid `feeUnits`. */
export function applyFill(change: OrderChange, quantityLots: number, quoteUnits: bigint, feeUnits: bigint,
  origin: EventOrigin): void {
  assert(quantityLots > 0, 'a fill trades at least one lot');
  touch(change, origin);
  change.filledLots.add += quantityLots;
  change.remainingLots.add -= quantityLots;
  change.filledQuoteUnits.add += quoteUnits;
  change.feeUnits.add += feeUnits;
}

/** The row after the change: how orders accepted in the same batch are written. */
export function applyChangeToRow(row: OrderRow, change: OrderChange): OrderRow {
  assert(row.orderId === change.orderId, 'change applied to the wrong row');
  const filledLots = (change.filledLots.set ?? row.filledLots) + change.filledLots.add;
  const result: OrderRow = {
    ...row,
    priceTicks: change.priceTicks ?? row.priceTicks,
    quantityLots: (change.quantityLots.set ?? row.quantityLots) + change.quantityLots.add,
    remainingLots: (change.remainingLots.set ?? row.remainingLots) + change.remainingLots.add,
    filledLots,
    filledQuoteUnits: (change.filledQuoteUnits.set ?? row.filledQuoteUnits) + change.filledQuoteUnits.add,
    feeUnits: (change.feeUnits.set ?? row.feeUnits) + change.feeUnits.add,
    status: change.terminalStatus ?? liveStatus(filledLots),
    updatedAtMs: change.updatedAtMs,
    lastSequence: change.lastSequence,
  };
  assertOrderRow(result);
  return result;
}

export function assertOrderRow(row: OrderRow): void {
  assert(row.remainingLots >= 0, `order ${row.orderId}: negative remaining quantity`);
  assert(row.filledLots >= 0 && row.filledLots <= row.quantityLots, `order ${row.orderId}: filled outside quantity`);
  assert(row.filledQuoteUnits >= 0n && row.feeUnits >= 0n, `order ${row.orderId}: negative amounts`);
}
