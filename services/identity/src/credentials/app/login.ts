// Interactive login: password, then (when needed) a second factor or an e-mail confirmation of
// a new device. Unknown accounts and wrong passwords are indistinguishable: same result, same
// argon2 work (a verify against a dummy hash), same throttle (keyed by the typed e-mail), same
// store round trips and one audit record each.
import { normaliseEmail, type User } from '../../domain/user.ts';
import { decideDeviceTrust, normaliseCountry, type DeviceTrust } from '../domain/device.ts';
import { normalisePassword, passwordLengthMax } from '../domain/password-policy.ts';
import { throttleKeyForIp, waitAfterFailures } from '../domain/throttle.ts';
import { anonymousActor, userActor, type CredentialContext } from './context.ts';
import { accountLockedMessage, deviceConfirmationMessage, link, newDeviceLoginMessage, type DeviceDescription } from './messages.ts';
import type { AuthenticationMethod, CredentialTokenContext, Device } from './ports.ts';
import type { SecondFactorFlows } from './second-factor.ts';
import { assertFingerprint, cleanDeviceLabel, deviceHash, type IssuedSession, type SessionFlows } from './sessions.ts';
import { issueToken, parseToken } from './tokens.ts';

export interface LoginInput {
  readonly email: string;
  readonly password: string;
  /** A stable, random per-browser value (device cookie); 16 to 512 characters. */
  readonly deviceFingerprint: string;
  readonly ip: string;
  /** ISO 3166-1 alpha-2 of the client address, when the edge knows it. */
  readonly country?: string;
  /** e.g. "Firefox on Windows", shown in e-mails and the device list. */
  readonly deviceLabel?: string;
  /** Bind the session to this device: its token then works only with this fingerprint. */
  readonly bindSessionToDevice?: boolean;
}

export type LoginResult =
  | { readonly kind: 'ok'; readonly session: IssuedSession }
  | { readonly kind: 'needs-second-factor'; readonly challengeToken: string; readonly expiresAtMs: number }
  | { readonly kind: 'needs-device-confirmation'; readonly expiresAtMs: number }
  | { readonly kind: 'locked'; readonly retryAfterMs: number }
  | { readonly kind: 'invalid-credentials' }
  /** Only after a correct password: the address is not confirmed yet (a new link was sent). */
  | { readonly kind: 'email-not-verified' }
  /** Only after a correct password. */
  | { readonly kind: 'account-disabled' };

export interface SecondFactorInput {
  readonly challengeToken: string;
  /** A 6-digit TOTP code or a recovery code. */
  readonly code: string;
}

export type SecondFactorResult =
  | { readonly kind: 'ok'; readonly session: IssuedSession }
  | { readonly kind: 'invalid-code' }
  | { readonly kind: 'locked'; readonly retryAfterMs: number }
  /** Unknown, used or expired challenge: start the login again. */
  | { readonly kind: 'challenge-expired' };

export type DeviceConfirmationResult = { readonly kind: 'ok'; readonly userPublicId: string; readonly deviceId: string } | { readonly kind: 'invalid-token' };

export class LoginFlows {
  constructor(
    private readonly context: CredentialContext,
    private readonly sessions: SessionFlows,
    private readonly secondFactor: SecondFactorFlows,
    private readonly resendVerification: (user: User) => Promise<void>,
  ) {}

  async login(input: LoginInput): Promise<LoginResult> {
    assertFingerprint(input.deviceFingerprint);
    const typedEmail = input.email.trim().toLowerCase();
    const email = normaliseEmail(input.email) ?? typedEmail;
    const accountKey = `account:${email}`;
    const nowMs = this.context.nowMs();
    const claim = await this.context.gate.claim(
      [
        { key: accountKey, policy: this.context.policies.account },
        { key: throttleKeyForIp(input.ip), policy: this.context.policies.ip },
      ],
      nowMs,
    );
    if (!claim.claimed) {
      await this.context.record(anonymousActor(input.ip), 'login.throttled', { kind: 'login_identifier', email }, { ip: input.ip, retryAfterMs: claim.retryAfterMs, locked: claim.locked });
      return { kind: 'locked', retryAfterMs: claim.retryAfterMs };
    }
    const user = await this.context.users.findUserByEmail(email);
    // Always a second round trip and always one argon2 verify, account or not.
    const credential = await this.context.store.findPassword(user?.id ?? 0);
    const password = normalisePassword(input.password);
    const passwordHash = user !== undefined && credential !== undefined ? credential.passwordHash : await this.context.hasher.dummyHash();
    // An absurdly long password is refused, but only after the same work as any other.
    const verified = (await this.context.hasher.verify(passwordHash, password)) && [...password].length <= passwordLengthMax;
    if (user === undefined || credential === undefined || !verified) {
      await this.recordFailure(input, email, user, claim.failuresAfter[0] ?? 0);
      return { kind: 'invalid-credentials' };
    }
    // The password is right: this attempt was not a guess.
    await this.context.gate.clear(accountKey);
    await this.context.gate.release(throttleKeyForIp(input.ip));
    if (this.context.hasher.needsRehash(credential.passwordHash)) {
      await this.context.store.upsertPassword(user.id, await this.context.hasher.hash(password), nowMs);
    }
    if (user.status !== 'active') {
      await this.context.record(userActor(user), 'login.refused_disabled', { kind: 'user', user }, { ip: input.ip });
      return { kind: 'account-disabled' };
    }
    if (credential.emailVerifiedAtMs === null) {
      await this.resendVerification(user);
      return { kind: 'email-not-verified' };
    }
    return this.afterPassword(user, input);
  }

