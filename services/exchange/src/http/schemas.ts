// Request and response schemas of the trading API. Decimal amounts are strings (never JSON numbers,
// which lose precision in most clients); unknown fields are refused.
import { Type, type Static } from '@sinclair/typebox';
import { symbolPattern } from './edge.ts';

export const clientOrderIdPattern = '^[A-Za-z0-9_.:-]{1,64}$';
/** Orders in one batch request. */
export const batchOrdersMax = 20;

const Decimal = Type.String({ minLength: 1, maxLength: 40, description: 'Decimal string, e.g. "0.015"' });
export const MarketSymbol = Type.String({ pattern: symbolPattern, description: 'Market symbol, e.g. BTC-TRY' });

export const PlaceOrderBody = Type.Object({
  symbol: MarketSymbol,
  side: Type.Union([Type.Literal('buy'), Type.Literal('sell')]),
  type: Type.Union([Type.Literal('limit'), Type.Literal('market')]),
  timeInForce: Type.Optional(Type.Union([Type.Literal('GTC'), Type.Literal('IOC'), Type.Literal('FOK')])),
  postOnly: Type.Optional(Type.Boolean()),
  price: Type.Optional(Decimal),
  quantity: Decimal,
  clientOrderId: Type.Optional(Type.String({ pattern: clientOrderIdPattern })),
  selfTradePrevention: Type.Optional(Type.Union([Type.Literal('cancel-newest'), Type.Literal('cancel-oldest'),
    Type.Literal('cancel-both'), Type.Literal('decrement')])),
}, { additionalProperties: false });
export type PlaceOrderBody = Static<typeof PlaceOrderBody>;

export const AmendOrderBody = Type.Object({
  price: Type.Optional(Decimal),
  quantity: Type.Optional(Decimal),
}, { additionalProperties: false, minProperties: 1 });

const Fill = Type.Object({
  tradeId: Type.Integer(), price: Type.String(), quantity: Type.String(),
  role: Type.Union([Type.Literal('maker'), Type.Literal('taker')]), fee: Type.String(),
}, { additionalProperties: false });

export const OrderResponse = Type.Object({
  orderId: Type.Integer(),
  clientOrderId: Type.String(),
  symbol: Type.String(),
  side: Type.Union([Type.Literal('buy'), Type.Literal('sell')]),
  type: Type.Union([Type.Literal('limit'), Type.Literal('market')]),
  timeInForce: Type.Union([Type.Literal('GTC'), Type.Literal('IOC'), Type.Literal('FOK')]),
  postOnly: Type.Boolean(),
  price: Type.Union([Type.String(), Type.Null()]),
  quantity: Type.String(),
  filledQuantity: Type.String(),
  filledValue: Type.String(),
  fee: Type.String(),
  feeAsset: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('partially_filled'), Type.Literal('filled'),
    Type.Literal('cancelled'), Type.Literal('expired'), Type.Literal('self_trade_prevented')]),
  createdAt: Type.String(),
  fills: Type.Array(Fill),
}, { additionalProperties: false });

export const OrderIdParams = Type.Object({ orderId: Type.String({ pattern: '^[1-9][0-9]{0,15}$' }) },
  { additionalProperties: false });
export const SymbolQuery = Type.Object({ symbol: Type.Optional(MarketSymbol) }, { additionalProperties: false });
export const ClientOrderIdParams = Type.Object({ clientOrderId: Type.String({ pattern: clientOrderIdPattern }) },
  { additionalProperties: false });
export const RequiredSymbolQuery = Type.Object({ symbol: MarketSymbol }, { additionalProperties: false });

export const BatchPlaceBody = Type.Object({
  orders: Type.Array(PlaceOrderBody, { minItems: 1, maxItems: batchOrdersMax }),
}, { additionalProperties: false });

export const BatchCancelBody = Type.Object({
  orderIds: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: batchOrdersMax }),
}, { additionalProperties: false });

const ItemError = Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: false });
export const BatchResponse = Type.Object({
  results: Type.Array(Type.Union([
    Type.Object({ ok: Type.Literal(true), order: OrderResponse }, { additionalProperties: false }),
    Type.Object({ ok: Type.Literal(false), error: ItemError }, { additionalProperties: false }),
  ])),
}, { additionalProperties: false });

export const CancelAllResponse = Type.Object({ cancelled: Type.Integer() }, { additionalProperties: false });

export const BalancesResponse = Type.Object({
  balances: Type.Array(Type.Object({
    asset: Type.String(), total: Type.String(), available: Type.String(), held: Type.String(),
  }, { additionalProperties: false })),
}, { additionalProperties: false });

export const OpenOrdersResponse = Type.Object({ orders: Type.Array(OrderResponse) }, { additionalProperties: false });
