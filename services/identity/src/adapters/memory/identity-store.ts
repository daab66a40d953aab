// In-memory IdentityStore: tests, the simulator and single-process demos. Same contract as the
// PostgreSQL adapter (test/store-contract.ts runs against both).
import { assert } from '@parite/kernel';
import { apiKeyState, type ApiKey } from '../../domain/api-key.ts';
import type { User, UserStatus } from '../../domain/user.ts';
import type { IdentityStore, InsertUserResult, NewUserRecord, StoredApiKey } from '../../app/ports.ts';

export class MemoryIdentityStore implements IdentityStore {
  private readonly usersById = new Map<number, User>();
  private readonly userIdsByEmail = new Map<string, number>();
  private readonly userIdsByPublicId = new Map<string, number>();
  private readonly keys = new Map<string, StoredApiKey>();
  private lastUserId = 0;

  insertUser(record: NewUserRecord): Promise<InsertUserResult> {
    if (this.userIdsByEmail.has(record.email)) return Promise.resolve({ ok: false, code: 'USER_ALREADY_EXISTS' });
    assert(!this.userIdsByPublicId.has(record.publicId), 'user public ids are unique');
    this.lastUserId += 1;
    const user: User = { ...record, id: this.lastUserId, roles: [...record.roles] };
    this.usersById.set(user.id, user);
    this.userIdsByEmail.set(user.email, user.id);
    this.userIdsByPublicId.set(user.publicId, user.id);
    return Promise.resolve({ ok: true, user });
  }

  findUserById(id: number): Promise<User | undefined> {
    return Promise.resolve(this.usersById.get(id));
  }

  findUserByPublicId(publicId: string): Promise<User | undefined> {
    const id = this.userIdsByPublicId.get(publicId);
    return Promise.resolve(id === undefined ? undefined : this.usersById.get(id));
  }

  findUserByEmail(email: string): Promise<User | undefined> {
    const id = this.userIdsByEmail.get(email);
    return Promise.resolve(id === undefined ? undefined : this.usersById.get(id));
  }

  updateUserStatus(id: number, status: UserStatus): Promise<User | undefined> {
    const user = this.usersById.get(id);
    if (user === undefined) return Promise.resolve(undefined);
    const updated: User = { ...user, status };
    this.usersById.set(id, updated);
    return Promise.resolve(updated);
  }

  updateUserRoles(id: number, roles: readonly string[]): Promise<User | undefined> {
    const user = this.usersById.get(id);
    if (user === undefined) return Promise.resolve(undefined);
    const updated: User = { ...user, roles: [...roles] };
    this.usersById.set(id, updated);
    return Promise.resolve(updated);
  }

  insertApiKey(key: StoredApiKey): Promise<void> {
    assert(!this.keys.has(key.keyId), 'api key ids are unique');
    assert(this.usersById.has(key.userId), 'an api key belongs to an existing user');
    this.keys.set(key.keyId, { ...key, sealedSecret: Buffer.from(key.sealedSecret) });
    return Promise.resolve();
  }

  findApiKey(keyId: string): Promise<StoredApiKey | undefined> {
    return Promise.resolve(this.keys.get(keyId));
  }

  listApiKeys(userId: number, limit: number): Promise<ApiKey[]> {
    const owned = [...this.keys.values()].filter((key) => key.userId === userId);
    // Newest first; the key id breaks ties so the order is total, as in PostgreSQL.
    owned.sort((left, right) => right.createdAtMs - left.createdAtMs || (left.keyId < right.keyId ? 1 : -1));
    return Promise.resolve(owned.slice(0, limit).map(withoutSecret));
  }

  countActiveApiKeys(userId: number, nowMs: number): Promise<number> {
    let count = 0;
    for (const key of this.keys.values()) if (key.userId === userId && apiKeyState(key, nowMs) === 'active') count++;
    return Promise.resolve(count);
  }

  revokeApiKey(keyId: string, revokedAtMs: number): Promise<ApiKey | undefined> {
    const key = this.keys.get(keyId);
    if (key === undefined) return Promise.resolve(undefined);
    const revoked: StoredApiKey = key.revokedAtMs === null ? { ...key, revokedAtMs } : key;
    this.keys.set(keyId, revoked);
    return Promise.resolve(withoutSecret(revoked));
  }
}

function withoutSecret(key: StoredApiKey): ApiKey {
  const { sealedSecret: _sealed, ...rest } = key;
  return rest;
}
