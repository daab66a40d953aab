// What the composition root configures for the OpenID Connect provider, and its checks. Secrets
// (client secrets, the master key) come from secret files, never from this file's defaults.
import { assert } from '@parite/kernel';
import { apiKeyScopes } from '../domain/api-key.ts';

/** Scopes of the platform API: the same words, and the same permissions, as API key scopes. */
export const apiScopes: readonly string[] = apiKeyScopes;
/** OpenID scopes: `email` adds the e-mail claim; `offline_access` is implied by refresh tokens. */
export const openIdScopes: readonly string[] = ['openid', 'email', 'offline_access'];

export type OidcClientKind =
  /** The platform's own web front end: public client (no secret), PKCE S256, no consent screen. */
  | 'first-party-web'
  /** A partner's web application: confidential, PKCE S256, asks the person's consent. */
  | 'third-party-web'
  /** An internal service: client credentials only, no person involved. */
  | 'service';

export interface OidcClientDefinition {
  /** Lower case, digits and '-'; never starts with `usr_`, so a token subject tells people from services. */
  readonly clientId: string;
  readonly kind: OidcClientKind;
  readonly name: string;
  /** Exact redirect URIs (no wildcards); https except for loopback during development. */
  readonly redirectUris?: readonly string[];
  readonly postLogoutRedirectUris?: readonly string[];
  /** Required for third-party-web and service clients; at least 32 characters. */
  readonly clientSecret?: string;
  /** Scopes this client may ask for: a subset of openIdScopes and apiScopes. */
  readonly scopes: readonly string[];
}

export interface OidcTokenLifetimes {
  readonly accessTokenSeconds: number;
  readonly clientCredentialsSeconds: number;
  readonly idTokenSeconds: number;
  readonly authorizationCodeSeconds: number;
  /** Absolute lifetime of a refresh-token family: rotation never extends it. */
  readonly refreshTokenSeconds: number;
  readonly sessionSeconds: number;
  readonly interactionSeconds: number;
  readonly grantSeconds: number;
}

export const oidcTokenLifetimesDefault: OidcTokenLifetimes = {
  accessTokenSeconds: 5 * 60,
  clientCredentialsSeconds: 5 * 60,
  idTokenSeconds: 5 * 60,
  authorizationCodeSeconds: 60,
  refreshTokenSeconds: 8 * 60 * 60,
  sessionSeconds: 8 * 60 * 60,
  interactionSeconds: 10 * 60,
  grantSeconds: 8 * 60 * 60,
};

export interface OidcSettings {
  /** The issuer identifier, e.g. `https://exchange.example/oidc`; its path is where the provider is mounted. */
  readonly issuer: string;
  /** The API's resource indicator and the `aud` of every access token, e.g. `https://exchange.example/api`. */
  readonly apiResource: string;
  readonly clients: readonly OidcClientDefinition[];
  readonly lifetimes?: Partial<OidcTokenLifetimes>;
}

export const oidcClientsMax = 256;
const clientIdPattern = /^[a-z][a-z0-9-]{2,63}$/;
export const clientSecretLengthMin = 32;

/** The path the provider is mounted at: the issuer's path without a trailing slash ('' at the root). */
export function mountPathOf(issuer: string): string {
  const path = new URL(issuer).pathname;
  return path.endsWith('/') ? path.slice(0, -1) : path;
}

export function checkOidcSettings(settings: OidcSettings): void {
  const issuer = new URL(settings.issuer);
  assert(issuer.search === '' && issuer.hash === '', 'the issuer has no query or fragment');
  assert(issuer.protocol === 'https:' || isLoopback(issuer), 'the issuer is https (http only on loopback)');
  new URL(settings.apiResource);
  assert(settings.clients.length <= oidcClientsMax, `at most ${oidcClientsMax} clients`);
  const ids = new Set<string>();
  for (const client of settings.clients) {
    assert(clientIdPattern.test(client.clientId), `client id ${client.clientId} is lower case letters, digits and -`);
    assert(!ids.has(client.clientId), `duplicate client id ${client.clientId}`);
    ids.add(client.clientId);
    checkClient(client);
  }
  for (const value of Object.values(settings.lifetimes ?? {})) {
    assert(Number.isSafeInteger(value) && value > 0, 'token lifetimes are positive integers (seconds)');
  }
}

function checkClient(client: OidcClientDefinition): void {
  const allowed = new Set([...openIdScopes, ...apiScopes]);
  for (const scope of client.scopes) assert(allowed.has(scope), `client ${client.clientId}: unknown scope ${scope}`);
  if (client.kind === 'service') {
    assert((client.redirectUris ?? []).length === 0, `service client ${client.clientId} has no redirect URIs`);
    assert(client.scopes.every((scope) => apiScopes.includes(scope)), `service client ${client.clientId} asks API scopes only`);
  } else {
    assert((client.redirectUris ?? []).length > 0, `web client ${client.clientId} needs a redirect URI`);
    for (const uri of client.redirectUris ?? []) {
      const parsed = new URL(uri);
      assert(parsed.protocol === 'https:' || isLoopback(parsed), `client ${client.clientId}: redirect URIs are https`);
      assert(parsed.hash === '', `client ${client.clientId}: redirect URIs have no fragment`);
    }
  }
  if (client.kind === 'first-party-web') {
    assert(client.clientSecret === undefined, `first-party web client ${client.clientId} is public (PKCE, no secret)`);
  } else {
    assert((client.clientSecret ?? '').length >= clientSecretLengthMin,
      `client ${client.clientId} needs a secret of at least ${clientSecretLengthMin} characters`);
  }
}

function isLoopback(url: URL): boolean {
  return url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === '[::1]' || url.hostname === 'localhost');
}

export function lifetimesOf(settings: OidcSettings): OidcTokenLifetimes {
  return { ...oidcTokenLifetimesDefault, ...settings.lifetimes };
}
