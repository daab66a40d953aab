// TOTP enrolment and login, code reuse, recovery codes, step-up, and the sessions and tokens
// around them (reset links, binding, revocation, expiry).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ServiceError } from '@parite/contracts';
import { base32Decode, totpAt, type IssuedSession } from '../src/index.ts';
import { assertNoSecrets, createCredentialFixture, fingerprint, goodPassword, ip, lastMail, loggedIn, tokenIn, verifiedUser, type CredentialFixture } from './credentials-fixture.ts';

async function enrolled(fixture: CredentialFixture, email: string): Promise<{ secret: Buffer; recoveryCodes: readonly string[]; session: IssuedSession; userId: number }> {
  const user = await verifiedUser(fixture, email);
  const session = await loggedIn(fixture, email);
  assert.equal((await fixture.service.stepUp(user.id, session.sessionId, { password: goodPassword })).kind, 'ok');
  const enrolment = await fixture.service.beginTotpEnrolment(user.id, session.sessionId);
  const secret = base32Decode(enrolment.secret);
  assert.ok(secret !== undefined && secret.length === 20);
  assert.ok(enrolment.otpauthUri.startsWith('otpauth://totp/Parite:'));
  assert.deepEqual(await fixture.service.confirmTotpEnrolment(user.id, '000000'), { kind: 'invalid-code' });
  const confirmation = await fixture.service.confirmTotpEnrolment(user.id, totpAt(secret, fixture.clock.nowMs()));
  assert.equal(confirmation.kind, 'ok');
  const recoveryCodes = confirmation.kind === 'ok' ? confirmation.recoveryCodes : [];
  return { secret, recoveryCodes, session, userId: user.id };
}

async function challenge(fixture: CredentialFixture, email: string): Promise<string> {
  const result = await fixture.service.login({ email, password: goodPassword, deviceFingerprint: fingerprint, ip, country: 'TR' });
  assert.equal(result.kind, 'needs-second-factor');
  return result.kind === 'needs-second-factor' ? result.challengeToken : '';
}

