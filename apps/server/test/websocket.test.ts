// The WebSocket API of the whole platform over a real socket (`ws` against ws://host:port/ws):
// public depth and trades, the signed `auth` login, private channels that carry only the logged-in
// user's updates, order entry with the REST semantics and codes, and bad frames that get error
// replies without closing the socket. One platform serves the whole file.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isErrorCode } from '@parite/contracts';
import { signWebSocketLogin } from '@parite/identity';
import { assertLedgerBalanced, fingerprint } from './support/api-checks.ts';
import { requireService } from '../src/index.ts';
import { platformStateHash, startTestPlatform, type TestPlatform } from './support/platform-harness.ts';
import { cancelEverything, limitOrder, openOrderIds, placeOrder, type OrderReply } from './support/trading-fixtures.ts';
import { TestSocket, type WsReply } from './support/ws-client.ts';

let harness: TestPlatform;
const sockets: TestSocket[] = [];
let loginNonce = 0;

before(async () => {
  harness = await startTestPlatform({ rateLimit: { requestsPerIpMax: 100_000, requestsPerPrincipalMax: 100_000 } });
});

after(async () => {
  for (const socket of sockets) await socket.close();
  assertLedgerBalanced(harness);
  await harness.stop();
});

async function connect(): Promise<TestSocket> {
  const socket = await TestSocket.open(harness.baseUrl);
  sockets.push(socket);
  return socket;
}

function login(userName: string, options: { timestampMs?: number } = {}) {
  const user = harness.users[userName];
  assert.ok(user !== undefined);
  return signWebSocketLogin({ keyId: user.keyId, secret: user.secret, timestampMs: options.timestampMs ?? Date.now(),
    nonce: `ws-${++loginNonce}` });
}

/** A socket logged in as `userName`. */
async function connectAs(userName: string): Promise<TestSocket> {
  const socket = await connect();
  const reply = await socket.request('auth', { ...login(userName) });
  assert.deepEqual(reply.result, { userId: harness.users[userName]?.publicId }, JSON.stringify(reply));
  return socket;
}

function assertError(reply: WsReply, code: string, context = ''): void {
  assert.equal(reply.error?.code, code, `${context}: ${JSON.stringify(reply)}`);
  assert.equal(typeof reply.error?.message, 'string');
}

/** A socket request that must be refused with `code` and must change nothing. */
async function refusedUnchanged(socket: TestSocket, userName: string, op: string, fields: Record<string, unknown>,
  code: string): Promise<void> {
  const before = fingerprint(harness, userName);
  assertError(await socket.request(op, fields), code, `${op} ${JSON.stringify(fields)}`);
  assert.deepEqual(fingerprint(harness, userName), before, `${op} refused but changed the platform`);
}

interface DepthData {
  sequence: number;
  bids: [string, string][];
  asks: [string, string][];
}

describe('public channels', () => {
  test('depth: a snapshot, then deltas whose sequence grows by one', async () => {
    const socket = await connect();
    assert.equal((await socket.request('subscribe', { channel: 'depth', symbol: 'BTC-TRY' })).result, 'ok');
    const snapshot = await socket.push('depth', 'snapshot');
    assert.equal(snapshot.symbol, 'BTC-TRY');
    const start = (snapshot.data as DepthData).sequence;
    assert.ok(Number.isSafeInteger(start));

    // Depth deltas are coalesced (at most one per market per publication interval), so two quick
    // orders may arrive as one delta or two; either way sequences are consecutive and the levels exact.
    const collect = async (until: (levels: Map<string, string>) => boolean) => {
      const deltas: DepthData[] = [];
      const levels = new Map<string, string>();
      while (!until(levels)) {
        const delta = (await socket.push('depth', 'update')).data as DepthData;
        deltas.push(delta);
        for (const [price, quantity] of delta.asks) levels.set(price, quantity);
      }
      return { deltas, levels };
    };
    await placeOrder(harness, 'alice', limitOrder({ price: '4000000', quantity: '0.01' }));
    await placeOrder(harness, 'alice', limitOrder({ price: '4000100', quantity: '0.02' }));
    const added = await collect((levels) => levels.has('4000000') && levels.has('4000100'));
    assert.deepEqual(added.deltas.map((delta) => delta.sequence), added.deltas.map((_, index) => start + 1 + index));
    assert.deepEqual([added.levels.get('4000000'), added.levels.get('4000100')], ['0.01', '0.02']);

    await cancelEverything(harness, 'alice');
    const next = start + 1 + added.deltas.length;
    const removed = await collect((levels) => levels.get('4000000') === '0' && levels.get('4000100') === '0');
    assert.deepEqual(removed.deltas.map((delta) => delta.sequence), removed.deltas.map((_, index) => next + index));
    assert.equal((await socket.request('unsubscribe', { channel: 'depth', symbol: 'BTC-TRY' })).result, 'ok');
  });

  test('trades: a snapshot of recent trades, then each new trade', async () => {
    const socket = await connect();
    assert.equal((await socket.request('subscribe', { channel: 'trades', symbol: 'BTC-TRY' })).result, 'ok');
    const snapshot = await socket.push('trades', 'snapshot');
    assert.ok(Array.isArray(snapshot.data));
    await placeOrder(harness, 'alice', limitOrder({ price: '3900000', quantity: '0.01' }));
    await placeOrder(harness, 'bob', limitOrder({ side: 'buy', price: '3900000', quantity: '0.01' }));
    const update = await socket.push('trades', 'update');
    const trades = update.data as { price: string; quantity: string; takerSide: string }[];
    assert.deepEqual(trades.map((trade) => [trade.price, trade.quantity, trade.takerSide]), [['3900000', '0.01', 'buy']]);
  });
});

