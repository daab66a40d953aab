// The account product on the running platform: registration with e-mail verification (read from the
// outbox) and a first sign-in, password recovery, the account area's step-up rules for two-factor
// enrolment and API key creation, and staff role grants through four eyes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { base32Decode, signRequest, totpAt } from '@parite/identity';
import {
  access, bearer, codeOf, demoPassword, formField, mailedLink, signIn, TestBrowser,
} from './support/identity-client.ts';
import { startTestPlatform, type TestPlatform } from './support/platform-harness.ts';

let harness: TestPlatform;

before(async () => {
  // E-mail confirmation of new devices, as in production: the verification link confirms the browser.
  harness = await startTestPlatform({ environment: { PARITE_NEW_DEVICE_CONFIRMATION: 'email' } });
});

after(async () => harness.stop());

/** Opens a page, fills its form (csrf from the page) and posts it, as a browser would. */
async function submit(browser: TestBrowser, url: string, fields: Record<string, string>) {
  const page = await browser.request(url);
  assert.equal(page.status, 200, page.body.slice(0, 200));
  assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'; form-action 'self'/);
  const action = /<form method="post" action="([^"]+)"/.exec(page.body)?.[1];
  assert.ok(action !== undefined);
  const hiddenToken = /name="token" value="([^"]*)"/.exec(page.body)?.[1];
  return browser.request(action, { form: { csrf: formField(page.body, 'csrf'), ...(hiddenToken === undefined ? {} : { token: hiddenToken }), ...fields } });
}

describe('registration and recovery', () => {
  const email = 'newcomer@example.test';
  const password = 'lantern orbit cactus meadow';
  let browser: TestBrowser;
  before(() => {
    browser = new TestBrowser(harness.baseUrl);
  });

  test('register, confirm the address from the e-mail, then sign in on the same browser', async () => {
    const registered = await submit(browser, '/account/register', { email, password });
    assert.equal(registered.status, 200, registered.body);
    assert.match(registered.body, /Check your e-mail/);
    const link = await mailedLink(harness, email, '/account/verify-email');
    // Opening the link only shows a form: a mail scanner fetching it confirms nothing.
    const landing = await browser.request(link);
    assert.match(landing.body, /Confirm your e-mail address/);
    const confirmed = await submit(browser, link, {});
    assert.equal(confirmed.status, 200, confirmed.body);
    assert.match(confirmed.body, /Address confirmed/);
    const replay = await submit(browser, link, {});
    assert.equal(replay.status, 400);
    const { tokens } = await signIn(harness, { email, password }, { browser });
    const account = await bearer(harness, tokens.access_token, 'GET', '/v1/account');
    assert.equal(account.status, 200);
    assert.equal(account.body['email'], email);
  });

  test('a new browser must confirm the device from the e-mail before signing in', async () => {
    const other = new TestBrowser(harness.baseUrl);
    await assert.rejects(signIn(harness, { email, password }, { browser: other }), /got 200 .*Confirm this device/s);
    const link = await mailedLink(harness, email, '/account/confirm-device');
    const confirmed = await submit(other, link, {});
    assert.match(confirmed.body, /Device confirmed/);
    await signIn(harness, { email, password }, { browser: other });
  });

  test('forgotten password: the e-mailed link sets a new one; the old one stops working', async () => {
    const asked = await submit(browser, '/account/forgot-password', { email });
    assert.match(asked.body, /If this address has an account/);
    const unknown = await submit(browser, '/account/forgot-password', { email: 'nobody@example.test' });
    assert.equal(unknown.body, asked.body);
    const link = await mailedLink(harness, email, '/account/reset-password');
    const weak = await submit(browser, link, { password: 'password1234' });
    assert.equal(weak.status, 400);
    const reset = await submit(browser, link, { password: 'quiet harbour violin seventeen' });
    assert.match(reset.body, /Password changed/);
    // A fresh browser each time: the one above holds a single sign-on session, which the reset does not end.
    await assert.rejects(signIn(harness, { email, password }, { browser: new TestBrowser(harness.baseUrl) }), /got 401/);
    await assert.rejects(signIn(harness, { email, password: 'quiet harbour violin seventeen' }, { browser: new TestBrowser(harness.baseUrl) }),
      /Confirm this device/);
  });

  test('forms refuse a post without this browser\'s form token or from another origin', async () => {
    const browser = new TestBrowser(harness.baseUrl);
    const page = await browser.request('/account/register');
    const csrf = formField(page.body, 'csrf');
    const foreign = await browser.request('/account/register', { form: { csrf, email: 'x@example.test', password }, headers: { origin: 'https://evil.example' } });
    assert.equal(foreign.status, 403);
    const other = new TestBrowser(harness.baseUrl);
    const stolenToken = await other.request('/account/register', { form: { csrf, email: 'x@example.test', password } });
    assert.equal(stolenToken.status, 403);
  });
});