describe('TOTP', () => {
  test('enrolment gives 10 recovery codes; every login then takes a code; a code is accepted once', async () => {
    const fixture = createCredentialFixture();
    const { secret, recoveryCodes, userId } = await enrolled(fixture, 'otp@example.com');
    assert.equal(recoveryCodes.length, 10);
    assert.equal(new Set(recoveryCodes).size, 10);
    for (const code of recoveryCodes) assert.match(code, /^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$/);
    assert.equal(await fixture.service.hasTotp(userId), true);
    // The enrolment code's own step is spent: the next step's code is needed.
    fixture.clock.advanceMs(30_000);
    const code = totpAt(secret, fixture.clock.nowMs());
    const result = await fixture.service.verifySecondFactor({ challengeToken: await challenge(fixture, 'otp@example.com'), code });
    assert.equal(result.kind, 'ok');
    assert.deepEqual(result.kind === 'ok' ? result.session.methods : [], ['password', 'totp']);
    // Same code again, even on a fresh challenge within its window: refused.
    const again = await fixture.service.verifySecondFactor({ challengeToken: await challenge(fixture, 'otp@example.com'), code });
    assert.deepEqual(again, { kind: 'invalid-code' });
    // An older code of the same window is refused too; the next step's code works.
    const older = totpAt(secret, fixture.clock.nowMs() - 30_000);
    assert.deepEqual(await fixture.service.verifySecondFactor({ challengeToken: await challenge(fixture, 'otp@example.com'), code: older }), { kind: 'invalid-code' });
    fixture.clock.advanceMs(30_000);
    const next = await fixture.service.verifySecondFactor({ challengeToken: await challenge(fixture, 'otp@example.com'), code: totpAt(secret, fixture.clock.nowMs()) });
    assert.equal(next.kind, 'ok');
    const actions = fixture.audit.entries.map((entry) => entry.action);
    assert.ok(actions.includes('totp.enable') && actions.includes('login.second_factor_failure'));
    assertNoSecrets(fixture, [secret.toString('base64'), code, ...recoveryCodes, ...recoveryCodes.map((entry) => entry.replaceAll('-', ''))]);
  });

  test('a challenge is single use and expires; wrong codes lock the second factor', async () => {
    const fixture = createCredentialFixture();
    const { secret } = await enrolled(fixture, 'otp@example.com');
    fixture.clock.advanceMs(30_000);
    const token = await challenge(fixture, 'otp@example.com');
    assert.equal((await fixture.service.verifySecondFactor({ challengeToken: token, code: totpAt(secret, fixture.clock.nowMs()) })).kind, 'ok');
    fixture.clock.advanceMs(30_000);
    assert.deepEqual(await fixture.service.verifySecondFactor({ challengeToken: token, code: totpAt(secret, fixture.clock.nowMs()) }), { kind: 'challenge-expired' });
    const stale = await challenge(fixture, 'otp@example.com');
    fixture.clock.advanceMs(5 * 60_000);
    assert.deepEqual(await fixture.service.verifySecondFactor({ challengeToken: stale, code: totpAt(secret, fixture.clock.nowMs()) }), { kind: 'challenge-expired' });
    const fresh = await challenge(fixture, 'otp@example.com');
    const outcomes: string[] = [];
    for (let index = 0; index < 8; index++) {
      outcomes.push((await fixture.service.verifySecondFactor({ challengeToken: fresh, code: String(100000 + index) })).kind);
      fixture.clock.advanceMs(40_000);
    }
    assert.deepEqual(outcomes.slice(0, 2), ['invalid-code', 'invalid-code']);
    assert.ok(outcomes.includes('locked'));
    await fixture.service.idle();
    assert.equal(fixture.events.events.filter((event) => event.kind === 'account.locked').length, 1);
  });

  test('recovery codes log in once each, in any typed form; step-up then disables TOTP', async () => {
    const fixture = createCredentialFixture();
    const { recoveryCodes, userId, secret } = await enrolled(fixture, 'lost-phone@example.com');
    const code = recoveryCodes[3] ?? '';
    const typed = ` ${code.toLowerCase().replaceAll('-', ' ')} `;
    const first = await fixture.service.verifySecondFactor({ challengeToken: await challenge(fixture, 'lost-phone@example.com'), code: typed });
    assert.equal(first.kind, 'ok');
    assert.deepEqual(first.kind === 'ok' ? first.session.methods : [], ['password', 'recovery-code']);
    assert.deepEqual(await fixture.service.verifySecondFactor({ challengeToken: await challenge(fixture, 'lost-phone@example.com'), code }), { kind: 'invalid-code' });
    assert.equal(await fixture.service.countRecoveryCodes(userId), 9);
    await fixture.service.idle();
    assert.ok(fixture.events.events.some((event) => event.kind === 'recovery_code.used' && event.details['remaining'] === 9));
    // The session from a second-factor login counts as freshly stepped up.
    const session = first.kind === 'ok' ? first.session : undefined;
    assert.ok(session !== undefined);
    await fixture.service.requireStepUp(userId, session.sessionId);
    fixture.clock.advanceMs(5 * 60_000);
    await assert.rejects(fixture.service.disableTotp(userId, session.sessionId), /step-up required|AUTH_STEP_UP_REQUIRED|Confirm it is you/);
    // With TOTP on, a password is not a step-up; a code is.
    assert.deepEqual(await fixture.service.stepUp(userId, session.sessionId, { password: goodPassword }), { kind: 'invalid' });
    const stepUp = await fixture.service.stepUp(userId, session.sessionId, { code: totpAt(secret, fixture.clock.nowMs()) });
    assert.equal(stepUp.kind, 'ok');
    const fresh = await fixture.service.regenerateRecoveryCodes(userId, session.sessionId);
    assert.equal(fresh.length, 10);
    assert.equal(await fixture.service.countRecoveryCodes(userId), 10);
    assert.deepEqual(await fixture.service.verifySecondFactor({ challengeToken: await challenge(fixture, 'lost-phone@example.com'), code: recoveryCodes[5] ?? '' }), { kind: 'invalid-code' });
    await fixture.service.disableTotp(userId, session.sessionId);
    assert.equal(await fixture.service.hasTotp(userId), false);
    assert.equal((await fixture.service.login({ email: 'lost-phone@example.com', password: goodPassword, deviceFingerprint: fingerprint, ip, country: 'TR' })).kind, 'ok');
    const actions = fixture.audit.entries.map((entry) => entry.action);
    for (const action of ['recovery_code.use', 'step_up.failure', 'step_up.success', 'recovery_code.generate', 'totp.disable']) assert.ok(actions.includes(action), action);
  });

  test('sensitive actions need a recent step-up', async () => {
    const fixture = createCredentialFixture();
    const user = await verifiedUser(fixture, 'plain@example.com');
    const session = await loggedIn(fixture, 'plain@example.com');
    await assert.rejects(fixture.service.beginTotpEnrolment(user.id, session.sessionId), (error: unknown) => error instanceof ServiceError && error.code === 'AUTH_STEP_UP_REQUIRED');
    assert.deepEqual(await fixture.service.stepUp(user.id, session.sessionId, { password: 'not-my-password' }), { kind: 'invalid' });
    assert.equal((await fixture.service.stepUp(user.id, session.sessionId, { password: goodPassword })).kind, 'ok');
    await fixture.service.requireStepUp(user.id, session.sessionId);
  });
});

