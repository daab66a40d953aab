import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { apiKeyState, constrainByIssuer, normaliseEmail, permissionsFor, validateNewApiKey, validateNewUser, type ApiKey } from '../src/index.ts';

describe('users', () => {
  test('e-mails are trimmed and lower-cased; malformed ones are refused', () => {
    assert.equal(normaliseEmail('  Alice@Example.COM '), 'alice@example.com');
    for (const bad of ['', 'no-at', 'two@@at', 'a b@c.d', `${'x'.repeat(65)}@example.com`, 'a@\u0000b']) {
      assert.equal(normaliseEmail(bad), undefined, bad);
    }
  });

  test('defaults: the customer role and fee tier 0', () => {
    assert.deepEqual(validateNewUser({ email: 'a@b.c' }), { ok: true, user: { email: 'a@b.c', roles: ['customer'], feeTier: 0 } });
  });

  test('invalid roles and fee tiers are refused with a reason', () => {
    for (const input of [
      { email: 'a@b.c', roles: [] },
      { email: 'a@b.c', roles: ['Admin'] },
      { email: 'a@b.c', feeTier: -1 },
      { email: 'a@b.c', feeTier: 1.5 },
    ]) {
      const result = validateNewUser(input);
      assert.equal(result.ok, false, JSON.stringify(input));
    }
  });
});

describe('api keys', () => {
  const nowMs = 1_000_000;

  test('validation orders scopes and refuses bad input', () => {
    const valid = validateNewApiKey({ scopes: ['trade', 'read', 'trade'] }, nowMs);
    assert.deepEqual(valid, { ok: true, key: { scopes: ['read', 'trade'], label: '', ipAllowList: null, expiresAtMs: null } });
    for (const input of [
      { scopes: [] },
      { scopes: ['admin'] },
      { scopes: ['read'], label: 'x'.repeat(65) },
      { scopes: ['read'], label: '<script>' },
      { scopes: ['read'], ipAllowList: [] },
      { scopes: ['read'], expiresAtMs: nowMs },
      { scopes: ['read'], expiresAtMs: nowMs + 10 * 365 * 24 * 3600 * 1000 },
    ]) {
      assert.equal(validateNewApiKey(input, nowMs).ok, false, JSON.stringify(input));
    }
  });

  test('state: active, expired at expiresAtMs, revoked', () => {
    const key: ApiKey = { keyId: 'pk_x', userId: 1, label: '', scopes: ['read'], ipAllowList: null, expiresAtMs: 10, revokedAtMs: null, createdAtMs: 0 };
    assert.equal(apiKeyState(key, 9), 'active');
    assert.equal(apiKeyState(key, 10), 'expired');
    assert.equal(apiKeyState({ ...key, revokedAtMs: 5 }, 1), 'revoked');
  });

  test('a key issued by a key never exceeds it', () => {
    const issuer: ApiKey = { keyId: 'pk_i', userId: 1, label: '', scopes: ['read', 'trade'], ipAllowList: ['10.0.0.0/8'], expiresAtMs: 5000, revokedAtMs: null, createdAtMs: 0 };
    const base = { scopes: ['read'] as const, label: '', ipAllowList: null, expiresAtMs: null };
    assert.deepEqual(constrainByIssuer(base, issuer), { ok: true, key: { ...base, ipAllowList: ['10.0.0.0/8'], expiresAtMs: 5000 } });
    assert.equal(constrainByIssuer({ ...base, scopes: ['withdraw'] }, issuer).ok, false);
    assert.equal(constrainByIssuer({ ...base, ipAllowList: ['0.0.0.0/0'] }, issuer).ok, false);
    assert.equal(constrainByIssuer({ ...base, expiresAtMs: 6000 }, issuer).ok, false);
  });
});

describe('permissions', () => {
  test('scopes map to permissions; the admin role adds the admin ones', () => {
    assert.deepEqual([...permissionsFor(['customer'], ['read'])].sort(), ['account:read', 'order:read']);
    assert.deepEqual([...permissionsFor(['customer'], ['trade'])].sort(), ['account:read', 'api-key:write', 'order:read', 'order:write']);
    assert.ok(permissionsFor(['customer'], ['withdraw']).has('account:withdraw'));
    const admin = permissionsFor(['admin'], ['read']);
    for (const permission of ['market:admin', 'user:admin', 'ledger:admin', 'audit:read'] as const) assert.ok(admin.has(permission));
  });

  test('role names that collide with object members grant nothing', () => {
    assert.deepEqual([...permissionsFor(['constructor', 'tostring', '__proto__'], [])], []);
  });
});
