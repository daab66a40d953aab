// order.place: checks in a fixed, documented order (docs/ARCHITECTURE.md), then the pre-trade hold,
// then the book. Every refusal returns before anything changes; a book refusal (post-only would
// take, fill-or-kill unfillable) rolls the hold back, so a refused order leaves no trace.

import { BookResult, SelfTradePrevention, Side, TimeInForce, type PlaceOrderInput } from '@parite/matching';
import { feeRateFor, notionalUnits, priceToTicks, quantityToLots } from './markets.ts';
import { holdNeeded, type SettlementSink } from './settlement.ts';
import {
  clientOrderIdKey, clientOrderIdRetentionMs, clientOrderIdsRetainedMax, takeId, type ClientOrderIdEntry,
  type ExchangeState, type ExchangeStateView, type MarketState, type OrderRecord,
} from './state.ts';
import type { CommandResult, ExchangeEvent, OrderPlaceCommand, ResultCode } from './types.ts';

export const clientOrderIdLengthMax = 64;

interface Priced {
  priceTicks: number;
  quantityLots: number;
}

export function placeOrder(state: ExchangeState, sink: SettlementSink, command: OrderPlaceCommand,
  timestampMs: number): CommandResult {
  const market = state.marketBySymbol.get(command.symbol);
  if (market === undefined) return refuse('MARKET_UNKNOWN');
  const statusCode = tradingStatusCode(market);
  if (statusCode !== undefined) return refuse(statusCode);
  const shapeCode = shapeRefusal(command);
  if (shapeCode !== undefined) return refuse(shapeCode);
  const priced = priceAndQuantity(market, command);
  if (typeof priced === 'string') return refuse(priced);
  // Built once per order: the lookup and the remembering both need it, and each build is a join.
  const key = clientOrderIdKey(command.ownerId, command.clientOrderId);
  const duplicate = findDuplicate(state, key, command, timestampMs);
  if (duplicate !== undefined) return duplicate;
  const restsPossibly = command.timeInForce === TimeInForce.GoodTillCancelled;
  const openInMarket = state.users.get(command.ownerId)?.openOrdersByMarket.get(market.spec.marketId) ?? 0;
  if (restsPossibly && openInMarket >= market.spec.openOrdersPerUserMax) return refuse('ORDER_OPEN_ORDERS_LIMIT');
  return execute(state, sink, market, command, priced, key, timestampMs);
}

function execute(state: ExchangeState, sink: SettlementSink, market: MarketState, command: OrderPlaceCommand,
  priced: Priced, rememberedKey: string, timestampMs: number): CommandResult {
  const feeTier = state.users.get(command.ownerId)?.feeTier ?? 0;
  const record = newRecord(market, command, priced, feeTier, timestampMs);
  record.heldUnits = holdNeeded(market, record, priced.quantityLots);
  if (!state.ledger.hold(command.ownerId, record.holdAssetId, record.heldUnits)) {
    return refuse('LEDGER_INSUFFICIENT_FUNDS');
  }
  const user = state.user(command.ownerId);
  const orderId = takeId(state, 'nextOrderId');
  record.view.orderId = orderId;
  state.orders.set(orderId, record);
  const marketId = market.spec.marketId;
  user.openOrderIds.add(orderId);
  user.openOrdersByMarket.set(marketId, (user.openOrdersByMarket.get(marketId) ?? 0) + 1);
  const events: ExchangeEvent[] = [{
    type: 'order.accepted', order: { ...record.view }, holdUnits: record.heldUnits, holdAssetId: record.holdAssetId,
  }];
  sink.begin(market, events);
  const input: PlaceOrderInput = {
    orderId, ownerId: command.ownerId, side: command.side, priceTicks: priced.priceTicks,
    quantityLots: priced.quantityLots, timeInForce: command.timeInForce, postOnly: command.postOnly,
    selfTradePrevention: effectiveSelfTradePrevention(command),
  };
  const result = market.book.place(input, sink);
  if (result !== BookResult.Ok) return rollBack(state, record, result);
  remember(state, rememberedKey, command, orderId, timestampMs);
  return { code: 'OK', events, reply: { orderId } };
}

/**
 * The funds placing this order would reserve now (asset and units), or undefined when the core
 * would refuse it before the hold. A sharded engine uses it to move just enough of the owner's
 * funds to the market's shard before retrying a placement refused for insufficient funds.
 */
export function placementHold(state: ExchangeStateView, command: OrderPlaceCommand):
  { assetId: number; units: bigint } | undefined {
  const market = state.marketBySymbol.get(command.symbol);
  if (market === undefined || tradingStatusCode(market) !== undefined || shapeRefusal(command) !== undefined) {
    return undefined;
  }
  const priced = priceAndQuantity(market, command);
  if (typeof priced === 'string') return undefined;
  const record = newRecord(market, command, priced, state.users.get(command.ownerId)?.feeTier ?? 0, 0);
  return { assetId: record.holdAssetId, units: holdNeeded(market, record, priced.quantityLots) };
}

