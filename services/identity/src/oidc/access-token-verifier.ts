// Verifies the provider's JWT access tokens where they are used (the platform API, internal
// services) without a call to the provider: signature against the published keys, issuer,
// audience, type `at+jwt`, algorithm, expiry. A valid token of a person becomes the platform's
// UserPrincipal; the account is looked up so a disabled person loses access at once, not when
// the token expires.
import { ServiceError } from '@parite/contracts';
import {
  anonymousPrincipal, type AuthenticationRequest, type Authenticator, type Principal, type UserPrincipal,
} from '@parite/http';
import { assert, systemClock, type Clock } from '@parite/kernel';
import {
  createLocalJWKSet, createRemoteJWKSet, errors as joseErrors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey,
} from 'jose';
import { isApiKeyScope, type ApiKeyScope } from '../domain/api-key.ts';
import { permissionsFor } from '../domain/permissions.ts';
import { BoundedTtlCache } from '../app/bounded-cache.ts';
import type { AccountLookup, OidcAccount } from './login-port.ts';
import { signingAlgorithm } from './signing-keys.ts';

/** The error code of a refused bearer token (401, with details.reason and a WWW-Authenticate challenge). */
export const invalidAccessTokenCode = 'AUTH_INVALID_ACCESS_TOKEN' as const;
/** Tolerated clock difference between the provider and the verifier. */
export const accessTokenClockToleranceSeconds = 5;
/** Bearer tokens are compact JWTs of a few hundred bytes; a huge header is refused unparsed. */
export const accessTokenLengthMax = 4_096;
const userSubjectPattern = /^usr_[A-Za-z0-9_-]{16,64}$/;
const sessionIdPattern = /^ses_[A-Za-z0-9_-]{16,64}$/;

export interface VerifiedAccessToken {
  /** `usr_...` for a person; the client id for a service (client credentials). */
  readonly subject: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly tokenId: string;
  readonly expiresAtMs: number;
  readonly kind: 'user' | 'service';
  /** The credential session of the sign-in the token comes from (`ses_...`), when it has one. */
  readonly sessionId?: string;
}

export interface JwtAccessTokenVerifierOptions {
  readonly issuer: string;
  /** The API's resource indicator, the tokens' `aud`. */
  readonly audience: string;
  /** Where the keys come from: remoteJwks(url) in another process, storeJwks(rotation) in this one. */
  readonly keys: JWTVerifyGetKey;
  readonly clock?: Clock;
  /** Verified tokens remembered (default verifiedTokensMax); 0 verifies every request. */
  readonly verifiedTokensMax?: number;
}

/**
 * A bot or a web app sends the same access token with every request for its 5 minutes; an ES256
 * verification costs ~140 µs here, a lookup well under one. Only the cryptographic result is
 * remembered, keyed by the exact token bytes and never past the token's own expiry: who the token
 * names (disabled user, revoked session) is still checked on every request by the authenticator.
 * After an emergency key withdrawal, call forgetVerified().
 */
export const verifiedTokensMax = 10_000;
/** The outer bound of a remembered verification: no access token lives longer. */
const verifiedTokenTtlMs = 10 * 60_000;

export class JwtAccessTokenVerifier {
  private readonly clock: Clock;
  private readonly verified: BoundedTtlCache<string, VerifiedAccessToken> | undefined;

  constructor(private readonly options: JwtAccessTokenVerifierOptions) {
    this.clock = options.clock ?? systemClock;
    const entriesMax = options.verifiedTokensMax ?? verifiedTokensMax;
    this.verified = entriesMax === 0 ? undefined : new BoundedTtlCache(entriesMax, verifiedTokenTtlMs);
  }

  /** Forgets every remembered verification (after withdrawing a signing key in an emergency). */
  forgetVerified(): void {
    this.verified?.deleteWhere(() => true);
  }

  async verify(token: string): Promise<VerifiedAccessToken> {
    if (token.length === 0 || token.length > accessTokenLengthMax) throw refused('malformed');
    const nowMs = this.clock.nowMs();
    const remembered = this.verified?.get(token, nowMs);
    if (remembered !== undefined && nowMs < remembered.expiresAtMs) return remembered;
    const verified = await this.verifySignature(token);
    this.verified?.set(token, verified, nowMs);
    return verified;
  }

