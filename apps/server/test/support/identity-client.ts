// Identity helpers for tests against the running platform: an openid-client relying party for the
// platform's first-party clients, a scripted browser that signs in through the real pages, bearer
// requests, and access tokens minted the way the provider signs them (for expired-token checks).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SignJWT, importJWK, type JWK } from 'jose';
import * as client from 'openid-client';
import { PostgresSigningKeyStore, SecretBox } from '@parite/identity';
import { requireService } from '../../src/index.ts';
import { webClientId } from '../../src/identity-composition.ts';
import { formAction, formField, TestBrowser, type PageResponse } from '../../../../services/identity/test/support/oidc-browser.ts';
import type { TestPlatform } from './platform-harness.ts';

export { formAction, formField, TestBrowser, type PageResponse };

export interface SignedIn {
  readonly browser: TestBrowser;
  readonly tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;
}

export function access(harness: TestPlatform) {
  return requireService(harness.platform.identityAccess, 'api');
}

export function redirectUri(harness: TestPlatform): string {
  return access(harness).settings.webRedirectUris[0] as string;
}

/** The platform's web client as a relying party (public client, PKCE). */
export async function webClient(harness: TestPlatform): Promise<client.Configuration> {
  return client.discovery(new URL(access(harness).settings.issuer), webClientId, undefined, client.None(),
    { execute: [client.allowInsecureRequests] });
}

export function demoPassword(harness: TestPlatform, name: string): { email: string; password: string } {
  const login = harness.platform.demoLogins.find((entry) => entry.email.startsWith(`${name}@`));
  assert.ok(login !== undefined, `demo user ${name} has a password`);
  return login;
}

/** Starts an authorization at the provider and follows it to the sign-in page. */
export async function startAuthorization(harness: TestPlatform, config: client.Configuration, browser: TestBrowser,
  scope = 'openid email offline_access read trade') {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri(harness), scope, state,
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  const followed = await browser.follow(url.toString(), redirectUri(harness));
  return { verifier, state, followed };
}

/** Signs in through the real pages (password, then a TOTP code if asked) and exchanges the code. */
export async function signIn(harness: TestPlatform, credentials: { email: string; password: string }, options: {
  browser?: TestBrowser; config?: client.Configuration; code?: () => string; scope?: string } = {}): Promise<SignedIn> {
  const config = options.config ?? await webClient(harness);
  const browser = options.browser ?? new TestBrowser(harness.baseUrl);
  const started = await startAuthorization(harness, config, browser, options.scope);
  let page = started.followed.page;
  assert.ok(page !== undefined && page.status === 200, `the sign-in page shows (${page?.status ?? started.followed.callback?.toString()})`);
  let posted = await browser.request(formAction(page.body, 'login'), {
    form: { csrf: formField(page.body, 'csrf'), email: credentials.email, password: credentials.password } });
  if (posted.status === 200 && posted.body.includes('name="challenge"')) {
    page = posted;
    assert.ok(options.code !== undefined, 'a second factor was asked');
    posted = await browser.request(formAction(page.body, 'second-factor'), { form: {
      csrf: formField(page.body, 'csrf'), challenge: formField(page.body, 'challenge'),
      challengeTag: formField(page.body, 'challengeTag'), code: options.code() } });
  }
  const followed = await browser.follow(posted, redirectUri(harness));
  assert.ok(followed.callback !== undefined, `the flow reaches the client (got ${followed.page?.status} ${followed.page?.body.slice(0, 300)})`);
  const tokens = await client.authorizationCodeGrant(config, followed.callback,
    { pkceCodeVerifier: started.verifier, expectedState: started.state });
  return { browser, tokens };
}

export interface BearerResponse {
  readonly status: number;
  readonly body: Record<string, unknown> & { error?: { code: string; details?: Record<string, unknown> } };
  readonly headers: Headers;
}

export async function bearer(harness: TestPlatform, token: string, method: string, path: string, body?: unknown): Promise<BearerResponse> {
  const response = await fetch(harness.baseUrl + path, {
    method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text.length > 0 ? JSON.parse(text) : {}) as BearerResponse['body'], headers: response.headers };
}

/**
 * An access token signed with the provider's active key and the claims the provider writes
 * (iss, aud, sub, client_id, scope, jti, iat, exp, sid; typ at+jwt, ES256), for tokens the flow
 * cannot produce on demand: expired ones, or one per role for the authorization matrix.
 */
export async function mintAccessToken(harness: TestPlatform, claims: { subject: string; scopes: readonly string[];
  sessionId?: string; clientId?: string; expiresInSeconds?: number }): Promise<string> {
  const identity = access(harness);
  const store = new PostgresSigningKeyStore(harness.platform.database.sql, new SecretBox(identity.masterKey));
  const active = await store.activeSigningKey();
  assert.ok(active !== undefined, 'the provider has an active key');
  const key = await importJWK(active.key as JWK, 'ES256');
  const nowSeconds = Math.floor(Date.now() / 1000);
  return new SignJWT({ client_id: claims.clientId ?? webClientId, scope: claims.scopes.join(' '),
    ...(claims.sessionId === undefined ? {} : { sid: claims.sessionId }) })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: active.kid })
    .setIssuer(identity.settings.issuer).setAudience(identity.settings.apiResource).setSubject(claims.subject)
    .setJti(randomBytes(16).toString('base64url')).setIssuedAt(nowSeconds - 600)
    .setExpirationTime(nowSeconds + (claims.expiresInSeconds ?? 300)).sign(key);
}

/** The newest outbox message to this address whose body holds a link to `path`; returns the link. */
export async function mailedLink(harness: TestPlatform, email: string, path: string): Promise<string> {
  const outbox = access(harness).outbox;
  assert.ok(outbox !== undefined, 'e-mails go to the outbox');
  await access(harness).credentials.idle();
  for (const message of await outbox.list({ recipient: email, limit: 20 })) {
    const match = new RegExp(`https?://\\S+${path.replaceAll('/', '\\/')}\\?token=\\S+`).exec(message.text);
    if (match !== null) return match[0];
  }
  assert.fail(`no e-mail to ${email} links to ${path}`);
}

/** The error code of a JSON error reply. */
export function codeOf(response: { body: unknown }): string | undefined {
  return (response.body as { error?: { code?: string } }).error?.code;
}
