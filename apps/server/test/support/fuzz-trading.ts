// Near-valid calls for the fuzz test: correctly signed trading requests whose bodies are bent a
// little (so most reach the engine and many are accepted), and operator calls of the admin routes
// with plausible and implausible parameters. `{order:N}` in a path names one of the signer's open
// orders and `{crossing}` in a body the best opposite price of its book, resolved when sent.

import fc from 'fast-check';
import { bodies, orderLikeBodies, type FuzzRequest } from './fuzz-requests.ts';

interface Call {
  method: string;
  path: string;
  body: string | undefined;
  /** Who signs it; customers by default. */
  operator?: boolean;
}

const decimals = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('1', '0.5', '10', '0.01', '0.000001', '100000', '0.001') },
  { weight: 1, arbitrary: fc.constantFrom('0', '-1', '1e3', '01', '9'.repeat(19), '9'.repeat(40), '0.0000000001') },
);
const ppm = fc.oneof(fc.integer({ min: 0, max: 999_999 }), fc.constantFrom(-1, 1_000_000, 1.5));
const marketParameters = fc.record({
  tickSize: decimals, lotSize: decimals, notionalMin: decimals,
  quantityMinLots: fc.integer({ min: 0, max: 1_000 }), quantityMaxLots: fc.oneof(fc.integer({ min: 1, max: 2 ** 46 }),
    fc.constant(Number.MAX_SAFE_INTEGER)),
  priceBandPpm: ppm, marketSlippageMaxPpm: ppm,
  status: fc.constantFrom('open', 'open', 'open', 'cancel-only', 'halted'),
  feeTiers: fc.array(fc.record({ makerFeePpm: ppm, takerFeePpm: ppm }), { minLength: 0, maxLength: 3 }),
  openOrdersPerUserMax: fc.integer({ min: 0, max: 200_000 }),
}, { requiredKeys: [] });
const symbols = fc.constantFrom('BTC-TRY', 'ETH-TRY', 'USDT-TRY', 'BTC-USDT', 'ETH-USDT', 'DOGE-TRY', 'TRY-BTC',
  'ETH-BTC', 'USDT-ETH');

/** Operator calls; an update that halts a market may stop trading on it for a while, which is fine. */
const adminCalls: fc.Arbitrary<Call> = fc.oneof(
  fc.tuple(symbols, marketParameters).map(([symbol, parameters]) => ({ method: 'PATCH',
    path: `/v1/admin/markets/${symbol}`, body: JSON.stringify(parameters) })),
  fc.tuple(symbols, marketParameters).map(([symbol, parameters]) => ({ method: 'POST', path: '/v1/admin/markets',
    body: JSON.stringify({ symbol, parameters }) })),
  fc.tuple(symbols, decimals).map(([symbol, price]) => ({ method: 'POST',
    path: `/v1/admin/markets/${symbol}/reference-price`, body: JSON.stringify({ price }) })),
  fc.record({ transferId: fc.stringMatching(/^[a-z0-9-]{1,20}$/), userId: fc.integer({ min: 1, max: 8 }),
    direction: fc.constantFrom('credit', 'debit'), asset: fc.constantFrom('TRY', 'BTC', 'NOPE'), amount: decimals,
    reason: fc.constantFrom('fuzz', 'x') }).map((body) => ({ method: 'POST', path: '/v1/admin/ledger/transfers',
    body: JSON.stringify(body) })),
  fc.record({ code: fc.stringMatching(/^[A-Z0-9]{2,4}$/), scale: fc.integer({ min: -1, max: 19 }) })
    .map((body) => ({ method: 'POST', path: '/v1/admin/assets', body: JSON.stringify(body) })),
).map((call) => ({ ...call, operator: true }));

const customerCalls: fc.Arbitrary<Call> = fc.oneof(
  { weight: 4, arbitrary: orderLikeBodies.map((body) => ({ method: 'POST', path: '/v1/orders', body: JSON.stringify(body) })) },
  { weight: 1, arbitrary: fc.array(orderLikeBodies, { minLength: 1, maxLength: 22 })
    .map((orders) => ({ method: 'POST', path: '/v1/orders/batch', body: JSON.stringify({ orders }) })) },
  { weight: 1, arbitrary: fc.tuple(fc.nat(), bodies)
    .map(([index, body]) => ({ method: 'PATCH', path: `/v1/orders/{order:${index}}`, body })) },
  { weight: 2, arbitrary: fc.tuple(fc.nat(), fc.constantFrom('0.01', '0.005', '0.5', '3950000', '3850000', '4000000'))
    .map(([index, value]) => ({ method: 'PATCH', path: `/v1/orders/{order:${index}}`,
      body: JSON.stringify(value.length > 5 ? { price: value } : { quantity: value }) })) },
  { weight: 2, arbitrary: fc.tuple(fc.nat(), fc.constantFrom('', '0.00001', '0.01', '1')).map(([index, quantity]) => ({
    method: 'PATCH', path: `/v1/orders/{order:${index}}`,
    body: JSON.stringify(quantity === '' ? { price: '{crossing}' } : { price: '{crossing}', quantity }) })) },
  { weight: 1, arbitrary: fc.nat().map((index) => ({ method: 'DELETE', path: `/v1/orders/{order:${index}}`,
    body: undefined })) },
  { weight: 1, arbitrary: fc.nat().map((index) => ({ method: 'GET', path: `/v1/orders/{order:${index}}`,
    body: undefined })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 600 })
    .map((orderId) => ({ method: 'DELETE', path: `/v1/orders/${orderId}`, body: undefined })) },
  { weight: 1, arbitrary: fc.array(fc.integer({ min: 1, max: 600 }), { minLength: 1, maxLength: 22 })
    .map((orderIds) => ({ method: 'POST', path: '/v1/orders/cancel-batch', body: JSON.stringify({ orderIds }) })) },
  { weight: 1, arbitrary: fc.constantFrom('/v1/orders', '/v1/orders?symbol=BTC-TRY', '/v1/orders?symbol=DOGE-TRY')
    .map((path) => ({ method: 'DELETE', path, body: undefined })) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_.:-]{1,12}$/)
    .map((clientOrderId) => ({ method: 'DELETE', path: `/v1/orders/by-client-id/${clientOrderId}?symbol=BTC-TRY`,
      body: undefined })) },
  { weight: 1, arbitrary: fc.constantFrom('/v1/orders/open', '/v1/balances', '/v1/orders/history', '/v1/trades/history',
    '/v1/ledger/entries?asset=TRY', '/v1/markets/BTC-TRY/depth', '/v1/markets/BTC-TRY/trades')
    .map((path) => ({ method: 'GET', path, body: undefined })) },
);

export const tradingRequests: fc.Arbitrary<FuzzRequest> = fc.oneof(
  { weight: 12, arbitrary: customerCalls },
  { weight: 1, arbitrary: adminCalls },
).chain((call) => fc.record({
  method: fc.constant(call.method), path: fc.constant(call.path), body: fc.constant(call.body),
  contentType: fc.constant(call.body === undefined ? undefined : 'application/json'),
  signing: call.operator === true ? fc.constant({ kind: 'valid' as const, user: 'operator' })
    : fc.oneof({ weight: 9, arbitrary: fc.constantFrom('alice', 'bob').map((user) => ({ kind: 'valid' as const, user })) },
      { weight: 1, arbitrary: fc.constantFrom('alice', 'bob').map((user) => ({ kind: 'corrupt-signature' as const,
        user })) }),
}));