describe('account area: step-up, two-factor authentication, API keys', () => {
  test('API key creation by session needs 2FA and a fresh step-up; security changes need a step-up', async () => {
    const alice = demoPassword(harness, 'alice');
    const browser = new TestBrowser(harness.baseUrl);
    // A fresh browser in e-mail mode: confirm the device first.
    await assert.rejects(signIn(harness, alice, { browser }), /Confirm this device/);
    await submit(browser, await mailedLink(harness, alice.email, '/account/confirm-device'), {});
    const { tokens } = await signIn(harness, alice, { browser });
    const token = tokens.access_token;
    const sid = String(decodeJwt(token)['sid']);
    const keyRequest = { scopes: ['read'], label: 'bot', ipAllowList: ['127.0.0.1'], expiresAtMs: Date.now() + 86_400_000 };

    assert.equal(codeOf(await bearer(harness, token, 'POST', '/v1/api-keys', keyRequest)), 'AUTH_SECOND_FACTOR_REQUIRED');
    assert.equal(codeOf(await bearer(harness, token, 'POST', '/v1/account/totp', {})), 'AUTH_STEP_UP_REQUIRED');
    assert.equal(codeOf(await bearer(harness, token, 'POST', '/v1/account/step-up', { password: 'wrong password here' })), 'AUTH_CODE_INVALID');
    assert.equal((await bearer(harness, token, 'POST', '/v1/account/step-up', { password: alice.password })).status, 200);
    const enrolment = await bearer(harness, token, 'POST', '/v1/account/totp', {});
    assert.equal(enrolment.status, 200, JSON.stringify(enrolment.body));
    const secret = base32Decode(String(enrolment.body['secret']));
    assert.ok(secret !== undefined);
    const confirmed = await bearer(harness, token, 'POST', '/v1/account/totp/confirm', { code: totpAt(secret, Date.now()) });
    assert.equal(confirmed.status, 200);
    const recoveryCodes = confirmed.body['recoveryCodes'] as string[];
    assert.equal(recoveryCodes.length, 10);

    // The step-up ages out (set in the store: no sleeping), and key creation asks again.
    await harness.platform.database.sql`update identity_sessions set step_up_at = now() - interval '10 minutes' where session_id = ${sid}`;
    assert.equal(codeOf(await bearer(harness, token, 'POST', '/v1/api-keys', keyRequest)), 'AUTH_STEP_UP_REQUIRED');
    // With 2FA on, the password no longer steps up; a code does.
    assert.equal(codeOf(await bearer(harness, token, 'POST', '/v1/account/step-up', { password: alice.password })), 'AUTH_CODE_INVALID');
    assert.equal((await bearer(harness, token, 'POST', '/v1/account/step-up', { code: totpAt(secret, Date.now() + 30_000) })).status, 200);
    const created = await bearer(harness, token, 'POST', '/v1/api-keys', keyRequest);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const keyId = String(created.body['keyId']);
    const keySecret = String(created.body['secret']);
    assert.deepEqual((created.body['apiKey'] as { ipAllowList: string[] }).ipAllowList, ['127.0.0.1']);
    // The secret is shown once: the list does not carry it.
    const listed = await bearer(harness, token, 'GET', '/v1/api-keys');
    assert.doesNotMatch(JSON.stringify(listed.body), new RegExp(keySecret));
    const signed = await fetch(`${harness.baseUrl}/v1/account`, { headers: signRequest({ keyId, secret: keySecret, method: 'GET',
      url: '/v1/account', body: '', timestampMs: Date.now(), nonce: 'k1' }) });
    assert.equal(signed.status, 200);
    // A read-only key cannot mint keys; a trading key mints narrower ones without a session (the key rule).
    const readOnlyMint = await fetch(`${harness.baseUrl}/v1/api-keys`, { method: 'POST', headers: { 'content-type': 'application/json',
      ...signRequest({ keyId, secret: keySecret, method: 'POST', url: '/v1/api-keys', body: JSON.stringify({ scopes: ['read'] }),
        timestampMs: Date.now(), nonce: 'k2' }) }, body: JSON.stringify({ scopes: ['read'] }) });
    assert.equal(readOnlyMint.status, 403);
    assert.equal((await harness.request('alice', 'POST', '/v1/api-keys', { scopes: ['read'], label: 'narrower' })).status, 201);

    // Sessions and devices are listed; recovery codes are replaced after a step-up (a recovery code is one).
    const sessions = await bearer(harness, token, 'GET', '/v1/account/sessions');
    assert.ok((sessions.body['sessions'] as { current: boolean }[]).some((session) => session.current));
    assert.ok(((await bearer(harness, token, 'GET', '/v1/account/devices')).body['devices'] as unknown[]).length >= 1);
    assert.equal((await bearer(harness, token, 'POST', '/v1/account/step-up', { code: recoveryCodes[0] })).status, 200);
    const regenerated = await bearer(harness, token, 'POST', '/v1/account/recovery-codes', {});
    assert.equal((regenerated.body['recoveryCodes'] as string[]).length, 10);
    const security = await bearer(harness, token, 'GET', '/v1/account/security');
    assert.deepEqual(security.body, { totpEnabled: true, recoveryCodesLeft: 10, sessionId: sid });

    const audited = await harness.platform.database.sql`select action, details from audit_log
      where target_id = ${harness.users['alice']?.publicId ?? ''} or target_id = ${keyId} order by sequence`;
    const actions = audited.map((row) => String(row['action']));
    for (const action of ['step_up.failure', 'step_up.success', 'totp.enable', 'recovery_code.generate', 'api_key.create']) {
      assert.ok(actions.includes(action), `${action} in ${actions.join(',')}`);
    }
    assert.doesNotMatch(JSON.stringify(audited), new RegExp(`${keySecret}|${alice.password}|${recoveryCodes[1]}`));

    // Signing in now takes the second factor.
    const fresh = regenerated.body['recoveryCodes'] as string[];
    // A new browser: the code both signs in and confirms the device.
    const again = await signIn(harness, alice, { browser: new TestBrowser(harness.baseUrl), code: () => fresh[0] as string });
    assert.deepEqual(again.tokens.claims()?.['amr'], ['pwd', 'otp', 'mfa']);
  });

  test('an API key never manages security settings', async () => {
    const response = await harness.request('bob', 'GET', '/v1/account/sessions');
    assert.equal(response.status, 403);
    assert.equal(codeOf(response), 'AUTH_FORBIDDEN');
  });
});

