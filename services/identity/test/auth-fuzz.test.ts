// Property: garbage credentials never crash authentication. Whatever the X-Parite-* headers hold
// (missing, repeated, malformed, near misses of a real key), the reply is an AUTH_* (or
// USER_/REQUEST_) error from the catalogue, never a 500, and never a success.
import { errorCatalogue, isErrorCode } from '@parite/contracts';
import { createHttpApp } from '@parite/http';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { identityPlugin, signRequest } from '../src/index.ts';
import { createFixture, startMs, userWithKey } from './fixture.ts';

const runs = 500;

test(`random credentials never authenticate and never produce a 500 (${runs} runs)`, async () => {
  const fixture = createFixture();
  const { key } = await userWithKey(fixture, 'fuzz@example.com', ['read']);
  const app = createHttpApp({ authenticator: fixture.authenticator, openApi: { title: 'Fuzz', version: '1' }, rateLimit: false });
  await app.register(identityPlugin, { service: fixture.service });
  await app.ready();
  const genuine = signRequest({ keyId: key.keyId, secret: key.secret, method: 'GET', url: '/v1/account', timestampMs: startMs, nonce: 'genuine' });
  const text = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 80 });
  const field = (real: string | undefined) => fc.option(fc.oneof(fc.constant(real ?? ''), text, text.map((noise) => `${real ?? ''}${noise}`)), { nil: undefined });
  const headers = fc.record({
    'x-parite-key': field(genuine['X-Parite-Key']),
    'x-parite-timestamp': fc.option(fc.oneof(fc.integer({ min: startMs - 10_000, max: startMs + 10_000 }).map(String), text), { nil: undefined }),
    'x-parite-nonce': field('genuine'),
    'x-parite-signature': field(genuine['X-Parite-Signature']),
  });
  const url = fc.constantFrom('/v1/account', '/v1/api-keys', '/v1/account?x=1');
  try {
    await fc.assert(
      fc.asyncProperty(headers, url, async (candidate, target) => {
        const sent = Object.fromEntries(Object.entries(candidate).filter(([, value]) => value !== undefined)) as Record<string, string>;
        const isGenuine =
          target === '/v1/account' &&
          sent['x-parite-key'] === genuine['X-Parite-Key'] &&
          sent['x-parite-timestamp'] === genuine['X-Parite-Timestamp'] &&
          sent['x-parite-nonce'] === 'genuine' &&
          sent['x-parite-signature'] === genuine['X-Parite-Signature'];
        const reply = await app.inject({ method: 'GET', url: target, headers: sent });
        assert.notEqual(reply.statusCode, 500, reply.body);
        if (isGenuine) return; // the first genuine one succeeds, repeats are replays: both fine
        assert.ok(reply.statusCode >= 400, `accepted forged credentials: ${JSON.stringify(sent)}`);
        const code = (JSON.parse(reply.body) as { error: { code: string } }).error.code;
        assert.ok(isErrorCode(code));
        assert.equal(errorCatalogue[code].httpStatus, reply.statusCode);
      }),
      { numRuns: runs },
    );
  } finally {
    await app.close();
  }
});
