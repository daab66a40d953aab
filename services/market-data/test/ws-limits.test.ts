// The hub's bounds: subscriptions per connection, inbound rate (on a manual clock), connections,
// and the slow consumer, both on a fake socket (deterministic) and on a real paused client.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '@parite/kernel';
import { MarketDataService } from '../src/app/market-data-service.ts';
import { HubCloseCode, type HubSocket } from '../src/ws/connection.ts';
import { WebSocketHub } from '../src/ws/hub.ts';
import { FakeEngine, Side, alice, btcHundredths, tryUnits } from './fake-engine.ts';
import { TestClient } from './ws-client.ts';
import { startServer } from './ws-server.ts';

test('subscriptions per connection are bounded; a repeated subscribe does not count twice', async () => {
  const server = await startServer({ subscriptionsPerConnectionMax: 2 });
  const client = await TestClient.connect(server.url);
  for (const [id, channel] of [[1, 'depth'], [2, 'ticker'], [3, 'depth']] as const) {
    assert.deepEqual(await client.request({ op: 'subscribe', channel, symbol: 'BTC-TRY', id }), { id, result: 'ok' });
    assert.equal((await client.next())['type'], 'snapshot', 'a repeated depth subscribe is a resync: a fresh snapshot');
  }
  const refused = await client.request({ op: 'subscribe', channel: 'trades', symbol: 'BTC-TRY', id: 4 });
  assert.equal((refused['error'] as { code: string }).code, 'WS_TOO_MANY_SUBSCRIPTIONS');
  assert.deepEqual(await client.request({ op: 'unsubscribe', channel: 'ticker', symbol: 'BTC-TRY', id: 5 }),
    { id: 5, result: 'ok' });
  assert.deepEqual(await client.request({ op: 'subscribe', channel: 'trades', symbol: 'BTC-TRY', id: 6 }),
    { id: 6, result: 'ok' });
  await client.close();
  await server.stop();
});

test('inbound rate: excess messages in a window get one WS_RATE_LIMITED and are dropped', async () => {
  const clock = new ManualClock(1_000_000);
  const server = await startServer({ inboundMessagesPerWindowMax: 3, inboundWindowMs: 1_000, clock });
  const client = await TestClient.connect(server.url);
  for (let id = 1; id <= 6; id++) client.send({ op: 'ping', id });
  for (let id = 1; id <= 3; id++) assert.deepEqual(await client.next(), { id, result: 'pong' });
  assert.deepEqual(await client.next(), { id: null, error: { code: 'WS_RATE_LIMITED',
    message: 'Too many WebSocket messages; slow down.' } });
  clock.advanceMs(1_000);
  assert.deepEqual(await client.request({ op: 'ping', id: 7 }), { id: 7, result: 'pong' });
  await client.close();
  await server.stop();
});

test('connections are bounded: an upgrade beyond the limit is refused with 503', async () => {
  const server = await startServer({ connectionsMax: 1 });
  const first = await TestClient.connect(server.url);
  await assert.rejects(TestClient.connect(server.url), /HTTP 503/);
  const forgotten = new Promise((resolve) => server.hub.onConnectionClosed(resolve));
  await first.close();
  await forgotten;
  const second = await TestClient.connect(server.url);
  await second.close();
  await server.stop();
});

class FakeSocket implements HubSocket {
  bufferedAmount = 0;
  readonly sent: string[] = [];
  closedWith: [number, string] | undefined;
  terminated = false;
  send(data: string): void {
    this.sent.push(data);
  }
  close(code: number, reason: string): void {
    this.closedWith = [code, reason];
  }
  terminate(): void {
    this.terminated = true;
  }
  ping(): void {}
}

test('slow consumer (fake socket): over the outbound limit it is closed with 4001 and forgotten', () => {
  const engine = new FakeEngine();
  const service = new MarketDataService(engine);
  service.start();
  engine.seed();
  const hub = new WebSocketHub(service, { outboundBufferBytesMax: 10_000, heartbeatIntervalMs: 0, closeGraceMs: 1 });
  const closedIds: number[] = [];
  hub.onConnectionClosed((connection) => closedIds.push(connection.id));
  const slow = new FakeSocket();
  const fast = new FakeSocket();
  const slowConnection = hub.addConnection(slow, 'test');
  const fastConnection = hub.addConnection(fast, 'test');
  for (const connection of [slowConnection, fastConnection]) {
    hub.receive(connection, JSON.stringify({ op: 'subscribe', channel: 'depth', symbol: 'BTC-TRY', id: 1 }), false);
  }
  assert.equal(slow.sent.length, 2);
  slow.bufferedAmount = 9_990; // the client stopped reading
  engine.ok(engine.limit(alice, 'BTC/TRY', Side.Buy, tryUnits(1_000), btcHundredths(1)));
  assert.deepEqual(slow.closedWith, [HubCloseCode.Backpressure, 'WS_BACKPRESSURE']);
  assert.equal(slow.sent.length, 2, 'nothing more was queued for the slow consumer');
  assert.equal(fast.sent.length, 3, 'the healthy subscriber got the update');
  assert.deepEqual(closedIds, [slowConnection.id]);
  assert.equal(hub.connectionCount, 1);
  assert.equal(hub.sendTo(() => true, { hello: 1 }), 1, 'only the healthy connection remains');
  void hub.close();
});

test('slow consumer (real paused client): disconnected once its unread data passes the limit', async () => {
  const server = await startServer({ outboundBufferBytesMax: 256 * 1024, closeGraceMs: 50 });
  const client = await TestClient.connect(server.url);
  await client.expectNothingPending();
  client.socket.pause();
  const chunk = { blob: 'x'.repeat(64 * 1024) };
  // Bounded: the kernel absorbs a few MB on loopback, so at most ~64 MB is ever offered.
  for (let index = 0; index < 1_000 && server.hub.connectionCount > 0; index++) server.hub.sendTo(() => true, chunk);
  assert.equal(server.hub.connectionCount, 0);
  client.socket.resume();
  const closed = await client.closed;
  assert.ok([HubCloseCode.Backpressure, 1006].includes(closed.code), `closed with ${closed.code}`);
  await server.stop();
});

test('heartbeat: a connection silent for a whole round is terminated; any inbound frame counts as alive', () => {
  const engine = new FakeEngine();
  const service = new MarketDataService(engine);
  const hub = new WebSocketHub(service, { heartbeatIntervalMs: 0 });
  const silent = new FakeSocket();
  const chatty = new FakeSocket();
  hub.addConnection(silent, 'test');
  const chattyConnection = hub.addConnection(chatty, 'test');
  hub.checkHeartbeats();
  hub.receive(chattyConnection, JSON.stringify({ op: 'ping' }), false);
  hub.checkHeartbeats();
  assert.equal(silent.terminated, true);
  assert.equal(chatty.terminated, false);
  assert.equal(hub.connectionCount, 1);
  void hub.close();
});