/**
 * Fill-or-kill is all or nothing. The book checks fillability without the owner's own resting
 * orders; stopping at one of them (cancel newest / both) could then leave a partial fill, so a
 * fill-or-kill taker cancels the resting self orders instead and trades through to the others.
 */
function effectiveSelfTradePrevention(command: OrderPlaceCommand): SelfTradePrevention {
  const stopsAtSelf = command.selfTradePrevention === SelfTradePrevention.CancelNewest ||
    command.selfTradePrevention === SelfTradePrevention.CancelBoth;
  if (command.timeInForce === TimeInForce.FillOrKill && stopsAtSelf) return SelfTradePrevention.CancelOldest;
  return command.selfTradePrevention;
}

function newRecord(market: MarketState, command: OrderPlaceCommand, priced: Priced,
  feeTier: number, timestampMs: number): OrderRecord {
  const spec = market.spec;
  return {
    view: {
      orderId: 0, clientOrderId: command.clientOrderId, ownerId: command.ownerId, marketId: spec.marketId,
      symbol: spec.symbol, side: command.side, type: command.type, timeInForce: command.timeInForce,
      postOnly: command.postOnly, priceTicks: priced.priceTicks, quantityLots: priced.quantityLots, filledLots: 0,
      filledQuoteUnits: 0n, feeUnits: 0n, createdAtMs: timestampMs,
    },
    heldUnits: 0n,
    holdAssetId: command.side === Side.Buy ? spec.quoteAssetId : spec.baseAssetId,
    feeRate: { ...feeRateFor(spec, feeTier) },
    selfTradePrevention: command.selfTradePrevention,
  };
}

function rollBack(state: ExchangeState, record: OrderRecord, result: BookResult): CommandResult {
  const { orderId, ownerId, marketId } = record.view;
  state.ledger.release(ownerId, record.holdAssetId, record.heldUnits);
  state.ledger.drainTouched();
  state.orders.delete(orderId);
  const user = state.user(ownerId);
  user.openOrderIds.delete(orderId);
  user.openOrdersByMarket.set(marketId, (user.openOrdersByMarket.get(marketId) ?? 1) - 1);
  state.nextOrderId -= state.shardCount;
  if (result === BookResult.PostOnlyWouldTake) return refuse('ORDER_POST_ONLY_WOULD_TAKE');
  if (result === BookResult.FillOrKillUnfillable) return refuse('ORDER_FILL_OR_KILL_UNFILLABLE');
  if (result === BookResult.BookFull) return refuse('ORDER_BOOK_FULL');
  return refuse('INTERNAL_ERROR');
}

export function tradingStatusCode(market: MarketState): ResultCode | undefined {
  if (market.spec.status === 'halted') return 'MARKET_HALTED';
  if (market.spec.status === 'cancel-only') return 'MARKET_CANCEL_ONLY';
  return undefined;
}

function shapeRefusal(command: OrderPlaceCommand): ResultCode | undefined {
  if (command.clientOrderId.length === 0 || command.clientOrderId.length > clientOrderIdLengthMax) {
    return 'REQUEST_VALIDATION_FAILED';
  }
  if (command.type === 'limit' && command.priceUnits === undefined) return 'ORDER_PRICE_REQUIRED';
  if (command.type === 'market' && command.priceUnits !== undefined) return 'ORDER_PRICE_NOT_ALLOWED';
  if (command.type === 'market' && command.timeInForce === TimeInForce.GoodTillCancelled) {
    return 'ORDER_INVALID_TIME_IN_FORCE';
  }
  if (command.postOnly && (command.type !== 'limit' || command.timeInForce !== TimeInForce.GoodTillCancelled)) {
    return 'ORDER_INVALID_TIME_IN_FORCE';
  }
  return undefined;
}

/** Largest order value: keeps every notional, fee and hold far inside the ledger's bound. */
export const notionalUnitsMax = 2n ** 62n;

