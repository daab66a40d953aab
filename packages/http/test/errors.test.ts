// Every failure path maps to its catalogue code and status, through app.inject().
import { errorCatalogue, ServiceError } from '@parite/contracts';
import type { InjectOptions } from 'fastify';
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { mapError } from '../src/index.ts';
import { buildSampleApp, errorOf } from './sample-app.ts';

const { app } = buildSampleApp({ bodyLimitBytes: 1024 });
after(() => app.close());

const trader = { 'x-test-user': 'trader' };
const json = { 'content-type': 'application/json', ...trader };

async function expectError(
  request: InjectOptions,
  code: keyof typeof errorCatalogue,
): Promise<ReturnType<typeof errorOf>> {
  const reply = await app.inject(request);
  const error = errorOf(reply.body);
  assert.equal(error.code, code, reply.body);
  assert.equal(reply.statusCode, errorCatalogue[code].httpStatus);
  assert.equal(reply.headers['content-type'], 'application/json; charset=utf-8');
  assert.equal(reply.headers['cache-control'], 'no-store');
  assert.equal(error.requestId, reply.headers['x-request-id']);
  return error;
}

describe('error mapping', () => {
  test('a valid request succeeds', async () => {
    const reply = await app.inject({ method: 'POST', url: '/v1/orders', headers: json, payload: '{"side":"buy","quantity":"5"}' });
    assert.equal(reply.statusCode, 201);
    assert.deepEqual(JSON.parse(reply.body), { side: 'buy', quantity: '5', userPublicId: 'usr_trader' });
  });

  test('malformed JSON is REQUEST_MALFORMED_JSON', async () => {
    await expectError({ method: 'POST', url: '/v1/orders', headers: json, payload: '{"side":' }, 'REQUEST_MALFORMED_JSON');
  });

  test('invalid UTF-8 is REQUEST_MALFORMED_JSON, not silently replaced', async () => {
    const payload = Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]);
    await expectError({ method: 'POST', url: '/v1/orders', headers: json, payload }, 'REQUEST_MALFORMED_JSON');
  });

  test('a schema violation is REQUEST_VALIDATION_FAILED with the path and keyword only', async () => {
    const error = await expectError(
      { method: 'POST', url: '/v1/orders', headers: json, payload: { side: 'hold', quantity: '5' } },
      'REQUEST_VALIDATION_FAILED',
    );
    assert.deepEqual(error.details, {
      location: 'body',
      instancePath: '/side',
      keyword: 'anyOf',
      reason: 'must match a schema in anyOf',
    });
  });

  test('an unknown field is refused, never dropped', async () => {
    const error = await expectError(
      { method: 'POST', url: '/v1/orders', headers: json, payload: { side: 'buy', quantity: '5', price: '1' } },
      'REQUEST_VALIDATION_FAILED',
    );
    assert.equal(error.details?.['keyword'], 'additionalProperties');
    assert.equal(error.details?.['property'], 'price');
  });

  test('body types are not coerced: a number is not a string', async () => {
    await expectError({ method: 'POST', url: '/v1/orders', headers: json, payload: { side: 'buy', quantity: 5 } }, 'REQUEST_VALIDATION_FAILED');
  });

  test('query strings and params are coerced to their schema types, and validated', async () => {
    const ok = await app.inject({ method: 'GET', url: '/v1/orders/42?verbose=true', headers: trader });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(JSON.parse(ok.body), { orderId: 42, verbose: true });
    const error = await expectError({ method: 'GET', url: '/v1/orders/abc', headers: trader }, 'REQUEST_VALIDATION_FAILED');
    assert.equal(error.details?.['location'], 'params');
    await expectError({ method: 'GET', url: '/v1/orders/1?unknown=1', headers: trader }, 'REQUEST_VALIDATION_FAILED');
  });

  test('a huge unknown key is not echoed back in full', async () => {
    const key = 'k'.repeat(600);
    const { app: roomy } = buildSampleApp();
    const reply = await roomy.inject({ method: 'POST', url: '/v1/orders', headers: json, payload: `{"side":"buy","quantity":"1","${key}":1}` });
    await roomy.close();
    assert.equal(reply.statusCode, 400);
    assert.ok(reply.body.length < 500, `reply is ${reply.body.length} bytes`);
  });

  test('a prototype-polluting key is refused', async () => {
    await expectError(
      { method: 'POST', url: '/v1/orders', headers: json, payload: '{"side":"buy","quantity":"1","__proto__":{"admin":true}}' },
      'REQUEST_VALIDATION_FAILED',
    );
  });

  test('a body over the limit is REQUEST_BODY_TOO_LARGE', async () => {
    const payload = JSON.stringify({ side: 'buy', quantity: '1', tags: ['x'.repeat(2000)] });
    await expectError({ method: 'POST', url: '/v1/orders', headers: json, payload }, 'REQUEST_BODY_TOO_LARGE');
  });

  test('another content type is REQUEST_UNSUPPORTED_MEDIA_TYPE', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1']) {
      await expectError(
        { method: 'POST', url: '/v1/orders', headers: { ...trader, 'content-type': contentType }, payload: 'side=buy' },
        'REQUEST_UNSUPPORTED_MEDIA_TYPE',
      );
    }
  });

  test('a body without a content type is REQUEST_UNSUPPORTED_MEDIA_TYPE', async () => {
    await expectError({ method: 'POST', url: '/v1/orders', headers: trader, payload: Buffer.from('{}') }, 'REQUEST_UNSUPPORTED_MEDIA_TYPE');
  });

  test('an unknown route is REQUEST_NOT_FOUND; a known path with a wrong method is REQUEST_METHOD_NOT_ALLOWED', async () => {
    await expectError({ method: 'GET', url: '/v1/nothing' }, 'REQUEST_NOT_FOUND');
    await expectError({ method: 'DELETE', url: '/v1/orders' }, 'REQUEST_METHOD_NOT_ALLOWED');
  });

  test('a malformed URL is REQUEST_MALFORMED', async () => {
    await expectError({ method: 'GET', url: '/v1/orders/%zz' }, 'REQUEST_MALFORMED');
  });

  test('a wrong content-length is REQUEST_MALFORMED', async () => {
    await expectError(
      { method: 'POST', url: '/v1/orders', headers: { ...json, 'content-length': '3' }, payload: '{"side":"buy"}' },
      'REQUEST_MALFORMED',
    );
  });

  test('a ServiceError keeps its code and details', async () => {
    const error = await expectError({ method: 'GET', url: '/v1/time', headers: { 'x-test-user': 'stranger' } }, 'AUTH_INVALID_API_KEY');
    assert.equal(error.message, errorCatalogue.AUTH_INVALID_API_KEY.message);
  });

  test('a bug is INTERNAL_ERROR 500 and its message is not shown', async () => {
    const error = await expectError({ method: 'GET', url: '/v1/boom' }, 'INTERNAL_ERROR');
    assert.ok(!JSON.stringify(error).includes('secret'));
  });

  test('mapError covers values that are not errors', () => {
    assert.equal(mapError('text').code, 'INTERNAL_ERROR');
    assert.equal(mapError(null).code, 'INTERNAL_ERROR');
    assert.equal(mapError({ statusCode: 418 }).code, 'REQUEST_MALFORMED');
    assert.equal(mapError({ statusCode: 405 }).code, 'REQUEST_METHOD_NOT_ALLOWED');
    assert.equal(mapError({ statusCode: 503 }).code, 'INTERNAL_ERROR');
    assert.equal(mapError(new ServiceError('MARKET_HALTED', { symbol: 'BTC-EUR' })).details?.['symbol'], 'BTC-EUR');
  });
});
