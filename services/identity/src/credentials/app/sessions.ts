// Sessions and devices: issuing a session after a complete login, checking a presented session
// token (expiry, idle time, revocation, device binding), listing and revoking.
import { ServiceError } from '@parite/contracts';
import type { User } from '../../domain/user.ts';
import { type AuditActor } from '../../app/ports.ts';
import { deviceFingerprintLengthMax, isValidDeviceFingerprint } from '../domain/device.ts';
import { devicesListedMax, sessionsListedMax, userActor, type CredentialContext } from './context.ts';
import type { AuthenticationMethod, Device, Session } from './ports.ts';
import { issueToken, newDeviceId, newSessionId, parseToken, sha256 } from './tokens.ts';

/** A session's last-seen time is written at most this often: a busy session is not a write per request. */
export const sessionTouchIntervalMs = 60_000;
export const deviceLabelLengthMax = 64;

export interface IssuedSession {
  readonly sessionId: string;
  /** The bearer token, returned once; the store keeps its SHA-256. */
  readonly token: string;
  readonly userId: number;
  readonly userPublicId: string;
  readonly deviceId: string | null;
  readonly methods: readonly AuthenticationMethod[];
  readonly expiresAtMs: number;
}

export interface SessionView {
  readonly sessionId: string;
  readonly deviceId: string | null;
  readonly ip: string;
  readonly country: string | null;
  readonly methods: readonly AuthenticationMethod[];
  readonly createdAtMs: number;
  readonly lastSeenAtMs: number;
  readonly expiresAtMs: number;
}

export interface DeviceView {
  readonly deviceId: string;
  readonly label: string;
  readonly createdAtMs: number;
  readonly lastSeenAtMs: number;
  readonly lastCountry: string | null;
  readonly confirmed: boolean;
}

export type SessionCheck =
  | { readonly kind: 'ok'; readonly session: SessionView; readonly userId: number; readonly stepUpAtMs: number | null }
  | { readonly kind: 'invalid' };

export interface SessionStart {
  readonly user: User;
  readonly device: Device | null;
  readonly ip: string;
  readonly country: string | null;
  readonly methods: readonly AuthenticationMethod[];
  readonly bindToDevice: boolean;
}

export function deviceHash(fingerprint: string): Buffer {
  return sha256(`parite-device:${fingerprint}`);
}

export function cleanDeviceLabel(label: string | undefined): string {
  // Printable text only: it is shown in e-mails and account pages.
  const clean = (label ?? '').replace(/[\p{Cc}\p{Cf}]/gu, ' ').replace(/\s+/g, ' ').trim();
  return [...clean].slice(0, deviceLabelLengthMax).join('') || 'unknown device';
}

export function assertFingerprint(fingerprint: string): void {
  if (!isValidDeviceFingerprint(fingerprint)) {
    throw new ServiceError('REQUEST_VALIDATION_FAILED', { reason: `deviceFingerprint is 16 to ${deviceFingerprintLengthMax} characters` });
  }
}

export class SessionFlows {
  constructor(private readonly context: CredentialContext) {}

  async start(start: SessionStart): Promise<IssuedSession> {
    const nowMs = this.context.nowMs();
    const { token, tokenHash } = issueToken(this.context.random);
    const session: Session = {
      sessionId: newSessionId(this.context.random),
      userId: start.user.id,
      deviceId: start.device?.deviceId ?? null,
      tokenHash,
      boundDeviceHash: start.bindToDevice && start.device !== null ? start.device.fingerprintHash : null,
      ip: start.ip,
      country: start.country,
      methods: start.methods,
      createdAtMs: nowMs,
      lastSeenAtMs: nowMs,
      expiresAtMs: nowMs + this.context.lifetimes.sessionAbsoluteMs,
      revokedAtMs: null,
      // Logging in with a second factor is itself a fresh proof of presence.
      stepUpAtMs: start.methods.length > 1 ? nowMs : null,
    };
    await this.context.store.insertSession(session);
    return {
      sessionId: session.sessionId,
      token,
      userId: start.user.id,
      userPublicId: start.user.publicId,
      deviceId: session.deviceId,
      methods: session.methods,
      expiresAtMs: session.expiresAtMs,
    };
  }

  /** Records the device as seen (and confirmed, when the login proved it), creating it if new. */
  async rememberDevice(user: User, fingerprintHash: Buffer, label: string, country: string | null, confirm: boolean): Promise<Device> {
    const nowMs = this.context.nowMs();
    const existing = await this.context.store.findDevice(user.id, fingerprintHash);
    return this.context.store.saveDevice({
      deviceId: existing?.deviceId ?? newDeviceId(this.context.random),
      userId: user.id,
      fingerprintHash,
      label: existing?.label ?? label,
      createdAtMs: existing?.createdAtMs ?? nowMs,
      lastSeenAtMs: nowMs,
      lastCountry: country ?? existing?.lastCountry ?? null,
      confirmedAtMs: existing?.confirmedAtMs ?? (confirm ? nowMs : null),
    });
  }

