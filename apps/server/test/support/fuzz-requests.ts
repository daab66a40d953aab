// Generators of hostile HTTP requests for the whole-platform fuzz test, and a sender over node:http
// (fetch refuses a GET with a body and adds its own content type; a fuzzer must not be so polite).
//
// A generated request is data: method, path, body text, content type and how it is signed. The
// signature is computed just before sending (timestamps must be fresh), from `signing`.

import { request as httpRequest, Agent } from 'node:http';
import fc from 'fast-check';
import type { ApiResponse } from './api-checks.ts';

export type Signing =
  | { kind: 'none' }
  | { kind: 'valid'; user: string }
  | { kind: 'corrupt-signature'; user: string }
  | { kind: 'stale'; user: string; offsetMs: number }
  | { kind: 'unknown-key'; user: string }
  | { kind: 'partial'; user: string }
  | { kind: 'garbage'; key: string; timestamp: string; signature: string };

export interface FuzzRequest {
  method: string;
  path: string;
  /** Body text exactly as sent; undefined sends none. */
  body: string | undefined;
  contentType: string | undefined;
  signing: Signing;
}

/** Header-safe printable ASCII (node:http refuses control characters in header values). */
const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
  maxLength: 80 });

const users = fc.constantFrom('alice', 'bob', 'operator');

export const signings: fc.Arbitrary<Signing> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 6, arbitrary: users.map((user) => ({ kind: 'valid' as const, user })) },
  { weight: 1, arbitrary: users.map((user) => ({ kind: 'corrupt-signature' as const, user })) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('stale' as const), user: users,
    offsetMs: fc.oneof(fc.integer({ min: 5_001, max: 10_000_000 }), fc.integer({ min: -10_000_000, max: -5_001 })) }) },
  { weight: 1, arbitrary: users.map((user) => ({ kind: 'unknown-key' as const, user })) },
  { weight: 1, arbitrary: users.map((user) => ({ kind: 'partial' as const, user })) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('garbage' as const), key: printable, timestamp: printable,
    signature: printable }) },
);

const symbols = fc.oneof(fc.constantFrom('BTC-TRY', 'ETH-TRY', 'USDT-TRY', 'BTC-USDT', 'ETH-USDT', 'DOGE-TRY',
  'btc-try', 'BTC/TRY', 'BTC%2FTRY', 'BTC-TRY-ETH', ''), printable.map(encodeURIComponent));
const orderIds = fc.oneof(fc.integer({ min: 1, max: 400 }).map(String), fc.constantFrom('0', '-1', '1.5', '1e3',
  '9007199254740993', '9'.repeat(16), '9'.repeat(40), 'abc', 'open', 'history', 'batch'), printable.map(encodeURIComponent));

/** Paths the platform serves, with fuzzed parameters, plus unknown ones. */
const knownPaths: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('/v1/orders', '/v1/orders/batch', '/v1/orders/open', '/v1/orders/cancel-batch', '/v1/balances',
    '/v1/orders/history', '/v1/trades/history', '/v1/ledger/entries', '/v1/markets', '/v1/tickers', '/v1/account',
    '/v1/api-keys', '/v1/admin/assets', '/v1/admin/markets', '/v1/admin/ledger/transfers', '/healthz', '/readyz',
    '/openapi.json', '/ws'),
  orderIds.map((orderId) => `/v1/orders/${orderId}`),
  printable.map((clientOrderId) => `/v1/orders/by-client-id/${encodeURIComponent(clientOrderId)}`),
  symbols.map((symbol) => `/v1/markets/${symbol}`),
  fc.tuple(symbols, fc.constantFrom('depth', 'trades', 'ticker', 'candles', 'nope'))
    .map(([symbol, leaf]) => `/v1/markets/${symbol}/${leaf}`),
  symbols.map((symbol) => `/v1/admin/markets/${symbol}`),
  symbols.map((symbol) => `/v1/admin/markets/${symbol}/reference-price`),
  printable.map((keyId) => `/v1/api-keys/${encodeURIComponent(keyId)}`),
);

const queries: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constant('') },
  { weight: 2, arbitrary: symbols.map((symbol) => `?symbol=${symbol}`) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('limit', 'before', 'status', 'asset', 'levels', 'interval',
    'endTimeMs', 'symbol', '__proto__', 'constructor'), fc.oneof(printable, fc.integer().map(String)))
    .map(([key, value]) => `?${key}=${encodeURIComponent(value)}`) },
  { weight: 1, arbitrary: fc.webQueryParameters().map((query) => `?${query}`) },
  { weight: 1, arbitrary: fc.constantFrom('?symbol=BTC-TRY&symbol=ETH-TRY', '?limit=0', '?limit=1e3', '?limit=-1',
    '?levels=99999999999999999999', '?interval=1m&limit=5', '?status=open', '?before=1:maker', '?%zz', '?a=%') },
);