  private async verifySignature(token: string): Promise<VerifiedAccessToken> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.options.keys, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: [signingAlgorithm],
        typ: 'at+jwt',
        requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id'],
        clockTolerance: accessTokenClockToleranceSeconds,
        currentDate: new Date(this.clock.nowMs()),
      }));
    } catch (error) {
      throw refused(reasonOf(error));
    }
    const { sub, client_id: clientId, scope, jti, exp, sid } = payload;
    if (typeof sub !== 'string' || typeof clientId !== 'string' || typeof jti !== 'string' || typeof exp !== 'number') {
      throw refused('malformed');
    }
    const scopes = typeof scope === 'string' && scope.length > 0 ? scope.split(' ') : [];
    // Client ids never look like user ids (settings check), so the subject names the kind.
    const kind = userSubjectPattern.test(sub) ? 'user' : 'service';
    if (kind === 'service' && sub !== clientId) throw refused('malformed');
    if (sid !== undefined && (typeof sid !== 'string' || !sessionIdPattern.test(sid))) throw refused('malformed');
    return { subject: sub, clientId, scopes, tokenId: jti, expiresAtMs: exp * 1000, kind, ...(sid === undefined ? {} : { sessionId: sid }) };
  }
}

function refused(reason: string): ServiceError {
  return new ServiceError(invalidAccessTokenCode, { scheme: 'Bearer', reason });
}

function reasonOf(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'expired';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'bad signature';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'unknown key';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `claim ${error.claim}`;
  if (error instanceof joseErrors.JOSEError) return 'invalid';
  throw error; // not a token problem (e.g. the key source is down): let it surface as a 5xx
}

/** Keys from the provider's JWKS URL, cached by jose (refetched on an unknown kid, with a cooldown). */
export function remoteJwks(jwksUrl: string, options: { cacheMaxAgeMs?: number; cooldownMs?: number } = {}): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(jwksUrl), {
    cacheMaxAge: options.cacheMaxAgeMs ?? 10 * 60_000,
    cooldownDuration: options.cooldownMs ?? 30_000,
    timeoutDuration: 5_000,
  });
}

/**
 * Keys straight from the signing key store, for verifiers in the provider's own process: cached
 * for `cacheTtlMs`, reloaded early when a token names an unknown kid (at most once per cooldown,
 * so forged kids cannot hammer the database).
 */
export function storeJwks(source: { publishedJwks(): Promise<{ keys: JSONWebKeySet['keys'] }> },
  options: { clock?: Clock; cacheTtlMs?: number; cooldownMs?: number } = {}): JWTVerifyGetKey {
  const clock = options.clock ?? systemClock;
  const cacheTtlMs = options.cacheTtlMs ?? 60_000;
  const cooldownMs = options.cooldownMs ?? 5_000;
  let loadedAtMs = Number.NEGATIVE_INFINITY;
  let keySet: { kids: ReadonlySet<string>; resolve: JWTVerifyGetKey } | undefined;
  const load = async (): Promise<void> => {
    const jwks = await source.publishedJwks();
    keySet = { kids: new Set(jwks.keys.map((key) => String(key.kid))), resolve: createLocalJWKSet({ keys: jwks.keys }) };
    loadedAtMs = clock.nowMs();
  };
  return async (header, token) => {
    const nowMs = clock.nowMs();
    const unknownKid = keySet !== undefined && header.kid !== undefined && !keySet.kids.has(header.kid);
    if (keySet === undefined || nowMs - loadedAtMs >= cacheTtlMs || (unknownKid && nowMs - loadedAtMs >= cooldownMs)) await load();
    assert(keySet !== undefined, 'the key set is loaded');
    return keySet.resolve(header, token);
  };
}

export interface BearerTokenAuthenticatorOptions {
  readonly verifier: JwtAccessTokenVerifier;
  readonly accounts: AccountLookup;
  readonly clock?: Clock;
  /** Account lookups are cached this long (default 5 s, like API keys); 0 disables the cache. */
  readonly accountCacheTtlMs?: number;
  /**
   * Checks the credential session a token carries (`sid`): a token of a revoked, expired or idle
   * session is refused at once, not when it expires. Answers are cached like accounts;
   * forgetSessions() drops them when this process revokes a session.
   */
  readonly sessions?: { isSessionLive(userId: number, sessionId: string): Promise<boolean> };
  /**
   * The platform's own clients (first-party): their tokens that carry a session also hold
   * `account:security` (the caller's sessions, devices, second factor, API keys by session).
   */
  readonly securityClientIds?: readonly string[];
}

export const bearerAccountCacheEntriesMax = 10_000;

