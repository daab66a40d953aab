// Login: the happy path, indistinguishable failures, lockout and backoff under scripted attacks,
// concurrency, rehashing, unverified and disabled accounts, new devices and countries.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Argon2PasswordHasher, argon2ParametersDefault, MemoryCredentialStore, MemoryIdentityStore, type CredentialStore, type IdentityStore, type LoginResult } from '../src/index.ts';
import { system } from './fixture.ts';
import { assertNoSecrets, CountingHasher, createCredentialFixture, fingerprint, goodPassword, ip, lastMail, loggedIn, tokenIn, verifiedUser, type CredentialFixture } from './credentials-fixture.ts';

/** Wraps a store so every method call is counted: the same round trips for both failure kinds. */
function counted<T extends object>(target: T, calls: string[]): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(property));
        return (value as (...parameters: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}

function attempt(fixture: CredentialFixture, email: string, password: string, fromIp = ip): Promise<LoginResult> {
  return fixture.service.login({ email, password, deviceFingerprint: fingerprint, ip: fromIp, country: 'TR' });
}

describe('login', () => {
  test('registration, e-mail verification and a login from the verified device', async () => {
    const fixture = createCredentialFixture();
    const user = await verifiedUser(fixture, 'ayse@example.com');
    const session = await loggedIn(fixture, 'AYSE@example.com ');
    assert.equal(session.userPublicId, user.publicId);
    assert.deepEqual(session.methods, ['password']);
    assert.match(session.token, /^[A-Za-z0-9_-]{43}$/);
    const check = await fixture.service.authenticateSession(session.token);
    assert.equal(check.kind, 'ok');
    const actions = fixture.audit.entries.map((entry) => entry.action);
    assert.deepEqual(actions, ['user.create', 'credential.register', 'email.verify', 'login.success']);
    assertNoSecrets(fixture, [goodPassword, session.token]);
  });

  test('an unknown account and a wrong password: same result, one argon2 verify each, same store round trips', async () => {
    const identityCalls: string[] = [];
    const credentialCalls: string[] = [];
    const fixture = createCredentialFixture({
      identityStore: counted<IdentityStore>(new MemoryIdentityStore(), identityCalls),
      store: counted<CredentialStore>(new MemoryCredentialStore(), credentialCalls),
    });
    await verifiedUser(fixture, 'known@example.com');
    const runs: { result: LoginResult; verifies: number; hashes: number; calls: string[] }[] = [];
    for (const email of ['known@example.com', 'nobody@example.com']) {
      const before = { verifies: fixture.hasher.verifies, hashes: fixture.hasher.hashes, identity: identityCalls.length, credential: credentialCalls.length };
      const result = await attempt(fixture, email, 'wrong-password-guess-1');
      runs.push({
        result,
        verifies: fixture.hasher.verifies - before.verifies,
        hashes: fixture.hasher.hashes - before.hashes,
        calls: [...identityCalls.slice(before.identity), ...credentialCalls.slice(before.credential)],
      });
    }
    const [wrongPassword, unknownUser] = runs;
    assert.deepEqual(wrongPassword?.result, { kind: 'invalid-credentials' });
    assert.deepEqual(unknownUser, wrongPassword);
    assert.equal(wrongPassword?.verifies, 1);
    assert.equal(wrongPassword?.hashes, 0);
    assert.deepEqual(wrongPassword?.calls, ['findUserByEmail', 'findPassword']);
    const failures = fixture.audit.entries.filter((entry) => entry.action === 'login.failure');
    assert.equal(failures.length, 2);
    assert.deepEqual(failures.map((entry) => entry.targetKind), ['user', 'login_identifier']);
    assert.match(failures[1]?.targetId ?? '', /^sha256:[0-9a-f]{32}$/);
    assertNoSecrets(fixture, ['wrong-password-guess-1', 'nobody@example.com']);
  });

  test('one IP, one account: backoff, then a lock even the right password cannot pass, then recovery', async () => {
    const fixture = createCredentialFixture();
    await verifiedUser(fixture, 'target@example.com');
    const verifiesBefore = fixture.hasher.verifies;
    const results = new Map<string, number>();
    // Two hours of one guess per second.
    for (let second = 0; second < 7_200; second++) {
      const result = await attempt(fixture, 'target@example.com', `guess-number-${second}`);
      results.set(result.kind, (results.get(result.kind) ?? 0) + 1);
      fixture.clock.advanceMs(1_000);
    }
    const evaluated = fixture.hasher.verifies - verifiesBefore;
    // 10 failures to the first lock (~2 minutes of backoff), then one guess per 30-minute lock.
    assert.ok(evaluated >= 10 && evaluated <= 14, `evaluated ${evaluated} guesses`);
    assert.equal(results.get('invalid-credentials'), evaluated);
    assert.equal(results.get('locked'), 7_200 - evaluated);
    assert.equal(fixture.audit.entries.filter((entry) => entry.action === 'login.lockout').length, 1);
    await fixture.service.idle();
    assert.equal(fixture.mail.messages.filter((message) => message.kind === 'account-locked').length, 1);
    assert.equal(fixture.events.events.filter((event) => event.kind === 'account.locked').length, 1);
    // Locked: the right password is refused too, and costs no argon2 work.
    const locked = await attempt(fixture, 'target@example.com', goodPassword);
    assert.equal(locked.kind, 'locked');
    assert.ok(locked.kind === 'locked' && locked.retryAfterMs > 0 && locked.retryAfterMs <= 30 * 60_000);
    fixture.clock.advanceMs(locked.kind === 'locked' ? locked.retryAfterMs : 0);
    assert.equal((await attempt(fixture, 'target@example.com', goodPassword)).kind, 'ok');
    // Success cleared the account counter: the next typo is free again.
    assert.equal((await attempt(fixture, 'target@example.com', 'one-typo-here')).kind, 'invalid-credentials');
    assert.equal((await attempt(fixture, 'target@example.com', goodPassword)).kind, 'ok');
  });

  test('many IPs, one account: the account counter holds whatever the source', async () => {
    const fixture = createCredentialFixture();
    await verifiedUser(fixture, 'target@example.com');
    const verifiesBefore = fixture.hasher.verifies;
    for (let index = 0; index < 3_600; index++) {
      await attempt(fixture, 'target@example.com', `guess-${index}`, `198.51.${index >> 8}.${index & 255}`);
      fixture.clock.advanceMs(1_000);
    }
    const evaluated = fixture.hasher.verifies - verifiesBefore;
    assert.ok(evaluated >= 10 && evaluated <= 12, `evaluated ${evaluated} guesses`);
  });

  test('one IP, many accounts (credential stuffing): the IP counter holds; other clients are unaffected', async () => {
    const fixture = createCredentialFixture();
    await verifiedUser(fixture, 'bystander@example.com');
    const verifiesBefore = fixture.hasher.verifies;
    for (let index = 0; index < 3_600; index++) {
      await attempt(fixture, `victim-${index}@example.com`, 'Summer2026!Summer', '192.0.2.66');
      fixture.clock.advanceMs(1_000);
    }
    const evaluated = fixture.hasher.verifies - verifiesBefore;
    // 100 failures lock the address for an hour; backoff from 20 slows the way there.
    assert.ok(evaluated >= 20 && evaluated <= 102, `evaluated ${evaluated} guesses`);
    assert.equal((await attempt(fixture, 'someone-new@example.com', 'Summer2026!Summer', '192.0.2.66')).kind, 'locked');
    assert.equal((await attempt(fixture, 'bystander@example.com', goodPassword, '192.0.2.67')).kind, 'ok');
  });

  test('parallel guesses cannot share one check: each attempt number is claimed once', async () => {
    const fixture = createCredentialFixture();
    await verifiedUser(fixture, 'target@example.com');
    const verifiesBefore = fixture.hasher.verifies;
    const results = await Promise.all(Array.from({ length: 50 }, (_, index) => attempt(fixture, 'target@example.com', `parallel-${index}`)));
    const evaluated = fixture.hasher.verifies - verifiesBefore;
    assert.ok(evaluated <= 3, `evaluated ${evaluated} of 50 parallel guesses`);
    assert.equal(results.filter((result) => result.kind === 'locked').length, 50 - evaluated);
  });

  test('a hash made with old parameters is replaced at the next successful login', async () => {
    const oldHasher = new CountingHasher(new Argon2PasswordHasher({ memoryCostKib: 128, timeCost: 1, parallelism: 1 }));
    const first = createCredentialFixture({ hasher: oldHasher });
    const user = await verifiedUser(first, 'rehash@example.com');
    const before = await first.store.findPassword(user.id);
    assert.match(before?.passwordHash ?? '', /^\$argon2id\$v=19\$m=128,t=1,p=1\$/);
    const second = createCredentialFixture({ identityStore: first.identityStore, store: first.store });
    await loggedIn(second, 'rehash@example.com');
    const after = await second.store.findPassword(user.id);
    assert.match(after?.passwordHash ?? '', /^\$argon2id\$v=19\$m=256,t=1,p=1\$/);
    assert.equal(second.hasher.hashes, 1);
    await loggedIn(second, 'rehash@example.com');
    assert.equal(second.hasher.hashes, 1);
  });

  test('the production parameters: argon2id, 64 MiB, 3 passes, 1 lane', async () => {
    assert.deepEqual(argon2ParametersDefault, { memoryCostKib: 65_536, timeCost: 3, parallelism: 1 });
    const hasher = new Argon2PasswordHasher();
    const hash = await hasher.hash(goodPassword);
    assert.match(hash, /^\$argon2id\$v=19\$m=65536,t=3,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    assert.equal(await hasher.verify(hash, goodPassword), true);
    assert.equal(await hasher.verify(hash, 'not the password'), false);
    assert.equal(await hasher.verify('garbage', goodPassword), false);
    assert.equal(hasher.needsRehash(hash), false);
    assert.equal(hasher.needsRehash(await new Argon2PasswordHasher({ memoryCostKib: 256, timeCost: 1, parallelism: 1 }).hash(goodPassword)), true);
  });

  test('an unverified address: the right password gets a fresh link, not a session', async () => {
    const fixture = createCredentialFixture();
    await fixture.service.register({ email: 'late@example.com', password: goodPassword, ip });
    assert.deepEqual(await attempt(fixture, 'late@example.com', goodPassword), { kind: 'email-not-verified' });
    assert.deepEqual(await attempt(fixture, 'late@example.com', 'wrong-password-here'), { kind: 'invalid-credentials' });
    await fixture.service.idle();
    assert.equal(fixture.mail.messages.filter((message) => message.kind === 'email-verification').length, 2);
  });

  test('a disabled account: refused after a correct password only', async () => {
    const fixture = createCredentialFixture();
    const user = await verifiedUser(fixture, 'gone@example.com');
    await fixture.identity.setUserStatus(user.id, 'disabled', system);
    assert.deepEqual(await attempt(fixture, 'gone@example.com', 'wrong-password-here'), { kind: 'invalid-credentials' });
    assert.deepEqual(await attempt(fixture, 'gone@example.com', goodPassword), { kind: 'account-disabled' });
  });

  test('registering a taken address answers the same and mails the owner instead', async () => {
    const fixture = createCredentialFixture();
    await verifiedUser(fixture, 'taken@example.com');
    const hashesBefore = fixture.hasher.hashes;
    assert.deepEqual(await fixture.service.register({ email: 'taken@example.com', password: 'another-long-passphrase', ip }), { kind: 'verification-sent' });
    assert.equal(fixture.hasher.hashes - hashesBefore, 1);
    await fixture.service.idle();
    assert.equal(lastMail(fixture, 'account-exists', 'taken@example.com')?.subject, 'Parite: someone tried to register with your address');
    assert.deepEqual(await fixture.service.register({ email: 'weak@example.com', password: 'password123', ip }), { kind: 'password-refused', reason: 'too-short' });
    assert.deepEqual(await fixture.service.register({ email: 'not an address', password: goodPassword, ip }), { kind: 'invalid-email' });
  });
});

describe('new devices and countries', () => {
  test('a new device needs the e-mailed confirmation; the link works once; then the device is recognised', async () => {
    const fixture = createCredentialFixture();
    const user = await verifiedUser(fixture, 'travel@example.com');
    const otherDevice = 'another-browser-cookie-42424242';
    const login = () => fixture.service.login({ email: 'travel@example.com', password: goodPassword, deviceFingerprint: otherDevice, ip: '198.51.100.9', country: 'TR', deviceLabel: 'Safari on iPhone' });
    const first = await login();
    assert.equal(first.kind, 'needs-device-confirmation');
    await fixture.service.idle();
    const mail = lastMail(fixture, 'device-confirmation', 'travel@example.com');
    assert.match(mail?.text ?? '', /Safari on iPhone/);
    assert.match(mail?.text ?? '', /198\.51\.100\.9/);
    assert.deepEqual(fixture.events.events.map((event) => event.kind), ['login.device_confirmation_requested']);
    const token = tokenIn(mail);
    const confirmed = await fixture.service.confirmDevice(token);
    assert.equal(confirmed.kind, 'ok');
    assert.deepEqual(await fixture.service.confirmDevice(token), { kind: 'invalid-token' });
    assert.equal((await login()).kind, 'ok');
    const devices = await fixture.service.listDevices(user.id);
    assert.deepEqual(devices.map((device) => [device.label, device.confirmed]).sort(), [['Safari on iPhone', true], ['unknown device', true]]);
    assertNoSecrets(fixture, [token, goodPassword, otherDevice]);
  });

  test('a recognised device in a new country needs confirmation too; the link expires', async () => {
    const fixture = createCredentialFixture();
    await verifiedUser(fixture, 'abroad@example.com');
    const result = await fixture.service.login({ email: 'abroad@example.com', password: goodPassword, deviceFingerprint: fingerprint, ip, country: 'DE' });
    assert.equal(result.kind, 'needs-device-confirmation');
    await fixture.service.idle();
    const token = tokenIn(lastMail(fixture, 'device-confirmation'));
    fixture.clock.advanceMs(15 * 60_000);
    assert.deepEqual(await fixture.service.confirmDevice(token), { kind: 'invalid-token' });
    assert.deepEqual(await fixture.service.confirmDevice('not-a-token'), { kind: 'invalid-token' });
  });
});