function priceAndQuantity(market: MarketState, command: OrderPlaceCommand): Priced | ResultCode {
  if (command.quantityUnits <= 0n) return 'ORDER_QUANTITY_TOO_SMALL';
  const quantityLots = quantityToLots(market, command.quantityUnits);
  if (quantityLots === undefined) return 'ORDER_QUANTITY_NOT_ON_LOT';
  if (quantityLots < market.spec.quantityMinLots) return 'ORDER_QUANTITY_TOO_SMALL';
  if (quantityLots > market.spec.quantityMaxLots) return 'ORDER_QUANTITY_TOO_LARGE';
  if (command.type === 'market') {
    const priceTicks = protectionPrice(market, command.side);
    if (typeof priceTicks === 'string') return priceTicks;
    if (notionalUnits(market, priceTicks, quantityLots) > notionalUnitsMax) return 'ORDER_QUANTITY_TOO_LARGE';
    return { priceTicks, quantityLots };
  }
  const priceTicks = priceToTicks(market, command.priceUnits ?? 0n);
  if (priceTicks === undefined) return 'ORDER_PRICE_NOT_ON_TICK';
  if (!withinBand(market, priceTicks)) return 'ORDER_PRICE_OUT_OF_BAND';
  const notional = notionalUnits(market, priceTicks, quantityLots);
  if (notional < market.spec.notionalMinUnits) return 'ORDER_NOTIONAL_TOO_SMALL';
  if (notional > notionalUnitsMax) return 'ORDER_QUANTITY_TOO_LARGE';
  return { priceTicks, quantityLots };
}

export function referenceTicks(market: MarketState): number | undefined {
  return market.lastTradeTicks ?? market.referenceTicks;
}

/** Fat-finger guard: a limit price may sit at most priceBandPpm away from the reference price. */
export function withinBand(market: MarketState, priceTicks: number): boolean {
  const reference = referenceTicks(market);
  if (reference === undefined) return true;
  const distance = BigInt(Math.abs(priceTicks - reference)) * 1_000_000n;
  return distance <= BigInt(reference) * BigInt(market.spec.priceBandPpm);
}

/**
 * A market order trades as an IOC/FOK limit order at its protection price: the best opposite price
 * moved by the maximum slippage, and never beyond the price band around the reference price.
 */
function protectionPrice(market: MarketState, side: Side): number | ResultCode {
  const best = side === Side.Buy ? market.book.bestAskTicks() : market.book.bestBidTicks();
  if (best === undefined) return 'ORDER_NO_LIQUIDITY';
  const slippage = BigInt(market.spec.marketSlippageMaxPpm);
  const reference = referenceTicks(market) ?? best;
  const band = BigInt(market.spec.priceBandPpm);
  if (side === Side.Buy) {
    const bySlippage = (BigInt(best) * (1_000_000n + slippage)) / 1_000_000n;
    const byBand = (BigInt(reference) * (1_000_000n + band)) / 1_000_000n;
    const limit = bySlippage < byBand ? bySlippage : byBand;
    return limit < BigInt(best) ? 'ORDER_NO_LIQUIDITY' : Number(limit);
  }
  const bySlippage = (BigInt(best) * (1_000_000n - slippage) + 999_999n) / 1_000_000n;
  const byBand = (BigInt(reference) * (1_000_000n - band) + 999_999n) / 1_000_000n;
  const limit = bySlippage > byBand ? bySlippage : byBand;
  return limit > BigInt(best) || limit < 1n ? 'ORDER_NO_LIQUIDITY' : Number(limit);
}

/**
 * Everything that defines the order; an identical retry has the identical fingerprint. Joined into
 * one flat string (not a template's tree of pieces): it is remembered as long as the key (see
 * clientOrderIdKey).
 */
function fingerprintOf(command: OrderPlaceCommand): string {
  return [command.symbol, command.side, command.type, command.timeInForce, command.postOnly, command.priceUnits ?? '',
    command.quantityUnits, command.selfTradePrevention].join('|');
}

/** An identical retry returns the original order; a different order under the same id is refused. */
function findDuplicate(state: ExchangeState, key: string, command: OrderPlaceCommand,
  timestampMs: number): CommandResult | undefined {
  const entry = state.clientOrderIds.get(key);
  if (entry === undefined || entry.expiresAtMs <= timestampMs) return undefined;
  if (entry.fingerprint !== fingerprintOf(command)) return refuse('ORDER_DUPLICATE_CLIENT_ID');
  return { code: 'OK', events: [], reply: { orderId: entry.orderId, duplicate: true }, unchanged: true };
}

function remember(state: ExchangeState, key: string, command: OrderPlaceCommand, orderId: number,
  timestampMs: number): void {
  const remembered = state.clientOrderIds;
  // A key remembered before (expired, or the order was refused then) moves to the newest end.
  remembered.set(key, {
    key, orderId, fingerprint: fingerprintOf(command), expiresAtMs: timestampMs + clientOrderIdRetentionMs,
  });
  // Bounded by the entries: each pass forgets one. Expiry times grow with insertion order.
  for (let oldestKey = remembered.oldestKey(); oldestKey !== undefined; oldestKey = remembered.oldestKey()) {
    const oldest = remembered.get(oldestKey) as ClientOrderIdEntry;
    if (remembered.size <= clientOrderIdsRetainedMax && oldest.expiresAtMs > timestampMs) break;
    remembered.deleteOldest();
  }
}

export function refuse(code: ResultCode): CommandResult {
  return { code, events: [] };
}