  async verifySecondFactor(input: SecondFactorInput): Promise<SecondFactorResult> {
    const tokenHash = parseToken(input.challengeToken);
    if (tokenHash === undefined) return { kind: 'challenge-expired' };
    const challenge = await this.context.store.findLiveToken(tokenHash, 'login-challenge', this.context.nowMs());
    if (challenge === undefined) return { kind: 'challenge-expired' };
    const user = await this.context.users.getUser(challenge.userId);
    const counter = { key: `second-factor:${user.id}`, policy: this.context.policies.secondFactor };
    const claim = await this.context.gate.claim([counter], this.context.nowMs());
    if (!claim.claimed) return { kind: 'locked', retryAfterMs: claim.retryAfterMs };
    const check = await this.secondFactor.checkCode(user, input.code);
    const ip = challenge.context.ip ?? 'unknown';
    if (!check.ok) {
      await this.context.record(anonymousActor(ip), 'login.second_factor_failure', { kind: 'user', user }, { ip, reason: check.reason });
      if (claim.failuresAfter[0] === this.context.policies.secondFactor.lockAfterFailures) await this.noticeLock(user, 'second-factor');
      return { kind: 'invalid-code' };
    }
    await this.context.gate.clear(counter.key);
    // The code was right; only one of two concurrent submissions gets the session.
    const consumed = await this.context.store.consumeToken(tokenHash, 'login-challenge', this.context.nowMs());
    if (consumed === undefined) return { kind: 'challenge-expired' };
    const fingerprintHash = Buffer.from(consumed.context.deviceHashHex ?? '', 'hex');
    const country = consumed.context.country ?? null;
    const device = await this.sessions.rememberDevice(user, fingerprintHash, consumed.context.deviceLabel ?? 'unknown device', country, true);
    if (consumed.context.newDevice === true) await this.announceNewDevice(user, device, ip, country);
    return { kind: 'ok', session: await this.complete(user, device, ip, country, ['password', check.method], consumed.context.bindSessionToDevice === true) };
  }

  /** The e-mail link for a new device: confirms it; the user then signs in again on that device. */
  async confirmDevice(token: string): Promise<DeviceConfirmationResult> {
    const tokenHash = parseToken(token);
    const consumed = tokenHash === undefined ? undefined : await this.context.store.consumeToken(tokenHash, 'device-confirmation', this.context.nowMs());
    if (consumed === undefined) return { kind: 'invalid-token' };
    const user = await this.context.users.getUser(consumed.userId);
    const fingerprintHash = Buffer.from(consumed.context.deviceHashHex ?? '', 'hex');
    const country = consumed.context.country ?? null;
    // Confirms the device (new or not yet confirmed) and, for a new country, moves it there.
    const device = await this.sessions.rememberDevice(user, fingerprintHash, consumed.context.deviceLabel ?? 'unknown device', country, true);
    await this.context.record(userActor(user), 'device.confirm', { kind: 'user', user }, { deviceId: device.deviceId, country, ip: consumed.context.ip ?? null });
    await this.context.publish('login.new_device', user, { deviceId: device.deviceId, country, ip: consumed.context.ip ?? null });
    return { kind: 'ok', userPublicId: user.publicId, deviceId: device.deviceId };
  }

