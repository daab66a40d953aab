// The OIDC provider's PostgreSQL storage (artifacts adapter, sealed signing keys) and the pure
// key rotation policy.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '@parite/kernel';
import type { TestDatabase } from '@parite/platform';
import { errors } from 'oidc-provider';
import { SecretBox } from '../src/app/secret-box.ts';
import { postgresOidcAdapter, pruneExpiredOidcArtifacts } from '../src/oidc/postgres-adapter.ts';
import { PostgresSigningKeyStore } from '../src/oidc/postgres-signing-key-store.ts';
import {
  keyRotationPolicyDefault, planRotation, publishedKeys, SigningKeyRotation, type SigningKeyRecord,
} from '../src/oidc/signing-keys.ts';
import { freshOidcDatabase, startOidcTestServer, type OidcTestServer } from './support/oidc-database.ts';

let server: OidcTestServer;
let database: TestDatabase;
const startMs = Date.UTC(2026, 0, 1);

before(async () => {
  server = await startOidcTestServer();
  database = await freshOidcDatabase(server);
});

after(async () => {
  await database?.drop();
  await server?.close();
});

describe('PostgreSQL oidc adapter', () => {
  it('stores no token value: ids as digests, payloads without jti', async () => {
    const adapter = postgresOidcAdapter(database.sql, { clock: new ManualClock(startMs) })('RefreshToken');
    const token = randomBytes(32).toString('base64url');
    await adapter.upsert(token, { jti: token, grantId: 'grant-1', accountId: 'usr_x', kind: 'RefreshToken' }, 600);
    const dump = JSON.stringify(await database.sql`select encode(id_digest, 'hex') as id, payload::text as payload from oidc_artifacts`);
    assert.ok(!dump.includes(token), 'the token value is not in the table');
    const found = await adapter.find(token);
    assert.equal(found?.jti, token);
    assert.equal(found?.accountId, 'usr_x');
  });

  it('honours expiry on read, whatever the pruner did', async () => {
    const clock = new ManualClock(startMs);
    const adapter = postgresOidcAdapter(database.sql, { clock })('AuthorizationCode');
    await adapter.upsert('code-expiring', { grantId: 'grant-2', kind: 'AuthorizationCode' }, 60);
    clock.advanceMs(59_999);
    assert.ok(await adapter.find('code-expiring'));
    clock.advanceMs(1);
    assert.equal(await adapter.find('code-expiring'), undefined);
    assert.ok(await pruneExpiredOidcArtifacts(database.sql, clock.nowMs()) >= 1);
  });

  it('consumes once; a second consumption revokes the whole grant and fails with invalid_grant', async () => {
    const factory = postgresOidcAdapter(database.sql, { clock: new ManualClock(startMs) });
    const refreshTokens = factory('RefreshToken');
    const grants = factory('Grant');
    await grants.upsert('grant-3', { accountId: 'usr_x', clientId: 'c', kind: 'Grant' }, 600);
    await refreshTokens.upsert('rt-a', { grantId: 'grant-3', kind: 'RefreshToken' }, 600);
    await refreshTokens.upsert('rt-b', { grantId: 'grant-3', kind: 'RefreshToken' }, 600);
    await refreshTokens.consume('rt-a');
    assert.equal(typeof (await refreshTokens.find('rt-a'))?.consumed, 'number');
    await assert.rejects(refreshTokens.consume('rt-a'), errors.InvalidGrant);
    assert.equal(await refreshTokens.find('rt-b'), undefined, 'the sibling token died with the family');
    assert.equal(await grants.find('grant-3'), undefined, 'the grant is gone');
  });

  it('lets exactly one of many concurrent consumptions win', async () => {
    const adapter = postgresOidcAdapter(database.sql, { clock: new ManualClock(startMs) })('AuthorizationCode');
    await adapter.upsert('code-race', { grantId: 'grant-4', kind: 'AuthorizationCode' }, 600);
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => adapter.consume('code-race')));
    assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
  });

  it('revokes by grant id within its model, finds sessions by uid and device codes by user code', async () => {
    const factory = postgresOidcAdapter(database.sql, { clock: new ManualClock(startMs) });
    const codes = factory('AuthorizationCode');
    await codes.upsert('code-5', { grantId: 'grant-5', kind: 'AuthorizationCode' }, 600);
    await codes.revokeByGrantId('grant-5');
    assert.equal(await codes.find('code-5'), undefined);
    const sessions = factory('Session');
    await sessions.upsert('session-cookie-value', { uid: 'uid-1', accountId: 'usr_y', kind: 'Session' }, 600);
    assert.equal((await sessions.findByUid('uid-1'))?.accountId, 'usr_y');
    const deviceCodes = factory('DeviceCode');
    await deviceCodes.upsert('device-1', { userCode: 'ABCD-EFGH', kind: 'DeviceCode' }, 600);
    assert.equal((await deviceCodes.findByUserCode('ABCD-EFGH'))?.kind, 'DeviceCode');
    await deviceCodes.destroy('device-1');
    assert.equal(await deviceCodes.findByUserCode('ABCD-EFGH'), undefined);
  });

  it('does not keep the session cookie an interaction records', async () => {
    const interactions = postgresOidcAdapter(database.sql, { clock: new ManualClock(startMs) })('Interaction');
    await interactions.upsert('interaction-1', { kind: 'Interaction', session: { uid: 'u', cookie: 'secret-session-id', accountId: 'usr_z' } }, 600);
    const found = await interactions.find('interaction-1');
    assert.deepEqual(found?.session, { uid: 'u', accountId: 'usr_z' });
  });
});

