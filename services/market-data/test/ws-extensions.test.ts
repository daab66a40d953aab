// The extension points the lead builds private channels and order entry on: a registered `auth`
// operation sets connection.principal, private channels need a user principal with the channel's
// permission, publishPrivate reaches only the matching subscribers, handler failures become error
// replies, operations in flight are bounded, and a principal change drops private subscriptions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceError } from '@parite/contracts';
import type { Permission, UserPrincipal } from '@parite/http';
import type { HubConnection } from '../src/ws/connection.ts';
import { TestClient } from './ws-client.ts';
import { startServer, type TestServer } from './ws-server.ts';

function user(userId: number, permissions: Permission[]): UserPrincipal {
  return { kind: 'user', userId, userPublicId: `usr_${userId}`, permissions: new Set(permissions), roles: [] };
}

async function serverWithAuth(errors: unknown[] = []): Promise<TestServer> {
  const server = await startServer({ pendingOperationsPerConnectionMax: 2, onError: (error) => errors.push(error) });
  const { hub } = server;
  // A stand-in for the lead's auth: the "token" is the user id; 99 lacks order:read.
  hub.registerOperation('auth', async (connection, message) => {
    const token = message['token'];
    if (typeof token !== 'number') throw new ServiceError('AUTH_REQUIRED');
    connection.principal = user(token, token === 99 ? [] : ['order:read']);
    return { userId: token };
  });
  hub.registerPrivateChannel('orders', {
    permission: 'order:read',
    snapshot: (connection) => ({ openOrders: [], userId: (connection.principal as UserPrincipal).userId }),
  });
  return server;
}

const ownedBy = (userId: number) => (connection: HubConnection) =>
  connection.principal.kind === 'user' && connection.principal.userId === userId;

test('private channel: auth required, then snapshot, then only the owner gets updates', async () => {
  const server = await serverWithAuth();
  const alice = await TestClient.connect(server.url);
  const bob = await TestClient.connect(server.url);
  const refused = await alice.request({ op: 'subscribe', channel: 'orders', id: 1 });
  assert.equal((refused['error'] as { code: string }).code, 'AUTH_REQUIRED');
  assert.deepEqual(await alice.request({ op: 'auth', token: 7, id: 2 }), { id: 2, result: { userId: 7 } });
  assert.deepEqual(await bob.request({ op: 'auth', token: 8, id: 2 }), { id: 2, result: { userId: 8 } });
  for (const [client, userId] of [[alice, 7], [bob, 8]] as const) {
    assert.deepEqual(await client.request({ op: 'subscribe', channel: 'orders', id: 3 }), { id: 3, result: 'ok' });
    assert.deepEqual(await client.next(), { channel: 'orders', type: 'snapshot', data: { openOrders: [], userId } });
  }
  assert.deepEqual([...server.hub.privateSubscriberUserIds()].sort(), [7, 8], 'the users watching a private channel');
  const symbolRefused = await alice.request({ op: 'subscribe', channel: 'orders', symbol: 'BTC-TRY', id: 4 });
  assert.equal((symbolRefused['error'] as { code: string }).code, 'WS_MESSAGE_INVALID');
  assert.equal(server.hub.publishPrivate('orders', ownedBy(7), { orderId: 1, status: 'filled' }), 1);
  assert.deepEqual(await alice.next(), { channel: 'orders', type: 'update', data: { orderId: 1, status: 'filled' } });
  await bob.expectNothingPending();
  assert.equal(server.hub.sendTo(ownedBy(8), { notice: 'maintenance' }), 1);
  assert.deepEqual(await bob.next(), { notice: 'maintenance' });
  await alice.close();
  await bob.close();
  await server.stop();
});

test('permission and principal change: forbidden without it, private subscriptions dropped on re-auth', async () => {
  const server = await serverWithAuth();
  const client = await TestClient.connect(server.url);
  await client.request({ op: 'auth', token: 99, id: 1 });
  const forbidden = await client.request({ op: 'subscribe', channel: 'orders', id: 2 });
  assert.equal((forbidden['error'] as { code: string }).code, 'AUTH_FORBIDDEN');
  await client.request({ op: 'auth', token: 7, id: 3 });
  await client.request({ op: 'subscribe', channel: 'orders', id: 4 });
  await client.next(); // snapshot
  await client.request({ op: 'subscribe', channel: 'ticker', symbol: 'BTC-TRY', id: 5 });
  await client.next(); // snapshot
  await client.request({ op: 'auth', token: 8, id: 6 }); // someone else on the same socket
  assert.equal(server.hub.publishPrivate('orders', () => true, { leaked: true }), 0, 'no private stream survives re-auth');
  assert.equal(server.hub.privateSubscriberUserIds().size, 0, 'nobody watches a private channel any more');
  await client.expectNothingPending();
  const [connection] = server.hub.connectionsMatching(() => true);
  assert.deepEqual([...(connection?.subscriptions ?? [])], ['ticker|BTC-TRY'], 'public subscriptions stay');
  await client.close();
  await server.stop();
});

test('operation failures become error replies; operations in flight are bounded', async () => {
  const errors: unknown[] = [];
  const server = await serverWithAuth(errors);
  const releases: (() => void)[] = [];
  server.hub.registerOperation('slow', () => new Promise((resolve) => releases.push(() => resolve(undefined))));
  server.hub.registerOperation('fails', async () => {
    throw new ServiceError('ORDER_UNKNOWN');
  });
  server.hub.registerOperation('bug', () => {
    throw new Error('handler bug');
  });
  server.hub.registerOperation('bigint', async () => 1n);
  const client = await TestClient.connect(server.url);
  const errorCode = async (message: Record<string, unknown>) =>
    ((await client.request(message))['error'] as { code: string }).code;
  assert.equal(await errorCode({ op: 'auth', id: 1 }), 'AUTH_REQUIRED');
  assert.equal(await errorCode({ op: 'fails', id: 2 }), 'ORDER_UNKNOWN');
  assert.equal(await errorCode({ op: 'bug', id: 3 }), 'INTERNAL_ERROR');
  assert.equal(await errorCode({ op: 'bigint', id: 4 }), 'INTERNAL_ERROR');
  assert.equal(errors.length, 2, 'unexpected failures are reported, expected ones are not');
  client.send({ op: 'slow', id: 5 });
  client.send({ op: 'slow', id: 6 });
  assert.equal(await errorCode({ op: 'slow', id: 7 }), 'WS_TOO_MANY_PENDING');
  for (const release of releases.splice(0)) release();
  assert.deepEqual(await client.next(), { id: 5, result: 'ok' });
  assert.deepEqual(await client.next(), { id: 6, result: 'ok' });
  client.send({ op: 'slow', id: 8 });
  await client.expectNothingPending();
  for (const release of releases.splice(0)) release();
  assert.deepEqual(await client.next(), { id: 8, result: 'ok' });
  assert.throws(() => server.hub.registerOperation('subscribe', async () => 'x'), /already exists/);
  assert.throws(() => server.hub.registerPrivateChannel('depth'), /already exists/);
  await client.close();
  await server.stop();
});
