// IdentityService: users, key lifecycle, limits, issuer constraints and the audit trail.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { apiKeysActivePerUserMax, IdentityService, MemoryIdentityStore, type AuditSink } from '../src/index.ts';
import { createFixture, masterKey, startMs, system, userWithKey, refusal } from './fixture.ts';

describe('IdentityService users', () => {
  test('createUser normalises the e-mail, assigns ids and audits', async () => {
    const fixture = createFixture();
    const user = await fixture.service.createUser({ email: ' Bob@Example.com ' }, system);
    assert.equal(user.email, 'bob@example.com');
    assert.match(user.publicId, /^usr_[A-Za-z0-9_-]{16}$/);
    assert.deepEqual(user.roles, ['customer']);
    assert.equal(user.status, 'active');
    assert.equal(user.createdAtMs, startMs);
    assert.deepEqual(await fixture.service.getUser(user.id), user);
    assert.deepEqual(await fixture.service.getUserByPublicId(user.publicId), user);
    assert.deepEqual(await fixture.service.findUserByEmail('BOB@example.com'), user);
    assert.deepEqual(fixture.audit.entries, [
      { actorKind: 'system', actorId: 'test', action: 'user.create', targetKind: 'user', targetId: user.publicId, details: { email: 'bob@example.com', roles: ['customer'], feeTier: 0 } },
    ]);
  });

  test('refusals: duplicate e-mail, invalid parameters, unknown user', async () => {
    const fixture = createFixture();
    await fixture.service.createUser({ email: 'dup@example.com' }, system);
    assert.equal(await refusal(fixture.service.createUser({ email: 'DUP@example.com' }, system)), 'USER_ALREADY_EXISTS');
    assert.equal(await refusal(fixture.service.createUser({ email: 'not-an-email' }, system)), 'USER_INVALID_PARAMETERS');
    assert.equal(await refusal(fixture.service.getUser(404)), 'USER_UNKNOWN');
    assert.equal(await refusal(fixture.service.setUserStatus(404, 'disabled', system)), 'USER_UNKNOWN');
  });
});

