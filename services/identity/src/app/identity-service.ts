// Use cases: users and their API keys. Domain rules decide; this layer does the I/O (store,
// sealing, audit) and turns refusals into ServiceErrors for the edges (HTTP, CLI).
import { ServiceError } from '@parite/contracts';
import { systemClock, type Clock } from '@parite/kernel';
import {
  apiKeysActivePerUserMax,
  apiKeysListedMax,
  constrainByIssuer,
  validateNewApiKey,
  type ApiKey,
  type NewApiKeyInput,
  type ValidNewApiKey,
} from '../domain/api-key.ts';
import { validateNewUser, type NewUserInput, type User, type UserStatus } from '../domain/user.ts';
import { CachedApiKeyResolver, sealingContext, type ApiKeyCacheOptions, type ApiKeyResolver, type ResolvedApiKey } from './api-key-resolver.ts';
import { cryptoRandom, newApiKeyId, newApiKeySecret, newUserPublicId } from './ids.ts';
import { parseIpAllowList } from './ip-allow-list.ts';
import type { AuditActor, AuditSink, IdentityStore, RandomSource } from './ports.ts';
import { SecretBox } from './secret-box.ts';

export interface IdentityServiceDependencies {
  readonly store: IdentityStore;
  readonly audit: AuditSink;
  /** 32 bytes; API key secrets are sealed under it with AES-256-GCM. */
  readonly masterKey: Buffer;
  readonly clock?: Clock;
  readonly random?: RandomSource;
  readonly apiKeyCache?: ApiKeyCacheOptions;
}

export interface CreatedApiKey {
  readonly keyId: string;
  /** Shown once: it is not retrievable afterwards. */
  readonly secret: string;
  readonly apiKey: ApiKey;
}

export interface CreateApiKeyOptions {
  /** The key the request was signed with: the new key may not exceed it (scopes, IPs, expiry). */
  readonly issuingKeyId?: string;
}

export class IdentityService implements ApiKeyResolver {
  private readonly store: IdentityStore;
  private readonly audit: AuditSink;
  private readonly secretBox: SecretBox;
  private readonly clock: Clock;
  private readonly random: RandomSource;
  private readonly resolver: CachedApiKeyResolver;

  constructor(dependencies: IdentityServiceDependencies) {
    this.store = dependencies.store;
    this.audit = dependencies.audit;
    this.secretBox = new SecretBox(dependencies.masterKey);
    this.clock = dependencies.clock ?? systemClock;
    this.random = dependencies.random ?? cryptoRandom;
    this.resolver = new CachedApiKeyResolver(this.store, this.secretBox, this.clock, dependencies.apiKeyCache);
  }

  async createUser(input: NewUserInput, actor: AuditActor): Promise<User> {
    const validation = validateNewUser(input);
    if (!validation.ok) throw new ServiceError(validation.code, { reason: validation.reason });
    const { email, roles, feeTier } = validation.user;
    const publicId = newUserPublicId(this.random);
    const inserted = await this.store.insertUser({ publicId, email, status: 'active', roles, feeTier, createdAtMs: this.clock.nowMs() });
    if (!inserted.ok) throw new ServiceError(inserted.code);
    await this.audit.append({ ...auditActor(actor), action: 'user.create', targetKind: 'user', targetId: publicId, details: { email, roles: [...roles], feeTier } });
    return inserted.user;
  }

  async getUser(userId: number): Promise<User> {
    const user = await this.store.findUserById(userId);
    if (user === undefined) throw new ServiceError('USER_UNKNOWN');
    return user;
  }

  async getUserByPublicId(publicId: string): Promise<User> {
    const user = await this.store.findUserByPublicId(publicId);
    if (user === undefined) throw new ServiceError('USER_UNKNOWN');
    return user;
  }

  findUserByEmail(email: string): Promise<User | undefined> {
    return this.store.findUserByEmail(email.trim().toLowerCase());
  }

  async setUserStatus(userId: number, status: UserStatus, actor: AuditActor): Promise<User> {
    const user = await this.store.updateUserStatus(userId, status);
    if (user === undefined) throw new ServiceError('USER_UNKNOWN');
    this.resolver.forgetUser(userId);
    await this.audit.append({ ...auditActor(actor), action: 'user.set_status', targetKind: 'user', targetId: user.publicId, details: { status } });
    return user;
  }

  /**
   * Replaces a user's roles (staff role grants run here once four-eyes approved them). Cached API
   * keys of the user are dropped at once; other processes see the change within the cache TTL.
   */
  async setUserRoles(userId: number, roles: readonly string[], actor: AuditActor): Promise<User> {
    const before = await this.getUser(userId);
    const validation = validateNewUser({ email: before.email, roles, feeTier: before.feeTier });
    if (!validation.ok) throw new ServiceError(validation.code, { reason: validation.reason });
    const user = await this.store.updateUserRoles(userId, validation.user.roles);
    if (user === undefined) throw new ServiceError('USER_UNKNOWN');
    this.resolver.forgetUser(userId);
    await this.audit.append({ ...auditActor(actor), action: 'user.set_roles', targetKind: 'user', targetId: user.publicId,
      details: { before: [...before.roles], after: [...user.roles] } });
    return user;
  }