describe('protocol errors', () => {
  test('malformed frames get error replies and the socket stays open', async () => {
    const socket = await connect();
    const cases: [string, string][] = [
      ['not json', 'WS_MESSAGE_INVALID'], ['[]', 'WS_MESSAGE_INVALID'], ['42', 'WS_MESSAGE_INVALID'],
      ['{"id":{"a":1},"op":"ping"}', 'WS_MESSAGE_INVALID'], ['{"op":"Has Spaces"}', 'WS_MESSAGE_INVALID'],
      ['{"op":"ping","id":1e400}', 'WS_MESSAGE_INVALID'], ['{"__proto__":{"op":"ping"}}', 'WS_MESSAGE_INVALID'],
    ];
    for (const [frame, code] of cases) {
      socket.sendRaw(frame);
      assertError(await socket.reply(null), code, frame);
    }
    socket.sendRaw(Buffer.from([1, 2, 3]), { binary: true });
    assertError(await socket.reply(null), 'WS_MESSAGE_INVALID', 'binary');
    socket.sendRaw(JSON.stringify({ op: 'ping', id: 'big', pad: 'x'.repeat(5_000) }));
    assertError(await socket.reply(null), 'WS_MESSAGE_TOO_LARGE', 'large');

    assertError(await socket.request('nope'), 'WS_UNKNOWN_OPERATION');
    assertError(await socket.request('subscribe', { channel: 'nope', symbol: 'BTC-TRY' }), 'WS_UNKNOWN_CHANNEL');
    assertError(await socket.request('subscribe', { channel: 'depth' }), 'WS_MESSAGE_INVALID');
    assertError(await socket.request('subscribe', { channel: 'depth', symbol: 'DOGE-TRY' }), 'MARKET_UNKNOWN');
    assertError(await socket.request('subscribe', { channel: 'depth', symbol: 'BTC-TRY', extra: 1 }),
      'WS_MESSAGE_INVALID');
    assertError(await socket.request('subscribe', { channel: 'orders', symbol: 'BTC-TRY' }), 'WS_MESSAGE_INVALID');
    await socket.settle();
    assert.equal(socket.isOpen, true);
  });

  test('private operations and channels need a login: AUTH_REQUIRED, and nothing changes', async () => {
    const socket = await connect();
    await refusedUnchanged(socket, 'alice', 'order.place', { ...limitOrder() }, 'AUTH_REQUIRED');
    await refusedUnchanged(socket, 'alice', 'order.cancel', { orderId: 1 }, 'AUTH_REQUIRED');
    await refusedUnchanged(socket, 'alice', 'order.amend', { orderId: 1, price: '4000000' }, 'AUTH_REQUIRED');
    await refusedUnchanged(socket, 'alice', 'order.cancel-all', {}, 'AUTH_REQUIRED');
    for (const channel of ['orders', 'fills', 'balances']) {
      assertError(await socket.request('subscribe', { channel }), 'AUTH_REQUIRED', channel);
    }
    assert.equal(socket.isOpen, true);
  });

  test('logins: a signed one works; a replayed, stale, forged or unknown one is refused', async () => {
    const message = login('alice');
    const first = await connect();
    assert.deepEqual((await first.request('auth', { ...message })).result, { userId: harness.users['alice']?.publicId });
    const second = await connect();
    assertError(await second.request('auth', { ...message }), 'AUTH_REPLAYED_REQUEST', 'replay');
    assertError(await second.request('auth', { ...login('alice', { timestampMs: Date.now() - 60_000 }) }),
      'AUTH_TIMESTAMP_OUT_OF_WINDOW', 'stale');
    const forged = login('alice');
    assertError(await second.request('auth', { ...forged, signature: forged.signature.replace(/^./, (character) =>
      character === 'a' ? 'b' : 'a') }), 'AUTH_INVALID_SIGNATURE', 'forged');
    assertError(await second.request('auth', { ...login('alice'), key: `pk_${'Q'.repeat(22)}` }), 'AUTH_INVALID_API_KEY',
      'unknown key');
    assertError(await second.request('auth', { ...login('alice'), timestampMs: 'now' }), 'AUTH_TIMESTAMP_OUT_OF_WINDOW',
      'malformed timestamp');
    // Still anonymous after the failures.
    assertError(await second.request('subscribe', { channel: 'orders' }), 'AUTH_REQUIRED');
  });
});

