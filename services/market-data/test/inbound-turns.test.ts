// The inbound turn bound (src/ws/inbound-turns.ts): handled at once while the turn has budget, queued
// in arrival order past it, drained in slices, bounded in bytes; and through the hub over a real
// socket, a burst handled one frame per turn is answered completely and in order, a full queue refuses
// with SERVICE_OVERLOADED, and the inbound rate is enforced on arrival.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { errorCatalogue } from '@parite/contracts';
import { ManualClock } from '@parite/kernel';
import { InboundTurns, queuedItemOverheadBytes } from '../src/ws/inbound-turns.ts';
import { TestClient } from './ws-client.ts';
import { startServer } from './ws-server.ts';

const unbounded = 1024 * 1024;

async function drained(turns: InboundTurns<number>, turnsMax = 10_000): Promise<number> {
  let turnCount = 0;
  while (turns.queuedCount > 0) {
    assert.ok(turnCount++ < turnsMax, 'the queue drains');
    await nextTurn();
  }
  return turnCount;
}

test('within the turn budget every item is handled at once, in order', () => {
  const handled: number[] = [];
  const turns = new InboundTurns<number>((item) => handled.push(item), unbounded, 60_000);
  for (let item = 1; item <= 100; item++) assert.equal(turns.offer(item, 10), true);
  assert.deepEqual(handled, Array.from({ length: 100 }, (_, index) => index + 1));
  assert.equal(turns.queuedCount, 0);
});

test('past the budget the rest waits for later turns, in arrival order, behind what is queued', async () => {
  const handled: number[] = [];
  const turns = new InboundTurns<number>((item) => handled.push(item), unbounded, 0);
  for (let item = 1; item <= 5; item++) turns.offer(item, 10);
  assert.deepEqual(handled, [1], 'a zero budget handles one item per turn');
  assert.equal(turns.queuedCount, 4);
  await nextTurn();
  // A new turn, but items are still queued: the new one goes behind them, not first.
  turns.offer(6, 10);
  const slices = await drained(turns);
  assert.deepEqual(handled, [1, 2, 3, 4, 5, 6]);
  assert.ok(slices >= 3, 'drained over several turns, one slice each');
});

test('a new turn with nothing queued handles its first item at once again', async () => {
  const handled: number[] = [];
  const turns = new InboundTurns<number>((item) => handled.push(item), unbounded, 0);
  turns.offer(1, 10);
  turns.offer(2, 10);
  await drained(turns);
  await Promise.resolve(); // the microtask that ends the draining turn
  turns.offer(3, 10);
  assert.deepEqual(handled, [1, 2, 3]);
});

test('the queue is bounded in bytes (frames plus a fixed cost per item); a refused item is not handled', async () => {
  const handled: number[] = [];
  const frameBytes = 100;
  const turns = new InboundTurns<number>((item) => handled.push(item), 2 * (frameBytes + queuedItemOverheadBytes), 0);
  assert.equal(turns.offer(1, frameBytes), true, 'handled at once');
  assert.equal(turns.offer(2, frameBytes), true, 'queued');
  assert.equal(turns.offer(3, frameBytes), true, 'queued: the queue is now full');
  assert.equal(turns.offer(4, frameBytes), false, 'refused');
  assert.equal(turns.offer(5, 0), false, 'an empty frame still costs its overhead');
  await drained(turns);
  assert.deepEqual(handled, [1, 2, 3]);
  await Promise.resolve();
  turns.offer(6, frameBytes);
  turns.offer(7, frameBytes);
  assert.equal(turns.queuedCount, 1, 'room again once drained');
  await drained(turns);
  assert.deepEqual(handled, [1, 2, 3, 6, 7]);
});

test('a long queue drained one item per turn keeps its order (the handled prefix is cut off on the way)', async () => {
  const handled: number[] = [];
  const turns = new InboundTurns<number>((item) => handled.push(item), unbounded, 0);
  const count = 3_000;
  for (let item = 0; item < count; item++) turns.offer(item, 1);
  let offered = count;
  // Items keep arriving while it drains, so the queue never empties before the compaction point.
  while (turns.queuedCount > 0) {
    if (offered < count + 500) turns.offer(offered++, 1);
    await nextTurn();
  }
  assert.deepEqual(handled, Array.from({ length: offered }, (_, index) => index));
});

test('through the hub: a burst handled one frame per turn is answered completely and in order', async () => {
  const server = await startServer({ inboundTurnBudgetMs: 0, inboundMessagesPerWindowMax: 10_000 });
  const client = await TestClient.connect(server.url);
  const count = 300;
  for (let id = 1; id <= count; id++) client.send({ op: 'ping', id });
  for (let id = 1; id <= count; id++) assert.deepEqual(await client.next(), { id, result: 'pong' });
  await client.close();
  await server.stop();
});

test('through the hub: a full inbound queue answers SERVICE_OVERLOADED and does nothing with the frame', async () => {
  // Room for no frame at all: what a turn cannot handle at once is refused.
  const server = await startServer({ inboundTurnBudgetMs: 0, inboundQueuedBytesMax: queuedItemOverheadBytes,
    inboundMessagesPerWindowMax: 10_000 });
  const client = await TestClient.connect(server.url);
  const count = 200;
  for (let id = 1; id <= count; id++) client.send({ op: 'ping', id });
  const ponged: number[] = [];
  let refused = 0;
  while (ponged.length + refused < count) {
    const reply = await client.next();
    if (reply['id'] === null) {
      assert.deepEqual(reply, { id: null, error: { code: 'SERVICE_OVERLOADED',
        message: errorCatalogue.SERVICE_OVERLOADED.message } });
      refused++;
    } else {
      assert.equal(reply['result'], 'pong');
      ponged.push(reply['id'] as number);
    }
  }
  // Whether a frame is refused depends on how the kernel split the burst into reads; what holds always:
  // one answer per frame, the accepted ones in order, the first one accepted.
  assert.equal(ponged[0], 1);
  assert.deepEqual(ponged, [...ponged].sort((a, b) => a - b));
  assert.deepEqual(await client.request({ op: 'ping', id: 'after' }), { id: 'after', result: 'pong' });
  await client.close();
  await server.stop();
});

test('through the hub: frames beyond the inbound rate are refused on arrival, before any queue', async () => {
  const clock = new ManualClock(1_000_000);
  // Room for no queued frame: were the rate checked only when a frame is handled, the excess ones
  // would be answered SERVICE_OVERLOADED (or fill the queue) instead of WS_RATE_LIMITED.
  const server = await startServer({ inboundTurnBudgetMs: 0, inboundQueuedBytesMax: queuedItemOverheadBytes,
    inboundMessagesPerWindowMax: 1, inboundWindowMs: 1_000, clock });
  const client = await TestClient.connect(server.url);
  for (let id = 1; id <= 5; id++) client.send({ op: 'ping', id });
  assert.deepEqual(await client.next(), { id: 1, result: 'pong' });
  assert.deepEqual(await client.next(), { id: null, error: { code: 'WS_RATE_LIMITED',
    message: errorCatalogue.WS_RATE_LIMITED.message } });
  clock.advanceMs(1_000);
  // The next message is this pong: frames 3-5 were dropped, none waited in a queue.
  assert.deepEqual(await client.request({ op: 'ping', id: 6 }), { id: 6, result: 'pong' });
  await client.close();
  await server.stop();
});
