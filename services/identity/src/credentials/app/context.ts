// What every credential flow shares: dependencies, settings, and helpers for the audit trail,
// security events and background work. The flows (login, account, second factor, sessions) are
// separate files; CredentialService is the facade callers use.
import { assert, systemClock, type Clock } from '@parite/kernel';
import type { AuditSink, RandomSource } from '../../app/ports.ts';
import { cryptoRandom } from '../../app/ids.ts';
import { SecretBox } from '../../app/secret-box.ts';
import type { User } from '../../domain/user.ts';
import {
  accountThrottlePolicy,
  assertThrottlePolicy,
  ipThrottlePolicy,
  mailRequestThrottlePolicy,
  secondFactorThrottlePolicy,
  type ThrottlePolicy,
} from '../domain/throttle.ts';
import { assertLinkTemplates, type CredentialLinkTemplates } from './messages.ts';
import type { CredentialStore, EmailMessage, EmailSender, PasswordHasher, SecurityEventKind, SecurityEventSink, ThrottleStore, UserDirectory } from './ports.ts';
import { sha256 } from './tokens.ts';
import { ThrottleGate } from './throttle-gate.ts';

export interface CredentialLifetimes {
  readonly emailVerificationMs: number;
  readonly passwordResetMs: number;
  readonly deviceConfirmationMs: number;
  /** Between a correct password and the second factor. */
  readonly loginChallengeMs: number;
  /** A session ends this long after it started, whatever happens. */
  readonly sessionAbsoluteMs: number;
  /** ... or this long after its last use. */
  readonly sessionIdleMs: number;
  /** A step-up proves presence for this long (sensitive actions check it). */
  readonly stepUpMs: number;
}

export const credentialLifetimesDefault: CredentialLifetimes = {
  emailVerificationMs: 24 * 60 * 60_000,
  passwordResetMs: 30 * 60_000,
  deviceConfirmationMs: 15 * 60_000,
  loginChallengeMs: 5 * 60_000,
  sessionAbsoluteMs: 12 * 60 * 60_000,
  sessionIdleMs: 30 * 60_000,
  stepUpMs: 5 * 60_000,
};

export interface CredentialThrottlePolicies {
  readonly account: ThrottlePolicy;
  readonly ip: ThrottlePolicy;
  readonly secondFactor: ThrottlePolicy;
  readonly mailRequest: ThrottlePolicy;
}

export const credentialThrottlePoliciesDefault: CredentialThrottlePolicies = {
  account: accountThrottlePolicy,
  ip: ipThrottlePolicy,
  secondFactor: secondFactorThrottlePolicy,
  mailRequest: mailRequestThrottlePolicy,
};

export interface CredentialServiceDependencies {
  readonly users: UserDirectory;
  readonly store: CredentialStore;
  readonly throttle: ThrottleStore;
  readonly hasher: PasswordHasher;
  readonly email: EmailSender;
  readonly events: SecurityEventSink;
  readonly audit: AuditSink;
  /** The identity master key (32 bytes): TOTP secrets are sealed under it. */
  readonly masterKey: Buffer;
  readonly links: CredentialLinkTemplates;
  /** Shown in e-mails and as the issuer in authenticator apps. */
  readonly productName?: string;
  readonly clock?: Clock;
  readonly random?: RandomSource;
  readonly lifetimes?: Partial<CredentialLifetimes>;
  readonly policies?: Partial<CredentialThrottlePolicies>;
  /**
   * What a password login from an unconfirmed device (without TOTP) needs: 'email' (default) sends
   * a confirmation link and refuses until it is opened; 'notify' lets the login through, remembers
   * the device and mails the owner about the new sign-in (demo installations, where nobody reads
   * the outbox). With TOTP enabled the code confirms the device either way.
   */
  readonly newDeviceConfirmation?: 'email' | 'notify';
  /**
   * Told (and awaited) whenever sessions end by revocation: the OpenID Connect provider revokes the
   * grants and single sign-on sessions that were opened with them.
   */
  readonly onSessionsRevoked?: (sessionIds: readonly string[]) => Promise<void>;
  /** Told when background work (notification e-mails, events) fails; never given a secret. */
  readonly onBackgroundError?: (task: string, error: unknown) => void;
}

/** Background tasks in flight at once; past this, new ones run inline (back-pressure, not loss). */
export const backgroundTasksMax = 1_000;
export const sessionsListedMax = 100;
export const devicesListedMax = 100;

export type AuditTarget = { readonly kind: 'user'; readonly user: User } | { readonly kind: 'login_identifier'; readonly email: string };