describe('role grants through four eyes', () => {
  test('a super admin requests, another approves; self-approval and self-grants are refused; all audited', async () => {
    const identity = access(harness).identity;
    const actor = { kind: 'system', id: 'test' };
    const makers = [];
    for (const name of ['root-one', 'root-two']) {
      const user = await identity.createUser({ email: `${name}@staff.test`, roles: ['super_admin'] }, actor);
      const key = await identity.createApiKey(user.id, { scopes: ['read'], label: 'staff' }, actor);
      harness.users[name] = { keyId: key.keyId, secret: key.secret, userId: user.id, publicId: user.publicId };
      makers.push(user);
    }
    const target = await identity.createUser({ email: 'new-auditor@staff.test' }, actor);
    const rootOne = harness.users['root-one']?.publicId ?? '';

    const self = await harness.request('root-one', 'POST', `/v1/admin/users/${rootOne}/roles`, { roles: ['customer'] });
    assert.equal(self.status, 403);
    const byAdmin = await harness.request('operator', 'POST', `/v1/admin/users/${target.publicId}/roles`, { roles: ['auditor'] });
    assert.equal(byAdmin.status, 403, 'admin lacks role:admin');

    const requested = await harness.request('root-one', 'POST', `/v1/admin/users/${target.publicId}/roles`, { roles: ['auditor'] });
    assert.equal(requested.status, 202, JSON.stringify(requested.body));
    const approvalId = String((requested.body as { approvalId: string }).approvalId);
    assert.deepEqual((await identity.getUser(target.id)).roles, ['customer']);

    const selfApproval = await harness.request('root-one', 'POST', `/v1/admin/approvals/${approvalId}/approve`, {});
    assert.equal(selfApproval.status, 403);
    assert.equal(codeOf(selfApproval), 'APPROVAL_SELF_DECISION');
    const approved = await harness.request('root-two', 'POST', `/v1/admin/approvals/${approvalId}/approve`, { reason: 'new auditor joined' });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.equal((approved.body as { status: string }).status, 'executed');
    assert.deepEqual((await identity.getUser(target.id)).roles, ['auditor']);

    const audit = await harness.platform.database.sql`select action, actor_id, details from audit_log where target_id = ${target.publicId} order by sequence`;
    const actions = audit.map((row) => String(row['action']));
    for (const action of ['user.set_roles.requested', 'user.set_roles.approved', 'user.set_roles', 'user.set_roles.executed']) {
      assert.ok(actions.includes(action), `${action} in ${actions.join(',')}`);
    }
    const change = audit.find((row) => row['action'] === 'user.set_roles');
    assert.equal(change?.['actor_id'], harness.users['root-two']?.publicId);
    assert.deepEqual((change?.['details'] as { before: string[]; after: string[] }), { before: ['customer'], after: ['auditor'] });
  });
});
