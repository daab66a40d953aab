// The OpenID Connect provider end to end on loopback, driven by the certified relying-party library
// (openid-client) and a scripted browser that fills in the sign-in forms.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ServiceError } from '@parite/contracts';
import type { TestDatabase } from '@parite/platform';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import * as client from 'openid-client';
import { freshOidcDatabase, startOidcTestServer, type OidcTestServer } from './support/oidc-database.ts';
import { formAction, formField, TestBrowser, type PageResponse } from './support/oidc-browser.ts';
import {
  alice, bob, serviceClientId, spaClientId, startOidcHarness, type OidcHarness,
} from './support/oidc-harness.ts';

let server: OidcTestServer;
let database: TestDatabase;
let h: OidcHarness;

before(async () => {
  server = await startOidcTestServer();
  database = await freshOidcDatabase(server);
  h = await startOidcHarness(database);
});

after(async () => {
  await h?.close();
  await database?.drop();
  await server?.close();
});

interface Started {
  readonly browser: TestBrowser;
  readonly verifier: string;
  readonly state: string;
  readonly page: PageResponse;
}

async function startAuthorization(config: client.Configuration, scope: string, browser = new TestBrowser(h.baseUrl)): Promise<Started> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: h.redirectUri, scope, state,
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  const followed = await browser.follow(url.toString(), h.redirectUri);
  assert.ok(followed.page !== undefined, 'the browser lands on a page');
  return { browser, verifier, state, page: followed.page };
}

async function submitPassword(started: Started, email: string, password: string): Promise<PageResponse> {
  const { browser, page } = started;
  assert.equal(page.status, 200);
  assert.match(page.body, /Sign in/);
  return browser.request(formAction(page.body, 'login'), { form: { csrf: formField(page.body, 'csrf'), email, password } });
}

/** Signs alice in through the forms and returns the callback URL the client receives. */
async function signIn(config: client.Configuration, scope: string): Promise<Started & { callback: URL }> {
  const started = await startAuthorization(config, scope);
  const posted = await submitPassword(started, alice.email, alice.password);
  const followed = await started.browser.follow(posted, h.redirectUri);
  assert.ok(followed.callback !== undefined, `the flow reaches the client (got ${followed.page?.status} ${followed.page?.body.slice(0, 200)})`);
  return { ...started, callback: followed.callback };
}

async function codeFlowTokens(scope = 'openid email offline_access read trade') {
  const signedIn = await signIn(h.spa, scope);
  const tokens = await client.authorizationCodeGrant(h.spa, signedIn.callback,
    { pkceCodeVerifier: signedIn.verifier, expectedState: signedIn.state });
  return { signedIn, tokens };
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof client.ResponseBodyError) return error.error;
    throw error;
  }
  assert.fail('the request was accepted');
}

