// Bad input against the whole platform over real HTTP: every refusal carries its catalogue code and
// status (never a 500) and changes nothing: the engine's state hash, its applied sequence and the
// caller's balances are identical before and after. One platform serves the whole file.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ErrorCode } from '@parite/contracts';
import { batchOrdersMax } from '@parite/exchange';
import { parseDecimal, systemClock } from '@parite/kernel';
import { AuditLog } from '@parite/platform';
import {
  assertRefused, assertRefusedUnchanged, assertLedgerBalanced, fingerprint, sendRaw, signedHeaders,
} from './support/api-checks.ts';
import { requireService } from '../src/index.ts';
import { startTestPlatform, type TestPlatform } from './support/platform-harness.ts';
import {
  balanceOf, cancelEverything, limitOrder, openOrderIds, placeOrder, type BalanceReply, type BatchItemReply,
  type OrderReply,
} from './support/trading-fixtures.ts';

let harness: TestPlatform;

before(async () => {
  harness = await startTestPlatform({ rateLimit: { requestsPerIpMax: 100_000, requestsPerPrincipalMax: 100_000 } });
});

after(async () => {
  assertLedgerBalanced(harness);
  await harness.stop();
});

/** POST /v1/orders as alice with this exact body text, expecting `code` and no change. */
async function refusedRawOrder(rawBody: string, code: ErrorCode): Promise<void> {
  await assertRefusedUnchanged(harness, 'alice', code,
    () => harness.request('alice', 'POST', '/v1/orders', undefined, { rawBody }), rawBody.slice(0, 120));
}

async function refusedOrder(body: unknown, code: ErrorCode, userName = 'alice'): Promise<void> {
  await assertRefusedUnchanged(harness, userName, code,
    () => harness.request(userName, 'POST', '/v1/orders', body), JSON.stringify(body).slice(0, 160));
}

describe('request shape', () => {
  test('malformed JSON is REQUEST_MALFORMED_JSON', async () => {
    for (const rawBody of ['{', '{"symbol":', 'nul', '[1,]', "{'symbol':'BTC-TRY'}", '{"a":1}}', '\u0000', 'NaN']) {
      await refusedRawOrder(rawBody, 'REQUEST_MALFORMED_JSON');
    }
  });

  test('a body that is not UTF-8 is REQUEST_MALFORMED_JSON', async () => {
    const body = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]);
    const headers = { 'content-type': 'application/json',
      ...signedHeaders(harness, 'alice', 'POST', '/v1/orders', undefined) };
    await assertRefusedUnchanged(harness, 'alice', 'REQUEST_MALFORMED_JSON',
      () => sendRaw(harness, { method: 'POST', url: '/v1/orders', headers, body }), 'invalid UTF-8');
  });

  test('wrong types are REQUEST_VALIDATION_FAILED (decimals are strings, never JSON numbers)', async () => {
    const cases: unknown[] = [
      { ...limitOrder(), quantity: 0.01 }, { ...limitOrder(), price: 4000000 }, { ...limitOrder(), side: 1 },
      { ...limitOrder(), postOnly: 'true' }, { ...limitOrder(), symbol: 42 }, { ...limitOrder(), type: null },
      { ...limitOrder(), clientOrderId: ['a'] }, { ...limitOrder(), quantity: { value: '1' } }, [limitOrder()],
      'an order', 42, null, true, {},
    ];
    for (const body of cases) await refusedOrder(body, 'REQUEST_VALIDATION_FAILED');
  });

  test('unknown and dangerous fields are REQUEST_VALIDATION_FAILED', async () => {
    await refusedOrder({ ...limitOrder(), leverage: '10' }, 'REQUEST_VALIDATION_FAILED');
    await refusedOrder({ ...limitOrder(), ownerId: 1 }, 'REQUEST_VALIDATION_FAILED');
    await refusedRawOrder('{"symbol":"BTC-TRY","side":"sell","type":"limit","price":"4000000","quantity":"0.01",' +
      '"__proto__":{"ownerId":1}}', 'REQUEST_VALIDATION_FAILED');
    await refusedRawOrder('{"constructor":{"prototype":{"polluted":true}}}', 'REQUEST_VALIDATION_FAILED');
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    const batch = { orders: [{ ...limitOrder(), extra: true }] };
    await assertRefusedUnchanged(harness, 'alice', 'REQUEST_VALIDATION_FAILED',
      () => harness.request('alice', 'POST', '/v1/orders/batch', batch), 'unknown field in a batch item');
  });

  test('a body above 256 KiB is REQUEST_BODY_TOO_LARGE', async () => {
    const rawBody = JSON.stringify({ ...limitOrder(), clientOrderId: 'x'.repeat(300 * 1024) });
    await refusedRawOrder(rawBody, 'REQUEST_BODY_TOO_LARGE');
    const headers = { 'content-type': 'application/json' };
    await assertRefusedUnchanged(harness, 'alice', 'REQUEST_BODY_TOO_LARGE',
      () => sendRaw(harness, { method: 'POST', url: '/v1/orders', headers, body: rawBody }), 'unsigned');
  });

  test('a content type other than JSON is REQUEST_UNSUPPORTED_MEDIA_TYPE', async () => {
    const rawBody = JSON.stringify(limitOrder());
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
      'application/json; charset=latin1']) {
      await assertRefusedUnchanged(harness, 'alice', 'REQUEST_UNSUPPORTED_MEDIA_TYPE',
        () => harness.request('alice', 'POST', '/v1/orders', undefined,
          { rawBody, headers: { 'content-type': contentType } }), contentType);
    }
  });

  test('a batch above 20 orders, or an empty one, is REQUEST_VALIDATION_FAILED', async () => {
    const orders = Array.from({ length: batchOrdersMax + 1 }, (_, index) => limitOrder({ clientOrderId: `big-${index}` }));
    await assertRefusedUnchanged(harness, 'alice', 'REQUEST_VALIDATION_FAILED',
      () => harness.request('alice', 'POST', '/v1/orders/batch', { orders }), '21 orders');
    await assertRefusedUnchanged(harness, 'alice', 'REQUEST_VALIDATION_FAILED',
      () => harness.request('alice', 'POST', '/v1/orders/batch', { orders: [] }), 'no orders');
    const orderIds = Array.from({ length: batchOrdersMax + 1 }, (_, index) => index + 1);
    await assertRefusedUnchanged(harness, 'alice', 'REQUEST_VALIDATION_FAILED',
      () => harness.request('alice', 'POST', '/v1/orders/cancel-batch', { orderIds }), '21 cancels');
  });

  test('bad path parameters and queries are refused by the schema', async () => {
    for (const path of ['/v1/orders/0', '/v1/orders/-1', '/v1/orders/abc', '/v1/orders/1.5',
      '/v1/orders/12345678901234567']) {
      await assertRefusedUnchanged(harness, 'alice', 'REQUEST_VALIDATION_FAILED',
        () => harness.request('alice', 'DELETE', path), path);
    }
    await assertRefusedUnchanged(harness, 'alice', 'REQUEST_VALIDATION_FAILED',
      () => harness.request('alice', 'GET', '/v1/orders/open?symbol=btc-try'), 'lower-case symbol');
    await assertRefusedUnchanged(harness, 'alice', 'REQUEST_VALIDATION_FAILED',
      () => harness.request('alice', 'GET', '/v1/orders/open?market=BTC-TRY'), 'unknown query key');
    await assertRefusedUnchanged(harness, 'alice', 'REQUEST_VALIDATION_FAILED',
      () => harness.request('alice', 'DELETE', '/v1/orders/by-client-id/abc'), 'cancel by client id needs a symbol');
  });

  test('unknown routes and methods get catalogue errors', async () => {
    assertRefused(await harness.request('alice', 'GET', '/v1/nothing-here'), 'REQUEST_NOT_FOUND');
    const wrongMethod = await harness.request(undefined, 'PUT', '/v1/orders', limitOrder());
    assertRefused(wrongMethod, 'REQUEST_METHOD_NOT_ALLOWED');
    assert.equal(wrongMethod.headers.get('allow'), 'DELETE, POST');
    const onAnOrder = await harness.request('alice', 'POST', '/v1/orders/123');
    assertRefused(onAnOrder, 'REQUEST_METHOD_NOT_ALLOWED');
    assert.equal(onAnOrder.headers.get('allow'), 'DELETE, GET, HEAD, PATCH');
    assertRefused(await harness.request(undefined, 'GET', '/v1/orders/123/nothing'), 'REQUEST_NOT_FOUND');
  });
});