export class CredentialContext {
  readonly users: UserDirectory;
  readonly store: CredentialStore;
  readonly gate: ThrottleGate;
  readonly hasher: PasswordHasher;
  readonly email: EmailSender;
  readonly events: SecurityEventSink;
  readonly audit: AuditSink;
  readonly secretBox: SecretBox;
  readonly links: CredentialLinkTemplates;
  readonly productName: string;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly lifetimes: CredentialLifetimes;
  readonly policies: CredentialThrottlePolicies;
  readonly newDeviceConfirmation: 'email' | 'notify';
  private readonly onSessionsRevoked: (sessionIds: readonly string[]) => Promise<void>;
  private readonly onBackgroundError: (task: string, error: unknown) => void;
  private readonly pending = new Set<Promise<void>>();

  constructor(dependencies: CredentialServiceDependencies) {
    this.users = dependencies.users;
    this.store = dependencies.store;
    this.gate = new ThrottleGate(dependencies.throttle);
    this.hasher = dependencies.hasher;
    this.email = dependencies.email;
    this.events = dependencies.events;
    this.audit = dependencies.audit;
    this.secretBox = new SecretBox(dependencies.masterKey);
    assertLinkTemplates(dependencies.links);
    this.links = dependencies.links;
    this.productName = dependencies.productName ?? 'Parite';
    this.clock = dependencies.clock ?? systemClock;
    this.random = dependencies.random ?? cryptoRandom;
    this.lifetimes = { ...credentialLifetimesDefault, ...dependencies.lifetimes };
    for (const value of Object.values(this.lifetimes)) assert(Number.isSafeInteger(value) && value > 0, 'lifetimes are positive integers (ms)');
    this.policies = { ...credentialThrottlePoliciesDefault, ...dependencies.policies };
    for (const policy of Object.values(this.policies)) assertThrottlePolicy(policy);
    this.newDeviceConfirmation = dependencies.newDeviceConfirmation ?? 'email';
    this.onSessionsRevoked = dependencies.onSessionsRevoked ?? (() => Promise.resolve());
    this.onBackgroundError = dependencies.onBackgroundError ?? defaultBackgroundError;
  }

  /** After sessions were revoked: ends what other components opened with them. */
  async sessionsRevoked(sessionIds: readonly string[]): Promise<void> {
    if (sessionIds.length > 0) await this.onSessionsRevoked(sessionIds);
  }

  nowMs(): number {
    return this.clock.nowMs();
  }

  async record(actor: { kind: string; id: string }, action: string, target: AuditTarget, details: Record<string, unknown>): Promise<void> {
    const targetFields =
      target.kind === 'user'
        ? { targetKind: 'user', targetId: target.user.publicId }
        : // An unknown account is recorded by a digest of what was typed: a password typed into the
          // e-mail field must not land in the audit log, and attempts on one identifier still correlate.
          { targetKind: 'login_identifier', targetId: emailDigest(target.email) };
    await this.audit.append({ actorKind: actor.kind, actorId: actor.id, action, ...targetFields, details });
  }

  /**
   * Runs work after the caller has its answer, so its duration tells an observer nothing (an
   * e-mail sent only when an account exists must not slow the answer). When too many tasks are
   * in flight the caller waits for this one: back-pressure rather than a lost notification.
   */
  async background(task: string, work: () => Promise<void>): Promise<void> {
    const promise = Promise.resolve()
      .then(work)
      .catch((error: unknown) => this.onBackgroundError(task, error));
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
    if (this.pending.size > backgroundTasksMax) await promise;
  }

  /** Resolves when every background task started so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  publish(kind: SecurityEventKind, user: User, details: Record<string, string | number | boolean | null>): Promise<void> {
    return this.background(`event ${kind}`, () => this.events.publish({ kind, userPublicId: user.publicId, atMs: this.nowMs(), details }));
  }

  sendInBackground(message: EmailMessage): Promise<void> {
    return this.background(`email ${message.kind}`, () => this.email.send(message));
  }

}

export function anonymousActor(ip: string): { kind: string; id: string } {
  return { kind: 'anonymous', id: ip };
}

export function userActor(user: User): { kind: string; id: string } {
  return { kind: 'user', id: user.publicId };
}

export function emailDigest(email: string): string {
  return `sha256:${sha256(`parite-login-identifier:${email.trim().toLowerCase()}`).toString('hex').slice(0, 32)}`;
}

function defaultBackgroundError(task: string, error: unknown): void {
  // The error's name only: messages from mail servers can quote addresses.
  console.error(`identity credentials: background task failed: ${task}: ${error instanceof Error ? error.name : 'unknown error'}`);
}