async function whoami(accessToken: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${h.baseUrl}/v1/whoami`, { headers: { authorization: `Bearer ${accessToken}` } });
  return { status: response.status, body: await response.json() as Record<string, unknown> };
}

describe('discovery', () => {
  it('publishes the issuer, code flow with S256 only, and endpoints under the mount path', () => {
    const metadata = h.spa.serverMetadata();
    assert.equal(metadata.issuer, h.issuer);
    assert.deepEqual(metadata.response_types_supported, ['code']);
    assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
    for (const endpoint of [metadata.authorization_endpoint, metadata.token_endpoint, metadata.jwks_uri,
      metadata.introspection_endpoint, metadata.revocation_endpoint]) {
      assert.ok(endpoint?.startsWith(`${h.issuer}/`), `${endpoint} is under the issuer`);
    }
    assert.equal(metadata.userinfo_endpoint, undefined);
    assert.ok(metadata.grant_types_supported?.includes('client_credentials'));
  });

  it('serves RFC 8414 metadata at the origin root and pins the host to the issuer', async () => {
    const response = await fetch(`${h.baseUrl}/.well-known/oauth-authorization-server/oidc`, { headers: { host: 'evil.example' } });
    assert.equal(response.status, 200);
    const body = await response.json() as { issuer: string; token_endpoint: string };
    assert.equal(body.issuer, h.issuer);
    assert.equal(body.token_endpoint, `${h.issuer}/token`);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  });

  it('publishes the active ES256 key in the JWKS, public members only', async () => {
    const response = await fetch(`${h.issuer}/jwks`);
    const jwks = await response.json() as { keys: Record<string, unknown>[] };
    assert.equal(jwks.keys.length, 1);
    assert.equal(jwks.keys[0]?.['kid'], h.host.activeKeyId);
    assert.equal(jwks.keys[0]?.['alg'], 'ES256');
    assert.equal(jwks.keys[0]?.['d'], undefined);
  });
});

describe('authorization code with PKCE', () => {
  it('signs a person in through the form and issues JWT access, refresh and ID tokens', async () => {
    const { tokens } = await codeFlowTokens();
    const claims = tokens.claims();
    assert.equal(claims?.sub, alice.publicId);
    assert.equal(claims?.['email'], alice.email);
    assert.deepEqual(claims?.['amr'], ['pwd']);
    assert.ok(tokens.refresh_token !== undefined);
    const header = decodeProtectedHeader(tokens.access_token);
    assert.equal(header.typ, 'at+jwt');
    assert.equal(header.kid, h.host.activeKeyId);
    const payload = decodeJwt(tokens.access_token);
    assert.equal(payload.aud, h.apiResource);
    assert.equal(payload.scope, 'read trade');
    const seen = await whoami(tokens.access_token);
    assert.equal(seen.status, 200);
    assert.equal(seen.body['userPublicId'], alice.publicId);
    assert.deepEqual(seen.body['permissions'], ['account:read', 'api-key:write', 'order:read', 'order:write']);
  });

  it('refuses an authorization request without PKCE', async () => {
    const url = client.buildAuthorizationUrl(h.spa, { redirect_uri: h.redirectUri, scope: 'openid read', state: 's' });
    const followed = await new TestBrowser(h.baseUrl).follow(url.toString(), h.redirectUri);
    assert.ok(followed.callback !== undefined);
    assert.equal(followed.callback.searchParams.get('error'), 'invalid_request');
  });

  it('refuses a wrong PKCE verifier', async () => {
    const signedIn = await signIn(h.spa, 'openid read');
    const error = await refusal(client.authorizationCodeGrant(h.spa, signedIn.callback,
      { pkceCodeVerifier: client.randomPKCECodeVerifier(), expectedState: signedIn.state }));
    assert.equal(error, 'invalid_grant');
  });

  it('refuses a replayed code and revokes what the first exchange issued', async () => {
    const { signedIn, tokens } = await codeFlowTokens();
    const replay = await refusal(client.authorizationCodeGrant(h.spa, signedIn.callback,
      { pkceCodeVerifier: signedIn.verifier, expectedState: signedIn.state }));
    assert.equal(replay, 'invalid_grant');
    assert.equal(await refusal(client.refreshTokenGrant(h.spa, tokens.refresh_token as string)), 'invalid_grant');
  });

  it('refuses a code past its lifetime in the shared store', async () => {
    const signedIn = await signIn(h.spa, 'openid read');
    h.storeClock.advanceMs(61_000);
    try {
      const error = await refusal(client.authorizationCodeGrant(h.spa, signedIn.callback,
        { pkceCodeVerifier: signedIn.verifier, expectedState: signedIn.state }));
      assert.equal(error, 'invalid_grant');
    } finally {
      h.storeClock.setMs(Date.now());
    }
  });

  it('asks for a second factor when the login port says so', async () => {
    const started = await startAuthorization(h.spa, 'openid read');
    const challenge = await submitPassword(started, bob.email, bob.password);
    assert.equal(challenge.status, 200);
    assert.match(challenge.body, /Two-step verification/);
    const fields = { csrf: formField(challenge.body, 'csrf'), challenge: formField(challenge.body, 'challenge'),
      challengeTag: formField(challenge.body, 'challengeTag') };
    const action = formAction(challenge.body, 'second-factor');
    const wrong = await started.browser.request(action, { form: { ...fields, code: '000000' } });
    assert.equal(wrong.status, 401);
    const forged = await started.browser.request(action, { form: { ...fields, challengeTag: 'x'.repeat(43), code: bob.code } });
    assert.equal(forged.status, 403);
    const right = await started.browser.request(action, { form: { ...fields, code: bob.code } });
    const followed = await started.browser.follow(right, h.redirectUri);
    assert.ok(followed.callback !== undefined);
    const tokens = await client.authorizationCodeGrant(h.spa, followed.callback,
      { pkceCodeVerifier: started.verifier, expectedState: started.state });
    assert.deepEqual(tokens.claims()?.['amr'], ['pwd', 'otp', 'mfa']);
    const seen = await whoami(tokens.access_token);
    assert.ok((seen.body['permissions'] as string[]).includes('user:admin'), 'role permissions come with the person');
  });

  it('answers wrong credentials with the form again, without saying which part was wrong', async () => {
    const started = await startAuthorization(h.spa, 'openid read');
    const page = await submitPassword(started, alice.email, 'wrong password');
    assert.equal(page.status, 401);
    assert.match(page.body, /The e-mail or the password is not correct/);
    assert.match(page.body, new RegExp(`value="${alice.email}"`));
  });

  it('asks a third-party client for consent; a first-party one skips it', async () => {
    const started = await startAuthorization(h.partner, 'openid read');
    const posted = await submitPassword(started, alice.email, alice.password);
    const followed = await started.browser.follow(posted, h.redirectUri);
    const consent = followed.page;
    assert.ok(consent !== undefined);
    assert.match(consent.body, /Partner asks for access/);
    assert.match(consent.body, /<li>read<\/li>/);
    const allowed = await started.browser.request(formAction(consent.body, 'consent'), { form: { csrf: formField(consent.body, 'csrf') } });
    const done = await started.browser.follow(allowed, h.redirectUri);
    assert.ok(done.callback !== undefined);
    const tokens = await client.authorizationCodeGrant(h.partner, done.callback,
      { pkceCodeVerifier: started.verifier, expectedState: started.state });
    assert.equal(decodeJwt(tokens.access_token).scope, 'read');
  });

  it('lets the person deny consent', async () => {
    const started = await startAuthorization(h.partner, 'openid read');
    const posted = await submitPassword(started, alice.email, alice.password);
    const consent = (await started.browser.follow(posted, h.redirectUri)).page;
    assert.ok(consent !== undefined);
    const denied = await started.browser.request(formAction(consent.body, 'abort'), { form: { csrf: formField(consent.body, 'csrf') } });
    const done = await started.browser.follow(denied, h.redirectUri);
    assert.equal(done.callback?.searchParams.get('error'), 'access_denied');
  });
});

describe('interaction pages', () => {
  it('serve no script, forbid framing and name only the client as a form target', async () => {
    const { page } = await startAuthorization(h.spa, 'openid read');
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /form-action 'self' http:\/\/127\.0\.0\.1:9/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(page.headers.get('cache-control'), 'no-store');
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.doesNotMatch(page.body, /<script|style=/);
  });

  it('refuse a form without the right CSRF token or from another origin', async () => {
    const started = await startAuthorization(h.spa, 'openid read');
    const action = formAction(started.page.body, 'login');
    const csrf = formField(started.page.body, 'csrf');
    const forged = await started.browser.request(action, { form: { csrf: 'forged', email: alice.email, password: alice.password } });
    assert.equal(forged.status, 403);
    const crossSite = await started.browser.request(action,
      { form: { csrf, email: alice.email, password: alice.password }, headers: { origin: 'https://evil.example' } });
    assert.equal(crossSite.status, 403);
    const json = await started.browser.request(action, { method: 'POST', headers: { 'content-type': 'application/json' } });
    assert.equal(json.status, 415);
  });

  it('refuse a form posted by a browser without the interaction cookie', async () => {
    const started = await startAuthorization(h.spa, 'openid read');
    const stranger = new TestBrowser(h.baseUrl);
    const page = await stranger.request(formAction(started.page.body, 'login'),
      { form: { csrf: formField(started.page.body, 'csrf'), email: alice.email, password: alice.password } });
    assert.equal(page.status, 400);
    assert.match(page.body, /no longer valid/);
  });

  it('render the locked and device-confirmation outcomes', async () => {
    h.login.add({ account: { id: 3, publicId: 'usr_CCCCCCCCCCCCCCCC', email: 'carol@example.test', status: 'active', roles: ['customer'] },
      password: 'carol password', lockedForMs: 90_000 });
    h.login.add({ account: { id: 4, publicId: 'usr_DDDDDDDDDDDDDDDD', email: 'dave@example.test', status: 'active', roles: ['customer'] },
      password: 'dave password', needsDeviceConfirmation: true });
    const locked = await submitPassword(await startAuthorization(h.spa, 'openid read'), 'carol@example.test', 'carol password');
    assert.equal(locked.status, 429);
    assert.equal(locked.headers.get('retry-after'), '90');
    const device = await submitPassword(await startAuthorization(h.spa, 'openid read'), 'dave@example.test', 'dave password');
    assert.equal(device.status, 200);
    assert.match(device.body, /Confirm this device/);
  });
});

describe('refresh tokens', () => {
  it('rotate on every use', async () => {
    const { tokens } = await codeFlowTokens();
    const refreshed = await client.refreshTokenGrant(h.spa, tokens.refresh_token as string);
    assert.ok(refreshed.refresh_token !== undefined && refreshed.refresh_token !== tokens.refresh_token);
    assert.equal((await whoami(refreshed.access_token)).status, 200);
    const again = await client.refreshTokenGrant(h.spa, refreshed.refresh_token);
    assert.ok(again.refresh_token !== undefined);
  });

  it('revoke the whole family when a rotated token is presented again', async () => {
    const { tokens } = await codeFlowTokens();
    const refreshed = await client.refreshTokenGrant(h.spa, tokens.refresh_token as string);
    assert.equal(await refusal(client.refreshTokenGrant(h.spa, tokens.refresh_token as string)), 'invalid_grant');
    // The legitimate holder's newer token died with the family.
    assert.equal(await refusal(client.refreshTokenGrant(h.spa, refreshed.refresh_token as string)), 'invalid_grant');
  });

  it('let at most one of two concurrent uses of the same token through, and then revoke the family', async () => {
    const { tokens } = await codeFlowTokens();
    const attempts = await Promise.allSettled([1, 2, 3].map(() => client.refreshTokenGrant(h.spa, tokens.refresh_token as string)));
    const winners = attempts.filter((attempt) => attempt.status === 'fulfilled');
    assert.ok(winners.length <= 1, `${winners.length} concurrent refreshes succeeded`);
    for (const winner of winners) {
      const issued = (winner as PromiseFulfilledResult<client.TokenEndpointResponse>).value.refresh_token as string;
      assert.equal(await refusal(client.refreshTokenGrant(h.spa, issued)), 'invalid_grant');
    }
  });

  it('stop working when the person is disabled', async () => {
    h.login.add({ account: { id: 5, publicId: 'usr_EEEEEEEEEEEEEEEE', email: 'erin@example.test', status: 'active', roles: ['customer'] },
      password: 'erin password' });
    const started = await startAuthorization(h.spa, 'openid offline_access read');
    const followed = await started.browser.follow(await submitPassword(started, 'erin@example.test', 'erin password'), h.redirectUri);
    assert.ok(followed.callback !== undefined);
    const tokens = await client.authorizationCodeGrant(h.spa, followed.callback, { pkceCodeVerifier: started.verifier, expectedState: started.state });
    h.login.setStatus('usr_EEEEEEEEEEEEEEEE', 'disabled');
    assert.equal(await refusal(client.refreshTokenGrant(h.spa, tokens.refresh_token as string)), 'invalid_grant');
    const seen = await whoami(tokens.access_token);
    assert.equal(seen.status, 403);
    assert.equal((seen.body['error'] as { code: string }).code, 'USER_DISABLED');
  });
});

describe('introspection and revocation', () => {
  it('introspects a refresh token for its client and for an internal service', async () => {
    const { tokens } = await codeFlowTokens();
    const own = await client.tokenIntrospection(h.spa, tokens.refresh_token as string);
    assert.equal(own.active, true);
    assert.equal(own.sub, alice.publicId);
    assert.equal(own.client_id, spaClientId);
    const byService = await client.tokenIntrospection(h.service, tokens.refresh_token as string);
    assert.equal(byService.active, true);
    const byPartner = await client.tokenIntrospection(h.partner, tokens.refresh_token as string);
    assert.equal(byPartner.active, false, 'another client learns nothing about the token');
  });

  it('says JWT access tokens are verified locally, not introspected', async () => {
    const { tokens } = await codeFlowTokens();
    assert.equal(await refusal(client.tokenIntrospection(h.service, tokens.access_token)), 'unsupported_token_type');
  });

  it('revokes a refresh token and with it the grant', async () => {
    const { tokens } = await codeFlowTokens();
    await client.tokenRevocation(h.spa, tokens.refresh_token as string, { token_type_hint: 'refresh_token' });
    assert.equal(await refusal(client.refreshTokenGrant(h.spa, tokens.refresh_token as string)), 'invalid_grant');
    assert.equal((await client.tokenIntrospection(h.service, tokens.refresh_token as string)).active, false);
  });
});

describe('client credentials', () => {
  it('issues a service token for the API audience that verifies as a service, not a person', async () => {
    const tokens = await client.clientCredentialsGrant(h.service, { scope: 'read' });
    const verified = await h.verifier.verify(tokens.access_token);
    assert.equal(verified.kind, 'service');
    assert.equal(verified.subject, serviceClientId);
    assert.deepEqual(verified.scopes, ['read']);
    const seen = await whoami(tokens.access_token);
    assert.equal(seen.status, 403);
  });

  it('refuses a scope the service may not have and a wrong secret', async () => {
    assert.equal(await refusal(client.clientCredentialsGrant(h.service, { scope: 'trade' })), 'invalid_scope');
    const impostor = await client.discovery(new URL(h.issuer), serviceClientId, 'wrong-secret-wrong-secret-wrong-secret', undefined,
      { execute: [client.allowInsecureRequests] });
    assert.equal(await refusal(client.clientCredentialsGrant(impostor, { scope: 'read' })), 'invalid_client');
  });

  it('is refused to a public client', async () => {
    const error = await refusal(client.clientCredentialsGrant(h.spa, { scope: 'read' }));
    assert.ok(['invalid_request', 'unauthorized_client'].includes(error), error);
  });
});

describe('bearer tokens at the API', () => {
  it('refuses tampered, foreign and absent tokens', async () => {
    const { tokens } = await codeFlowTokens('openid read');
    const [header, payload, signature] = tokens.access_token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const elevated = Buffer.from(JSON.stringify({ ...claims, scope: 'read trade withdraw' })).toString('base64url');
    for (const forged of [`${header}.${elevated}.${signature}`, `${header}.${payload}.${signature.slice(0, -4)}AAAA`,
      `${Buffer.from('{"alg":"none","typ":"at+jwt"}').toString('base64url')}.${payload}.`]) {
      const seen = await whoami(forged);
      assert.equal(seen.status, 401);
    }
    assert.equal((await fetch(`${h.baseUrl}/v1/whoami`)).status, 401);
    assert.equal((await fetch(`${h.baseUrl}/v1/whoami`, { headers: { authorization: 'Basic abc' } })).status, 401);
  });

  it('are scoped to the API audience: an ID token is not an access token', async () => {
    const { tokens } = await codeFlowTokens();
    assert.equal((await whoami(tokens.id_token as string)).status, 401);
  });

  it('expire: a token is refused once its exp has passed on the verifier clock', async () => {
    const { tokens } = await codeFlowTokens('openid read');
    const { ManualClock } = await import('@parite/kernel');
    const { JwtAccessTokenVerifier, storeJwks } = await import('../src/oidc/access-token-verifier.ts');
    const expiresAtMs = (decodeJwt(tokens.access_token).exp as number) * 1000;
    const clock = new ManualClock(expiresAtMs - 1_000);
    const verifier = new JwtAccessTokenVerifier({ issuer: h.issuer, audience: h.apiResource, keys: storeJwks(h.host.rotation), clock });
    assert.equal((await verifier.verify(tokens.access_token)).subject, alice.publicId);
    clock.setMs(expiresAtMs + 6_000);
    await assert.rejects(verifier.verify(tokens.access_token),
      (error: unknown) => error instanceof ServiceError && error.details?.['reason'] === 'expired');
  });
});

describe('signing key rotation', () => {
  it('publishes a staged key, switches signing to it, and keeps verifying tokens of the old key', async () => {
    const before = await codeFlowTokens('openid read');
    const oldKid = h.host.activeKeyId;
    const staged = await h.host.rotation.stageNow();
    assert.ok(staged !== undefined);
    const jwks = await (await fetch(`${h.issuer}/jwks`)).json() as { keys: { kid: string }[] };
    assert.deepEqual(jwks.keys.map((key) => key.kid).sort(), [oldKid, staged.kid].sort());
    assert.equal(await h.keys.activate(staged.kid, Date.now()), true);
    assert.equal(await h.host.refresh(), true);
    assert.equal(h.host.activeKeyId, staged.kid);
    const afterRotation = await codeFlowTokens('openid read');
    assert.equal(decodeProtectedHeader(afterRotation.tokens.access_token).kid, staged.kid);
    assert.equal(decodeProtectedHeader(afterRotation.tokens.id_token as string).kid, staged.kid);
    // A token signed before the switch still verifies: the retired key stays published.
    assert.equal((await whoami(before.tokens.access_token)).status, 200);
    // The refresh token issued before the switch still works and now yields new-key tokens.
    const refreshed = await client.refreshTokenGrant(h.spa, before.tokens.refresh_token as string);
    assert.equal(decodeProtectedHeader(refreshed.access_token).kid, staged.kid);
    const retired = (await h.keys.listKeys()).find((key) => key.kid === oldKid);
    assert.equal(retired?.state, 'retired');
  });
});