describe('decimals and trading rules', () => {
  test('malformed decimals get their DECIMAL_* code', async () => {
    const cases: [Partial<{ price: string; quantity: string }>, ErrorCode][] = [
      [{ price: '1e5' }, 'DECIMAL_MALFORMED'], [{ price: '04000000' }, 'DECIMAL_MALFORMED'],
      [{ quantity: '01' }, 'DECIMAL_MALFORMED'], [{ quantity: '1.' }, 'DECIMAL_MALFORMED'],
      [{ quantity: '.5' }, 'DECIMAL_MALFORMED'], [{ quantity: '+1' }, 'DECIMAL_MALFORMED'],
      [{ quantity: ' 1' }, 'DECIMAL_MALFORMED'], [{ quantity: '1,5' }, 'DECIMAL_MALFORMED'],
      [{ quantity: '0x10' }, 'DECIMAL_MALFORMED'], [{ quantity: 'Infinity' }, 'DECIMAL_MALFORMED'],
      [{ quantity: '-0' }, 'DECIMAL_MALFORMED'], [{ price: '-1' }, 'DECIMAL_NEGATIVE'],
      [{ quantity: '-0.01' }, 'DECIMAL_NEGATIVE'],
      // BTC has 8 decimals, TRY 6.
      [{ quantity: '0.000000001' }, 'DECIMAL_TOO_PRECISE'], [{ price: '4000000.0000001' }, 'DECIMAL_TOO_PRECISE'],
      [{ quantity: '0.010000000' }, 'DECIMAL_TOO_PRECISE'],
      // Beyond int8 minor units, the width every stored amount has.
      [{ quantity: '1'.repeat(30) }, 'DECIMAL_TOO_LARGE'], [{ price: '9'.repeat(14) }, 'DECIMAL_TOO_LARGE'],
    ];
    for (const [fields, code] of cases) await refusedOrder(limitOrder(fields), code);
    await refusedOrder(limitOrder({ quantity: '' }), 'REQUEST_VALIDATION_FAILED');
    await refusedOrder(limitOrder({ quantity: '1'.repeat(41) }), 'REQUEST_VALIDATION_FAILED');
  });

  test('an unknown market is MARKET_UNKNOWN', async () => {
    await refusedOrder(limitOrder({ symbol: 'DOGE-TRY' }), 'MARKET_UNKNOWN');
    await refusedOrder(limitOrder({ symbol: 'TRY-BTC' }), 'MARKET_UNKNOWN');
    await refusedOrder(limitOrder({ symbol: 'btc-try' }), 'REQUEST_VALIDATION_FAILED');
    await refusedOrder(limitOrder({ symbol: 'BTC/TRY' }), 'REQUEST_VALIDATION_FAILED');
    await assertRefusedUnchanged(harness, 'alice', 'MARKET_UNKNOWN',
      () => harness.request('alice', 'GET', '/v1/orders/open?symbol=DOGE-TRY'), 'open orders');
    await assertRefusedUnchanged(harness, 'alice', 'MARKET_UNKNOWN',
      () => harness.request('alice', 'DELETE', '/v1/orders?symbol=DOGE-TRY'), 'cancel all');
  });

  test('the market rules: tick, lot, size, band, notional, price presence, time in force', async () => {
    const cases: [Parameters<typeof limitOrder>[0], ErrorCode][] = [
      [{ price: '4000000.5' }, 'ORDER_PRICE_NOT_ON_TICK'],
      [{ quantity: '0.000001' }, 'ORDER_QUANTITY_NOT_ON_LOT'],
      [{ quantity: '0' }, 'ORDER_QUANTITY_TOO_SMALL'],
      [{ quantity: '100.00001' }, 'ORDER_QUANTITY_TOO_LARGE'],
      [{ price: '9000000' }, 'ORDER_PRICE_OUT_OF_BAND'],
      [{ price: '3500000' }, 'ORDER_PRICE_OUT_OF_BAND'],
      // One lot of USDT-TRY (0.01 USDT at 42.5 TRY) is worth 0.425 TRY; the minimum is 10 TRY.
      [{ symbol: 'USDT-TRY', price: '42.5', quantity: '0.01' }, 'ORDER_NOTIONAL_TOO_SMALL'],
      [{ price: undefined }, 'ORDER_PRICE_REQUIRED'],
      [{ type: 'market' }, 'ORDER_PRICE_NOT_ALLOWED'],
      [{ type: 'market', price: undefined, timeInForce: 'GTC' }, 'ORDER_INVALID_TIME_IN_FORCE'],
      [{ postOnly: true, timeInForce: 'IOC' }, 'ORDER_INVALID_TIME_IN_FORCE'],
      [{ clientOrderId: 'has space' }, 'REQUEST_VALIDATION_FAILED'],
      [{ clientOrderId: 'x'.repeat(65) }, 'REQUEST_VALIDATION_FAILED'],
    ];
    for (const [fields, code] of cases) await refusedOrder(limitOrder(fields), code);
  });

  test('an order beyond the available balance is LEDGER_INSUFFICIENT_FUNDS', async () => {
    // Alice holds 50,000,000 TRY: 99 BTC at 3,900,000 TRY costs about 386,000,000 TRY.
    await refusedOrder(limitOrder({ side: 'buy', price: '3900000', quantity: '99' }), 'LEDGER_INSUFFICIENT_FUNDS');
    // 5,000 ETH at 130,000 TRY is 650,000,000 TRY.
    await refusedOrder({ symbol: 'ETH-TRY', side: 'buy', type: 'limit', price: '130000', quantity: '5000' },
      'LEDGER_INSUFFICIENT_FUNDS');
  });

  test('a reused client order id with other parameters is ORDER_DUPLICATE_CLIENT_ID; the same is idempotent',
    async () => {
      const first = await placeOrder(harness, 'alice', limitOrder({ clientOrderId: 'dup-1' }));
      const again = await placeOrder(harness, 'alice', limitOrder({ clientOrderId: 'dup-1' }));
      assert.equal(again.orderId, first.orderId);
      await refusedOrder(limitOrder({ clientOrderId: 'dup-1', price: '4000001' }), 'ORDER_DUPLICATE_CLIENT_ID');
      await cancelEverything(harness, 'alice');
    });
});

