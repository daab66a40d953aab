// The authentication hot path: from a key id to everything needed to verify a request, with
// the decrypted secret cached in memory (bounded size, short TTL). Revocation and user status
// changes in this process drop the entries at once; other processes see them within ttlMs.
import type { Permission } from '@parite/http';
import type { Clock } from '@parite/kernel';
import type { BlockList } from 'node:net';
import type { ApiKey } from '../domain/api-key.ts';
import { permissionsFor } from '../domain/permissions.ts';
import type { User } from '../domain/user.ts';
import { BoundedTtlCache } from './bounded-cache.ts';
import { compileIpAllowList } from './ip-allow-list.ts';
import type { IdentityStore } from './ports.ts';
import type { SecretBox } from './secret-box.ts';

export const apiKeyCacheEntriesMaxDefault = 10_000;
/** Bounds how long a revocation made by another process can go unnoticed here. */
export const apiKeyCacheTtlMsDefault = 5_000;

export interface ResolvedApiKey {
  readonly key: ApiKey;
  /** The secret string the client signs with. */
  readonly secret: string;
  readonly user: User;
  readonly permissions: ReadonlySet<Permission>;
  /** null when the key may be used from any address. */
  readonly allowList: BlockList | null;
}

export interface ApiKeyResolver {
  resolveApiKey(keyId: string): Promise<ResolvedApiKey | undefined>;
}

export interface ApiKeyCacheOptions {
  readonly entriesMax?: number;
  readonly ttlMs?: number;
}

/** Associated data for sealing a key's secret: binds the ciphertext to its key id. */
export function sealingContext(keyId: string): string {
  return `parite.identity.api-key:${keyId}`;
}

export class CachedApiKeyResolver implements ApiKeyResolver {
  private readonly cache: BoundedTtlCache<string, ResolvedApiKey>;
  /** Concurrent misses for one key share a single store read. */
  private readonly inFlight = new Map<string, Promise<ResolvedApiKey | undefined>>();
  /** Bumped by every forget: a load that started before a revocation must not cache its result. */
  private generation = 0;

  constructor(
    private readonly store: IdentityStore,
    private readonly secretBox: SecretBox,
    private readonly clock: Clock,
    options: ApiKeyCacheOptions = {},
  ) {
    this.cache = new BoundedTtlCache(options.entriesMax ?? apiKeyCacheEntriesMaxDefault, options.ttlMs ?? apiKeyCacheTtlMsDefault);
  }

  async resolveApiKey(keyId: string): Promise<ResolvedApiKey | undefined> {
    const cached = this.cache.get(keyId, this.clock.nowMs());
    if (cached !== undefined) return cached;
    const pending = this.inFlight.get(keyId);
    if (pending !== undefined) return pending;
    const loading = this.load(keyId).finally(() => {
      if (this.inFlight.get(keyId) === loading) this.inFlight.delete(keyId);
    });
    this.inFlight.set(keyId, loading);
    return loading;
  }

  forgetKey(keyId: string): void {
    this.generation += 1;
    this.inFlight.delete(keyId);
    this.cache.delete(keyId);
  }

  forgetUser(userId: number): void {
    this.generation += 1;
    this.inFlight.clear();
    this.cache.deleteWhere((resolved) => resolved.user.id === userId);
  }

  private async load(keyId: string): Promise<ResolvedApiKey | undefined> {
    const startGeneration = this.generation;
    const stored = await this.store.findApiKey(keyId);
    if (stored === undefined) return undefined;
    const user = await this.store.findUserById(stored.userId);
    if (user === undefined) throw new Error(`api key ${keyId} belongs to a missing user ${stored.userId}`);
    const secretBytes = this.secretBox.open(stored.sealedSecret, sealingContext(keyId));
    // Not the client's fault: the master key is wrong or the row was tampered with.
    if (secretBytes === undefined) throw new Error(`the secret of api key ${keyId} does not open: wrong master key or altered row`);
    const { sealedSecret: _sealed, ...key } = stored;
    const resolved: ResolvedApiKey = {
      key,
      secret: secretBytes.toString('base64url'),
      user,
      permissions: permissionsFor(user.roles, key.scopes),
      allowList: key.ipAllowList === null ? null : compileIpAllowList(key.ipAllowList),
    };
    if (this.generation === startGeneration) this.cache.set(keyId, resolved, this.clock.nowMs());
    return resolved;
  }
}
