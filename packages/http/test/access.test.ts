// Authentication, permissions, rate limits, request ids and security headers.
import { ManualClock } from '@parite/kernel';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryRateLimiter, type RateLimiter } from '../src/index.ts';
import { buildSampleApp, errorOf } from './sample-app.ts';

const orderPayload = '{"side":"sell","quantity":"7"}';

describe('permissions', () => {
  test('anonymous callers get AUTH_REQUIRED on private routes and pass public ones', async () => {
    const { app } = buildSampleApp();
    const denied = await app.inject({ method: 'GET', url: '/v1/orders/1' });
    assert.equal(denied.statusCode, 401);
    assert.equal(errorOf(denied.body).code, 'AUTH_REQUIRED');
    const open = await app.inject({ method: 'GET', url: '/v1/time' });
    assert.deepEqual(JSON.parse(open.body), { principal: 'anonymous' });
    await app.close();
  });

  test('a user without the permission gets AUTH_FORBIDDEN; with it, through', async () => {
    const { app } = buildSampleApp();
    const headers = { 'content-type': 'application/json' };
    const reader = await app.inject({ method: 'POST', url: '/v1/orders', headers: { ...headers, 'x-test-user': 'reader' }, payload: orderPayload });
    assert.equal(reader.statusCode, 403);
    assert.deepEqual(errorOf(reader.body).details, { permission: 'order:write' });
    const trader = await app.inject({ method: 'POST', url: '/v1/orders', headers: { ...headers, 'x-test-user': 'trader' }, payload: orderPayload });
    assert.equal(trader.statusCode, 201);
    await app.close();
  });

  test('authentication runs before validation: anonymous callers learn nothing about the schema', async () => {
    const { app } = buildSampleApp();
    const reply = await app.inject({ method: 'POST', url: '/v1/orders', headers: { 'content-type': 'application/json' }, payload: '{"x":1}' });
    assert.equal(errorOf(reply.body).code, 'AUTH_REQUIRED');
    await app.close();
  });

  test('public routes still authenticate credentials when they are present', async () => {
    const { app } = buildSampleApp();
    const known = await app.inject({ method: 'GET', url: '/v1/time', headers: { 'x-test-user': 'reader' } });
    assert.deepEqual(JSON.parse(known.body), { principal: 'user' });
    const bad = await app.inject({ method: 'GET', url: '/v1/time', headers: { 'x-test-user': 'forged' } });
    assert.equal(errorOf(bad.body).code, 'AUTH_INVALID_API_KEY');
    await app.close();
  });

  test('the authenticator sees the method, the url as received, the exact body bytes and the ip', async () => {
    const { app, authenticator } = buildSampleApp();
    const payload = '{ "side" : "buy",\n "quantity":"1" }';
    await app.inject({
      method: 'POST',
      url: '/v1/orders?b=2&a=1',
      headers: { 'content-type': 'application/json', 'x-test-user': 'trader' },
      payload,
      remoteAddress: '10.1.2.3',
    });
    const seen = authenticator.seen.at(-1);
    assert.ok(seen !== undefined);
    assert.equal(seen.method, 'POST');
    assert.equal(seen.url, '/v1/orders?b=2&a=1');
    assert.equal(seen.ip, '10.1.2.3');
    assert.deepEqual(seen.rawBody, Buffer.from(payload));
    await app.inject({ method: 'GET', url: '/v1/time' });
    assert.equal(authenticator.seen.at(-1)?.rawBody, undefined);
    await app.close();
  });
});

describe('rate limits', () => {
  test('per IP, before authentication', async () => {
    const limiter = new MemoryRateLimiter(new ManualClock(0));
    const { app } = buildSampleApp({ rateLimit: { limiter, windowMs: 1000, requestsPerIpMax: 2, requestsPerPrincipalMax: 100 } });
    const statuses: number[] = [];
    for (let request = 0; request < 3; request++) {
      statuses.push((await app.inject({ method: 'GET', url: '/v1/time', remoteAddress: '10.0.0.1' })).statusCode);
    }
    assert.deepEqual(statuses, [200, 200, 429]);
    const limited = await app.inject({ method: 'GET', url: '/v1/time', remoteAddress: '10.0.0.1' });
    assert.equal(errorOf(limited.body).code, 'REQUEST_RATE_LIMITED');
    assert.equal(limited.headers['retry-after'], '1');
    assert.equal((await app.inject({ method: 'GET', url: '/v1/time', remoteAddress: '10.0.0.2' })).statusCode, 200);
    await app.close();
  });

  test('per principal, whichever address it comes from', async () => {
    const limiter = new MemoryRateLimiter(new ManualClock(0));
    const { app } = buildSampleApp({ rateLimit: { limiter, windowMs: 1000, requestsPerIpMax: 100, requestsPerPrincipalMax: 2 } });
    const statuses: number[] = [];
    for (let request = 0; request < 3; request++) {
      const remoteAddress = `10.0.0.${request}`;
      statuses.push((await app.inject({ method: 'GET', url: '/v1/orders/1', headers: { 'x-test-user': 'reader' }, remoteAddress })).statusCode);
    }
    assert.deepEqual(statuses, [200, 200, 429]);
    await app.close();
  });

  test('a failing limiter fails closed with SERVICE_UNAVAILABLE', async () => {
    const broken: RateLimiter = { hit: () => Promise.reject(new Error('cache down')) };
    const { app } = buildSampleApp({ rateLimit: { limiter: broken } });
    const reply = await app.inject({ method: 'GET', url: '/v1/time' });
    assert.equal(reply.statusCode, 503);
    assert.equal(errorOf(reply.body).code, 'SERVICE_UNAVAILABLE');
    await app.close();
  });
});

describe('request ids and headers', () => {
  test('a plain x-request-id is echoed; a hostile one is replaced', async () => {
    const { app } = buildSampleApp();
    const echoed = await app.inject({ method: 'GET', url: '/v1/time', headers: { 'x-request-id': 'client-42.a' } });
    assert.equal(echoed.headers['x-request-id'], 'client-42.a');
    const replaced = await app.inject({ method: 'GET', url: '/v1/nothing', headers: { 'x-request-id': 'bad id\twith "quotes"' } });
    const requestId = replaced.headers['x-request-id'];
    assert.match(String(requestId), /^[0-9a-f-]{36}$/);
    assert.equal(errorOf(replaced.body).requestId, requestId);
    await app.close();
  });

  test('security headers on every reply, no-store on private routes only', async () => {
    const { app } = buildSampleApp();
    const open = await app.inject({ method: 'GET', url: '/v1/time' });
    const private_ = await app.inject({ method: 'GET', url: '/v1/orders/3', headers: { 'x-test-user': 'reader' } });
    for (const reply of [open, private_]) {
      assert.equal(reply.headers['x-content-type-options'], 'nosniff');
      assert.equal(reply.headers['x-frame-options'], 'DENY');
    }
    assert.equal(open.headers['cache-control'], undefined);
    assert.equal(private_.statusCode, 200);
    assert.equal(private_.headers['cache-control'], 'no-store');
    await app.close();
  });
});
