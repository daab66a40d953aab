// Registration, e-mail verification, password reset and change. Whether an address has an
// account is never revealed: registering a taken address and asking a reset for an unknown one
// answer exactly like the other case; the difference only shows in the mailbox of the address.
import { ServiceError } from '@parite/contracts';
import { normaliseEmail, type User } from '../../domain/user.ts';
import { checkPasswordPolicy, normalisePassword, type PasswordRefusal } from '../domain/password-policy.ts';
import { anonymousActor, userActor, type CredentialContext } from './context.ts';
import { accountExistsMessage, emailVerificationMessage, link, passwordChangedMessage, passwordResetMessage } from './messages.ts';
import type { CredentialTokenPurpose } from './ports.ts';
import type { AuditActor } from '../../app/ports.ts';
import { cleanDeviceLabel, deviceHash, type SessionFlows } from './sessions.ts';
import { issueToken, parseToken } from './tokens.ts';
import { normaliseCountry } from '../domain/device.ts';

export interface RegisterInput {
  readonly email: string;
  readonly password: string;
  readonly ip: string;
}

export type RegisterResult =
  /** Also the answer for an address that already has an account (that address gets a different e-mail). */
  | { readonly kind: 'verification-sent' }
  | { readonly kind: 'invalid-email' }
  | { readonly kind: 'password-refused'; readonly reason: PasswordRefusal };

export interface VerifyEmailOptions {
  /** The browser that opened the link: it becomes a confirmed device, so the first login needs no second e-mail. */
  readonly deviceFingerprint?: string;
  readonly deviceLabel?: string;
  readonly country?: string;
}

export type TokenResult = { readonly kind: 'ok'; readonly userPublicId: string } | { readonly kind: 'invalid-token' };

export type ResetPasswordResult = TokenResult | { readonly kind: 'password-refused'; readonly reason: PasswordRefusal };

export type ChangePasswordResult =
  | { readonly kind: 'ok' }
  | { readonly kind: 'invalid-credentials' }
  | { readonly kind: 'locked'; readonly retryAfterMs: number }
  | { readonly kind: 'password-refused'; readonly reason: PasswordRefusal };

export class AccountFlows {
  constructor(
    private readonly context: CredentialContext,
    private readonly sessions: SessionFlows,
  ) {}

  async register(input: RegisterInput): Promise<RegisterResult> {
    const email = normaliseEmail(input.email);
    if (email === undefined) return { kind: 'invalid-email' };
    const policy = checkPasswordPolicy(input.password, email);
    if (!policy.ok) return { kind: 'password-refused', reason: policy.reason };
    // Hash first, in both branches: a taken address costs the same time as a new one.
    const passwordHash = await this.context.hasher.hash(policy.password);
    const existing = await this.context.users.findUserByEmail(email);
    if (existing !== undefined) {
      await this.context.record(anonymousActor(input.ip), 'credential.register_existing', { kind: 'user', user: existing }, { ip: input.ip });
      await this.mailOnRequest(existing, async () => {
        await this.context.email.send(accountExistsMessage({ productName: this.context.productName, to: existing.email }));
      });
      return { kind: 'verification-sent' };
    }
    let user: User;
    try {
      user = await this.context.users.createUser({ email }, anonymousActor(input.ip));
    } catch (error) {
      // Lost a race with another registration of the same address: same answer as above.
      if (error instanceof ServiceError && error.code === 'USER_ALREADY_EXISTS') return { kind: 'verification-sent' };
      throw error;
    }
    await this.context.store.upsertPassword(user.id, passwordHash, this.context.nowMs());
    await this.context.record(anonymousActor(input.ip), 'credential.register', { kind: 'user', user }, { ip: input.ip });
    await this.context.background('verification e-mail', () => this.sendVerification(user));
    return { kind: 'verification-sent' };
  }

