// The PostgreSQL adapters (credential store, throttle store, e-mail outbox) in a fresh database
// from createTestDatabase(): the full flows through CredentialService, and the "one winner"
// rules under real concurrency (several pool connections racing).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '@parite/platform';
import {
  base32Decode,
  identityMigrationsDirectory,
  PostgresCredentialStore,
  PostgresIdentityStore,
  PostgresOutboxEmailSender,
  PostgresThrottleStore,
  totpAt,
} from '../src/index.ts';
import { createCredentialFixture, fingerprint, goodPassword, ip, startTestServer, tokenIn, type CredentialFixture, type TestServer } from './credentials-fixture.ts';

describe('credentials on PostgreSQL', () => {
  let server: TestServer;
  let database: TestDatabase;
  let outbox: PostgresOutboxEmailSender;
  let fixture: CredentialFixture;

  before(async () => {
    server = await startTestServer();
    database = await createTestDatabase({ adminUrl: server.adminUrl, poolSize: 8 });
    // The two files this suite covers, in the runner's order (the module may hold later ones).
    for (const file of ['0001-identity.sql', '0002-credentials.sql']) {
      const text = readFileSync(`${identityMigrationsDirectory}/${file}`, 'utf8');
      await database.sql.begin((transaction) => transaction.unsafe(text));
    }
    outbox = new PostgresOutboxEmailSender(database.sql);
    fixture = createCredentialFixture({
      identityStore: new PostgresIdentityStore(database.sql),
      store: new PostgresCredentialStore(database.sql),
      throttle: new PostgresThrottleStore(database.sql),
      email: outbox,
    });
  });

  after(async () => {
    await database?.drop();
    await server?.close();
  });

  async function mail(to: string, kind: string) {
    await fixture.service.idle();
    const messages = await outbox.list({ recipient: to });
    return messages.find((message) => message.kind === kind);
  }

  test('register, verify, log in, enrol TOTP and log in with a code: every row through PostgreSQL', async () => {
    assert.deepEqual(await fixture.service.register({ email: 'pg@example.com', password: goodPassword, ip }), { kind: 'verification-sent' });
    const verification = await mail('pg@example.com', 'email-verification');
    assert.equal((await fixture.service.verifyEmail(tokenIn(verification), { deviceFingerprint: fingerprint, country: 'TR' })).kind, 'ok');
    const login = await fixture.service.login({ email: 'pg@example.com', password: goodPassword, deviceFingerprint: fingerprint, ip, country: 'TR' });
    assert.equal(login.kind, 'ok');
    const session = login.kind === 'ok' ? login.session : undefined;
    assert.ok(session !== undefined);
    const user = await fixture.identity.getUserByPublicId(session.userPublicId);
    assert.equal((await fixture.service.stepUp(user.id, session.sessionId, { password: goodPassword })).kind, 'ok');
    const enrolment = await fixture.service.beginTotpEnrolment(user.id, session.sessionId);
    const secret = base32Decode(enrolment.secret) ?? Buffer.alloc(0);
    const confirmation = await fixture.service.confirmTotpEnrolment(user.id, totpAt(secret, fixture.clock.nowMs()));
    assert.equal(confirmation.kind, 'ok');
    // The secret is sealed at rest.
    const rows = await database.sql`select sealed_secret from identity_totp where user_id = ${user.id}`;
    assert.ok(!Buffer.from(rows[0]?.['sealed_secret'] as Uint8Array).includes(secret));
    fixture.clock.advanceMs(30_000);
    const second = await fixture.service.login({ email: 'pg@example.com', password: goodPassword, deviceFingerprint: fingerprint, ip, country: 'TR' });
    assert.equal(second.kind, 'needs-second-factor');
    const challengeToken = second.kind === 'needs-second-factor' ? second.challengeToken : '';
    const code = totpAt(secret, fixture.clock.nowMs());
    // Two submissions of the same code race on two connections: exactly one session.
    const raced = await Promise.all([fixture.service.verifySecondFactor({ challengeToken, code }), fixture.service.verifySecondFactor({ challengeToken, code })]);
    assert.equal(raced.filter((result) => result.kind === 'ok').length, 1);
    const recovery = confirmation.kind === 'ok' ? (confirmation.recoveryCodes[0] ?? '') : '';
    const challenges: string[] = [];
    for (let index = 0; index < 2; index++) {
      const result = await fixture.service.login({ email: 'pg@example.com', password: goodPassword, deviceFingerprint: fingerprint, ip, country: 'TR' });
      challenges.push(result.kind === 'needs-second-factor' ? result.challengeToken : '');
    }
    const recovered = await Promise.all(challenges.map((token) => fixture.service.verifySecondFactor({ challengeToken: token, code: recovery })));
    // One session; the loser is refused either by the code check or by the throttle claim it lost.
    assert.equal(recovered.filter((result) => result.kind === 'ok').length, 1);
    assert.ok(recovered.every((result) => ['ok', 'invalid-code', 'locked'].includes(result.kind)));
    assert.equal(await fixture.service.countRecoveryCodes(user.id), 9);
    const sessions = await fixture.service.listSessions(user.id);
    assert.equal(sessions.length, 3);
    assert.equal(await fixture.service.revokeOtherSessions(user.id, session.sessionId), 2);
    assert.deepEqual((await fixture.service.listSessions(user.id)).map((entry) => entry.sessionId), [session.sessionId]);
  });

  test('throttle counters are shared and claimed once: parallel guesses on a real pool', async () => {
    await fixture.service.register({ email: 'target@example.com', password: goodPassword, ip });
    await fixture.service.verifyEmail(tokenIn(await mail('target@example.com', 'email-verification')), { deviceFingerprint: fingerprint });
    const verifiesBefore = fixture.hasher.verifies;
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, index) => fixture.service.login({ email: 'target@example.com', password: `guess-${index}`, deviceFingerprint: fingerprint, ip: `198.51.100.${index}` })),
    );
    const evaluated = fixture.hasher.verifies - verifiesBefore;
    assert.ok(evaluated >= 1 && evaluated <= 3, `evaluated ${evaluated} of 30`);
    assert.equal(results.filter((result) => result.kind === 'locked').length, 30 - evaluated);
    // Keep guessing until the backoff refuses, then a second instance over the same tables refuses too.
    for (let index = 0; index < 10; index++) {
      if ((await fixture.service.login({ email: 'target@example.com', password: `more-${index}`, deviceFingerprint: fingerprint, ip })).kind === 'locked') break;
    }
    const other = createCredentialFixture({ identityStore: fixture.identityStore, store: fixture.store, throttle: new PostgresThrottleStore(database.sql) });
    other.clock.setMs(fixture.clock.nowMs());
    assert.equal((await other.service.login({ email: 'target@example.com', password: 'guess-x', deviceFingerprint: fingerprint, ip })).kind, 'locked');
    const stored = await database.sql`select key from identity_login_throttle`;
    assert.ok(stored.every((row) => /^[0-9a-f]{64}$/.test(String(row['key']))));
  });

  test('tokens are single use under a race and expire; the outbox keeps what was sent', async () => {
    await fixture.service.register({ email: 'reset@example.com', password: goodPassword, ip });
    await fixture.service.verifyEmail(tokenIn(await mail('reset@example.com', 'email-verification')));
    await fixture.service.requestPasswordReset('reset@example.com', ip);
    const token = tokenIn(await mail('reset@example.com', 'password-reset'));
    const raced = await Promise.all([fixture.service.resetPassword(token, 'first-new-passphrase'), fixture.service.resetPassword(token, 'second-new-passphrase')]);
    assert.deepEqual(raced.map((result) => result.kind).sort(), ['invalid-token', 'ok']);
    const hashes = await database.sql`select token_hash from identity_credential_tokens`;
    assert.ok(hashes.every((row) => (row['token_hash'] as Uint8Array).length === 32));
    await fixture.service.idle();
    const messages = await outbox.list({ recipient: 'reset@example.com' });
    assert.deepEqual(messages.map((message) => message.kind), ['password-changed', 'password-reset', 'email-verification']);
    await outbox.markDelivered(messages[2]?.id ?? 0);
    assert.equal((await outbox.list({ recipient: 'reset@example.com', undeliveredOnly: true })).length, 2);
    await fixture.service.requestPasswordReset('reset@example.com', ip);
    const late = tokenIn(await mail('reset@example.com', 'password-reset'));
    fixture.clock.advanceMs(31 * 60_000);
    assert.deepEqual(await fixture.service.resetPassword(late, 'third-new-passphrase'), { kind: 'invalid-token' });
    assert.ok((await new PostgresCredentialStore(database.sql).purgeExpiredTokens(fixture.clock.nowMs(), 1000)) >= 1);
    assert.ok((await outbox.purge(Date.now() + 60_000, 1000)) >= 4);
  });
});
