// API keys: pure rules. The secret never appears here; it lives sealed in the store and
// decrypted in the application layer's bounded cache.

export const apiKeyScopes = ['read', 'trade', 'withdraw'] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];

export const apiKeyLabelLengthMax = 64;
export const ipAllowListEntriesMax = 16;
/** Active (not revoked, not expired) keys per user; bounds the store and the blast radius. */
export const apiKeysActivePerUserMax = 20;
/** Keys listed per request, newest first (active and recently revoked ones). */
export const apiKeysListedMax = 100;
/** An expiry further away than this is a typo, not a policy. */
export const apiKeyLifetimeMsMax = 5 * 365 * 24 * 60 * 60 * 1000;

export interface ApiKey {
  /** Public key id, `pk_...`: sent in X-Parite-Key. */
  readonly keyId: string;
  readonly userId: number;
  readonly label: string;
  readonly scopes: readonly ApiKeyScope[];
  /** Addresses or CIDR blocks allowed to use the key; null means any address. */
  readonly ipAllowList: readonly string[] | null;
  readonly expiresAtMs: number | null;
  readonly revokedAtMs: number | null;
  readonly createdAtMs: number;
}

export type ApiKeyState = 'active' | 'revoked' | 'expired';

export function apiKeyState(key: ApiKey, nowMs: number): ApiKeyState {
  if (key.revokedAtMs !== null) return 'revoked';
  if (key.expiresAtMs !== null && nowMs >= key.expiresAtMs) return 'expired';
  return 'active';
}

export function isApiKeyScope(value: unknown): value is ApiKeyScope {
  return typeof value === 'string' && (apiKeyScopes as readonly string[]).includes(value);
}

export interface NewApiKeyInput {
  readonly scopes: readonly string[];
  readonly label?: string;
  readonly ipAllowList?: readonly string[] | null;
  readonly expiresAtMs?: number | null;
}

export interface ValidNewApiKey {
  readonly scopes: readonly ApiKeyScope[];
  readonly label: string;
  readonly ipAllowList: readonly string[] | null;
  readonly expiresAtMs: number | null;
}

export type NewApiKeyValidation =
  | { readonly ok: true; readonly key: ValidNewApiKey }
  | { readonly ok: false; readonly code: 'API_KEY_INVALID_PARAMETERS'; readonly reason: string };

const labelPattern = /^[\p{L}\p{N} ._:/-]*$/u;

/** Checks shape and bounds; the IP entries' syntax is checked by the application layer. */
export function validateNewApiKey(input: NewApiKeyInput, nowMs: number): NewApiKeyValidation {
  const scopes = [...new Set(input.scopes)];
  if (scopes.length === 0) return invalid('at least one scope is required');
  if (!scopes.every(isApiKeyScope)) return invalid(`scopes are ${apiKeyScopes.join(', ')}`);
  const label = input.label ?? '';
  if (label.length > apiKeyLabelLengthMax || !labelPattern.test(label)) return invalid('label is too long or has odd characters');
  const ipAllowList = input.ipAllowList ?? null;
  if (ipAllowList !== null && (ipAllowList.length === 0 || ipAllowList.length > ipAllowListEntriesMax)) {
    return invalid(`ipAllowList holds 1 to ${ipAllowListEntriesMax} entries, or is omitted`);
  }
  const expiresAtMs = input.expiresAtMs ?? null;
  if (expiresAtMs !== null) {
    if (!Number.isSafeInteger(expiresAtMs) || expiresAtMs <= nowMs) return invalid('expiresAtMs must be in the future');
    if (expiresAtMs - nowMs > apiKeyLifetimeMsMax) return invalid('expiresAtMs is too far away');
  }
  return { ok: true, key: { scopes: orderScopes(scopes), label, ipAllowList: ipAllowList === null ? null : [...ipAllowList], expiresAtMs } };
}

function orderScopes(scopes: readonly ApiKeyScope[]): ApiKeyScope[] {
  return apiKeyScopes.filter((scope) => scopes.includes(scope));
}

function invalid(reason: string): NewApiKeyValidation {
  return { ok: false, code: 'API_KEY_INVALID_PARAMETERS', reason };
}

/**
 * A key issued with another key may not be more powerful than its issuer: no extra scope, no
 * wider address range, no later expiry. Otherwise a restricted key could mint an unrestricted one.
 */
export type IssuerCheck = { readonly ok: true; readonly key: ValidNewApiKey } | { readonly ok: false; readonly reason: string };

export function constrainByIssuer(requested: ValidNewApiKey, issuer: ApiKey): IssuerCheck {
  if (!requested.scopes.every((scope) => issuer.scopes.includes(scope))) {
    return { ok: false, reason: 'the new key asks for a scope the issuing key lacks' };
  }
  let ipAllowList = requested.ipAllowList;
  if (issuer.ipAllowList !== null) {
    ipAllowList ??= issuer.ipAllowList;
    const issuerEntries = issuer.ipAllowList;
    if (!ipAllowList.every((entry) => issuerEntries.includes(entry))) {
      return { ok: false, reason: "the new key's IP allow-list must be a subset of the issuing key's" };
    }
  }
  let expiresAtMs = requested.expiresAtMs;
  if (issuer.expiresAtMs !== null) {
    expiresAtMs ??= issuer.expiresAtMs;
    if (expiresAtMs > issuer.expiresAtMs) return { ok: false, reason: 'the new key may not outlive the issuing key' };
  }
  return { ok: true, key: { ...requested, ipAllowList, expiresAtMs } };
}