describe('IdentityService API keys', () => {
  test('createApiKey returns the secret once; the store holds it sealed; the audit never sees it', async () => {
    const fixture = createFixture();
    const { user, key } = await userWithKey(fixture, 'keys@example.com', ['read']);
    assert.match(key.keyId, /^pk_[A-Za-z0-9_-]{22}$/);
    assert.match(key.secret, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(key.secret, 'base64url').length, 32);
    const stored = await fixture.store.findApiKey(key.keyId);
    assert.ok(stored !== undefined);
    assert.ok(!stored.sealedSecret.includes(Buffer.from(key.secret, 'base64url')));
    assert.ok(!JSON.stringify(fixture.audit.entries).includes(key.secret));
    const created = fixture.audit.entries.at(-1);
    assert.equal(created?.action, 'api_key.create');
    assert.equal(created?.targetId, key.keyId);
    assert.deepEqual(created?.details, { userPublicId: user.publicId, scopes: ['read'], label: '', ipAllowList: null, expiresAtMs: null });
    const resolved = await fixture.service.resolveApiKey(key.keyId);
    assert.equal(resolved?.secret, key.secret);
  });

  test('keys sealed under one master key do not open under another', async () => {
    const fixture = createFixture();
    const { key } = await userWithKey(fixture, 'rotate@example.com');
    const otherKey = Buffer.from(masterKey).fill(7);
    const other = new IdentityService({ store: fixture.store, audit: fixture.audit, masterKey: otherKey, clock: fixture.clock });
    await assert.rejects(other.resolveApiKey(key.keyId), /does not open/);
  });

  test('invalid parameters, disabled users and the active-key limit are refused', async () => {
    const fixture = createFixture();
    const user = await fixture.service.createUser({ email: 'limit@example.com' }, system);
    assert.equal(await refusal(fixture.service.createApiKey(user.id, { scopes: ['read'], ipAllowList: ['10.0.0.0/33'] }, system)), 'API_KEY_INVALID_PARAMETERS');
    assert.equal(await refusal(fixture.service.createApiKey(user.id, { scopes: ['read'], ipAllowList: ['example.com'] }, system)), 'API_KEY_INVALID_PARAMETERS');
    assert.equal(await refusal(fixture.service.createApiKey(user.id, { scopes: ['read'], expiresAtMs: startMs }, system)), 'API_KEY_INVALID_PARAMETERS');
    for (let index = 0; index < apiKeysActivePerUserMax; index++) await fixture.service.createApiKey(user.id, { scopes: ['read'] }, system);
    assert.equal(await refusal(fixture.service.createApiKey(user.id, { scopes: ['read'] }, system)), 'API_KEY_LIMIT_REACHED');
    const [newest] = await fixture.service.listApiKeys(user.id);
    assert.ok(newest !== undefined);
    await fixture.service.revokeApiKey(user.id, newest.keyId, system);
    await fixture.service.createApiKey(user.id, { scopes: ['read'] }, system);
    await fixture.service.setUserStatus(user.id, 'disabled', system);
    assert.equal(await refusal(fixture.service.createApiKey(user.id, { scopes: ['read'] }, system)), 'USER_DISABLED');
  });

  test('a key issued with a key cannot exceed it', async () => {
    const fixture = createFixture();
    const { user, key } = await userWithKey(fixture, 'issuer@example.com', ['read', 'trade'], { ipAllowList: ['10.0.0.0/8'], expiresAtMs: startMs + 60_000 });
    const options = { issuingKeyId: key.keyId };
    const child = await fixture.service.createApiKey(user.id, { scopes: ['read'] }, system, options);
    assert.deepEqual(child.apiKey.ipAllowList, ['10.0.0.0/8'], 'inherits the allow-list');
    assert.equal(child.apiKey.expiresAtMs, startMs + 60_000, 'inherits the expiry');
    assert.equal(await refusal(fixture.service.createApiKey(user.id, { scopes: ['withdraw'] }, system, options)), 'AUTH_FORBIDDEN');
    assert.equal(await refusal(fixture.service.createApiKey(user.id, { scopes: ['read'], ipAllowList: ['192.168.0.1'] }, system, options)), 'AUTH_FORBIDDEN');
    assert.equal(await refusal(fixture.service.createApiKey(user.id, { scopes: ['read'], expiresAtMs: startMs + 120_000 }, system, options)), 'AUTH_FORBIDDEN');
  });

  test('revocation: owner only, idempotent, audited once', async () => {
    const fixture = createFixture();
    const { user, key } = await userWithKey(fixture, 'owner@example.com');
    const { user: other } = await userWithKey(fixture, 'other@example.com');
    assert.equal(await refusal(fixture.service.revokeApiKey(other.id, key.keyId, system)), 'API_KEY_UNKNOWN');
    assert.equal(await refusal(fixture.service.revokeApiKey(user.id, 'pk_doesnotexistdoesnotexist', system)), 'API_KEY_UNKNOWN');
    fixture.clock.advanceMs(10);
    const revoked = await fixture.service.revokeApiKey(user.id, key.keyId, system);
    assert.equal(revoked.revokedAtMs, startMs + 10);
    fixture.clock.advanceMs(10);
    assert.equal((await fixture.service.revokeApiKey(user.id, key.keyId, system)).revokedAtMs, startMs + 10);
    assert.equal(fixture.audit.entries.filter((entry) => entry.action === 'api_key.revoke').length, 1);
    const listed = await fixture.service.listApiKeys(user.id);
    assert.deepEqual(listed.map((entry) => [entry.keyId, entry.revokedAtMs]), [[key.keyId, startMs + 10]]);
  });

  test('if the audit append fails, the new key is withdrawn', async () => {
    const fixture = createFixture();
    const user = await fixture.service.createUser({ email: 'audit@example.com' }, system);
    const failing: AuditSink = { append: () => Promise.reject(new Error('audit log down')) };
    const service = new IdentityService({ store: fixture.store, audit: failing, masterKey, clock: fixture.clock });
    await assert.rejects(service.createApiKey(user.id, { scopes: ['read'] }, system), /audit log down/);
    const [withdrawn] = await fixture.service.listApiKeys(user.id);
    assert.ok(withdrawn !== undefined && withdrawn.revokedAtMs !== null);
  });

  test('the key cache is bounded and expires', async () => {
    const store = new MemoryIdentityStore();
    const fixture = createFixture(store);
    const service = new IdentityService({ store, audit: fixture.audit, masterKey, clock: fixture.clock, apiKeyCache: { entriesMax: 2, ttlMs: 1000 } });
    const user = await service.createUser({ email: 'cache@example.com' }, system);
    const keys = await Promise.all([0, 1, 2].map(() => service.createApiKey(user.id, { scopes: ['read'] }, system)));
    for (const key of keys) assert.equal((await service.resolveApiKey(key.keyId))?.secret, key.secret);
    // A revocation written by another process (straight to the store) is seen once the TTL passes.
    const first = keys[2];
    assert.ok(first !== undefined);
    await store.revokeApiKey(first.keyId, fixture.clock.nowMs());
    assert.equal((await service.resolveApiKey(first.keyId))?.key.revokedAtMs, null, 'still cached');
    fixture.clock.advanceMs(1000);
    assert.notEqual((await service.resolveApiKey(first.keyId))?.key.revokedAtMs, null, 'reloaded after the TTL');
  });
});
