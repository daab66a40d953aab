// The API edge of the exchange: decimal strings <-> integer units, symbols "BTC-TRY" <-> "BTC/TRY",
// order views for clients. Everything a client sends is parsed strictly here; the core then checks
// the trading rules (tick, lot, band, balance) and answers with stable codes.

import { formatDecimal, isoTimestamp, parseDecimal } from '@parite/kernel';
import { ServiceError, isErrorCode } from '@parite/contracts';
import { DoneReason, SelfTradePrevention, Side, TimeInForce } from '@parite/matching';
import type { ExchangeStateView, MarketState } from '../domain/state.ts';
import type { CommandResult, ExchangeEvent, OrderView } from '../domain/types.ts';

export const symbolPattern = '^[A-Z0-9]{2,12}-[A-Z0-9]{2,12}$';

export function marketOf(state: ExchangeStateView, symbol: string): MarketState {
  const market = state.marketBySymbol.get(symbol.replace('-', '/'));
  if (market === undefined) throw new ServiceError('MARKET_UNKNOWN', { symbol });
  return market;
}

export function publicSymbol(symbol: string): string {
  return symbol.replace('/', '-');
}

/**
 * The largest amount, in minor units, the edge accepts: PostgreSQL int8, the width every stored
 * amount has (projections, balances, history). The in-memory core would take more, and the
 * projector would then stop on the first row it cannot write.
 */
export const unitsMax = 2n ** 63n - 1n;

export function parseUnits(value: unknown, scale: number, field: string): bigint {
  const parsed = parseDecimal(value, scale);
  if (!parsed.ok) throw new ServiceError(parsed.reason, { field });
  if (parsed.value > unitsMax) throw new ServiceError('DECIMAL_TOO_LARGE', { field });
  return parsed.value;
}

export const sideNames = { buy: Side.Buy, sell: Side.Sell } as const;
export const timeInForceNames = {
  GTC: TimeInForce.GoodTillCancelled, IOC: TimeInForce.ImmediateOrCancel, FOK: TimeInForce.FillOrKill,
} as const;
export const selfTradePreventionNames = {
  'cancel-newest': SelfTradePrevention.CancelNewest, 'cancel-oldest': SelfTradePrevention.CancelOldest,
  'cancel-both': SelfTradePrevention.CancelBoth, decrement: SelfTradePrevention.Decrement,
} as const;

const sideByValue = new Map<number, 'buy' | 'sell'>([[Side.Buy, 'buy'], [Side.Sell, 'sell']]);
const timeInForceByValue = new Map<number, 'GTC' | 'IOC' | 'FOK'>(
  Object.entries(timeInForceNames).map(([name, value]) => [value, name as 'GTC' | 'IOC' | 'FOK']));

export function priceText(market: MarketState, priceTicks: number): string {
  return formatDecimal(BigInt(priceTicks) * market.spec.tickSizeUnits, market.quote.scale);
}

export function quantityText(market: MarketState, quantityLots: number): string {
  return formatDecimal(BigInt(quantityLots) * market.spec.lotSizeUnits, market.base.scale);
}

export type OrderStatus = 'open' | 'partially_filled' | 'filled' | 'cancelled' | 'expired' | 'self_trade_prevented';

export function statusOf(view: OrderView, done: DoneReason | undefined): OrderStatus {
  if (done === DoneReason.Filled) return 'filled';
  if (done === DoneReason.Cancelled) return 'cancelled';
  if (done === DoneReason.Expired) return 'expired';
  if (done === DoneReason.SelfTradePrevented) return 'self_trade_prevented';
  return view.filledLots > 0 ? 'partially_filled' : 'open';
}

export interface FillView {
  tradeId: number;
  price: string;
  quantity: string;
  role: 'maker' | 'taker';
  fee: string;
}

export function orderResponse(market: MarketState, view: OrderView, done: DoneReason | undefined, fills: FillView[]) {
  return {
    orderId: view.orderId,
    clientOrderId: view.clientOrderId,
    symbol: publicSymbol(view.symbol),
    side: sideByValue.get(view.side) ?? 'buy',
    type: view.type,
    timeInForce: timeInForceByValue.get(view.timeInForce) ?? 'GTC',
    postOnly: view.postOnly,
    price: view.type === 'market' ? null : priceText(market, view.priceTicks),
    quantity: quantityText(market, view.quantityLots),
    filledQuantity: quantityText(market, view.filledLots),
    filledValue: formatDecimal(view.filledQuoteUnits, market.quote.scale),
    fee: formatDecimal(view.feeUnits, market.quote.scale),
    feeAsset: market.quote.code,
    status: statusOf(view, done),
    createdAt: isoTimestamp(view.createdAtMs),
    fills,
  };
}

/**
 * The order as it stands after a command: from the live record, or rebuilt from the events. A
 * command that finishes an existing order (cancel, amend into a full fill) removes its record and
 * emits no `order.accepted`, so the caller passes the view it read before: `known`.
 */
export function orderAfter(state: ExchangeStateView, market: MarketState, orderId: number, result: CommandResult,
  known?: OrderView) {
  let view: OrderView | undefined = state.orders.get(orderId)?.view ?? known;
  let done: DoneReason | undefined;
  const fills: FillView[] = [];
  for (const event of result.events) {
    if (event.type === 'order.accepted' && event.order.orderId === orderId) view ??= { ...event.order };
    if (event.type === 'order.done' && event.orderId === orderId) done = event.reason;
    if (event.type === 'trade.executed' && (event.makerOrderId === orderId || event.takerOrderId === orderId)) {
      fills.push(fillOf(market, event, orderId === event.makerOrderId ? 'maker' : 'taker'));
    }
  }
  if (view === undefined) return undefined;
  if (done !== undefined) view = finishedView(view, result.events, orderId);
  return orderResponse(market, view, done, fills);
}

function fillOf(market: MarketState, event: Extract<ExchangeEvent, { type: 'trade.executed' }>,
  role: 'maker' | 'taker'): FillView {
  return {
    tradeId: event.tradeId, price: priceText(market, event.priceTicks), quantity: quantityText(market, event.quantityLots),
    role, fee: formatDecimal(role === 'maker' ? event.makerFeeUnits : event.takerFeeUnits, market.quote.scale),
  };
}

/** A finished order is gone from the state; its final figures come from its done event. */
function finishedView(view: OrderView, events: readonly ExchangeEvent[], orderId: number): OrderView {
  const done = events.find((event) => event.type === 'order.done' && event.orderId === orderId);
  if (done === undefined || done.type !== 'order.done') return view;
  return { ...view, filledLots: done.filledLots, filledQuoteUnits: done.filledQuoteUnits, feeUnits: done.feeUnits };
}

/** Turns a refused command into the error the client sees. */
export function throwIfRefused(result: CommandResult): void {
  if (result.code === 'OK') return;
  throw new ServiceError(isErrorCode(result.code) ? result.code : 'INTERNAL_ERROR');
}
