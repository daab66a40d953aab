// The platform's OpenID Connect provider end to end: a real relying party (openid-client) signs a
// demo user in through the real login page with the demo password (authorization code + PKCE),
// uses the access token on the API, refreshes with rotation, trips reuse detection and revokes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import {
  access, bearer, codeOf, demoPassword, mintAccessToken, signIn, TestBrowser, webClient,
} from './support/identity-client.ts';
import { startTestPlatform, type TestPlatform } from './support/platform-harness.ts';

let harness: TestPlatform;
let config: client.Configuration;

before(async () => {
  harness = await startTestPlatform();
  config = await webClient(harness);
});

after(async () => harness.stop());

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof client.ResponseBodyError) return error.error;
    throw error;
  }
  assert.fail('the request was accepted');
}

async function auditActions(targetId: string): Promise<string[]> {
  const rows = await harness.platform.database.sql`select action from audit_log where target_id = ${targetId} order by sequence`;
  return rows.map((row) => String(row['action']));
}

describe('OpenID Connect on the platform', () => {
  test('discovery: the issuer, code flow with S256, endpoints under the issuer', () => {
    const metadata = config.serverMetadata();
    assert.equal(metadata.issuer, access(harness).settings.issuer);
    assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
    assert.ok(metadata.token_endpoint?.startsWith(`${metadata.issuer}/`));
  });

  test('the sign-in page links to registration and password recovery, with a strict CSP and a device cookie', async () => {
    const browser = new TestBrowser(harness.baseUrl);
    const url = client.buildAuthorizationUrl(config, { redirect_uri: access(harness).settings.webRedirectUris[0] as string,
      scope: 'openid read', code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256' });
    const followed = await browser.follow(url.toString(), 'http://never.example');
    const page = followed.page;
    assert.ok(page !== undefined);
    assert.match(page.body, /href="\/account\/register"/);
    assert.match(page.body, /href="\/account\/forgot-password"/);
    assert.doesNotMatch(page.body, /<script/);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.ok(browser.cookieNames().includes('parite_device'));
  });

  test('a demo user signs in with the password; the access token carries the session and works on the API', async () => {
    const alice = demoPassword(harness, 'alice');
    const { tokens } = await signIn(harness, alice);
    const claims = decodeJwt(tokens.access_token);
    assert.equal(claims.sub, harness.users['alice']?.publicId);
    assert.equal(claims.scope, 'read trade');
    assert.match(String(claims['sid']), /^ses_/);
    assert.deepEqual(tokens.claims()?.['amr'], ['pwd']);
    const account = await bearer(harness, tokens.access_token, 'GET', '/v1/account');
    assert.equal(account.status, 200);
    assert.equal(account.body['userId'], harness.users['alice']?.publicId);
    const balances = await bearer(harness, tokens.access_token, 'GET', '/v1/balances');
    assert.equal(balances.status, 200, JSON.stringify(balances.body));
    await access(harness).host.idle();
    const actions = await auditActions(harness.users['alice']?.publicId ?? '');
    assert.ok(actions.includes('login.success'), actions.join(','));
    assert.ok(actions.includes('oidc.sign_in'), actions.join(','));
  });

  test('a wrong password shows the form again and is audited, without the password', async () => {
    const browser = new TestBrowser(harness.baseUrl);
    await assert.rejects(signIn(harness, { email: demoPassword(harness, 'bob').email, password: 'not the password at all' }, { browser }),
      /the flow reaches the client \(got 401/);
    const rows = await harness.platform.database.sql`select details from audit_log where action = 'login.failure'
      and target_id = ${harness.users['bob']?.publicId ?? ''}`;
    assert.ok(rows.length >= 1);
    assert.doesNotMatch(JSON.stringify(rows), /not the password/);
  });

  test('refresh rotates the token; presenting the old one again revokes the whole family', async () => {
    const { tokens } = await signIn(harness, demoPassword(harness, 'bob'));
    const first = tokens.refresh_token as string;
    const rotated = await client.refreshTokenGrant(config, first);
    assert.notEqual(rotated.refresh_token, first);
    assert.equal((await bearer(harness, rotated.access_token, 'GET', '/v1/account')).status, 200);
    assert.equal(await refusal(client.refreshTokenGrant(config, first)), 'invalid_grant');
    // The family is gone: the token issued by the rotation no longer works either.
    assert.equal(await refusal(client.refreshTokenGrant(config, rotated.refresh_token as string)), 'invalid_grant');
    await access(harness).host.idle();
    const revocations = await harness.platform.database.sql`select 1 from audit_log where action = 'oidc.token_reuse_revoke'`;
    assert.ok(revocations.length >= 1);
  });

  test('revoking the refresh token ends the grant', async () => {
    const { tokens } = await signIn(harness, demoPassword(harness, 'alice'));
    await client.tokenRevocation(config, tokens.refresh_token as string);
    assert.equal(await refusal(client.refreshTokenGrant(config, tokens.refresh_token as string)), 'invalid_grant');
  });

  test('an expired token and a tampered token are refused with a Bearer challenge', async () => {
    const alice = harness.users['alice']?.publicId ?? '';
    const expired = await mintAccessToken(harness, { subject: alice, scopes: ['read'], expiresInSeconds: -60 });
    const response = await bearer(harness, expired, 'GET', '/v1/account');
    assert.equal(response.status, 401);
    assert.equal(codeOf(response), 'AUTH_INVALID_ACCESS_TOKEN');
    assert.equal(response.body.error?.details?.['reason'], 'expired');
    assert.equal(response.headers.get('www-authenticate'), 'Bearer error="invalid_token"');

    const valid = await mintAccessToken(harness, { subject: alice, scopes: ['read'] });
    assert.equal((await bearer(harness, valid, 'GET', '/v1/account')).status, 200);
    const [header, payload, signature] = valid.split('.') as [string, string, string];
    const widened = Buffer.from(JSON.stringify({ ...decodeJwt(valid), scope: 'read trade withdraw' })).toString('base64url');
    for (const tampered of [`${header}.${widened}.${signature}`, `${header}.${payload}.${signature.slice(0, -4)}AAAA`]) {
      const refused = await bearer(harness, tampered, 'GET', '/v1/account');
      assert.equal(refused.status, 401);
      assert.equal(codeOf(refused), 'AUTH_INVALID_ACCESS_TOKEN');
    }
  });

  test('signing a session out elsewhere refuses its access token and its refresh token at once', async () => {
    const first = await signIn(harness, demoPassword(harness, 'alice'));
    const second = await signIn(harness, demoPassword(harness, 'alice'));
    const sid = String(decodeJwt(first.tokens.access_token)['sid']);
    assert.equal((await bearer(harness, first.tokens.access_token, 'GET', '/v1/account')).status, 200);
    const listed = await bearer(harness, second.tokens.access_token, 'GET', '/v1/account/sessions');
    assert.equal(listed.status, 200);
    assert.ok((listed.body['sessions'] as { sessionId: string }[]).some((session) => session.sessionId === sid));
    const revoked = await bearer(harness, second.tokens.access_token, 'DELETE', `/v1/account/sessions/${sid}`);
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    const after = await bearer(harness, first.tokens.access_token, 'GET', '/v1/account');
    assert.equal(after.status, 401);
    assert.equal(after.body.error?.details?.['reason'], 'session ended');
    assert.equal(await refusal(client.refreshTokenGrant(config, first.tokens.refresh_token as string)), 'invalid_grant');
    // The other session is untouched.
    assert.equal((await bearer(harness, second.tokens.access_token, 'GET', '/v1/account')).status, 200);
  });

  test('the service client gets a client-credentials token that cannot act for a person', async () => {
    const secret = access(harness).settings.serviceClientSecret;
    if (secret === undefined) return; // production mode without a service secret file: no service client
    const service = await client.discovery(new URL(access(harness).settings.issuer), 'parite-services', secret, undefined,
      { execute: [client.allowInsecureRequests] });
    const tokens = await client.clientCredentialsGrant(service, { scope: 'read', resource: access(harness).settings.apiResource });
    const response = await bearer(harness, tokens.access_token, 'GET', '/v1/account');
    assert.equal(response.status, 403);
  });
});
