// The hub end to end with a real `ws` client on a random port: subscribe gives the ok, then a
// snapshot, then updates whose depth sequence continues the snapshot's; unsubscribe stops them;
// every kind of bad input gets its error code and the connection stays usable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Side, alice, bob, btcHundredths, tryUnits } from './fake-engine.ts';
import { TestClient } from './ws-client.ts';
import { startServer } from './ws-server.ts';

test('depth: ok, snapshot, then deltas continuing the snapshot sequence', async () => {
  const server = await startServer();
  const { engine } = server;
  engine.ok(engine.limit(alice, 'BTC/TRY', Side.Sell, tryUnits(1_000), btcHundredths(100)));
  const client = await TestClient.connect(server.url);
  assert.deepEqual(await client.request({ op: 'subscribe', channel: 'depth', symbol: 'BTC-TRY', id: 1 }),
    { id: 1, result: 'ok' });
  assert.deepEqual(await client.next(), { channel: 'depth', symbol: 'BTC-TRY', type: 'snapshot',
    data: { symbol: 'BTC-TRY', sequence: 1, bids: [], asks: [['1000', '1']] } });
  engine.ok(engine.limit(bob, 'BTC/TRY', Side.Buy, tryUnits(999), btcHundredths(30)));
  assert.deepEqual(await client.next(), { channel: 'depth', symbol: 'BTC-TRY', type: 'update',
    data: { symbol: 'BTC-TRY', sequence: 2, bids: [['999', '0.3']], asks: [] } });
  // Another market's activity is not pushed to this subscription.
  engine.ok(engine.limit(bob, 'ETH/TRY', Side.Buy, tryUnits(100_000), btcHundredths(30)));
  await client.expectNothingPending();
  await client.close();
  await server.stop();
});

test('trades and ticker: snapshot on subscribe, updates after a trade; unsubscribe stops them', async () => {
  const server = await startServer();
  const { engine } = server;
  const client = await TestClient.connect(server.url);
  // The engine's symbol spelling is accepted too; pushes use the public one.
  assert.deepEqual(await client.request({ op: 'subscribe', channel: 'trades', symbol: 'BTC/TRY', id: 'a' }),
    { id: 'a', result: 'ok' });
  assert.deepEqual(await client.next(), { channel: 'trades', symbol: 'BTC-TRY', type: 'snapshot', data: [] });
  assert.deepEqual(await client.request({ op: 'subscribe', channel: 'ticker', symbol: 'BTC-TRY', id: 'b' }),
    { id: 'b', result: 'ok' });
  const tickerSnapshot = await client.next();
  assert.equal(tickerSnapshot['type'], 'snapshot');
  assert.equal((tickerSnapshot['data'] as { last: unknown }).last, null);
  engine.ok(engine.limit(alice, 'BTC/TRY', Side.Sell, tryUnits(1_000), btcHundredths(100)),
    engine.limit(bob, 'BTC/TRY', Side.Buy, tryUnits(1_000), btcHundredths(40)));
  const trades = await client.next();
  assert.equal(trades['channel'], 'trades');
  assert.deepEqual((trades['data'] as { price: string; quantity: string }[]).map((trade) => [trade.price, trade.quantity]),
    [['1000', '0.4']]);
  const ticker = await client.next();
  assert.equal(ticker['channel'], 'ticker');
  assert.equal((ticker['data'] as { baseVolume: string }).baseVolume, '0.4');
  assert.deepEqual(await client.request({ op: 'unsubscribe', channel: 'trades', symbol: 'BTC-TRY', id: 3 }),
    { id: 3, result: 'ok' });
  assert.deepEqual(await client.request({ op: 'unsubscribe', channel: 'ticker', symbol: 'BTC/TRY', id: 4 }),
    { id: 4, result: 'ok' });
  engine.ok(engine.limit(bob, 'BTC/TRY', Side.Buy, tryUnits(1_000), btcHundredths(10)));
  await client.expectNothingPending();
  await client.close();
  await server.stop();
});

test('bad input gets an error code and never closes the connection', async () => {
  const server = await startServer();
  const client = await TestClient.connect(server.url);
  const code = async (message: Parameters<TestClient['request']>[0]) => {
    const reply = await client.request(message);
    return [reply['id'], (reply['error'] as { code: string } | undefined)?.code];
  };
  assert.deepEqual(await code('not json'), [null, 'WS_MESSAGE_INVALID']);
  assert.deepEqual(await code('[1,2]'), [null, 'WS_MESSAGE_INVALID']);
  assert.deepEqual(await code('null'), [null, 'WS_MESSAGE_INVALID']);
  assert.deepEqual(await code({ op: 'ping', id: { nested: true } }), [null, 'WS_MESSAGE_INVALID']);
  assert.deepEqual(await code({ op: 'ping', id: 'x'.repeat(65) }), [null, 'WS_MESSAGE_INVALID']);
  assert.deepEqual(await code({ id: 5 }), [5, 'WS_MESSAGE_INVALID']);
  assert.deepEqual(await code({ op: 'Ping!', id: 6 }), [6, 'WS_MESSAGE_INVALID']);
  assert.deepEqual(await code({ op: 'order.place', id: 7 }), [7, 'WS_UNKNOWN_OPERATION']);
  assert.deepEqual(await code({ op: 'subscribe', channel: 'orders', id: 8 }), [8, 'WS_UNKNOWN_CHANNEL']);
  assert.deepEqual(await code({ op: 'subscribe', channel: 'depth', symbol: 'DOGE-TRY', id: 9 }), [9, 'MARKET_UNKNOWN']);
  assert.deepEqual(await code({ op: 'subscribe', channel: 'depth', id: 10 }), [10, 'WS_MESSAGE_INVALID']);
  assert.deepEqual(await code({ op: 'subscribe', channel: 'depth', symbol: 'BTC-TRY', extra: 1, id: 11 }),
    [11, 'WS_MESSAGE_INVALID']);
  assert.deepEqual(await code({ op: 'subscribe', channel: 42, symbol: 'BTC-TRY', id: 12 }), [12, 'WS_MESSAGE_INVALID']);
  assert.deepEqual(await code({ op: 'subscribe', channel: 'depth', symbol: 'x'.repeat(40), id: 13 }), [13, 'WS_MESSAGE_INVALID']);
  assert.deepEqual(await code({ op: 'unsubscribe', channel: 'nope', symbol: 'BTC-TRY', id: 14 }), [14, 'WS_UNKNOWN_CHANNEL']);
  assert.deepEqual(await code(Buffer.from([1, 2, 3])), [null, 'WS_MESSAGE_INVALID']);
  assert.deepEqual(await code(JSON.stringify({ op: 'ping', id: 15, pad: 'x'.repeat(5_000) })), [null, 'WS_MESSAGE_TOO_LARGE']);
  assert.deepEqual(await client.request({ op: 'ping', id: 16 }), { id: 16, result: 'pong' });
  assert.equal(server.hub.connectionCount, 1);
  await client.close();
  await server.stop();
});

test('a frame above the hard payload cap is closed by ws with 1009; other paths are refused with 404', async () => {
  const server = await startServer({ payloadSizeBytesMax: 8 * 1024 });
  const client = await TestClient.connect(server.url);
  client.send('x'.repeat(9 * 1024));
  assert.equal((await client.closed).code, 1009);
  await assert.rejects(TestClient.connect(server.url.replace('/ws', '/other')), /HTTP 404/);
  await server.stop();
});
