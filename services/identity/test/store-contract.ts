// The IdentityStore contract, run against every adapter (memory always, PostgreSQL when real
// services are enabled). Each test works on its own users, so one store serves the suite.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { IdentityStore, NewUserRecord, StoredApiKey, User } from '../src/index.ts';

export interface StoreHandle {
  readonly store: IdentityStore;
  close(): Promise<void>;
}

const baseMs = Date.UTC(2026, 0, 1);

function newUser(overrides: Partial<NewUserRecord> = {}): NewUserRecord {
  const tag = randomBytes(12).toString('base64url');
  return { publicId: `usr_${tag}`, email: `${tag.toLowerCase()}@example.com`, status: 'active', roles: ['customer'], feeTier: 0, createdAtMs: baseMs, ...overrides };
}

function newKey(userId: number, overrides: Partial<StoredApiKey> = {}): StoredApiKey {
  return {
    keyId: `pk_${randomBytes(16).toString('base64url')}`,
    userId,
    label: 'bot',
    scopes: ['read'],
    ipAllowList: null,
    expiresAtMs: null,
    revokedAtMs: null,
    createdAtMs: baseMs,
    sealedSecret: randomBytes(61),
    ...overrides,
  };
}

export function storeContract(name: string, open: () => Promise<StoreHandle>): void {
  describe(`IdentityStore contract: ${name}`, () => {
    let handle: StoreHandle;
    before(async () => {
      handle = await open();
    });
    after(() => handle.close());

    async function insertUser(overrides: Partial<NewUserRecord> = {}): Promise<User> {
      const result = await handle.store.insertUser(newUser(overrides));
      assert.ok(result.ok);
      return result.user;
    }

    test('users round trip with a safe-integer id, found by id, public id and e-mail', async () => {
      const record = newUser({ roles: ['customer', 'admin'], feeTier: 7 });
      const result = await handle.store.insertUser(record);
      assert.ok(result.ok);
      const { id, ...rest } = result.user;
      assert.ok(Number.isSafeInteger(id) && id > 0);
      assert.deepEqual(rest, record);
      assert.deepEqual(await handle.store.findUserById(id), result.user);
      assert.deepEqual(await handle.store.findUserByPublicId(record.publicId), result.user);
      assert.deepEqual(await handle.store.findUserByEmail(record.email), result.user);
      assert.equal(await handle.store.findUserById(9_000_000_000), undefined);
      assert.equal(await handle.store.findUserByEmail('nobody@example.com'), undefined);
    });

    test('ids increase', async () => {
      const first = await insertUser();
      const second = await insertUser();
      assert.ok(second.id > first.id);
    });

    test('a duplicate e-mail is USER_ALREADY_EXISTS', async () => {
      const user = await insertUser();
      assert.deepEqual(await handle.store.insertUser(newUser({ email: user.email })), { ok: false, code: 'USER_ALREADY_EXISTS' });
    });

    test('status updates', async () => {
      const user = await insertUser();
      assert.deepEqual(await handle.store.updateUserStatus(user.id, 'disabled'), { ...user, status: 'disabled' });
      assert.equal((await handle.store.findUserById(user.id))?.status, 'disabled');
      assert.equal(await handle.store.updateUserStatus(9_000_000_000, 'active'), undefined);
    });

    test('api keys round trip, sealed secret bytes included', async () => {
      const user = await insertUser();
      const key = newKey(user.id, { scopes: ['read', 'trade', 'withdraw'], ipAllowList: ['10.0.0.0/8', '::1'], expiresAtMs: baseMs + 1234 });
      await handle.store.insertApiKey(key);
      assert.deepEqual(await handle.store.findApiKey(key.keyId), key);
      assert.equal(await handle.store.findApiKey('pk_unknownunknownunknown'), undefined);
    });

    test('listing is newest first and bounded', async () => {
      const user = await insertUser();
      const keys = [0, 1, 2].map((index) => newKey(user.id, { createdAtMs: baseMs + index * 1000 }));
      for (const key of keys) await handle.store.insertApiKey(key);
      const listed = await handle.store.listApiKeys(user.id, 2);
      assert.deepEqual(listed.map((key) => key.keyId), [keys[2]?.keyId, keys[1]?.keyId]);
      assert.ok(!('sealedSecret' in (listed[0] ?? {})), 'listing never carries secrets');
      assert.deepEqual(await handle.store.listApiKeys(user.id + 1_000_000, 10), []);
    });

    test('active keys exclude revoked and expired ones', async () => {
      const user = await insertUser();
      const nowMs = baseMs + 10_000;
      await handle.store.insertApiKey(newKey(user.id));
      await handle.store.insertApiKey(newKey(user.id, { expiresAtMs: nowMs + 1 }));
      await handle.store.insertApiKey(newKey(user.id, { expiresAtMs: nowMs }));
      await handle.store.insertApiKey(newKey(user.id, { revokedAtMs: baseMs }));
      assert.equal(await handle.store.countActiveApiKeys(user.id, nowMs), 2);
    });

    test('revocation: the first one wins; unknown keys are undefined', async () => {
      const user = await insertUser();
      const key = newKey(user.id);
      await handle.store.insertApiKey(key);
      const revoked = await handle.store.revokeApiKey(key.keyId, baseMs + 5);
      assert.equal(revoked?.revokedAtMs, baseMs + 5);
      assert.equal((await handle.store.revokeApiKey(key.keyId, baseMs + 9))?.revokedAtMs, baseMs + 5);
      assert.equal((await handle.store.findApiKey(key.keyId))?.revokedAtMs, baseMs + 5);
      assert.equal(await handle.store.revokeApiKey('pk_unknownunknownunknown', baseMs), undefined);
    });
  });
}
