// Shared wiring for the credential tests: a CredentialService over memory adapters (or any
// stores given), a manual clock, a counting argon2 hasher with cheap parameters (the production
// ones are checked separately), and helpers to read the links out of the e-mails.
import assert from 'node:assert/strict';
import { ManualClock } from '@parite/kernel';
import { startTestPostgres, type TestPostgresServer } from '@parite/platform';
import {
  Argon2PasswordHasher,
  CredentialService,
  credentialLinkTemplates,
  IdentityService,
  MemoryAuditSink,
  MemoryCredentialStore,
  MemoryEmailSender,
  MemoryIdentityStore,
  MemorySecurityEventSink,
  MemoryThrottleStore,
  type CredentialServiceDependencies,
  type CredentialStore,
  type EmailMessage,
  type EmailSender,
  type IdentityStore,
  type IssuedSession,
  type PasswordHasher,
  type ThrottleStore,
  type User,
} from '../src/index.ts';
import { masterKey, startMs } from './fixture.ts';

export const baseUrl = 'https://exchange.bank.example';
export const goodPassword = 'violet-anchor-rides-7-tides';
export const fingerprint = 'device-cookie-0123456789abcdef';
export const ip = '203.0.113.7';

/** Counts the argon2 work done, so tests assert on work, not on timings. */
export class CountingHasher implements PasswordHasher {
  hashes = 0;
  verifies = 0;
  readonly inner: Argon2PasswordHasher;

  constructor(inner: Argon2PasswordHasher = new Argon2PasswordHasher({ memoryCostKib: 256, timeCost: 1, parallelism: 1 })) {
    this.inner = inner;
  }

  hash(password: string): Promise<string> {
    this.hashes++;
    return this.inner.hash(password);
  }

  verify(passwordHash: string, password: string): Promise<boolean> {
    this.verifies++;
    return this.inner.verify(passwordHash, password);
  }

  needsRehash(passwordHash: string): boolean {
    return this.inner.needsRehash(passwordHash);
  }

  dummyHash(): Promise<string> {
    return this.inner.dummyHash();
  }
}

export interface CredentialFixture {
  readonly clock: ManualClock;
  readonly identityStore: IdentityStore;
  readonly identity: IdentityService;
  readonly store: CredentialStore;
  readonly throttle: ThrottleStore;
  readonly audit: MemoryAuditSink;
  readonly mail: MemoryEmailSender;
  readonly events: MemorySecurityEventSink;
  readonly hasher: CountingHasher;
  readonly service: CredentialService;
}

export interface FixtureOptions {
  readonly identityStore?: IdentityStore;
  readonly store?: CredentialStore;
  readonly throttle?: ThrottleStore;
  readonly email?: EmailSender;
  readonly hasher?: CountingHasher;
  readonly overrides?: Partial<CredentialServiceDependencies>;
}

export function createCredentialFixture(options: FixtureOptions = {}): CredentialFixture {
  const clock = new ManualClock(startMs);
  const audit = new MemoryAuditSink();
  const identityStore = options.identityStore ?? new MemoryIdentityStore();
  const identity = new IdentityService({ store: identityStore, audit, masterKey, clock });
  const store = options.store ?? new MemoryCredentialStore();
  const throttle = options.throttle ?? new MemoryThrottleStore();
  const mail = new MemoryEmailSender();
  const events = new MemorySecurityEventSink();
  const hasher = options.hasher ?? new CountingHasher();
  const service = new CredentialService({
    users: identity,
    store,
    throttle,
    hasher,
    email: options.email ?? mail,
    events,
    audit,
    masterKey,
    links: credentialLinkTemplates(baseUrl),
    clock,
    ...options.overrides,
  });
  return { clock, identityStore, identity, store, throttle, audit, mail, events, hasher, service };
}

/** The token in the last link of a message (any of the three link kinds). */
export function tokenIn(message: EmailMessage | undefined): string {
  assert.ok(message !== undefined, 'expected an e-mail');
  const match = /https:\/\/exchange\.bank\.example\/account\/[a-z-]+\?token=([A-Za-z0-9_%-]+)/.exec(message.text);
  assert.ok(match?.[1] !== undefined, `no link in: ${message.subject}`);
  return decodeURIComponent(match[1]);
}

export function lastMail(fixture: CredentialFixture, kind: EmailMessage['kind'], to?: string): EmailMessage | undefined {
  return fixture.mail.messages.filter((message) => message.kind === kind && (to === undefined || message.to === to)).at(-1);
}

/** Registers, verifies the address (confirming `fingerprint` as a device) and returns the user. */
export async function verifiedUser(fixture: CredentialFixture, email: string, password: string = goodPassword): Promise<User> {
  assert.deepEqual(await fixture.service.register({ email, password, ip }), { kind: 'verification-sent' });
  await fixture.service.idle();
  const verified = await fixture.service.verifyEmail(tokenIn(lastMail(fixture, 'email-verification', email)), { deviceFingerprint: fingerprint, country: 'TR' });
  assert.equal(verified.kind, 'ok');
  const user = await fixture.identity.findUserByEmail(email);
  assert.ok(user !== undefined);
  return user;
}

export async function loggedIn(fixture: CredentialFixture, email: string, password: string = goodPassword): Promise<IssuedSession> {
  const result = await fixture.service.login({ email, password, deviceFingerprint: fingerprint, ip, country: 'TR' });
  assert.equal(result.kind, 'ok');
  return result.session;
}

/** Nothing secret in the audit trail or the events: passwords, tokens, codes. */
export function assertNoSecrets(fixture: CredentialFixture, secrets: readonly string[]): void {
  const recorded = JSON.stringify([fixture.audit.entries, fixture.events.events]);
  for (const secret of secrets) assert.ok(!recorded.includes(secret), `a secret leaked into the audit or events: ${secret.slice(0, 4)}...`);
}

export type TestServer = TestPostgresServer;

/** The PostgreSQL server the database suites use (external, local or embedded): see startTestPostgres. */
export const startTestServer: () => Promise<TestServer> = startTestPostgres;