  private async afterPassword(user: User, input: LoginInput): Promise<LoginResult> {
    const country = normaliseCountry(input.country);
    const fingerprintHash = deviceHash(input.deviceFingerprint);
    const label = cleanDeviceLabel(input.deviceLabel);
    const known = await this.context.store.findDevice(user.id, fingerprintHash);
    const trust = decideDeviceTrust(known, country);
    const tokenContext: CredentialTokenContext = {
      deviceHashHex: fingerprintHash.toString('hex'),
      deviceLabel: label,
      country,
      ip: input.ip,
      bindSessionToDevice: input.bindSessionToDevice === true,
      newDevice: trust !== 'recognised',
    };
    if (await this.secondFactor.hasTotp(user.id)) {
      // With TOTP every login takes a code; the code also confirms a new device.
      const { token, expiresAtMs } = await this.issue(user, 'login-challenge', this.context.lifetimes.loginChallengeMs, tokenContext);
      await this.context.record(userActor(user), 'login.password_accepted', { kind: 'user', user }, { ip: input.ip, country, next: 'second-factor', deviceTrust: trust });
      return { kind: 'needs-second-factor', challengeToken: token, expiresAtMs };
    }
    const notifyOnly = this.context.newDeviceConfirmation === 'notify';
    if (trust !== 'recognised' && !notifyOnly) return this.requestDeviceConfirmation(user, input, tokenContext, trust, label, country);
    const device = await this.sessions.rememberDevice(user, fingerprintHash, label, country, notifyOnly);
    if (trust !== 'recognised') await this.announceNewDevice(user, device, input.ip, country);
    return { kind: 'ok', session: await this.complete(user, device, input.ip, country, ['password'], input.bindSessionToDevice === true) };
  }

  private async requestDeviceConfirmation(
    user: User,
    input: LoginInput,
    tokenContext: CredentialTokenContext,
    trust: DeviceTrust,
    label: string,
    country: string | null,
  ): Promise<LoginResult> {
    const lifetimeMs = this.context.lifetimes.deviceConfirmationMs;
    const { token, expiresAtMs } = await this.issue(user, 'device-confirmation', lifetimeMs, tokenContext);
    const description: DeviceDescription = { label, ip: input.ip, country, atIso: new Date(this.context.nowMs()).toISOString() };
    await this.context.sendInBackground(deviceConfirmationMessage({ productName: this.context.productName, to: user.email }, link(this.context.links.deviceConfirmation, token), lifetimeMs, description));
    await this.context.record(userActor(user), 'device.confirmation_request', { kind: 'user', user }, { ip: input.ip, country, deviceTrust: trust });
    await this.context.publish('login.device_confirmation_requested', user, { ip: input.ip, country, deviceTrust: trust });
    return { kind: 'needs-device-confirmation', expiresAtMs };
  }

  private async complete(user: User, device: Device, ip: string, country: string | null, methods: readonly AuthenticationMethod[], bindToDevice: boolean): Promise<IssuedSession> {
    const session = await this.sessions.start({ user, device, ip, country, methods, bindToDevice });
    await this.context.record(userActor(user), 'login.success', { kind: 'user', user }, { ip, country, deviceId: device.deviceId, sessionId: session.sessionId, methods: [...methods], boundToDevice: bindToDevice });
    return session;
  }

  private async announceNewDevice(user: User, device: Device, ip: string, country: string | null): Promise<void> {
    const description: DeviceDescription = { label: device.label, ip, country, atIso: new Date(this.context.nowMs()).toISOString() };
    await this.context.sendInBackground(newDeviceLoginMessage({ productName: this.context.productName, to: user.email }, description));
    await this.context.publish('login.new_device', user, { deviceId: device.deviceId, ip, country });
  }

  private async issue(user: User, purpose: 'login-challenge' | 'device-confirmation', lifetimeMs: number, context: CredentialTokenContext): Promise<{ token: string; expiresAtMs: number }> {
    const nowMs = this.context.nowMs();
    const { token, tokenHash } = issueToken(this.context.random);
    const expiresAtMs = nowMs + lifetimeMs;
    await this.context.store.insertToken({ tokenHash, purpose, userId: user.id, createdAtMs: nowMs, expiresAtMs, consumedAtMs: null, context });
    return { token, expiresAtMs };
  }

  private async recordFailure(input: LoginInput, email: string, user: User | undefined, failures: number): Promise<void> {
    const target = user === undefined ? ({ kind: 'login_identifier', email } as const) : ({ kind: 'user', user } as const);
    await this.context.record(anonymousActor(input.ip), 'login.failure', target, { ip: input.ip, country: normaliseCountry(input.country), failures });
    if (failures === this.context.policies.account.lockAfterFailures) {
      await this.context.record(anonymousActor(input.ip), 'login.lockout', target, { ip: input.ip, lockedForMs: this.context.policies.account.lockDurationMs });
      if (user !== undefined) await this.noticeLock(user, 'password');
    }
  }

  /** On the failure that starts a lock: tell the owner (in the background: timing must not reveal the account). */
  private async noticeLock(user: User, factor: 'password' | 'second-factor'): Promise<void> {
    const policy = factor === 'password' ? this.context.policies.account : this.context.policies.secondFactor;
    const lockedForMs = waitAfterFailures(policy, policy.lockAfterFailures).waitMs;
    if (factor === 'second-factor') await this.context.record(userActor(user), 'login.lockout', { kind: 'user', user }, { factor, lockedForMs });
    await this.context.sendInBackground(accountLockedMessage({ productName: this.context.productName, to: user.email }, lockedForMs));
    await this.context.publish('account.locked', user, { factor, lockedForMs });
  }
}