describe('private channels', () => {
  test('orders, fills and balances carry the user\'s own updates, never another user\'s', async () => {
    const alice = await connectAs('alice');
    const bob = await connectAs('bob');
    for (const socket of [alice, bob]) {
      for (const channel of ['orders', 'fills', 'balances']) {
        assert.equal((await socket.request('subscribe', { channel })).result, 'ok', channel);
      }
      assert.ok(Array.isArray((await socket.push('orders', 'snapshot')).data));
      const balances = (await socket.push('balances', 'snapshot')).data as { asset: string }[];
      assert.ok(balances.some((balance) => balance.asset === 'BTC'));
    }

    const ask = await placeOrder(harness, 'alice', limitOrder({ price: '3900000', quantity: '0.01' }));
    const aliceOrders = await alice.push('orders', 'update');
    assert.deepEqual((aliceOrders.data as { event: string; orderId: number }[]).map((event) => [event.event, event.orderId]),
      [['accepted', ask.orderId], ['rested', ask.orderId]]);
    const held = await alice.push('balances', 'update');
    assert.deepEqual((held.data as { asset: string; held: string }[]).map((balance) => [balance.asset, balance.held]),
      [['BTC', '0.01']]);
    await bob.settle();
    assert.deepEqual([bob.pending('orders'), bob.pending('fills'), bob.pending('balances')], [[], [], []],
      'bob saw alice\'s order');

    const bid = await placeOrder(harness, 'bob', limitOrder({ side: 'buy', price: '3900000', quantity: '0.01' }));
    const bobFills = (await bob.push('fills', 'update')).data as { orderId: number; role: string }[];
    assert.deepEqual(bobFills.map((fill) => [fill.orderId, fill.role]), [[bid.orderId, 'taker']]);
    const aliceFills = (await alice.push('fills', 'update')).data as { orderId: number; role: string }[];
    assert.deepEqual(aliceFills.map((fill) => [fill.orderId, fill.role]), [[ask.orderId, 'maker']]);
    await alice.settle();
    await bob.settle();
    for (const [socket, own] of [[alice, ask.orderId], [bob, bid.orderId]] as const) {
      const orderIds = socket.pending('orders').flatMap((push) => (push.data as { orderId: number }[])
        .map((event) => event.orderId));
      assert.deepEqual([...new Set(orderIds)], [own], 'only the user\'s own orders');
      const assets = socket.pending('balances').flatMap((push) => (push.data as { asset: string }[])
        .map((balance) => balance.asset));
      assert.deepEqual([...new Set(assets)].sort(), ['BTC', 'TRY']);
    }
  });

  test('logging in as someone else drops the private subscriptions of the first user', async () => {
    const socket = await connectAs('alice');
    assert.equal((await socket.request('subscribe', { channel: 'orders' })).result, 'ok');
    await socket.push('orders', 'snapshot');
    assert.deepEqual((await socket.request('auth', { ...login('bob') })).result, { userId: harness.users['bob']?.publicId });
    await placeOrder(harness, 'alice', limitOrder({ price: '4100000' }));
    await placeOrder(harness, 'bob', limitOrder({ side: 'buy', price: '3700000' }));
    await socket.settle();
    assert.deepEqual(socket.pending('orders'), []);
    await cancelEverything(harness, 'alice');
    await cancelEverything(harness, 'bob');
  });
});