export const paths: fc.Arbitrary<string> = fc.tuple(fc.oneof(
  { weight: 5, arbitrary: knownPaths },
  { weight: 1, arbitrary: fc.webPath().map((path) => (path.startsWith('/') ? path : `/${path}`)) },
  { weight: 1, arbitrary: fc.constantFrom('/', '//v1//orders', '/v1/orders/', '/v1/../v1/orders', '/v1/%2e%2e/admin',
    '/v1/orders%00', '/%', '/v1/orders?', '/' + 'a'.repeat(5_000), '/v1/orders/%F0%9F%98%80') },
), queries).map(([path, query]) => path + query);

export const methods = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('GET', 'POST', 'POST', 'PATCH', 'DELETE') },
  { weight: 1, arbitrary: fc.constantFrom('PUT', 'HEAD', 'OPTIONS', 'PROPFIND') },
);

const decimals = fc.oneof(fc.constantFrom('0.01', '4000000', '3900000', '1', '0', '-1', '1e5', '01', '1.', '.1',
  '0.000000001', '9'.repeat(40), '9'.repeat(41), '', ' ', 'NaN', '١٢٣'), fc.float().map(String), printable);
const junkValues: fc.Arbitrary<unknown> = fc.oneof(decimals, fc.integer(), fc.double(), fc.boolean(), fc.constant(null),
  fc.constant(1e308), fc.constant(Number.MAX_SAFE_INTEGER + 2), fc.array(fc.integer(), { maxLength: 30 }),
  fc.dictionary(printable, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }), fc.string({ unit: 'grapheme', maxLength: 40 }));

/** Mostly `good`, sometimes anything at all. */
function mostly<T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 24, arbitrary: good }, { weight: 1, arbitrary: junkValues });
}

/** Prices around each market's demo reference, a few of them outside its band or off its tick. */
const pricesBySymbol: Readonly<Record<string, readonly string[]>> = {
  'BTC-TRY': ['3800000', '3850000', '3900000', '3950000', '4000000', '4000000.5', '9000000'],
  'ETH-TRY': ['125000', '129000.5', '130000', '131000', '135000', '500000'],
  'USDT-TRY': ['41', '42.4', '42.5', '42.6', '43', '42.55555'],
  'BTC-USDT': ['90000', '91999.9', '92000', '92000.1', '95000', '1'],
};

const orderFields = fc.constantFrom(...Object.keys(pricesBySymbol)).chain((symbol) => fc.record({
  symbol: mostly(fc.constant(symbol)),
  side: mostly(fc.constantFrom('buy', 'sell')),
  type: mostly(fc.constantFrom('limit', 'limit', 'limit', 'market')),
  timeInForce: fc.option(mostly(fc.constantFrom('GTC', 'IOC', 'FOK')), { nil: undefined, freq: 2 }),
  postOnly: fc.option(mostly(fc.boolean()), { nil: undefined, freq: 3 }),
  price: mostly(fc.constantFrom(...(pricesBySymbol[symbol] ?? []))),
  quantity: mostly(fc.constantFrom('0.01', '0.02', '0.1', '1', '0.00001', '0.5')),
  clientOrderId: fc.option(mostly(fc.stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/)), { nil: undefined, freq: 2 }),
  selfTradePrevention: fc.option(mostly(fc.constantFrom('cancel-newest', 'cancel-oldest', 'cancel-both', 'decrement')),
    { nil: undefined, freq: 3 }),
}, { requiredKeys: ['symbol', 'side', 'type', 'quantity', 'price'] }));

/** Order bodies with a field now and then bent out of shape or missing; about half stay valid. */
export const orderLikeBodies: fc.Arbitrary<Record<string, unknown>> = orderFields
  .chain((body) => fc.tuple(fc.constantFrom(...Array<string>(20).fill('none'), ...Object.keys(body)), fc.nat(9))
    .map(([dropped, dice]) => {
      // Now and then a field goes missing; a market order usually loses its price (it takes none).
      const copy: Record<string, unknown> = { ...body };
      if (dropped !== 'none') delete copy[dropped];
      if (copy['type'] === 'market' && dice > 0) delete copy['price'];
      return copy;
    }));

const hostileTexts = fc.constantFrom(
  '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}',
  '{"symbol":"BTC-TRY","side":"buy","type":"limit","price":"3900000","quantity":"0.01","__proto__":{"ownerId":1}}',
  '{"orders":[{"__proto__":{}}]}', '{"prototype":1}', '{"quantity":1e309}', '{"orderIds":[1e300]}',
  '{"orderIds":[9007199254740993]}', '{"orderIds":[1.5]}', '{"orderIds":[-1]}', '[]', '"string"', '0', 'null', 'true',
  '\ufeff{}', '{"a":"\ud800"}', '{"a":1,"a":2}', `{"reason":"${'r'.repeat(100_000)}"}`,
  '['.repeat(20_000) + ']'.repeat(20_000), '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000),
);

