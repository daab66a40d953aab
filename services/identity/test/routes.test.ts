// The identity routes through a real app: signed requests, the access hook, schemas, OpenAPI.
import { createHttpApp, type HttpApp } from '@parite/http';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { identityPlugin, type CreatedApiKey, type User } from '../src/index.ts';
import { createFixture, signedHeaders, startMs, system, userWithKey, type Fixture } from './fixture.ts';

interface ErrorReply {
  error: { code: string; details?: Record<string, unknown> };
}

describe('identity routes', () => {
  let fixture: Fixture;
  let app: HttpApp;
  let user: User;
  let tradeKey: CreatedApiKey;
  let readKey: CreatedApiKey;

  before(async () => {
    fixture = createFixture();
    ({ user, key: tradeKey } = await userWithKey(fixture, 'carol@example.com', ['read', 'trade']));
    readKey = await fixture.service.createApiKey(user.id, { scopes: ['read'], label: 'monitor' }, system);
    app = createHttpApp({ authenticator: fixture.authenticator, openApi: { title: 'Parite', version: '0.1.0' }, rateLimit: false });
    await app.register(identityPlugin, { service: fixture.service });
    await app.ready();
  });
  after(() => app.close());

  async function call(key: CreatedApiKey, method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = signedHeaders(fixture, key, method, url, payload);
    if (payload !== undefined) headers['content-type'] = 'application/json';
    return app.inject({ method, url, headers, payload });
  }

  test('GET /v1/account returns the caller, never the internal id', async () => {
    const reply = await call(readKey, 'GET', '/v1/account');
    assert.equal(reply.statusCode, 200);
    assert.deepEqual(JSON.parse(reply.body), {
      userId: user.publicId,
      email: 'carol@example.com',
      status: 'active',
      roles: ['customer'],
      feeTier: 0,
      createdAtMs: startMs,
      apiKeyId: readKey.keyId,
    });
    assert.equal(reply.headers['cache-control'], 'no-store');
  });

  test('unsigned requests are AUTH_REQUIRED; badly signed ones AUTH_INVALID_SIGNATURE', async () => {
    const anonymous = await app.inject({ method: 'GET', url: '/v1/account' });
    assert.equal(anonymous.statusCode, 401);
    assert.equal((JSON.parse(anonymous.body) as ErrorReply).error.code, 'AUTH_REQUIRED');
    const headers = signedHeaders(fixture, readKey, 'GET', '/v1/account?x=1');
    const mismatched = await app.inject({ method: 'GET', url: '/v1/account', headers });
    assert.equal((JSON.parse(mismatched.body) as ErrorReply).error.code, 'AUTH_INVALID_SIGNATURE');
  });

  test('POST /v1/api-keys creates a key that works at once', async () => {
    const reply = await call(tradeKey, 'POST', '/v1/api-keys', { scopes: ['read'], label: 'new bot' });
    assert.equal(reply.statusCode, 201, reply.body);
    const created = JSON.parse(reply.body) as CreatedApiKey & { apiKey: { scopes: string[]; label: string; revokedAtMs: null } };
    assert.match(created.secret, /^[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(created.apiKey.scopes, ['read']);
    assert.equal(created.apiKey.label, 'new bot');
    const account = await call(created, 'GET', '/v1/account');
    assert.equal(account.statusCode, 200);
    assert.equal((JSON.parse(account.body) as { apiKeyId: string }).apiKeyId, created.keyId);
    assert.ok(!JSON.stringify(fixture.audit.entries).includes(created.secret));
  });

  test('a read-only key cannot manage keys; scopes cannot exceed the caller', async () => {
    const fromReadKey = await call(readKey, 'POST', '/v1/api-keys', { scopes: ['read'] });
    assert.equal(fromReadKey.statusCode, 403);
    assert.deepEqual((JSON.parse(fromReadKey.body) as ErrorReply).error.details, { permission: 'api-key:write' });
    const escalation = await call(tradeKey, 'POST', '/v1/api-keys', { scopes: ['read', 'withdraw'] });
    assert.equal(escalation.statusCode, 403);
    assert.equal((JSON.parse(escalation.body) as ErrorReply).error.code, 'AUTH_FORBIDDEN');
  });

  test('the body schema refuses unknown fields and bad scopes', async () => {
    for (const body of [{ scopes: ['read'], admin: true }, { scopes: ['root'] }, { scopes: [] }, { scopes: 'read' }, { scopes: ['read', 'read'] }]) {
      const reply = await call(tradeKey, 'POST', '/v1/api-keys', body);
      assert.equal(reply.statusCode, 400, JSON.stringify(body));
      assert.equal((JSON.parse(reply.body) as ErrorReply).error.code, 'REQUEST_VALIDATION_FAILED');
    }
  });

  test('GET /v1/api-keys lists the caller keys without secrets', async () => {
    const reply = await call(readKey, 'GET', '/v1/api-keys');
    assert.equal(reply.statusCode, 200);
    const listed = JSON.parse(reply.body) as { apiKeys: { keyId: string }[] };
    const ids = listed.apiKeys.map((key) => key.keyId);
    assert.ok(ids.includes(tradeKey.keyId) && ids.includes(readKey.keyId));
    assert.ok(!reply.body.includes(tradeKey.secret) && !reply.body.includes('sealed'));
  });

  test('DELETE /v1/api-keys/:keyId revokes; the revoked key is refused at once', async () => {
    const victim = await fixture.service.createApiKey(user.id, { scopes: ['read'] }, system);
    assert.equal((await call(victim, 'GET', '/v1/account')).statusCode, 200);
    const reply = await call(tradeKey, 'DELETE', `/v1/api-keys/${victim.keyId}`);
    assert.equal(reply.statusCode, 200, reply.body);
    assert.equal((JSON.parse(reply.body) as { apiKey: { revokedAtMs: number } }).apiKey.revokedAtMs, startMs);
    const after = await call(victim, 'GET', '/v1/account');
    assert.equal((JSON.parse(after.body) as ErrorReply).error.code, 'AUTH_INVALID_API_KEY');
    const unknown = await call(tradeKey, 'DELETE', '/v1/api-keys/pk_AAAAAAAAAAAAAAAAAAAAAA');
    assert.equal((JSON.parse(unknown.body) as ErrorReply).error.code, 'API_KEY_UNKNOWN');
    const malformed = await call(tradeKey, 'DELETE', '/v1/api-keys/not-a-key');
    assert.equal((JSON.parse(malformed.body) as ErrorReply).error.code, 'REQUEST_VALIDATION_FAILED');
  });

  test('a replayed request is refused', async () => {
    const headers = signedHeaders(fixture, readKey, 'GET', '/v1/account');
    assert.equal((await app.inject({ method: 'GET', url: '/v1/account', headers })).statusCode, 200);
    const replay = await app.inject({ method: 'GET', url: '/v1/account', headers });
    assert.equal((JSON.parse(replay.body) as ErrorReply).error.code, 'AUTH_REPLAYED_REQUEST');
  });

  test('the OpenAPI document lists the identity routes', async () => {
    const reply = await app.inject({ method: 'GET', url: '/openapi.json' });
    const document = JSON.parse(reply.body) as { paths: Record<string, Record<string, unknown>> };
    assert.deepEqual(Object.keys(document.paths).sort(), ['/v1/account', '/v1/api-keys', '/v1/api-keys/{keyId}']);
    assert.deepEqual(Object.keys(document.paths['/v1/api-keys'] ?? {}).sort(), ['get', 'post']);
  });
});
