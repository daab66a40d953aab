// Request and response schemas of the history routes. Responses are closed too: a field that is
// not declared here is never serialised, so an internal column cannot leak by accident.

import { Type, type TSchema } from '@sinclair/typebox';
import { orderStatuses } from '../mapping/order-status.ts';
import {
  entryCursorPattern, fillCursorPattern, historyPageLimitDefault, historyPageLimitMax, orderCursorPattern,
} from '../queries/pages.ts';

const closed = { additionalProperties: false } as const;

/** The API's symbol form, as on every other route: BASE-QUOTE of 2 to 12 capitals or digits. */
const Symbol = Type.String({ pattern: '^[A-Z0-9]{2,12}-[A-Z0-9]{2,12}$', maxLength: 25 });
const AssetCode = Type.String({ pattern: '^[A-Z0-9]{2,12}$', maxLength: 12 });
const Limit = Type.Integer({ minimum: 1, maximum: historyPageLimitMax, default: historyPageLimitDefault });
const Decimal = Type.String({ description: 'decimal string' });
const TimeMs = Type.Integer({ description: 'milliseconds since the Unix epoch' });
const Side = Type.Union([Type.Literal('buy'), Type.Literal('sell')]);

function page<Item extends TSchema>(item: Item) {
  return Type.Object({
    items: Type.Array(item),
    nextBefore: Type.Union([Type.String(), Type.Null()],
      { description: 'pass as `before` for the next page; null on the last page' }),
  }, closed);
}

export const OrderStatusFilterSchema = Type.Union(
  [...orderStatuses, 'active' as const].map((status) => Type.Literal(status)));

export const OrderHistoryQuery = Type.Object({
  symbol: Type.Optional(Symbol),
  status: Type.Optional(OrderStatusFilterSchema),
  limit: Type.Optional(Limit),
  before: Type.Optional(Type.String({ pattern: orderCursorPattern })),
}, closed);

export const OrderHistoryItemSchema = Type.Object({
  orderId: Type.Integer(),
  clientOrderId: Type.String(),
  symbol: Type.String(),
  side: Side,
  type: Type.Union([Type.Literal('limit'), Type.Literal('market')]),
  timeInForce: Type.Union([Type.Literal('GTC'), Type.Literal('IOC'), Type.Literal('FOK')]),
  postOnly: Type.Boolean(),
  price: Type.Union([Decimal, Type.Null()]),
  quantity: Decimal,
  filledQuantity: Decimal,
  remainingQuantity: Decimal,
  filledQuote: Decimal,
  fee: Decimal,
  feeAsset: Type.String(),
  status: Type.Union(orderStatuses.map((status) => Type.Literal(status))),
  createdAtMs: TimeMs,
  updatedAtMs: TimeMs,
}, closed);

export const OrderHistoryPage = page(OrderHistoryItemSchema);

export const TradeHistoryQuery = Type.Object({
  symbol: Type.Optional(Symbol),
  limit: Type.Optional(Limit),
  before: Type.Optional(Type.String({ pattern: fillCursorPattern })),
}, closed);

export const TradeHistoryItemSchema = Type.Object({
  tradeId: Type.Integer(),
  orderId: Type.Integer(),
  symbol: Type.String(),
  side: Side,
  role: Type.Union([Type.Literal('maker'), Type.Literal('taker')]),
  price: Decimal,
  quantity: Decimal,
  quote: Decimal,
  fee: Decimal,
  feeAsset: Type.String(),
  executedAtMs: TimeMs,
}, closed);

export const TradeHistoryPage = page(TradeHistoryItemSchema);

export const LedgerEntriesQuery = Type.Object({
  asset: Type.Optional(AssetCode),
  limit: Type.Optional(Limit),
  before: Type.Optional(Type.String({ pattern: entryCursorPattern })),
}, closed);

export const LedgerEntryItemSchema = Type.Object({
  postingId: Type.Integer(),
  legIndex: Type.Integer(),
  asset: Type.String(),
  amount: Decimal,
  direction: Type.Union([Type.Literal('debit'), Type.Literal('credit')]),
  counterparty: Type.Union(['user', 'external', 'fees', 'liquidity', 'system'].map((kind) => Type.Literal(kind))),
  reference: Type.String(),
  postedAtMs: TimeMs,
}, closed);

export const LedgerEntriesPage = page(LedgerEntryItemSchema);
