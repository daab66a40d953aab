import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ledgerSumByAsset, startTestPlatform } from './support/platform-harness.ts';
import { TestSocket } from './support/ws-client.ts';

test('a signed client trades end to end: place, fill, balances, history, audit', async () => {
  const harness = await startTestPlatform();
  try {
    const ready = await harness.request(undefined, 'GET', '/readyz');
    assert.equal(ready.status, 200);
    const ask = await harness.request('alice', 'POST', '/v1/orders', { symbol: 'BTC-TRY', side: 'sell', type: 'limit',
      price: '3900000', quantity: '0.01', clientOrderId: 'alice-1' });
    assert.equal(ask.status, 201, JSON.stringify(ask.body));
    const bid = await harness.request('bob', 'POST', '/v1/orders', { symbol: 'BTC-TRY', side: 'buy', type: 'limit',
      price: '3900000', quantity: '0.01' });
    assert.equal(bid.status, 201);
    const order = bid.body as { status: string; fills: { role: string; price: string; fee: string }[] };
    assert.equal(order.status, 'filled');
    assert.deepEqual(order.fills.map((fill) => [fill.role, fill.price, fill.fee]), [['taker', '3900000', '78']]);
    const balances = await harness.request('bob', 'GET', '/v1/balances');
    const btc = (balances.body as { balances: { asset: string; total: string }[] }).balances
      .find((balance) => balance.asset === 'BTC');
    assert.equal(btc?.total, '1000.01');
    const anonymous = await harness.request(undefined, 'GET', '/v1/balances');
    assert.equal((anonymous.body as { error: { code: string } }).error.code, 'AUTH_REQUIRED');
    const openApi = await harness.request(undefined, 'GET', '/openapi.json');
    assert.equal((openApi.body as { openapi: string }).openapi.startsWith('3.1'), true);
    for (const sum of ledgerSumByAsset(harness.platform).values()) assert.equal(sum, 0n);
  } finally {
    await harness.stop();
  }
});

test('readiness reports the read models alongside the engine', async () => {
  const harness = await startTestPlatform();
  try {
    const ready = await harness.request(undefined, 'GET', '/readyz');
    assert.equal(ready.status, 200);
    const body = ready.body as { status: string; projections: string };
    assert.equal(body.status, 'ready');
    assert.ok(['ok', 'catching-up'].includes(body.projections), body.projections);
  } finally {
    await harness.stop();
  }
});

// A stop with clients still connected must not wait for them: the WebSocket clients are told the
// server is going away (1001) before the HTTP server closes, so the final journal flush and
// snapshot happen within the stop and not after a supervisor's kill.
test('stopping with a WebSocket client connected closes it with 1001 and finishes', { timeout: 60_000 }, async () => {
  const harness = await startTestPlatform();
  const socket = await TestSocket.open(harness.baseUrl);
  assert.equal((await socket.request('subscribe', { channel: 'trades', symbol: 'BTC-TRY' })).result, 'ok');
  await harness.stop();
  await socket.closed();
  assert.equal(socket.closeCode, 1001);
});