  async createApiKey(userId: number, input: NewApiKeyInput, actor: AuditActor, options: CreateApiKeyOptions = {}): Promise<CreatedApiKey> {
    const user = await this.getUser(userId);
    if (user.status !== 'active') throw new ServiceError('USER_DISABLED');
    const nowMs = this.clock.nowMs();
    const valid = await this.constrained(userId, checkApiKeyInput(input, nowMs), options.issuingKeyId);
    if ((await this.store.countActiveApiKeys(userId, nowMs)) >= apiKeysActivePerUserMax) {
      throw new ServiceError('API_KEY_LIMIT_REACHED', { activeKeysMax: apiKeysActivePerUserMax });
    }
    const keyId = newApiKeyId(this.random);
    const secret = newApiKeySecret(this.random);
    const sealedSecret = this.secretBox.seal(Buffer.from(secret, 'base64url'), sealingContext(keyId));
    const apiKey: ApiKey = { keyId, userId, ...valid, revokedAtMs: null, createdAtMs: nowMs };
    await this.store.insertApiKey({ ...apiKey, sealedSecret });
    const details = { userPublicId: user.publicId, scopes: [...valid.scopes], label: valid.label, ipAllowList: valid.ipAllowList, expiresAtMs: valid.expiresAtMs };
    try {
      await this.audit.append({ ...auditActor(actor), action: 'api_key.create', targetKind: 'api_key', targetId: keyId, details });
    } catch (error) {
      // Every usable key has an audit record: without one, the key is withdrawn before anyone sees it.
      await this.store.revokeApiKey(keyId, nowMs);
      throw error;
    }
    return { keyId, secret, apiKey };
  }

  async revokeApiKey(userId: number, keyId: string, actor: AuditActor): Promise<ApiKey> {
    const existing = await this.store.findApiKey(keyId);
    if (existing === undefined || existing.userId !== userId) throw new ServiceError('API_KEY_UNKNOWN');
    const revoked = await this.store.revokeApiKey(keyId, this.clock.nowMs());
    if (revoked === undefined) throw new ServiceError('API_KEY_UNKNOWN');
    this.resolver.forgetKey(keyId);
    if (existing.revokedAtMs === null) {
      await this.audit.append({ ...auditActor(actor), action: 'api_key.revoke', targetKind: 'api_key', targetId: keyId, details: {} });
    }
    return revoked;
  }

  listApiKeys(userId: number): Promise<ApiKey[]> {
    return this.store.listApiKeys(userId, apiKeysListedMax);
  }

  /** The authenticator's hot path (cached). Returns revoked and expired keys too: the caller decides. */
  resolveApiKey(keyId: string): Promise<ResolvedApiKey | undefined> {
    return this.resolver.resolveApiKey(keyId);
  }

  private async constrained(userId: number, valid: ValidNewApiKey, issuingKeyId: string | undefined): Promise<ValidNewApiKey> {
    if (issuingKeyId === undefined) return valid;
    const issuer = await this.store.findApiKey(issuingKeyId);
    if (issuer === undefined || issuer.userId !== userId) throw new ServiceError('AUTH_FORBIDDEN', { reason: 'unknown issuing key' });
    const check = constrainByIssuer(valid, issuer);
    if (!check.ok) throw new ServiceError('AUTH_FORBIDDEN', { reason: check.reason });
    return check.key;
  }
}

function checkApiKeyInput(input: NewApiKeyInput, nowMs: number): ValidNewApiKey {
  const validation = validateNewApiKeyWithIps(input, nowMs);
  if (!validation.ok) throw new ServiceError('API_KEY_INVALID_PARAMETERS', { reason: validation.reason });
  return validation.key;
}

function validateNewApiKeyWithIps(input: NewApiKeyInput, nowMs: number): ReturnType<typeof validateNewApiKey> {
  const validation = validateNewApiKey(input, nowMs);
  if (!validation.ok || validation.key.ipAllowList === null) return validation;
  const parsed = parseIpAllowList(validation.key.ipAllowList);
  if (!parsed.ok) return { ok: false, code: 'API_KEY_INVALID_PARAMETERS', reason: parsed.reason };
  return { ok: true, key: { ...validation.key, ipAllowList: parsed.entries } };
}

function auditActor(actor: AuditActor): { actorKind: string; actorId: string } {
  return { actorKind: actor.kind, actorId: actor.id };
}