  /**
   * Checks a presented session token. A token bound to a device and presented with another
   * fingerprint (or none) is treated as stolen: the session is revoked on the spot.
   */
  async authenticate(token: string, deviceFingerprint?: string): Promise<SessionCheck> {
    const tokenHash = parseToken(token);
    if (tokenHash === undefined) return { kind: 'invalid' };
    const session = await this.context.store.findSessionByTokenHash(tokenHash);
    const nowMs = this.context.nowMs();
    if (session === undefined || !this.isLiveAt(session, nowMs)) return { kind: 'invalid' };
    if (session.boundDeviceHash !== null) {
      const presented = deviceFingerprint === undefined ? undefined : deviceHash(deviceFingerprint);
      if (presented === undefined || !presented.equals(session.boundDeviceHash)) {
        await this.revokeForMismatch(session, nowMs);
        return { kind: 'invalid' };
      }
    }
    if (nowMs - session.lastSeenAtMs >= sessionTouchIntervalMs) await this.context.store.touchSession(session.sessionId, nowMs);
    return { kind: 'ok', session: toSessionView(session), userId: session.userId, stepUpAtMs: session.stepUpAtMs };
  }

  /** The live session with this id belonging to this user, or a refusal. */
  async liveSession(userId: number, sessionId: string): Promise<Session> {
    const session = await this.context.store.findSession(sessionId);
    if (session === undefined || session.userId !== userId || !this.isLiveAt(session, this.context.nowMs())) {
      throw new ServiceError('AUTH_REQUIRED', { reason: 'the session is unknown, revoked or expired' });
    }
    return session;
  }

  /**
   * Whether the session is live and belongs to the user; a live one is marked as used (at most
   * once a minute), so a person active through access tokens does not hit the idle timeout.
   */
  async isLive(userId: number, sessionId: string): Promise<boolean> {
    const session = await this.context.store.findSession(sessionId);
    const nowMs = this.context.nowMs();
    if (session === undefined || session.userId !== userId || !this.isLiveAt(session, nowMs)) return false;
    if (nowMs - session.lastSeenAtMs >= sessionTouchIntervalMs) await this.context.store.touchSession(sessionId, nowMs);
    return true;
  }

  async list(userId: number): Promise<SessionView[]> {
    const sessions = await this.context.store.listSessions(userId, this.context.nowMs(), sessionsListedMax);
    return sessions.filter((session) => this.isLiveAt(session, this.context.nowMs())).map(toSessionView);
  }

  async revoke(userId: number, sessionId: string, actor: AuditActor): Promise<void> {
    const existing = await this.context.store.findSession(sessionId);
    if (existing === undefined || existing.userId !== userId) throw new ServiceError('AUTH_SESSION_UNKNOWN');
    if (existing.revokedAtMs !== null) return;
    await this.context.store.revokeSession(sessionId, this.context.nowMs());
    await this.context.sessionsRevoked([sessionId]);
    const user = await this.context.users.getUser(userId);
    await this.context.record(actor, 'session.revoke', { kind: 'user', user }, { sessionId });
    await this.context.publish('session.revoked', user, { sessionId });
  }

  /** Signs out everywhere else (after a password change, or on the user's request). */
  async revokeOthers(user: User, keepSessionId: string | undefined, actor: AuditActor, reason: string): Promise<number> {
    const filter = keepSessionId === undefined ? undefined : { exceptSessionId: keepSessionId };
    const revoked = await this.context.store.revokeUserSessions(user.id, this.context.nowMs(), filter);
    await this.context.sessionsRevoked(revoked);
    if (revoked.length > 0) await this.context.record(actor, 'session.revoke', { kind: 'user', user }, { sessionIds: revoked, reason });
    return revoked.length;
  }

  async listDevices(userId: number): Promise<DeviceView[]> {
    return (await this.context.store.listDevices(userId, devicesListedMax)).map(toDeviceView);
  }

  /** Forgets a device: its sessions end and its next login needs confirmation again. */
  async forgetDevice(userId: number, deviceId: string, actor: AuditActor): Promise<void> {
    const device = await this.context.store.deleteDevice(userId, deviceId);
    if (device === undefined) throw new ServiceError('AUTH_DEVICE_UNKNOWN');
    const revoked = await this.context.store.revokeUserSessions(userId, this.context.nowMs(), { deviceId });
    await this.context.sessionsRevoked(revoked);
    const user = await this.context.users.getUser(userId);
    await this.context.record(actor, 'device.forget', { kind: 'user', user }, { deviceId, sessionIds: revoked });
  }

  isLiveAt(session: Session, nowMs: number): boolean {
    return session.revokedAtMs === null && nowMs < session.expiresAtMs && nowMs - session.lastSeenAtMs < this.context.lifetimes.sessionIdleMs;
  }

  private async revokeForMismatch(session: Session, nowMs: number): Promise<void> {
    await this.context.store.revokeSession(session.sessionId, nowMs);
    await this.context.sessionsRevoked([session.sessionId]);
    const user = await this.context.users.getUser(session.userId);
    await this.context.record(userActor(user), 'session.device_mismatch', { kind: 'user', user }, { sessionId: session.sessionId, deviceId: session.deviceId });
    await this.context.publish('session.device_mismatch', user, { sessionId: session.sessionId });
  }
}

export function toSessionView(session: Session): SessionView {
  return {
    sessionId: session.sessionId,
    deviceId: session.deviceId,
    ip: session.ip,
    country: session.country,
    methods: session.methods,
    createdAtMs: session.createdAtMs,
    lastSeenAtMs: session.lastSeenAtMs,
    expiresAtMs: session.expiresAtMs,
  };
}

function toDeviceView(device: Device): DeviceView {
  return {
    deviceId: device.deviceId,
    label: device.label,
    createdAtMs: device.createdAtMs,
    lastSeenAtMs: device.lastSeenAtMs,
    lastCountry: device.lastCountry,
    confirmed: device.confirmedAtMs !== null,
  };
}
