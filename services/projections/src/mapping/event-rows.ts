// One event in, rows out: the pure mappings that need no state beyond the market's grid.

import { assert } from '@parite/kernel';
import type { ExchangeEvent } from '@parite/exchange/domain';
import type { EntryRow, EventOrigin, MarketRow, OrderRow, PostingRow, TradeRow } from './rows.ts';

type EventOf<Type extends ExchangeEvent['type']> = Extract<ExchangeEvent, { type: Type }>;

export function acceptedOrderRow(event: EventOf<'order.accepted'>, market: MarketRow, origin: EventOrigin): OrderRow {
  const order = event.order;
  assert(order.marketId === market.marketId, 'order accepted in another market than its spec');
  assert(order.filledLots === 0 && order.filledQuoteUnits === 0n && order.feeUnits === 0n,
    'an accepted order has not traded yet');
  return {
    orderId: order.orderId, clientOrderId: order.clientOrderId, ownerId: order.ownerId, marketId: order.marketId,
    symbol: order.symbol, side: order.side, type: order.type, timeInForce: order.timeInForce,
    postOnly: order.postOnly, priceTicks: order.priceTicks, quantityLots: order.quantityLots,
    remainingLots: order.quantityLots, filledLots: 0, filledQuoteUnits: 0n, feeUnits: 0n,
    tickSizeUnits: market.tickSizeUnits, lotSizeUnits: market.lotSizeUnits, status: 'open',
    createdAtMs: order.createdAtMs, updatedAtMs: origin.timestampMs, lastSequence: origin.sequence,
  };
}

export function tradeRow(event: EventOf<'trade.executed'>, market: MarketRow, origin: EventOrigin): TradeRow {
  assert(event.marketId === market.marketId, 'trade in another market than its spec');
  // Pair assertion with the engine's settlement: base units are exactly lots times the lot size.
  assert(event.baseUnits === BigInt(event.quantityLots) * market.lotSizeUnits, 'trade base units off the lot grid');
  return {
    tradeId: event.tradeId, marketId: event.marketId, symbol: event.symbol, priceTicks: event.priceTicks,
    quantityLots: event.quantityLots, quoteUnits: event.quoteUnits, baseUnits: event.baseUnits,
    tickSizeUnits: market.tickSizeUnits, takerSide: event.takerSide, makerOrderId: event.makerOrderId,
    makerOwnerId: event.makerOwnerId, takerOrderId: event.takerOrderId, takerOwnerId: event.takerOwnerId,
    makerFeeUnits: event.makerFeeUnits, takerFeeUnits: event.takerFeeUnits, executedAtMs: origin.timestampMs,
    sequence: origin.sequence,
  };
}

export function postingRows(event: EventOf<'ledger.posted'>, reason: string | null, origin: EventOrigin):
  { posting: PostingRow; entries: EntryRow[] } {
  assert(event.legs.length > 0, 'a posting has at least one leg');
  const entries = event.legs.map((leg, legIndex): EntryRow => {
    assert(leg.amountUnits > 0n, 'a leg moves a positive amount');
    assert(leg.debitOwnerId !== leg.creditOwnerId, 'a leg moves between two accounts');
    return {
      postingId: event.postingId, legIndex, debitOwnerId: leg.debitOwnerId, creditOwnerId: leg.creditOwnerId,
      assetId: leg.assetId, amountUnits: leg.amountUnits,
    };
  });
  const posting: PostingRow = {
    postingId: event.postingId, reference: event.reference, reason, legCount: entries.length,
    postedAtMs: origin.timestampMs, sequence: origin.sequence,
  };
  return { posting, entries };
}