describe('authentication', () => {
  const url = '/v1/orders';

  function signedOrder(options: { timestampMs?: number; nonce?: string } = {}) {
    const body = JSON.stringify(limitOrder());
    const headers: Record<string, string> = { 'content-type': 'application/json',
      ...signedHeaders(harness, 'alice', 'POST', url, body, options) };
    return { body, headers };
  }

  async function refusedSigned(code: ErrorCode, request: { body?: string; headers: Record<string, string> },
    context: string, method = 'POST', target = url): Promise<void> {
    await assertRefusedUnchanged(harness, 'alice', code,
      () => sendRaw(harness, { method, url: target, headers: request.headers, body: request.body }), context);
  }

  test('a wrong or malformed signature is AUTH_INVALID_SIGNATURE', async () => {
    const request = signedOrder();
    const signature = request.headers['X-Parite-Signature'] ?? '';
    const flipped = signature.slice(0, -1) + (signature.endsWith('0') ? '1' : '0');
    await refusedSigned('AUTH_INVALID_SIGNATURE', { ...request, headers: { ...request.headers,
      'X-Parite-Signature': flipped } }, 'flipped signature');
    await refusedSigned('AUTH_INVALID_SIGNATURE', { ...request, headers: { ...request.headers,
      'X-Parite-Signature': signature.toUpperCase() } }, 'upper-case signature');
    await refusedSigned('AUTH_INVALID_SIGNATURE', { ...request, headers: { ...request.headers,
      'X-Parite-Signature': 'not-hex' } }, 'malformed signature');
    await refusedSigned('AUTH_INVALID_SIGNATURE', { ...request, headers: { ...request.headers,
      'X-Parite-Nonce': 'bad nonce!' } }, 'malformed nonce');
  });

  test('a body, query, method or nonce changed after signing is AUTH_INVALID_SIGNATURE', async () => {
    const request = signedOrder();
    await refusedSigned('AUTH_INVALID_SIGNATURE', { ...request, body: request.body.replace('0.01', '0.02') },
      'tampered body');
    await refusedSigned('AUTH_INVALID_SIGNATURE', { ...request, body: request.body + ' ' }, 'one trailing space');
    await refusedSigned('AUTH_INVALID_SIGNATURE', { ...signedOrder(), headers: { ...signedOrder().headers,
      'X-Parite-Nonce': 'other' } }, 'other nonce');
    const query = signedHeaders(harness, 'alice', 'DELETE', '/v1/orders?symbol=BTC-TRY', undefined);
    await refusedSigned('AUTH_INVALID_SIGNATURE', { headers: query }, 'tampered query', 'DELETE',
      '/v1/orders?symbol=ETH-TRY');
    const method = signedHeaders(harness, 'alice', 'GET', '/v1/orders', undefined);
    await refusedSigned('AUTH_INVALID_SIGNATURE', { headers: method }, 'other method', 'DELETE', '/v1/orders');
  });

  test('a timestamp outside the receive window is AUTH_TIMESTAMP_OUT_OF_WINDOW', async () => {
    await refusedSigned('AUTH_TIMESTAMP_OUT_OF_WINDOW', signedOrder({ timestampMs: Date.now() - 60_000 }), 'stale');
    await refusedSigned('AUTH_TIMESTAMP_OUT_OF_WINDOW', signedOrder({ timestampMs: Date.now() + 60_000 }), 'future');
    const request = signedOrder();
    await refusedSigned('AUTH_TIMESTAMP_OUT_OF_WINDOW', { ...request, headers: { ...request.headers,
      'X-Parite-Timestamp': '17e11' } }, 'malformed timestamp');
  });

  test('the same signed request sent twice is AUTH_REPLAYED_REQUEST, and the order is placed once', async () => {
    // No client order id: the server makes a fresh one per request, so only the replay guard stops a copy.
    const body = JSON.stringify(limitOrder({ clientOrderId: undefined, price: '4100000' }));
    const headers = { 'content-type': 'application/json', ...signedHeaders(harness, 'alice', 'POST', url, body) };
    const openBefore = await openOrderIds(harness, 'alice', 'BTC-TRY');
    const first = await sendRaw(harness, { method: 'POST', url, headers, body });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    await refusedSigned('AUTH_REPLAYED_REQUEST', { body, headers }, 'replay');
    const openAfter = await openOrderIds(harness, 'alice', 'BTC-TRY');
    assert.deepEqual(openAfter.filter((orderId) => !openBefore.includes(orderId)),
      [(first.body as { orderId: number }).orderId]);
    await cancelEverything(harness, 'alice');
  });

  test('an unknown or malformed API key is AUTH_INVALID_API_KEY; partial credentials are AUTH_REQUIRED', async () => {
    const request = signedOrder();
    await refusedSigned('AUTH_INVALID_API_KEY', { ...request, headers: { ...request.headers,
      'X-Parite-Key': `pk_${'A'.repeat(22)}` } }, 'unknown key');
    await refusedSigned('AUTH_INVALID_API_KEY', { ...request, headers: { ...request.headers,
      'X-Parite-Key': 'alice' } }, 'malformed key');
    const { 'X-Parite-Signature': _signature, ...unsigned } = request.headers;
    await refusedSigned('AUTH_REQUIRED', { ...request, headers: unsigned }, 'no signature header');
    await refusedSigned('AUTH_REQUIRED', { ...request, headers: { 'content-type': 'application/json' } }, 'anonymous');
  });

  test('a key signed by one user cannot act as another (bob signs with alice\'s key id)', async () => {
    const body = JSON.stringify(limitOrder());
    const bobHeaders = signedHeaders(harness, 'bob', 'POST', url, body);
    const headers = { 'content-type': 'application/json', ...bobHeaders,
      'X-Parite-Key': harness.users['alice']?.keyId ?? '' };
    await refusedSigned('AUTH_INVALID_SIGNATURE', { body, headers }, 'key of alice, secret of bob');
  });

  test('a customer calling an admin route is AUTH_FORBIDDEN; anonymous is AUTH_REQUIRED', async () => {
    const halt = { status: 'halted' };
    await assertRefusedUnchanged(harness, 'alice', 'AUTH_FORBIDDEN',
      () => harness.request('alice', 'PATCH', '/v1/admin/markets/BTC-TRY', halt), 'customer halts');
    await assertRefusedUnchanged(harness, 'alice', 'AUTH_REQUIRED',
      () => harness.request(undefined, 'PATCH', '/v1/admin/markets/BTC-TRY', halt), 'anonymous halts');
    const transfer = { transferId: 'steal-1', userId: harness.users['alice']?.userId ?? 1, direction: 'credit',
      asset: 'BTC', amount: '1000', reason: 'free money' };
    await assertRefusedUnchanged(harness, 'alice', 'AUTH_FORBIDDEN',
      () => harness.request('alice', 'POST', '/v1/admin/ledger/transfers', transfer), 'customer funds itself');
    await assertRefusedUnchanged(harness, 'alice', 'AUTH_FORBIDDEN',
      () => harness.request('bob', 'POST', '/v1/admin/assets', { code: 'FAKE', scale: 2 }), 'customer adds an asset');
  });
});