describe('order entry over the socket', () => {
  test('place, amend, cancel and cancel-all answer like REST', async () => {
    const socket = await connectAs('alice');
    const placed = await socket.request('order.place', { ...limitOrder({ clientOrderId: 'ws-1' }) });
    const order = placed.result as OrderReply;
    assert.deepEqual([order.status, order.clientOrderId, order.price, order.quantity], ['open', 'ws-1', '4000000', '0.01']);
    const viaRest = await harness.request('alice', 'GET', `/v1/orders/${order.orderId}`);
    assert.deepEqual(viaRest.body, order);

    const amended = (await socket.request('order.amend', { orderId: order.orderId, quantity: '0.005' })).result;
    assert.equal((amended as OrderReply).quantity, '0.005');
    const cancelled = (await socket.request('order.cancel', { orderId: order.orderId })).result;
    assert.equal((cancelled as OrderReply).status, 'cancelled');

    await socket.request('order.place', { ...limitOrder() });
    await socket.request('order.place', { ...limitOrder({ symbol: 'ETH-TRY', price: '135000', quantity: '1' }) });
    assert.deepEqual((await socket.request('order.cancel-all', { symbol: 'ETH-TRY' })).result, { cancelled: 1 });
    assert.deepEqual((await socket.request('order.cancel-all', {})).result, { cancelled: 1 });
    assert.deepEqual(await openOrderIds(harness, 'alice'), []);
  });

  test("responseType 'ack' answers a durable order with its ids only; retries and refusals as with the full reply", async () => {
    const socket = await connectAs('alice');
    const order = limitOrder({ clientOrderId: 'ws-ack-1' });
    const acknowledged = (await socket.request('order.place', { ...order, responseType: 'ack' })).result as
      { orderId: number; clientOrderId: string; symbol: string };
    assert.deepEqual(Object.keys(acknowledged).sort(), ['clientOrderId', 'orderId', 'symbol']);
    assert.deepEqual([acknowledged.clientOrderId, acknowledged.symbol], ['ws-ack-1', 'BTC-TRY']);
    const viaRest = await harness.request('alice', 'GET', `/v1/orders/${acknowledged.orderId}`);
    assert.equal((viaRest.body as OrderReply).status, 'open', 'the acknowledged order rests');
    const retried = (await socket.request('order.place', { ...order, responseType: 'ack' })).result;
    assert.deepEqual(retried, acknowledged, 'an identical retry answers the same order');
    const full = (await socket.request('order.place', { ...order, responseType: 'full' })).result as OrderReply;
    assert.equal(full.orderId, acknowledged.orderId);
    assert.deepEqual(full, viaRest.body, "'full' is the default reply, the order as REST shows it");
    const serverAssigned = (await socket.request('order.place', { ...limitOrder(), responseType: 'ack' })).result as
      { clientOrderId: string };
    assert.match(serverAssigned.clientOrderId, /^srv-/, 'the ack names the client order id the server assigned');
    await cancelEverything(harness, 'alice');
  });

  test('bad order entry gets the REST codes and changes nothing', async () => {
    const socket = await connectAs('alice');
    const bobs = await placeOrder(harness, 'bob', limitOrder({ side: 'buy', price: '3800000' }));
    const mine = (await socket.request('order.place', { ...limitOrder() })).result as OrderReply;
    const cases: [string, Record<string, unknown>, string][] = [
      ['order.place', { ...limitOrder(), quantity: 0.01 }, 'REQUEST_VALIDATION_FAILED'],
      ['order.place', { ...limitOrder(), leverage: '10' }, 'REQUEST_VALIDATION_FAILED'],
      ['order.place', { symbol: 'BTC-TRY' }, 'REQUEST_VALIDATION_FAILED'],
      ['order.place', { ...limitOrder(), responseType: 'minimal' }, 'REQUEST_VALIDATION_FAILED'],
      ['order.place', { ...limitOrder(), responseType: 1 }, 'REQUEST_VALIDATION_FAILED'],
      ['order.place', { ...limitOrder({ symbol: 'DOGE-TRY' }), responseType: 'ack' }, 'MARKET_UNKNOWN'],
      ['order.place', { ...limitOrder({ price: '1e5' }) }, 'DECIMAL_MALFORMED'],
      ['order.place', { ...limitOrder({ quantity: '0.000000001' }) }, 'DECIMAL_TOO_PRECISE'],
      ['order.place', { ...limitOrder({ symbol: 'DOGE-TRY' }) }, 'MARKET_UNKNOWN'],
      ['order.place', { ...limitOrder({ price: '4000000.5' }) }, 'ORDER_PRICE_NOT_ON_TICK'],
      ['order.place', { ...limitOrder({ side: 'buy', quantity: '99', price: '3900000' }) }, 'LEDGER_INSUFFICIENT_FUNDS'],
      ['order.place', { ...limitOrder({ side: 'buy', price: '3800000', postOnly: true, timeInForce: 'FOK' }) },
        'ORDER_INVALID_TIME_IN_FORCE'],
      ['order.cancel', { orderId: 'one' }, 'REQUEST_VALIDATION_FAILED'],
      ['order.cancel', {}, 'REQUEST_VALIDATION_FAILED'],
      ['order.cancel', { orderId: bobs.orderId }, 'ORDER_UNKNOWN'],
      ['order.amend', { orderId: mine.orderId }, 'REQUEST_VALIDATION_FAILED'],
      ['order.amend', { orderId: mine.orderId, price: 4000000 }, 'REQUEST_VALIDATION_FAILED'],
      ['order.amend', { orderId: mine.orderId, side: 'buy' }, 'REQUEST_VALIDATION_FAILED'],
      ['order.amend', { orderId: bobs.orderId, price: '3810000' }, 'ORDER_UNKNOWN'],
      ['order.amend', { orderId: mine.orderId, price: mine.price }, 'ORDER_AMEND_NO_CHANGE'],
      ['order.cancel-all', { symbol: 5 }, 'REQUEST_VALIDATION_FAILED'],
      ['order.cancel-all', { symbol: 'DOGE-TRY' }, 'MARKET_UNKNOWN'],
    ];
    for (const [op, fields, code] of cases) await refusedUnchanged(socket, 'alice', op, fields, code);
    assert.equal(socket.isOpen, true);
    await cancelEverything(harness, 'alice');
    await cancelEverything(harness, 'bob');
  });

  test('a read-only session cannot trade: operations need order:write', async () => {
    const created = await harness.request('alice', 'POST', '/v1/api-keys', { scopes: ['read'], label: 'ws-read' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const { keyId, secret } = created.body as { keyId: string; secret: string };
    const socket = await connect();
    const reply = await socket.request('auth', { ...signWebSocketLogin({ keyId, secret, timestampMs: Date.now(),
      nonce: 'read-only' }) });
    assert.deepEqual(reply.result, { userId: harness.users['alice']?.publicId });
    await refusedUnchanged(socket, 'alice', 'order.place', { ...limitOrder() }, 'AUTH_FORBIDDEN');
    assert.equal((await socket.request('subscribe', { channel: 'orders' })).result, 'ok');
  });
});

describe('frame fuzz', () => {
  const runs = 400;
  const fieldNames = ['symbol', 'side', 'type', 'price', 'quantity', 'orderId', 'channel', 'key', 'timestampMs', 'nonce',
    'signature', 'timeInForce', 'postOnly', 'clientOrderId', '__proto__', 'constructor'];
  const junk = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null),
    fc.constantFrom('BTC-TRY', 'DOGE-TRY', 'depth', 'trades', 'orders', 'balances', '4000000', '0.01', '1e5', 'buy'),
    fc.jsonValue({ maxDepth: 2 }));
  const frames = fc.record({
    op: fc.oneof(fc.constantFrom('ping', 'subscribe', 'unsubscribe', 'auth', 'order.place', 'order.cancel', 'order.amend',
      'order.cancel-all'), fc.string({ maxLength: 40 })),
    fields: fc.oneof(fc.dictionary(fc.constantFrom(...fieldNames), junk, { maxKeys: 6 }),
      fc.constantFrom(limitOrder(), limitOrder({ side: 'buy', price: '3800000' }), { orderId: 1 }, { symbol: 'BTC-TRY' })),
  });

  test(`random frames on a logged-in socket: one catalogue reply each, nothing changes on refusal (${runs} runs)`,
    async () => {
      const socket = await connectAs('bob');
      let id = 0;
      await fc.assert(fc.asyncProperty(frames, async ({ op, fields }) => {
        const hashBefore = platformStateHash(harness.platform);
        const sequenceBefore = harness.platform.engine.lastAppliedSequence;
        const frame = JSON.stringify({ ...fields, op, id: ++id });
        socket.sendRaw(frame);
        const reply = await socket.reply(frame.length > 4_096 ? null : id);
        socket.clear();
        if (reply.error === undefined) return;
        assert.ok(isErrorCode(reply.error.code) && reply.error.code !== 'INTERNAL_ERROR', `${frame} -> ${reply.error.code}`);
        assert.equal(harness.platform.engine.lastAppliedSequence, sequenceBefore, frame);
        assert.equal(platformStateHash(harness.platform), hashBefore, frame);
      }), { seed: 20_261_122, numRuns: runs, endOnFailure: true });
      assert.equal(socket.isOpen, true);
      await cancelEverything(harness, 'bob');
    });
});

test('the engine and its ledger are consistent after the socket traffic', async () => {
  assertLedgerBalanced(harness);
  await requireService(harness.platform.projector, 'projections').whenCaughtUp(harness.platform.engine.lastAppliedSequence);
});
