// order.cancel, order.cancel-all and order.amend. Only the owner can touch an order; an order of
// someone else is reported exactly like an unknown one, so ids cannot be probed.

import { BookResult } from '@parite/matching';
import { priceToTicks, quantityToLots } from './markets.ts';
import { refuse, tradingStatusCode, withinBand } from './order-place.ts';
import { holdNeeded, type SettlementSink } from './settlement.ts';
import {
  clientOrderIdKey, type ExchangeState, type ExchangeStateView, type MarketState, type OrderRecord,
} from './state.ts';
import type {
  CommandResult, ExchangeEvent, OrderAmendCommand, OrderCancelAllCommand, OrderCancelCommand, ResultCode,
} from './types.ts';

/** Cancels allowed in one cancel-all command; bounded by the open-order limits anyway. */
export const cancelAllOrdersMax = 100_000;

function cancelStatus(market: MarketState): ResultCode | undefined {
  return market.spec.status === 'halted' ? 'MARKET_HALTED' : undefined;
}

function ownedOrder(state: ExchangeState, market: MarketState, ownerId: number, orderId: number | undefined,
  clientOrderId: string | undefined): OrderRecord | undefined {
  let id = orderId;
  if (id === undefined && clientOrderId !== undefined) {
    id = state.clientOrderIds.get(clientOrderIdKey(ownerId, clientOrderId))?.orderId;
  }
  if (id === undefined) return undefined;
  const record = state.orders.get(id);
  if (record === undefined || record.view.ownerId !== ownerId || record.view.marketId !== market.spec.marketId) {
    return undefined;
  }
  return record;
}

export function cancelOrder(state: ExchangeState, sink: SettlementSink, command: OrderCancelCommand): CommandResult {
  const market = state.marketBySymbol.get(command.symbol);
  if (market === undefined) return refuse('MARKET_UNKNOWN');
  const statusCode = cancelStatus(market);
  if (statusCode !== undefined) return refuse(statusCode);
  if ((command.orderId === undefined) === (command.clientOrderId === undefined)) {
    return refuse('REQUEST_VALIDATION_FAILED');
  }
  const record = ownedOrder(state, market, command.ownerId, command.orderId, command.clientOrderId);
  if (record === undefined) return refuse('ORDER_UNKNOWN');
  const events: ExchangeEvent[] = [];
  sink.begin(market, events);
  const result = market.book.cancel(record.view.orderId, sink);
  if (result !== BookResult.Ok) return refuse('ORDER_NOT_OPEN');
  return { code: 'OK', events, reply: { orderId: record.view.orderId } };
}

export function cancelAllOrders(state: ExchangeState, sink: SettlementSink, command: OrderCancelAllCommand): CommandResult {
  const user = state.users.get(command.ownerId);
  const events: ExchangeEvent[] = [];
  let cancelled = 0;
  if (user === undefined) return { code: 'OK', events, reply: { cancelled } };
  let market: MarketState | undefined;
  if (command.symbol !== undefined) {
    market = state.marketBySymbol.get(command.symbol);
    if (market === undefined) return refuse('MARKET_UNKNOWN');
    const statusCode = cancelStatus(market);
    if (statusCode !== undefined) return refuse(statusCode);
  }
  for (const orderId of [...user.openOrderIds].slice(0, cancelAllOrdersMax)) {
    const record = state.orders.get(orderId);
    if (record === undefined) continue;
    const orderMarket = state.markets.get(record.view.marketId);
    if (orderMarket === undefined || (market !== undefined && orderMarket !== market)) continue;
    if (orderMarket.spec.status === 'halted') continue;
    sink.begin(orderMarket, events);
    if (orderMarket.book.cancel(orderId, sink) === BookResult.Ok) cancelled++;
  }
  return { code: 'OK', events, reply: { cancelled } };
}

/**
 * The funds an amend would reserve beyond what its order already holds (asset and units), or
 * undefined when the core would refuse it before the hold: a sharded engine moves this much to the
 * order's shard before retrying an amend refused for insufficient funds.
 */
export function amendHoldIncrease(state: ExchangeStateView, command: OrderAmendCommand):
  { assetId: number; units: bigint } | undefined {
  const market = state.marketBySymbol.get(command.symbol);
  if (market === undefined || tradingStatusCode(market) !== undefined) return undefined;
  const record = state.orders.get(command.orderId);
  if (record === undefined || record.view.ownerId !== command.ownerId || record.view.marketId !== market.spec.marketId) {
    return undefined;
  }
  const resting = market.book.getOrder(record.view.orderId);
  if (resting === undefined) return undefined;
  const target = amendTarget(market, record, resting.remainingLots, command);
  if (typeof target === 'string') return undefined;
  const needed = holdNeeded(market, { ...record, view: { ...record.view, priceTicks: target.priceTicks } },
    target.remainingLots);
  return { assetId: record.holdAssetId, units: needed > record.heldUnits ? needed - record.heldUnits : 0n };
}

