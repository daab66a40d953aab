// ApiKeyAuthenticator: the signature round trip and every refusal, each with its catalogue code.
import type { AuthenticationRequest } from '@parite/http';
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { signatureHeaders, signRequest, signWebSocketLogin, verifyWebSocketLogin, type CreatedApiKey, type User } from '../src/index.ts';
import { createFixture, signedHeaders, startMs, system, userWithKey, type Fixture, refusal } from './fixture.ts';

const body = '{"side":"buy","quantity":"1"}';

function request(headers: Record<string, string>, overrides: Partial<AuthenticationRequest> = {}): AuthenticationRequest {
  const lowered = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  return { method: 'POST', url: '/v1/orders?symbol=BTC-EUR', headers: lowered, rawBody: Buffer.from(body), ip: '10.0.0.7', ...overrides };
}

describe('ApiKeyAuthenticator', () => {
  let fixture: Fixture;
  let user: User;
  let key: CreatedApiKey;
  let headers: Record<string, string>;

  beforeEach(async () => {
    fixture = createFixture();
    ({ user, key } = await userWithKey(fixture, 'alice@example.com', ['read', 'trade']));
    headers = signedHeaders(fixture, key, 'POST', '/v1/orders?symbol=BTC-EUR', body);
  });

  test('a correctly signed request yields the user principal', async () => {
    const principal = await fixture.authenticator.authenticate(request(headers));
    assert.equal(principal.kind, 'user');
    assert.ok(principal.kind === 'user');
    assert.equal(principal.userId, user.id);
    assert.equal(principal.userPublicId, user.publicId);
    assert.equal(principal.apiKeyId, key.keyId);
    assert.deepEqual(principal.roles, ['customer']);
    assert.deepEqual([...principal.permissions].sort(), ['account:read', 'api-key:write', 'order:read', 'order:write']);
  });

  test('no credential headers at all: anonymous', async () => {
    assert.equal((await fixture.authenticator.authenticate(request({}))).kind, 'anonymous');
  });

  test('a missing header is AUTH_REQUIRED', async () => {
    for (const name of [signatureHeaders.key, signatureHeaders.timestamp, signatureHeaders.signature]) {
      const partial = { ...headers };
      delete partial[name];
      assert.equal(await refusal(fixture.authenticator.authenticate(request(partial))), 'AUTH_REQUIRED', name);
    }
  });

  test('an unknown, malformed, revoked or expired key is AUTH_INVALID_API_KEY', async () => {
    const unknown = { ...headers, [signatureHeaders.key]: 'pk_AAAAAAAAAAAAAAAAAAAAAA' };
    assert.equal(await refusal(fixture.authenticator.authenticate(request(unknown))), 'AUTH_INVALID_API_KEY');
    const malformed = { ...headers, [signatureHeaders.key]: 'sk_live_123' };
    assert.equal(await refusal(fixture.authenticator.authenticate(request(malformed))), 'AUTH_INVALID_API_KEY');
    const expiring = await fixture.service.createApiKey(user.id, { scopes: ['read'], expiresAtMs: startMs + 1000 }, system);
    fixture.clock.advanceMs(1000);
    const expired = signedHeaders(fixture, expiring, 'GET', '/v1/account');
    assert.equal(await refusal(fixture.authenticator.authenticate(request(expired, { method: 'GET', url: '/v1/account', rawBody: undefined }))), 'AUTH_INVALID_API_KEY');
    await fixture.service.revokeApiKey(user.id, key.keyId, system);
    const revoked = signedHeaders(fixture, key, 'POST', '/v1/orders?symbol=BTC-EUR', body);
    assert.equal(await refusal(fixture.authenticator.authenticate(request(revoked))), 'AUTH_INVALID_API_KEY');
  });

  test('revocation takes effect at once, even with the key cached', async () => {
    await fixture.authenticator.authenticate(request(headers));
    await fixture.service.revokeApiKey(user.id, key.keyId, system);
    const again = signedHeaders(fixture, key, 'POST', '/v1/orders?symbol=BTC-EUR', body);
    assert.equal(await refusal(fixture.authenticator.authenticate(request(again))), 'AUTH_INVALID_API_KEY');
  });

  test('a wrong or malformed signature is AUTH_INVALID_SIGNATURE', async () => {
    const wrongSecret = signRequest({ keyId: key.keyId, secret: 'not-the-secret', method: 'POST', url: '/v1/orders?symbol=BTC-EUR', body, timestampMs: startMs });
    assert.equal(await refusal(fixture.authenticator.authenticate(request(wrongSecret))), 'AUTH_INVALID_SIGNATURE');
    const upper = { ...headers, [signatureHeaders.signature]: (headers[signatureHeaders.signature] ?? '').toUpperCase() };
    assert.equal(await refusal(fixture.authenticator.authenticate(request(upper))), 'AUTH_INVALID_SIGNATURE');
    const short = { ...headers, [signatureHeaders.signature]: 'abcd' };
    assert.equal(await refusal(fixture.authenticator.authenticate(request(short))), 'AUTH_INVALID_SIGNATURE');
    const badNonce = { ...headers, [signatureHeaders.nonce]: 'has space' };
    assert.equal(await refusal(fixture.authenticator.authenticate(request(badNonce))), 'AUTH_INVALID_SIGNATURE');
  });

  test('tampering with the body, query, path, method or nonce breaks the signature', async () => {
    const tampered: Partial<AuthenticationRequest>[] = [
      { rawBody: Buffer.from(body.replace('"1"', '"9"')) },
      { rawBody: Buffer.from(`${body} `) },
      { rawBody: undefined },
      { url: '/v1/orders?symbol=ETH-EUR' },
      { url: '/v1/orders?symbol=BTC-EUR&x=1' },
      { url: '/v1/orders' },
      { url: '/v1/Orders?symbol=BTC-EUR' },
      { url: '/v1/orders/?symbol=BTC-EUR' },
      { method: 'PUT' },
    ];
    for (const overrides of tampered) {
      assert.equal(await refusal(fixture.authenticator.authenticate(request(headers, overrides))), 'AUTH_INVALID_SIGNATURE', JSON.stringify(overrides));
    }
    const otherNonce = { ...headers, [signatureHeaders.nonce]: 'another' };
    assert.equal(await refusal(fixture.authenticator.authenticate(request(otherNonce))), 'AUTH_INVALID_SIGNATURE');
  });

  test('the receive window: exactly 5000 ms either way is accepted, 5001 is not', async () => {
    for (const skewMs of [-5000, 5000]) {
      const signed = signRequest({ keyId: key.keyId, secret: key.secret, method: 'GET', url: '/v1/account', timestampMs: startMs + skewMs, nonce: `edge${skewMs}` });
      const principal = await fixture.authenticator.authenticate(request(signed, { method: 'GET', url: '/v1/account', rawBody: undefined }));
      assert.equal(principal.kind, 'user', `skew ${skewMs}`);
    }
    for (const skewMs of [-5001, 5001]) {
      const signed = signRequest({ keyId: key.keyId, secret: key.secret, method: 'GET', url: '/v1/account', timestampMs: startMs + skewMs });
      assert.equal(
        await refusal(fixture.authenticator.authenticate(request(signed, { method: 'GET', url: '/v1/account', rawBody: undefined }))),
        'AUTH_TIMESTAMP_OUT_OF_WINDOW',
        `skew ${skewMs}`,
      );
    }
    const garbage = { ...headers, [signatureHeaders.timestamp]: '12e3' };
    assert.equal(await refusal(fixture.authenticator.authenticate(request(garbage))), 'AUTH_TIMESTAMP_OUT_OF_WINDOW');
  });

  test('a replayed request is AUTH_REPLAYED_REQUEST, for as long as its timestamp is acceptable', async () => {
    await fixture.authenticator.authenticate(request(headers));
    assert.equal(await refusal(fixture.authenticator.authenticate(request(headers))), 'AUTH_REPLAYED_REQUEST');
    fixture.clock.advanceMs(5000);
    assert.equal(await refusal(fixture.authenticator.authenticate(request(headers))), 'AUTH_REPLAYED_REQUEST');
    fixture.clock.advanceMs(1);
    assert.equal(await refusal(fixture.authenticator.authenticate(request(headers))), 'AUTH_TIMESTAMP_OUT_OF_WINDOW');
  });

  test('the nonce makes identical requests in the same millisecond distinct', async () => {
    const first = signRequest({ keyId: key.keyId, secret: key.secret, method: 'GET', url: '/v1/account', timestampMs: startMs, nonce: 'a' });
    const second = signRequest({ keyId: key.keyId, secret: key.secret, method: 'GET', url: '/v1/account', timestampMs: startMs, nonce: 'b' });
    const get = { method: 'GET', url: '/v1/account', rawBody: undefined };
    assert.equal((await fixture.authenticator.authenticate(request(first, get))).kind, 'user');
    assert.equal((await fixture.authenticator.authenticate(request(second, get))).kind, 'user');
  });

  test('a refused request does not consume its replay slot', async () => {
    const get = { method: 'GET', url: '/v1/account', rawBody: undefined };
    const signed = signRequest({ keyId: key.keyId, secret: key.secret, method: 'GET', url: '/v1/account', timestampMs: startMs });
    const wrongSignature = { ...signed, [signatureHeaders.signature]: '0'.repeat(64) };
    assert.equal(await refusal(fixture.authenticator.authenticate(request(wrongSignature, get))), 'AUTH_INVALID_SIGNATURE');
    assert.equal(fixture.replayGuard.size, 0);
    assert.equal((await fixture.authenticator.authenticate(request(signed, get))).kind, 'user');
  });

  test('the IP allow-list: listed addresses pass, others are AUTH_FORBIDDEN', async () => {
    const restricted = await fixture.service.createApiKey(user.id, { scopes: ['read'], ipAllowList: ['10.1.0.0/16', '2001:db8::1'] }, system);
    const get = (ip: string) => request(signedHeaders(fixture, restricted, 'GET', '/v1/account'), { method: 'GET', url: '/v1/account', rawBody: undefined, ip });
    assert.equal((await fixture.authenticator.authenticate(get('10.1.200.3'))).kind, 'user');
    assert.equal((await fixture.authenticator.authenticate(get('::ffff:10.1.0.9'))).kind, 'user');
    assert.equal((await fixture.authenticator.authenticate(get('2001:db8::1'))).kind, 'user');
    assert.equal(await refusal(fixture.authenticator.authenticate(get('10.2.0.1'))), 'AUTH_FORBIDDEN');
    assert.equal(await refusal(fixture.authenticator.authenticate(get('2001:db8::2'))), 'AUTH_FORBIDDEN');
  });

  test('a disabled user is USER_DISABLED, at once', async () => {
    await fixture.authenticator.authenticate(request(headers));
    await fixture.service.setUserStatus(user.id, 'disabled', system);
    const again = signedHeaders(fixture, key, 'POST', '/v1/orders?symbol=BTC-EUR', body);
    assert.equal(await refusal(fixture.authenticator.authenticate(request(again))), 'USER_DISABLED');
  });

  test('the admin role adds admin permissions to its keys', async () => {
    const { key: adminKey } = await userWithKey(fixture, 'operator@example.com', ['read'], { roles: ['admin'] });
    const signed = signedHeaders(fixture, adminKey, 'GET', '/v1/admin/markets');
    const principal = await fixture.authenticator.authenticate(request(signed, { method: 'GET', url: '/v1/admin/markets', rawBody: undefined }));
    assert.ok(principal.kind === 'user' && principal.permissions.has('market:admin'));
  });
});