  async verifyEmail(token: string, options: VerifyEmailOptions = {}): Promise<TokenResult> {
    const consumed = await this.consume(token, 'email-verification');
    if (consumed === undefined) return { kind: 'invalid-token' };
    const user = await this.context.users.getUser(consumed.userId);
    await this.context.store.markEmailVerified(user.id, this.context.nowMs());
    let deviceId: string | null = null;
    if (options.deviceFingerprint !== undefined && options.deviceFingerprint.length >= 16) {
      const device = await this.sessions.rememberDevice(user, deviceHash(options.deviceFingerprint), cleanDeviceLabel(options.deviceLabel), normaliseCountry(options.country), true);
      deviceId = device.deviceId;
    }
    await this.context.record(userActor(user), 'email.verify', { kind: 'user', user }, { deviceId });
    return { kind: 'ok', userPublicId: user.publicId };
  }

  /** Sends a fresh verification link to an unverified account (throttled per address). */
  async resendVerification(user: User): Promise<void> {
    const credential = await this.context.store.findPassword(user.id);
    if (credential === undefined || credential.emailVerifiedAtMs !== null) return;
    await this.mailOnRequest(user, () => this.sendVerification(user));
  }

  /** Always the same answer; the link goes out only if the address has an active account. */
  async requestPasswordReset(rawEmail: string, ip: string): Promise<{ readonly kind: 'accepted' }> {
    const email = normaliseEmail(rawEmail);
    if (email === undefined) return { kind: 'accepted' };
    const user = await this.context.users.findUserByEmail(email);
    if (user === undefined || user.status !== 'active') {
      await this.context.record(anonymousActor(ip), 'password.reset_request', { kind: 'login_identifier', email }, { ip, sent: false });
      return { kind: 'accepted' };
    }
    await this.context.record(anonymousActor(ip), 'password.reset_request', { kind: 'user', user }, { ip, sent: true });
    await this.mailOnRequest(user, async () => {
      const nowMs = this.context.nowMs();
      // A new link voids the older ones: only the latest e-mail works.
      await this.context.store.consumeUserTokens(user.id, 'password-reset', nowMs);
      const token = await this.issue(user, 'password-reset', this.context.lifetimes.passwordResetMs);
      const url = link(this.context.links.passwordReset, token);
      await this.context.email.send(passwordResetMessage({ productName: this.context.productName, to: user.email }, url, this.context.lifetimes.passwordResetMs));
    });
    return { kind: 'accepted' };
  }

  /**
   * Sets a new password from a reset link. The link proves the mailbox, so it also verifies
   * the address and works for accounts created without a password. Every session ends and the
   * account's lockout is lifted. A second factor, if enabled, stays required at the next login.
   */
  async resetPassword(token: string, newPassword: string): Promise<ResetPasswordResult> {
    const tokenHash = parseToken(token);
    if (tokenHash === undefined) return { kind: 'invalid-token' };
    const live = await this.context.store.findLiveToken(tokenHash, 'password-reset', this.context.nowMs());
    if (live === undefined) return { kind: 'invalid-token' };
    const user = await this.context.users.getUser(live.userId);
    // A refused password does not spend the link: the user tries another one.
    const policy = checkPasswordPolicy(newPassword, user.email);
    if (!policy.ok) return { kind: 'password-refused', reason: policy.reason };
    const passwordHash = await this.context.hasher.hash(policy.password);
    const consumed = await this.context.store.consumeToken(tokenHash, 'password-reset', this.context.nowMs());
    if (consumed === undefined) return { kind: 'invalid-token' };
    const nowMs = this.context.nowMs();
    const existing = await this.context.store.findPassword(user.id);
    await this.context.store.upsertPassword(user.id, passwordHash, nowMs, existing?.emailVerifiedAtMs ?? nowMs);
    await this.afterPasswordChange(user, undefined, 'password.reset');
    return { kind: 'ok', userPublicId: user.publicId };
  }