describe('order ownership and market status', () => {
  test('another user\'s order is ORDER_UNKNOWN for get, cancel, amend, cancel-batch and cancel by client id',
    async () => {
      const order = await placeOrder(harness, 'alice', limitOrder({ clientOrderId: 'alice-owned' }));
      const path = `/v1/orders/${order.orderId}`;
      for (const [method, body] of [['GET', undefined], ['DELETE', undefined], ['PATCH', { quantity: '0.005' }]] as const) {
        await assertRefusedUnchanged(harness, 'alice', 'ORDER_UNKNOWN', () => harness.request('bob', method, path, body),
          `bob ${method}`);
      }
      await assertRefusedUnchanged(harness, 'alice', 'ORDER_UNKNOWN',
        () => harness.request('bob', 'DELETE', '/v1/orders/by-client-id/alice-owned?symbol=BTC-TRY'), 'bob by client id');
      const before = fingerprint(harness, 'alice');
      const batch = await harness.request('bob', 'POST', '/v1/orders/cancel-batch', { orderIds: [order.orderId] });
      assert.equal(batch.status, 200);
      const [item] = (batch.body as { results: BatchItemReply[] }).results;
      assert.deepEqual(item?.ok === false ? item.error.code : item, 'ORDER_UNKNOWN');
      assert.deepEqual(fingerprint(harness, 'alice'), before);
      assert.deepEqual(await openOrderIds(harness, 'alice'), [order.orderId]);
      await cancelEverything(harness, 'alice');
    });

  test('a halted market refuses orders with MARKET_HALTED; cancel-only accepts cancels only; then it reopens',
    async () => {
      const resting = await placeOrder(harness, 'alice', limitOrder({ clientOrderId: 'before-halt' }));
      const halt = await harness.request('operator', 'PATCH', '/v1/admin/markets/BTC-TRY', { status: 'halted' });
      assert.equal(halt.status, 200, JSON.stringify(halt.body));
      await refusedOrder(limitOrder(), 'MARKET_HALTED');
      await refusedOrder(limitOrder({ side: 'buy', type: 'market', price: undefined }), 'MARKET_HALTED', 'bob');
      await assertRefusedUnchanged(harness, 'alice', 'MARKET_HALTED',
        () => harness.request('alice', 'PATCH', `/v1/orders/${resting.orderId}`, { price: '4000001' }), 'amend');
      await assertRefusedUnchanged(harness, 'alice', 'MARKET_HALTED',
        () => harness.request('alice', 'DELETE', `/v1/orders/${resting.orderId}`), 'cancel');
      const batch = await harness.request('alice', 'POST', '/v1/orders/batch', { orders: [limitOrder()] });
      assert.equal((batch.body as { results: BatchItemReply[] }).results[0]?.ok, false);

      const cancelOnly = await harness.request('operator', 'PATCH', '/v1/admin/markets/BTC-TRY', { status: 'cancel-only' });
      assert.equal(cancelOnly.status, 200, JSON.stringify(cancelOnly.body));
      await refusedOrder(limitOrder(), 'MARKET_CANCEL_ONLY');
      const cancelled = await harness.request('alice', 'DELETE', `/v1/orders/${resting.orderId}`);
      assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));

      // Reopening is not a brake: it is four-eyes, and runs when the supervisor approves.
      const reopen = await harness.request('operator', 'PATCH', '/v1/admin/markets/BTC-TRY', { status: 'open' });
      assert.equal(reopen.status, 202, JSON.stringify(reopen.body));
      await refusedOrder(limitOrder(), 'MARKET_CANCEL_ONLY');
      const approvalId = (reopen.body as { approvalId: string }).approvalId;
      const approved = await harness.request('supervisor', 'POST', `/v1/admin/approvals/${approvalId}/approve`, {});
      assert.equal((approved.body as { status: string }).status, 'executed', JSON.stringify(approved.body));
      const placed = await placeOrder(harness, 'alice', limitOrder());
      assert.equal(placed.status, 'open');
      await cancelEverything(harness, 'alice');
    });

  test('admin routes refuse bad input without recording a change', async () => {
    const cases: [string, string, unknown, ErrorCode][] = [
      ['PATCH', '/v1/admin/markets/DOGE-TRY', { status: 'halted' }, 'MARKET_UNKNOWN'],
      ['PATCH', '/v1/admin/markets/BTC-TRY', {}, 'REQUEST_VALIDATION_FAILED'],
      ['PATCH', '/v1/admin/markets/BTC-TRY', { status: 'closed' }, 'REQUEST_VALIDATION_FAILED'],
      ['PATCH', '/v1/admin/markets/BTC-TRY', { tickSize: '0.0000001' }, 'DECIMAL_TOO_PRECISE'],
      ['POST', '/v1/admin/markets/BTC-TRY/reference-price', { price: '1e6' }, 'DECIMAL_MALFORMED'],
      ['POST', '/v1/admin/assets', { code: 'lower', scale: 2 }, 'REQUEST_VALIDATION_FAILED'],
      ['POST', '/v1/admin/assets', { code: 'BIG', scale: 19 }, 'REQUEST_VALIDATION_FAILED'],
      ['POST', '/v1/admin/ledger/transfers', { transferId: 't-1', userId: 1, direction: 'credit', asset: 'NOPE',
        amount: '1', reason: 'test' }, 'ASSET_UNKNOWN'],
      ['POST', '/v1/admin/ledger/transfers', { transferId: 't-1', userId: 1, direction: 'credit', asset: 'BTC',
        amount: '-1', reason: 'test' }, 'DECIMAL_NEGATIVE'],
      // Amounts the ledger could hold in memory but no table could store: refused at the edge.
      ['POST', '/v1/admin/ledger/transfers', { transferId: 't-2', userId: 1, direction: 'credit', asset: 'TRY',
        amount: '9'.repeat(30), reason: 'test' }, 'DECIMAL_TOO_LARGE'],
      ['PATCH', '/v1/admin/markets/BTC-TRY', { notionalMin: '9'.repeat(20) }, 'DECIMAL_TOO_LARGE'],
      ['POST', '/v1/admin/markets/BTC-TRY/reference-price', { price: '9'.repeat(20) }, 'DECIMAL_TOO_LARGE'],
    ];
    for (const [method, path, body, code] of cases) {
      await assertRefusedUnchanged(harness, 'operator', code, () => harness.request('operator', method, path, body),
        `${method} ${path} ${JSON.stringify(body)}`);
    }
  });
});