/**
 * Amend keeps priority only for a pure quantity cut; a new price or a larger quantity re-enters the
 * book at the back (and may trade). A buy that needs more funds reserves the difference first.
 */
export function amendOrder(state: ExchangeState, sink: SettlementSink, command: OrderAmendCommand): CommandResult {
  const market = state.marketBySymbol.get(command.symbol);
  if (market === undefined) return refuse('MARKET_UNKNOWN');
  const statusCode = tradingStatusCode(market);
  if (statusCode !== undefined) return refuse(statusCode);
  const record = ownedOrder(state, market, command.ownerId, command.orderId, undefined);
  if (record === undefined) return refuse('ORDER_UNKNOWN');
  const resting = market.book.getOrder(record.view.orderId);
  if (resting === undefined) return refuse('ORDER_NOT_OPEN');
  const target = amendTarget(market, record, resting.remainingLots, command);
  if (typeof target === 'string') return refuse(target);
  const needed = holdNeeded(market, { ...record, view: { ...record.view, priceTicks: target.priceTicks } },
    target.remainingLots);
  const extra = needed > record.heldUnits ? needed - record.heldUnits : 0n;
  if (!state.ledger.hold(record.view.ownerId, record.holdAssetId, extra)) return refuse('LEDGER_INSUFFICIENT_FUNDS');
  record.heldUnits += extra;
  const previousPriceTicks = record.view.priceTicks;
  const filledBefore = record.view.filledLots;
  const priorityKept = target.priceTicks === resting.priceTicks && target.remainingLots < resting.remainingLots;
  // The price is set before the book runs, because fills during a re-entry settle at this order's
  // new limit; the quantity is set after, because a priority-keeping cut reports itself as reduced.
  record.view.priceTicks = target.priceTicks;
  const events: ExchangeEvent[] = [];
  sink.begin(market, events);
  const result = market.book.amend(record.view.orderId, target.priceTicks, target.remainingLots, sink);
  if (result !== BookResult.Ok) {
    record.view.priceTicks = previousPriceTicks;
    state.ledger.release(record.view.ownerId, record.holdAssetId, extra);
    record.heldUnits -= extra;
    state.ledger.drainTouched();
    return refuse(result === BookResult.PostOnlyWouldTake ? 'ORDER_POST_ONLY_WOULD_TAKE' : 'ORDER_AMEND_NO_CHANGE');
  }
  record.view.quantityLots = filledBefore + target.remainingLots;
  const after = market.book.getOrder(record.view.orderId);
  if (after !== undefined && state.orders.has(record.view.orderId)) sink.releaseExcess(record, after.remainingLots);
  events.unshift({
    type: 'order.amended', orderId: record.view.orderId, ownerId: record.view.ownerId, marketId: market.spec.marketId,
    priceTicks: target.priceTicks, quantityLots: record.view.quantityLots, remainingLots: target.remainingLots,
    priorityKept,
  });
  return { code: 'OK', events, reply: { orderId: record.view.orderId } };
}

function amendTarget(market: MarketState, record: OrderRecord, remainingLots: number, command: OrderAmendCommand):
  { priceTicks: number; remainingLots: number } | ResultCode {
  let priceTicks = record.view.priceTicks;
  let newRemaining = remainingLots;
  if (command.priceUnits !== undefined) {
    const ticks = priceToTicks(market, command.priceUnits);
    if (ticks === undefined) return 'ORDER_PRICE_NOT_ON_TICK';
    if (!withinBand(market, ticks)) return 'ORDER_PRICE_OUT_OF_BAND';
    priceTicks = ticks;
  }
  if (command.quantityUnits !== undefined) {
    if (command.quantityUnits <= 0n) return 'ORDER_QUANTITY_TOO_SMALL';
    const lots = quantityToLots(market, command.quantityUnits);
    if (lots === undefined) return 'ORDER_QUANTITY_NOT_ON_LOT';
    if (lots < market.spec.quantityMinLots) return 'ORDER_QUANTITY_TOO_SMALL';
    if (record.view.filledLots + lots > market.spec.quantityMaxLots) return 'ORDER_QUANTITY_TOO_LARGE';
    newRemaining = lots;
  }
  if (priceTicks === record.view.priceTicks && newRemaining === remainingLots) return 'ORDER_AMEND_NO_CHANGE';
  return { priceTicks, remainingLots: newRemaining };
}