describe('password reset and sessions', () => {
  test('a reset link works once, voids older links, ends every session and mails a notice', async () => {
    const fixture = createCredentialFixture();
    await verifiedUser(fixture, 'forgot@example.com');
    const session = await loggedIn(fixture, 'forgot@example.com');
    assert.deepEqual(await fixture.service.requestPasswordReset('forgot@example.com', ip), { kind: 'accepted' });
    await fixture.service.idle();
    const older = tokenIn(lastMail(fixture, 'password-reset'));
    await fixture.service.requestPasswordReset('Forgot@Example.com', ip);
    await fixture.service.idle();
    const token = tokenIn(lastMail(fixture, 'password-reset'));
    assert.notEqual(token, older);
    assert.deepEqual(await fixture.service.resetPassword(older, 'a-brand-new-passphrase'), { kind: 'invalid-token' });
    assert.deepEqual(await fixture.service.resetPassword(token, 'password1234'), { kind: 'password-refused', reason: 'common' });
    assert.equal((await fixture.service.resetPassword(token, 'a-brand-new-passphrase')).kind, 'ok');
    assert.deepEqual(await fixture.service.resetPassword(token, 'another-new-passphrase'), { kind: 'invalid-token' });
    assert.deepEqual(await fixture.service.authenticateSession(session.token), { kind: 'invalid' });
    assert.equal((await fixture.service.login({ email: 'forgot@example.com', password: goodPassword, deviceFingerprint: fingerprint, ip })).kind, 'invalid-credentials');
    assert.equal((await fixture.service.login({ email: 'forgot@example.com', password: 'a-brand-new-passphrase', deviceFingerprint: fingerprint, ip })).kind, 'ok');
    await fixture.service.idle();
    assert.ok(lastMail(fixture, 'password-changed') !== undefined);
    assertNoSecrets(fixture, [token, older, 'a-brand-new-passphrase']);
  });

  test('reset for an unknown address answers the same and sends nothing; links expire; mail requests are throttled', async () => {
    const fixture = createCredentialFixture();
    await verifiedUser(fixture, 'slow@example.com');
    assert.deepEqual(await fixture.service.requestPasswordReset('nobody@example.com', ip), { kind: 'accepted' });
    await fixture.service.requestPasswordReset('slow@example.com', ip);
    await fixture.service.idle();
    assert.equal(fixture.mail.messages.filter((message) => message.kind === 'password-reset').length, 1);
    const token = tokenIn(lastMail(fixture, 'password-reset'));
    fixture.clock.advanceMs(30 * 60_000);
    assert.deepEqual(await fixture.service.resetPassword(token, 'a-brand-new-passphrase'), { kind: 'invalid-token' });
    for (let index = 0; index < 20; index++) await fixture.service.requestPasswordReset('slow@example.com', ip);
    await fixture.service.idle();
    assert.ok(fixture.mail.messages.filter((message) => message.kind === 'password-reset').length <= 4);
  });

  test('verification links expire', async () => {
    const fixture = createCredentialFixture();
    await fixture.service.register({ email: 'expired@example.com', password: goodPassword, ip });
    await fixture.service.idle();
    const token = tokenIn(lastMail(fixture, 'email-verification'));
    fixture.clock.advanceMs(24 * 60 * 60_000);
    assert.deepEqual(await fixture.service.verifyEmail(token), { kind: 'invalid-token' });
  });

  test('sessions: list, revoke, idle and absolute expiry, device binding', async () => {
    const fixture = createCredentialFixture();
    const user = await verifiedUser(fixture, 'sessions@example.com');
    const bound = await fixture.service.login({ email: 'sessions@example.com', password: goodPassword, deviceFingerprint: fingerprint, ip, country: 'TR', bindSessionToDevice: true });
    assert.equal(bound.kind, 'ok');
    const boundSession = bound.kind === 'ok' ? bound.session : undefined;
    assert.ok(boundSession !== undefined);
    const plain = await loggedIn(fixture, 'sessions@example.com');
    assert.equal((await fixture.service.listSessions(user.id)).length, 2);
    assert.equal((await fixture.service.authenticateSession(boundSession.token, fingerprint)).kind, 'ok');
    // A bound token presented from elsewhere is treated as stolen and revoked.
    assert.deepEqual(await fixture.service.authenticateSession(boundSession.token, 'some-other-device-cookie-000'), { kind: 'invalid' });
    assert.deepEqual(await fixture.service.authenticateSession(boundSession.token, fingerprint), { kind: 'invalid' });
    await fixture.service.idle();
    assert.ok(fixture.events.events.some((event) => event.kind === 'session.device_mismatch'));
    assert.equal((await fixture.service.authenticateSession(plain.token)).kind, 'ok');
    await fixture.service.revokeSession(user.id, plain.sessionId);
    assert.deepEqual(await fixture.service.authenticateSession(plain.token), { kind: 'invalid' });
    assert.equal((await fixture.service.listSessions(user.id)).length, 0);
    // Idle: 30 minutes without use; absolute: 12 hours whatever the use.
    const idle = await loggedIn(fixture, 'sessions@example.com');
    fixture.clock.advanceMs(30 * 60_000);
    assert.deepEqual(await fixture.service.authenticateSession(idle.token), { kind: 'invalid' });
    const busy = await loggedIn(fixture, 'sessions@example.com');
    for (let minute = 0; minute < 12 * 60; minute += 20) {
      assert.equal((await fixture.service.authenticateSession(busy.token)).kind, 'ok', `minute ${minute}`);
      fixture.clock.advanceMs(20 * 60_000);
    }
    assert.deepEqual(await fixture.service.authenticateSession(busy.token), { kind: 'invalid' });
    assert.deepEqual(await fixture.service.authenticateSession('garbage'), { kind: 'invalid' });
    const actions = fixture.audit.entries.map((entry) => entry.action);
    assert.ok(actions.includes('session.revoke') && actions.includes('session.device_mismatch'));
  });

  test('forgetting a device ends its sessions and makes its next login a new device', async () => {
    const fixture = createCredentialFixture();
    const user = await verifiedUser(fixture, 'forget@example.com');
    const session = await loggedIn(fixture, 'forget@example.com');
    const [device] = await fixture.service.listDevices(user.id);
    assert.ok(device !== undefined);
    await fixture.service.forgetDevice(user.id, device.deviceId);
    assert.deepEqual(await fixture.service.authenticateSession(session.token), { kind: 'invalid' });
    assert.equal((await fixture.service.login({ email: 'forget@example.com', password: goodPassword, deviceFingerprint: fingerprint, ip, country: 'TR' })).kind, 'needs-device-confirmation');
  });

  test('changing the password needs the current one and ends the other sessions', async () => {
    const fixture = createCredentialFixture();
    const user = await verifiedUser(fixture, 'change@example.com');
    const keep = await loggedIn(fixture, 'change@example.com');
    const other = await loggedIn(fixture, 'change@example.com');
    assert.deepEqual(await fixture.service.changePassword(user.id, keep.sessionId, 'wrong-current-password', 'the-next-long-passphrase'), { kind: 'invalid-credentials' });
    assert.deepEqual(await fixture.service.changePassword(user.id, keep.sessionId, goodPassword, 'change@example.com-2026'), { kind: 'password-refused', reason: 'contains-email' });
    assert.deepEqual(await fixture.service.changePassword(user.id, keep.sessionId, goodPassword, 'the-next-long-passphrase'), { kind: 'ok' });
    assert.equal((await fixture.service.authenticateSession(keep.token)).kind, 'ok');
    assert.deepEqual(await fixture.service.authenticateSession(other.token), { kind: 'invalid' });
  });
});