describe('happy paths of the trading routes', () => {
  test('a limit order rests, is read, amended, and cancelled by id and by client id', async () => {
    const order = await placeOrder(harness, 'alice', limitOrder({ clientOrderId: 'happy-1' }));
    assert.equal(order.status, 'open');
    assert.deepEqual([order.symbol, order.side, order.price, order.quantity, order.filledQuantity, order.clientOrderId],
      ['BTC-TRY', 'sell', '4000000', '0.01', '0', 'happy-1']);
    assert.equal((await balanceOf(harness, 'alice', 'BTC')).held, '0.01');

    const read = await harness.request('alice', 'GET', `/v1/orders/${order.orderId}`);
    assert.equal(read.status, 200);
    assert.equal((read.body as OrderReply).orderId, order.orderId);
    assert.deepEqual(await openOrderIds(harness, 'alice', 'BTC-TRY'), [order.orderId]);

    const cut = await harness.request('alice', 'PATCH', `/v1/orders/${order.orderId}`, { quantity: '0.005' });
    assert.equal(cut.status, 200, JSON.stringify(cut.body));
    assert.equal((cut.body as OrderReply).quantity, '0.005');
    assert.equal((await balanceOf(harness, 'alice', 'BTC')).held, '0.005');
    const moved = await harness.request('alice', 'PATCH', `/v1/orders/${order.orderId}`, { price: '4000100' });
    assert.equal((moved.body as OrderReply).price, '4000100');
    await assertRefusedUnchanged(harness, 'alice', 'ORDER_AMEND_NO_CHANGE',
      () => harness.request('alice', 'PATCH', `/v1/orders/${order.orderId}`, { price: '4000100' }), 'no change');

    const cancelled = await harness.request('alice', 'DELETE', `/v1/orders/${order.orderId}`);
    assert.equal(cancelled.status, 200);
    assert.equal((cancelled.body as OrderReply).status, 'cancelled');
    assertRefused(await harness.request('alice', 'GET', `/v1/orders/${order.orderId}`), 'ORDER_UNKNOWN');
    assertRefused(await harness.request('alice', 'DELETE', `/v1/orders/${order.orderId}`), 'ORDER_UNKNOWN');

    await placeOrder(harness, 'alice', limitOrder({ clientOrderId: 'happy-2' }));
    const byClientId = await harness.request('alice', 'DELETE', '/v1/orders/by-client-id/happy-2?symbol=BTC-TRY');
    assert.equal(byClientId.status, 200, JSON.stringify(byClientId.body));
    assert.deepEqual([(byClientId.body as OrderReply).clientOrderId, (byClientId.body as OrderReply).status],
      ['happy-2', 'cancelled']);
    assert.equal((await balanceOf(harness, 'alice', 'BTC')).held, '0');
  });

  test('post-only, fill-or-kill, immediate-or-cancel and market orders', async () => {
    const ask = await placeOrder(harness, 'alice', limitOrder({ price: '3950000', quantity: '0.02' }));
    await refusedOrder(limitOrder({ side: 'buy', price: '3950000', postOnly: true }), 'ORDER_POST_ONLY_WOULD_TAKE', 'bob');
    const bid = await placeOrder(harness, 'bob', limitOrder({ side: 'buy', price: '3800000', postOnly: true }));
    assert.deepEqual([bid.status, bid.postOnly], ['open', true]);

    await refusedOrder(limitOrder({ side: 'buy', price: '3950000', quantity: '0.03', timeInForce: 'FOK' }),
      'ORDER_FILL_OR_KILL_UNFILLABLE', 'bob');
    const fok = await placeOrder(harness, 'bob', limitOrder({ side: 'buy', price: '3950000', quantity: '0.005',
      timeInForce: 'FOK' }));
    assert.equal(fok.status, 'filled');
    assert.deepEqual(fok.fills.map((fill) => [fill.role, fill.price, fill.quantity]), [['taker', '3950000', '0.005']]);

    const ioc = await placeOrder(harness, 'bob', limitOrder({ side: 'buy', price: '3950000', quantity: '0.02',
      timeInForce: 'IOC' }));
    assert.deepEqual([ioc.status, ioc.filledQuantity, ioc.timeInForce], ['expired', '0.015', 'IOC']);
    assertRefused(await harness.request('alice', 'GET', `/v1/orders/${ask.orderId}`), 'ORDER_UNKNOWN');

    await refusedOrder(limitOrder({ side: 'buy', type: 'market', price: undefined }), 'ORDER_NO_LIQUIDITY', 'bob');
    await placeOrder(harness, 'alice', limitOrder({ price: '3960000' }));
    const marketBuy = await placeOrder(harness, 'bob', limitOrder({ side: 'buy', type: 'market', price: undefined }));
    assert.deepEqual([marketBuy.status, marketBuy.price, marketBuy.timeInForce], ['filled', null, 'IOC']);
    assert.deepEqual(marketBuy.fills.map((fill) => fill.price), ['3960000']);
    const marketSell = await placeOrder(harness, 'alice', limitOrder({ type: 'market', price: undefined }));
    assert.deepEqual(marketSell.fills.map((fill) => [fill.price, fill.quantity]), [['3800000', '0.01']]);
    assert.deepEqual(await openOrderIds(harness, 'bob'), []);
    assert.deepEqual(await openOrderIds(harness, 'alice'), []);
  });

  test('an amend that crosses the book fills and reports the filled order', async () => {
    await placeOrder(harness, 'alice', limitOrder({ price: '3990000' }));
    const bid = await placeOrder(harness, 'bob', limitOrder({ side: 'buy', price: '3900000' }));
    const amended = await harness.request('bob', 'PATCH', `/v1/orders/${bid.orderId}`, { price: '3990000' });
    assert.equal(amended.status, 200, JSON.stringify(amended.body));
    const order = amended.body as OrderReply;
    assert.deepEqual([order.orderId, order.status, order.price, order.filledQuantity],
      [bid.orderId, 'filled', '3990000', '0.01']);
    assert.deepEqual(await openOrderIds(harness, 'bob'), []);
    assert.deepEqual(await openOrderIds(harness, 'alice'), []);
  });

  test('batch place with valid and invalid items, cancel-batch, cancel-all per market and everywhere', async () => {
    const orders = [limitOrder({ clientOrderId: 'batch-1' }), limitOrder({ price: '1e5' }),
      limitOrder({ price: '4000100', clientOrderId: 'batch-2' }), limitOrder({ symbol: 'DOGE-TRY' }),
      limitOrder({ price: '9000000' })];
    const placed = await harness.request('alice', 'POST', '/v1/orders/batch', { orders });
    assert.equal(placed.status, 200, JSON.stringify(placed.body));
    const results = (placed.body as { results: BatchItemReply[] }).results;
    assert.deepEqual(results.map((item) => item.ok ? item.order.clientOrderId : item.error.code),
      ['batch-1', 'DECIMAL_MALFORMED', 'batch-2', 'MARKET_UNKNOWN', 'ORDER_PRICE_OUT_OF_BAND']);
    const ids = results.flatMap((item) => item.ok ? [item.order.orderId] : []);
    assert.deepEqual((await openOrderIds(harness, 'alice')).sort(), [...ids].sort());

    const [first = 0, second = 0] = ids;
    const cancelled = await harness.request('alice', 'POST', '/v1/orders/cancel-batch',
      { orderIds: [first, 999_999_999, second, first] });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    assert.deepEqual((cancelled.body as { results: BatchItemReply[] }).results
      .map((item) => item.ok ? item.order.status : item.error.code),
    ['cancelled', 'ORDER_UNKNOWN', 'cancelled', 'ORDER_UNKNOWN']);

    await placeOrder(harness, 'alice', limitOrder());
    await placeOrder(harness, 'alice', limitOrder({ price: '4000100' }));
    await placeOrder(harness, 'alice', { symbol: 'ETH-TRY', side: 'sell', type: 'limit', price: '135000', quantity: '1' });
    const inEth = await harness.request('alice', 'DELETE', '/v1/orders?symbol=ETH-TRY');
    assert.deepEqual(inEth.body, { cancelled: 1 });
    const everywhere = await harness.request('alice', 'DELETE', '/v1/orders');
    assert.deepEqual(everywhere.body, { cancelled: 2 });
    assert.deepEqual(await openOrderIds(harness, 'alice'), []);
  });

  test('balances add up: total = available + held, for every asset', async () => {
    await placeOrder(harness, 'bob', limitOrder({ side: 'buy', price: '3800000', quantity: '0.1' }));
    const response = await harness.request('bob', 'GET', '/v1/balances');
    assert.equal(response.status, 200);
    const balances = (response.body as { balances: BalanceReply[] }).balances;
    assert.deepEqual(balances.map((balance) => balance.asset).sort(), ['BTC', 'ETH', 'TRY', 'USDT']);
    const units = (text: string) => parseDecimal(text, 8);
    for (const balance of balances) {
      const [total, available, held] = [units(balance.total), units(balance.available), units(balance.held)];
      assert.ok(total.ok && available.ok && held.ok, JSON.stringify(balance));
      assert.equal(total.value, available.value + held.value, JSON.stringify(balance));
    }
    // 0.1 BTC at 3,800,000 TRY plus the worst-case taker fee (0.2 %).
    assert.equal(balances.find((balance) => balance.asset === 'TRY')?.held, '380760');
    await cancelEverything(harness, 'bob');
  });

  test('order and trade history come from the projections once they caught up', async () => {
    await requireService(harness.platform.projector, 'projections').whenCaughtUp(harness.platform.engine.lastAppliedSequence);
    const orders = await harness.request('bob', 'GET', '/v1/orders/history?limit=500');
    assert.equal(orders.status, 200, JSON.stringify(orders.body));
    const items = (orders.body as { items: { orderId: number; status: string; symbol: string }[] }).items;
    const statuses = new Set(items.map((item) => item.status));
    for (const status of ['filled', 'expired', 'cancelled']) assert.ok(statuses.has(status), `no ${status} order`);
    const engineOpen = await openOrderIds(harness, 'bob');
    assert.deepEqual(items.filter((item) => item.status === 'open').map((item) => item.orderId), engineOpen);

    const trades = await harness.request('bob', 'GET', '/v1/trades/history');
    assert.equal(trades.status, 200, JSON.stringify(trades.body));
    const fills = (trades.body as { items: { role: string; price: string; side: string }[] }).items;
    assert.deepEqual(fills.map((fill) => [fill.role, fill.side, fill.price]).sort(), [
      ['maker', 'buy', '3800000'], ['taker', 'buy', '3950000'], ['taker', 'buy', '3950000'],
      ['taker', 'buy', '3960000'], ['taker', 'buy', '3990000']].sort());
    const filtered = await harness.request('bob', 'GET', '/v1/trades/history?symbol=ETH-TRY');
    assert.equal(filtered.status, 200, JSON.stringify(filtered.body));
    assert.deepEqual((filtered.body as { items: unknown[] }).items, []);
  });
});