export const bodies: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 4, arbitrary: orderLikeBodies.map((body) => JSON.stringify(body)) },
  { weight: 1, arbitrary: fc.array(orderLikeBodies, { maxLength: 25 }).map((orders) => JSON.stringify({ orders })) },
  { weight: 1, arbitrary: fc.array(fc.oneof(fc.integer({ min: 1, max: 400 }), junkValues), { maxLength: 25 })
    .map((orderIds) => JSON.stringify({ orderIds })) },
  { weight: 1, arbitrary: fc.record({ price: decimals, quantity: decimals, status: fc.constantFrom('open', 'halted',
    'cancel-only', 'closed') }, { requiredKeys: [] }).map((body) => JSON.stringify(body)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.dictionary(printable, junkValues, { maxKeys: 8 }).map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: hostileTexts },
);

export const contentTypes = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  { weight: 2, arbitrary: fc.constantFrom(undefined, 'application/json; charset=utf-8', 'text/plain',
    'application/json; charset=latin1', 'application/x-www-form-urlencoded', 'APPLICATION/JSON', 'application/jsonx',
    'multipart/form-data', 'application/json; charset="utf-16"', '*/*') },
);

/** Routes with the method they answer to, parameters fuzzed: most requests should reach a handler. */
const routes: fc.Arbitrary<{ method: string; path: string }> = fc.oneof(
  fc.constantFrom(['POST', '/v1/orders'], ['POST', '/v1/orders/batch'], ['GET', '/v1/orders/open'],
    ['POST', '/v1/orders/cancel-batch'], ['DELETE', '/v1/orders'], ['GET', '/v1/balances'], ['GET', '/v1/orders/history'],
    ['GET', '/v1/trades/history'], ['GET', '/v1/ledger/entries'], ['GET', '/v1/markets'], ['GET', '/v1/tickers'],
    ['GET', '/v1/account'], ['GET', '/v1/api-keys'], ['POST', '/v1/api-keys'], ['POST', '/v1/admin/assets'],
    ['POST', '/v1/admin/markets'], ['POST', '/v1/admin/ledger/transfers'], ['GET', '/readyz'])
    .map(([method = 'GET', path = '/']) => ({ method, path })),
  fc.tuple(fc.constantFrom('GET', 'PATCH', 'DELETE'), orderIds)
    .map(([method, orderId]) => ({ method, path: `/v1/orders/${orderId}` })),
  printable.map((clientOrderId) => ({ method: 'DELETE', path: `/v1/orders/by-client-id/${encodeURIComponent(clientOrderId)}` })),
  fc.tuple(symbols, fc.constantFrom('', '/depth', '/trades', '/ticker', '/candles'))
    .map(([symbol, leaf]) => ({ method: 'GET', path: `/v1/markets/${symbol}${leaf}` })),
  symbols.map((symbol) => ({ method: 'PATCH', path: `/v1/admin/markets/${symbol}` })),
  symbols.map((symbol) => ({ method: 'POST', path: `/v1/admin/markets/${symbol}/reference-price` })),
  printable.map((keyId) => ({ method: 'DELETE', path: `/v1/api-keys/${encodeURIComponent(keyId)}` })),
).chain((route) => queries.map((query) => ({ method: route.method, path: route.path + query })));

const targets = fc.oneof(
  { weight: 3, arbitrary: routes },
  { weight: 1, arbitrary: fc.record({ method: methods, path: paths }) },
);

export const fuzzRequests: fc.Arbitrary<FuzzRequest> = fc.record({
  target: targets, body: bodies, contentType: contentTypes, signing: signings,
}).map(({ target, ...rest }) => ({ ...target, ...rest }));

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/** Sends exactly these bytes and headers; the reply body is parsed as JSON when it is JSON. */
export function sendHttp(baseUrl: string, method: string, path: string, headers: Record<string, string>,
  body: string | undefined): Promise<ApiResponse> {
  const url = new URL(baseUrl);
  // node:http frames a GET, DELETE or OPTIONS body only when told its length (no chunking for them).
  const framed = body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) };
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ host: url.hostname, port: url.port, method, path, headers: framed, agent },
      (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = text.length > 0 ? JSON.parse(text) : undefined;
        } catch {
          // Not JSON: the property sees the raw text and fails on it.
        }
        resolve({ status: incoming.statusCode ?? 0, body: parsed });
      });
      incoming.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

export function closeFuzzAgent(): void {
  agent.destroy();
}