  /**
   * Sets the password of an account an operator created (or a demo account). The operator vouches
   * for the address, so it counts as verified; existing sessions end as after any password change.
   */
  async provisionPassword(user: User, newPassword: string, actor: AuditActor): Promise<ResetPasswordResult> {
    const policy = checkPasswordPolicy(newPassword, user.email);
    if (!policy.ok) return { kind: 'password-refused', reason: policy.reason };
    const nowMs = this.context.nowMs();
    const existing = await this.context.store.findPassword(user.id);
    await this.context.store.upsertPassword(user.id, await this.context.hasher.hash(policy.password), nowMs, existing?.emailVerifiedAtMs ?? nowMs);
    await this.context.gate.clear(`account:${user.email}`);
    await this.context.record(actor, 'password.provision', { kind: 'user', user }, {});
    await this.sessions.revokeOthers(user, undefined, actor, 'password.provision');
    return { kind: 'ok', userPublicId: user.publicId };
  }

  /** Changes the password of a signed-in user, who proves the current one; other sessions end. */
  async changePassword(user: User, sessionId: string, currentPassword: string, newPassword: string): Promise<ChangePasswordResult> {
    await this.sessions.liveSession(user.id, sessionId);
    const counter = { key: `account:${user.email}`, policy: this.context.policies.account };
    const claim = await this.context.gate.claim([counter], this.context.nowMs());
    if (!claim.claimed) return { kind: 'locked', retryAfterMs: claim.retryAfterMs };
    const credential = await this.context.store.findPassword(user.id);
    const verified = await this.context.hasher.verify(credential?.passwordHash ?? (await this.context.hasher.dummyHash()), normalisePassword(currentPassword));
    if (credential === undefined || !verified) {
      await this.context.record(userActor(user), 'password.change_failure', { kind: 'user', user }, { sessionId });
      return { kind: 'invalid-credentials' };
    }
    await this.context.gate.clear(counter.key);
    const policy = checkPasswordPolicy(newPassword, user.email);
    if (!policy.ok) return { kind: 'password-refused', reason: policy.reason };
    await this.context.store.upsertPassword(user.id, await this.context.hasher.hash(policy.password), this.context.nowMs());
    await this.afterPasswordChange(user, sessionId, 'password.change');
    return { kind: 'ok' };
  }

  private async afterPasswordChange(user: User, keepSessionId: string | undefined, action: string): Promise<void> {
    await this.context.gate.clear(`account:${user.email}`);
    await this.context.record(userActor(user), action, { kind: 'user', user }, { keptSessionId: keepSessionId ?? null });
    await this.sessions.revokeOthers(user, keepSessionId, userActor(user), action);
    await this.context.sendInBackground(passwordChangedMessage({ productName: this.context.productName, to: user.email }));
    await this.context.publish('password.changed', user, {});
  }

  private async sendVerification(user: User): Promise<void> {
    const lifetimeMs = this.context.lifetimes.emailVerificationMs;
    const token = await this.issue(user, 'email-verification', lifetimeMs);
    await this.context.email.send(emailVerificationMessage({ productName: this.context.productName, to: user.email }, link(this.context.links.emailVerification, token), lifetimeMs));
  }

  /** E-mails sent because someone asked: at most a few per address, and off the answer's clock. */
  private async mailOnRequest(user: User, send: () => Promise<void>): Promise<void> {
    const claim = await this.context.gate.claim([{ key: `mail:${user.id}`, policy: this.context.policies.mailRequest }], this.context.nowMs());
    if (!claim.claimed) return;
    await this.context.background('requested e-mail', send);
  }

  private async issue(user: User, purpose: CredentialTokenPurpose, lifetimeMs: number): Promise<string> {
    const nowMs = this.context.nowMs();
    const { token, tokenHash } = issueToken(this.context.random);
    await this.context.store.insertToken({ tokenHash, purpose, userId: user.id, createdAtMs: nowMs, expiresAtMs: nowMs + lifetimeMs, consumedAtMs: null, context: {} });
    return token;
  }

  private async consume(token: string, purpose: CredentialTokenPurpose) {
    const tokenHash = parseToken(token);
    return tokenHash === undefined ? undefined : this.context.store.consumeToken(tokenHash, purpose, this.context.nowMs());
  }
}