/**
 * `Authorization: Bearer <access token>` -> UserPrincipal. No Authorization header: anonymous
 * (the API-key authenticator may still claim the request). Permissions are those of the token's
 * scopes (read, trade, withdraw: the API-key scope table) plus the person's role permissions.
 */
export class BearerTokenAuthenticator implements Authenticator {
  private readonly clock: Clock;
  private readonly accounts: BoundedTtlCache<string, OidcAccount | null> | undefined;
  private readonly liveSessions: BoundedTtlCache<string, boolean> | undefined;
  private readonly securityClientIds: ReadonlySet<string>;

  constructor(private readonly options: BearerTokenAuthenticatorOptions) {
    this.clock = options.clock ?? systemClock;
    const ttlMs = options.accountCacheTtlMs ?? 5_000;
    this.accounts = ttlMs > 0 ? new BoundedTtlCache(bearerAccountCacheEntriesMax, ttlMs) : undefined;
    this.liveSessions = ttlMs > 0 ? new BoundedTtlCache(bearerAccountCacheEntriesMax, ttlMs) : undefined;
    this.securityClientIds = new Set(options.securityClientIds ?? []);
  }

  /** Drops cached session answers (this process revoked them): the next request re-checks. */
  forgetSessions(sessionIds: readonly string[]): void {
    for (const sessionId of sessionIds) this.liveSessions?.delete(sessionId);
  }

  async authenticate(request: AuthenticationRequest): Promise<Principal> {
    const header = request.headers.authorization;
    if (header === undefined) return anonymousPrincipal;
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header);
    if (match === null) throw refused('malformed');
    return this.principalFor(await this.options.verifier.verify(match[1] as string));
  }

  async principalFor(token: VerifiedAccessToken): Promise<UserPrincipal> {
    if (token.kind !== 'user') {
      // The platform's Principal has no service kind yet: service tokens are for service APIs.
      throw new ServiceError('AUTH_FORBIDDEN', { reason: 'a service token cannot act for a person' });
    }
    const account = await this.account(token.subject);
    if (account === undefined) throw refused('unknown subject');
    if (account.status !== 'active') throw new ServiceError('USER_DISABLED');
    if (token.sessionId !== undefined && !(await this.sessionLive(account.id, token.sessionId))) throw refused('session ended');
    const scopes = token.scopes.filter(isApiKeyScope) as ApiKeyScope[];
    const permissions = new Set(permissionsFor(account.roles, scopes));
    // Security settings only from the platform's own application, signed in interactively.
    if (token.sessionId !== undefined && this.securityClientIds.has(token.clientId)) permissions.add('account:security');
    return {
      kind: 'user',
      userId: account.id,
      userPublicId: account.publicId,
      permissions,
      roles: account.roles,
      clientId: token.clientId,
      ...(token.sessionId === undefined ? {} : { sessionId: token.sessionId }),
    };
  }

  private async sessionLive(userId: number, sessionId: string): Promise<boolean> {
    if (this.options.sessions === undefined) return true;
    const nowMs = this.clock.nowMs();
    const cached = this.liveSessions?.get(sessionId, nowMs);
    if (cached !== undefined) return cached;
    const live = await this.options.sessions.isSessionLive(userId, sessionId);
    this.liveSessions?.set(sessionId, live, nowMs);
    return live;
  }

  private async account(publicId: string): Promise<OidcAccount | undefined> {
    const nowMs = this.clock.nowMs();
    const cached = this.accounts?.get(publicId, nowMs);
    if (cached !== undefined) return cached ?? undefined;
    const account = await this.options.accounts.findUserByPublicId(publicId);
    this.accounts?.set(publicId, account ?? null, nowMs);
    return account;
  }
}

/**
 * The platform's authenticator with both schemes: a request with `Authorization` is the bearer
 * authenticator's, any other the API-key authenticator's. A request carrying both an access token
 * and API-key headers is refused: which identity acts would be ambiguous.
 */
export function bearerOrApiKeyAuthenticator(bearer: Authenticator, apiKey: Authenticator): Authenticator {
  return {
    authenticate: (request) => {
      if (request.headers.authorization === undefined) return apiKey.authenticate(request);
      if (request.headers['x-parite-key'] !== undefined || request.headers['x-parite-signature'] !== undefined) {
        return Promise.reject(new ServiceError('AUTH_REQUIRED', { reason: 'send either a bearer token or API-key headers, not both' }));
      }
      return bearer.authenticate(request);
    },
  };
}