describe('WebSocket login', () => {
  test('a signed login message yields the principal; replays, tampering and bad shapes are refused', async () => {
    const fixture = createFixture();
    const { user, key } = await userWithKey(fixture, 'ws@example.com', ['read']);
    const message = signWebSocketLogin({ keyId: key.keyId, secret: key.secret, timestampMs: startMs, nonce: 'ws1' });
    const principal = await verifyWebSocketLogin(fixture.authenticator, message, '10.0.0.1');
    assert.equal(principal.userId, user.id);
    assert.equal(await refusal(fixture.authenticator.authenticateWebSocketLogin(message, '10.0.0.1')), 'AUTH_REPLAYED_REQUEST');
    const tampered = { ...message, nonce: 'ws2' };
    assert.equal(await refusal(fixture.authenticator.authenticateWebSocketLogin(tampered, '10.0.0.1')), 'AUTH_INVALID_SIGNATURE');
    const late = signWebSocketLogin({ keyId: key.keyId, secret: key.secret, timestampMs: startMs - 5001, nonce: 'ws3' });
    assert.equal(await refusal(fixture.authenticator.authenticateWebSocketLogin(late, '10.0.0.1')), 'AUTH_TIMESTAMP_OUT_OF_WINDOW');
    assert.equal(await refusal(fixture.authenticator.authenticateWebSocketLogin({ op: 'subscribe' }, '10.0.0.1')), 'AUTH_REQUIRED');
    assert.equal(await refusal(fixture.authenticator.authenticateWebSocketLogin('auth', '10.0.0.1')), 'AUTH_REQUIRED');
    assert.equal(await refusal(fixture.authenticator.authenticateWebSocketLogin({ ...message, timestampMs: '1' }, '10.0.0.1')), 'AUTH_TIMESTAMP_OUT_OF_WINDOW');
    assert.equal(await refusal(fixture.authenticator.authenticateWebSocketLogin({ ...message, key: 42 }, '10.0.0.1')), 'AUTH_INVALID_API_KEY');
  });
});