describe('admin routes at runtime', () => {
  const solParameters = {
    tickSize: '0.01', lotSize: '0.001', quantityMinLots: 1, quantityMaxLots: 1_000_000, notionalMin: '1',
    priceBandPpm: 100_000, marketSlippageMaxPpm: 50_000, status: 'open',
    feeTiers: [{ makerFeePpm: 1_000, takerFeePpm: 2_000 }], openOrdersPerUserMax: 100,
  };

  /** The operator requests, the supervisor approves: returns the executed approval. */
  async function admin(method: string, path: string, body: unknown): Promise<Record<string, unknown>> {
    const response = await harness.request('operator', method, path, body);
    assert.equal(response.status, 202, `${method} ${path}: ${JSON.stringify(response.body)}`);
    const approvalId = (response.body as { approvalId: string }).approvalId;
    const approved = await harness.request('supervisor', 'POST', `/v1/admin/approvals/${approvalId}/approve`, {});
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    return approved.body as Record<string, unknown>;
  }

  test('an operator creates an asset and a market; users are funded and trade on it at once; all audited',
    async () => {
      const asset = await admin('POST', '/v1/admin/assets', { code: 'SOL', scale: 8 });
      assert.equal(asset['status'], 'executed');
      await admin('POST', '/v1/admin/markets', { symbol: 'SOL-TRY', parameters: solParameters });
      assertRefused(await harness.request('operator', 'POST', '/v1/admin/markets',
        { symbol: 'SOL-TRY', parameters: solParameters }), 'MARKET_ALREADY_EXISTS');
      const aliceId = harness.users['alice']?.userId ?? 0;
      const funding = { transferId: 'fund-alice-sol', userId: aliceId, direction: 'credit', asset: 'SOL', amount: '10',
        reason: 'runtime market test' };
      await admin('POST', '/v1/admin/ledger/transfers', funding);
      const retry = await admin('POST', '/v1/admin/ledger/transfers', funding);
      assert.equal((retry['result'] as Record<string, unknown>)['duplicate'], true, 'a transfer id moves money once');
      await admin('POST', '/v1/admin/markets/SOL-TRY/reference-price', { price: '6000' });

      const market = await harness.request(undefined, 'GET', '/v1/markets/SOL-TRY');
      assert.equal(market.status, 200, JSON.stringify(market.body));
      await placeOrder(harness, 'alice', { symbol: 'SOL-TRY', side: 'sell', type: 'limit', price: '6000', quantity: '1.5' });
      const buy = await placeOrder(harness, 'bob', { symbol: 'SOL-TRY', side: 'buy', type: 'limit', price: '6000',
        quantity: '1.5' });
      assert.equal(buy.status, 'filled');
      assert.equal((await balanceOf(harness, 'bob', 'SOL')).total, '1.5');
      assert.equal((await balanceOf(harness, 'alice', 'SOL')).total, '8.5');
      await refusedOrder({ symbol: 'SOL-TRY', side: 'sell', type: 'limit', price: '6000', quantity: '9' },
        'LEDGER_INSUFFICIENT_FUNDS');

      const rows = await harness.platform.database.sql<{ action: string; actor_id: string; target_id: string }[]>`
        select action, actor_id, target_id from audit_log
        where action like 'asset.%' or action like 'market.%' or action like 'ledger.%' order by sequence`;
      const actions = rows.filter((row) => ['SOL', 'SOL-TRY', String(aliceId)].includes(row.target_id))
        .map((row) => row.action);
      for (const action of ['asset.create.requested', 'asset.create.approved', 'asset.create.executed',
        'market.create.requested', 'market.create.executed', 'ledger.transfer.requested', 'ledger.transfer.approved',
        'ledger.transfer.executed', 'market.reference-price.executed']) {
        assert.ok(actions.includes(action), `audit log lacks ${action}: ${actions.join(', ')}`);
      }
      const operatorId = harness.users['operator']?.publicId;
      const supervisorId = harness.users['supervisor']?.publicId;
      for (const row of rows.filter((entry) => ['SOL', 'SOL-TRY', String(aliceId)].includes(entry.target_id))) {
        const expected = row.action.endsWith('.requested') ? operatorId : supervisorId;
        assert.equal(row.actor_id, expected, `${row.action} by ${row.actor_id}`);
      }
      assert.ok(rows.some((row) => row.action === 'market.brake.completed' && row.target_id === 'BTC-TRY'),
        'the halt of BTC-TRY is on record');
      const verification = await new AuditLog(harness.platform.database.sql, systemClock).verify();
      assert.equal(verification.ok, true, JSON.stringify(verification, (_key, value: unknown) =>
        typeof value === 'bigint' ? value.toString() : value));
    });
});

test('the projections kept up with everything this file did', async () => {
  // A row the projector cannot write stops it for good; this would reject then.
  await requireService(harness.platform.projector, 'projections').whenCaughtUp(harness.platform.engine.lastAppliedSequence);
  const ready = await harness.request(undefined, 'GET', '/readyz');
  assert.equal(ready.status, 200);
});