describe('PostgreSQL signing key store', () => {
  it('seals private keys under the master key, bound to the kid', async () => {
    await database.sql`delete from oidc_signing_keys`;
    const masterKey = randomBytes(32);
    const store = new PostgresSigningKeyStore(database.sql, new SecretBox(masterKey));
    const created = await store.createKey('active', startMs);
    assert.ok(created !== undefined);
    const active = await store.activeSigningKey();
    assert.equal(active?.kid, created.kid);
    assert.equal(typeof (active?.key as { d?: unknown }).d, 'string');
    const rows = await database.sql`select public_jwk::text as jwk from oidc_signing_keys`;
    assert.ok(!String(rows[0]?.['jwk']).includes('"d"'), 'no private member in the public column');
    assert.equal(await store.createKey('active', startMs), undefined, 'a second active key is refused');
    const wrongKey = new PostgresSigningKeyStore(database.sql, new SecretBox(randomBytes(32)));
    await assert.rejects(wrongKey.activeSigningKey(), /does not open/);
  });

  it('rotates: stage, activate after the lead time, retire with the private half wiped, delete after retention', async () => {
    await database.sql`delete from oidc_signing_keys`;
    const clock = new ManualClock(startMs);
    const store = new PostgresSigningKeyStore(database.sql, new SecretBox(randomBytes(32)));
    const policy = { rotationPeriodMs: 10_000, publishLeadMs: 1_000, retentionMs: 5_000 };
    const rotation = new SigningKeyRotation(store, { clock, policy });
    assert.deepEqual(await rotation.tick(), { step: 'create-active', applied: true, deletedKeys: 0 });
    const first = (await store.activeSigningKey())?.kid;
    clock.advanceMs(10_000);
    assert.equal((await rotation.tick()).step, 'create-pending');
    assert.equal((await rotation.publishedJwks()).keys.length, 2, 'the staged key is published before it signs');
    assert.equal((await store.activeSigningKey())?.kid, first);
    clock.advanceMs(1_000);
    assert.equal((await rotation.tick()).step, 'activate');
    assert.notEqual((await store.activeSigningKey())?.kid, first);
    const wiped = await database.sql`select sealed_private_key from oidc_signing_keys where kid = ${first as string}`;
    assert.equal(wiped[0]?.['sealed_private_key'], null);
    assert.equal((await rotation.publishedJwks()).keys.length, 2, 'the retired key is still published');
    clock.advanceMs(5_000);
    assert.equal((await rotation.tick()).deletedKeys, 1);
    assert.equal((await rotation.publishedJwks()).keys.length, 1);
  });

  it('lets concurrent ticks create only one key', async () => {
    await database.sql`delete from oidc_signing_keys`;
    const store = new PostgresSigningKeyStore(database.sql, new SecretBox(randomBytes(32)));
    const rotation = new SigningKeyRotation(store, { clock: new ManualClock(startMs) });
    const reports = await Promise.all([rotation.tick(), rotation.tick(), rotation.tick()]);
    assert.equal(reports.filter((report) => report.applied).length, 1);
    assert.equal((await store.listKeys()).length, 1);
  });
});

describe('rotation policy', () => {
  const key = (state: SigningKeyRecord['state'], createdAtMs: number, extra: Partial<SigningKeyRecord> = {}): SigningKeyRecord => ({
    kid: `${state}-${createdAtMs}`, algorithm: 'ES256', state, publicJwk: { kty: 'EC', kid: `${state}-${createdAtMs}` }, createdAtMs,
    activatedAtMs: state === 'active' ? createdAtMs : undefined, retiredAtMs: undefined, ...extra,
  });
  const policy = keyRotationPolicyDefault;

  it('bootstraps, stages after the period, activates after the lead time', () => {
    assert.deepEqual(planRotation([], 0, policy), { kind: 'create-active' });
    assert.deepEqual(planRotation([key('active', 0)], policy.rotationPeriodMs - 1, policy), { kind: 'none' });
    assert.deepEqual(planRotation([key('active', 0)], policy.rotationPeriodMs, policy), { kind: 'create-pending' });
    const staged = [key('active', 0), key('pending', 100)];
    assert.deepEqual(planRotation(staged, 100 + policy.publishLeadMs - 1, policy), { kind: 'none' });
    assert.deepEqual(planRotation(staged, 100 + policy.publishLeadMs, policy), { kind: 'activate', kid: 'pending-100' });
    assert.deepEqual(planRotation([key('pending', 5)], 6, policy), { kind: 'activate', kid: 'pending-5' });
  });

  it('publishes retired keys only within retention', () => {
    const keys = [key('retired', 0, { retiredAtMs: 1_000 }), key('active', 500)];
    assert.equal(publishedKeys(keys, 1_000 + policy.retentionMs - 1, policy.retentionMs).length, 2);
    assert.equal(publishedKeys(keys, 1_000 + policy.retentionMs, policy.retentionMs).length, 1);
  });
});
