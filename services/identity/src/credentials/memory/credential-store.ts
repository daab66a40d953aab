// In-memory CredentialStore for tests and single-process demos; the PostgreSQL adapter is the
// production one. Same contract (test/credentials-store-contract.ts runs against both).
import type { CredentialStore, CredentialToken, CredentialTokenPurpose, Device, PasswordCredential, Session, TotpCredential } from '../app/ports.ts';

interface RecoveryCode {
  readonly codeHash: Buffer;
  usedAtMs: number | null;
}

const hex = (buffer: Buffer): string => buffer.toString('hex');

export class MemoryCredentialStore implements CredentialStore {
  private readonly passwords = new Map<number, PasswordCredential>();
  private readonly tokens = new Map<string, CredentialToken>();
  private readonly totps = new Map<number, TotpCredential>();
  private readonly recoveryCodes = new Map<number, RecoveryCode[]>();
  private readonly devices = new Map<string, Device>();
  private readonly sessions = new Map<string, Session>();

  async findPassword(userId: number): Promise<PasswordCredential | undefined> {
    return this.passwords.get(userId);
  }

  async upsertPassword(userId: number, passwordHash: string, nowMs: number, emailVerifiedAtMs?: number): Promise<void> {
    const existing = this.passwords.get(userId);
    this.passwords.set(userId, { userId, passwordHash, updatedAtMs: nowMs, emailVerifiedAtMs: emailVerifiedAtMs ?? existing?.emailVerifiedAtMs ?? null });
  }

  async markEmailVerified(userId: number, nowMs: number): Promise<void> {
    const existing = this.passwords.get(userId);
    if (existing !== undefined && existing.emailVerifiedAtMs === null) this.passwords.set(userId, { ...existing, emailVerifiedAtMs: nowMs });
  }

  async insertToken(token: CredentialToken): Promise<void> {
    this.tokens.set(hex(token.tokenHash), { ...token, tokenHash: Buffer.from(token.tokenHash), context: { ...token.context } });
  }

  async findLiveToken(tokenHash: Buffer, purpose: CredentialTokenPurpose, nowMs: number): Promise<CredentialToken | undefined> {
    return this.liveToken(tokenHash, purpose, nowMs);
  }

  private liveToken(tokenHash: Buffer, purpose: CredentialTokenPurpose, nowMs: number): CredentialToken | undefined {
    const token = this.tokens.get(hex(tokenHash));
    return token !== undefined && token.purpose === purpose && token.consumedAtMs === null && nowMs < token.expiresAtMs ? token : undefined;
  }

  async consumeToken(tokenHash: Buffer, purpose: CredentialTokenPurpose, nowMs: number): Promise<CredentialToken | undefined> {
    // No await between the check and the write: one caller wins.
    const token = this.liveToken(tokenHash, purpose, nowMs);
    if (token === undefined) return undefined;
    const consumed = { ...token, consumedAtMs: nowMs };
    this.tokens.set(hex(tokenHash), consumed);
    return consumed;
  }

  async consumeUserTokens(userId: number, purpose: CredentialTokenPurpose, nowMs: number): Promise<void> {
    for (const [key, token] of this.tokens) {
      if (token.userId === userId && token.purpose === purpose && token.consumedAtMs === null) this.tokens.set(key, { ...token, consumedAtMs: nowMs });
    }
  }

  async findTotp(userId: number): Promise<TotpCredential | undefined> {
    return this.totps.get(userId);
  }

  async putPendingTotp(userId: number, sealedSecret: Buffer, nowMs: number): Promise<boolean> {
    const existing = this.totps.get(userId);
    if (existing !== undefined && existing.confirmedAtMs !== null) return false;
    this.totps.set(userId, { userId, sealedSecret: Buffer.from(sealedSecret), createdAtMs: nowMs, confirmedAtMs: null, lastUsedStep: null });
    return true;
  }

  async confirmTotp(userId: number, step: number, nowMs: number): Promise<boolean> {
    const totp = this.totps.get(userId);
    if (totp === undefined || totp.confirmedAtMs !== null) return false;
    this.totps.set(userId, { ...totp, confirmedAtMs: nowMs, lastUsedStep: step });
    return true;
  }

  async claimTotpStep(userId: number, step: number): Promise<boolean> {
    const totp = this.totps.get(userId);
    if (totp === undefined || totp.confirmedAtMs === null || (totp.lastUsedStep !== null && totp.lastUsedStep >= step)) return false;
    this.totps.set(userId, { ...totp, lastUsedStep: step });
    return true;
  }

  async deleteTotp(userId: number): Promise<boolean> {
    return this.totps.delete(userId);
  }

  async replaceRecoveryCodes(userId: number, codeHashes: readonly Buffer[], _nowMs: number): Promise<void> {
    this.recoveryCodes.set(userId, codeHashes.map((codeHash) => ({ codeHash: Buffer.from(codeHash), usedAtMs: null })));
  }

  async consumeRecoveryCode(userId: number, codeHash: Buffer, nowMs: number): Promise<boolean> {
    const code = this.recoveryCodes.get(userId)?.find((entry) => entry.usedAtMs === null && entry.codeHash.equals(codeHash));
    if (code === undefined) return false;
    code.usedAtMs = nowMs;
    return true;
  }

  async countUnusedRecoveryCodes(userId: number): Promise<number> {
    return (this.recoveryCodes.get(userId) ?? []).filter((entry) => entry.usedAtMs === null).length;
  }

  async deleteRecoveryCodes(userId: number): Promise<void> {
    this.recoveryCodes.delete(userId);
  }

  async findDevice(userId: number, fingerprintHash: Buffer): Promise<Device | undefined> {
    return this.devices.get(`${userId}:${hex(fingerprintHash)}`);
  }

  async saveDevice(device: Device): Promise<Device> {
    const key = `${device.userId}:${hex(device.fingerprintHash)}`;
    const existing = this.devices.get(key);
    const saved = existing === undefined ? device : { ...device, deviceId: existing.deviceId, createdAtMs: existing.createdAtMs };
    this.devices.set(key, saved);
    return saved;
  }

  async listDevices(userId: number, limit: number): Promise<Device[]> {
    return [...this.devices.values()]
      .filter((device) => device.userId === userId)
      .sort((a, b) => b.lastSeenAtMs - a.lastSeenAtMs || b.deviceId.localeCompare(a.deviceId))
      .slice(0, limit);
  }

  async deleteDevice(userId: number, deviceId: string): Promise<Device | undefined> {
    for (const [key, device] of this.devices) {
      if (device.userId === userId && device.deviceId === deviceId) {
        this.devices.delete(key);
        return device;
      }
    }
    return undefined;
  }

  async insertSession(session: Session): Promise<void> {
    this.sessions.set(session.sessionId, { ...session, methods: [...session.methods] });
  }

  async findSessionByTokenHash(tokenHash: Buffer): Promise<Session | undefined> {
    for (const session of this.sessions.values()) if (session.tokenHash.equals(tokenHash)) return session;
    return undefined;
  }

  async findSession(sessionId: string): Promise<Session | undefined> {
    return this.sessions.get(sessionId);
  }

  async touchSession(sessionId: string, nowMs: number): Promise<void> {
    const session = this.sessions.get(sessionId);
    if (session !== undefined) this.sessions.set(sessionId, { ...session, lastSeenAtMs: Math.max(session.lastSeenAtMs, nowMs) });
  }

  async markStepUp(sessionId: string, nowMs: number): Promise<void> {
    const session = this.sessions.get(sessionId);
    if (session !== undefined) this.sessions.set(sessionId, { ...session, stepUpAtMs: nowMs });
  }

  async revokeSession(sessionId: string, nowMs: number): Promise<Session | undefined> {
    const session = this.sessions.get(sessionId);
    if (session === undefined) return undefined;
    const revoked = { ...session, revokedAtMs: session.revokedAtMs ?? nowMs };
    this.sessions.set(sessionId, revoked);
    return revoked;
  }

  async revokeUserSessions(userId: number, nowMs: number, filter: { readonly exceptSessionId?: string; readonly deviceId?: string } = {}): Promise<string[]> {
    const revoked: string[] = [];
    for (const session of this.sessions.values()) {
      if (session.userId !== userId || session.revokedAtMs !== null || session.sessionId === filter.exceptSessionId) continue;
      if (filter.deviceId !== undefined && session.deviceId !== filter.deviceId) continue;
      this.sessions.set(session.sessionId, { ...session, revokedAtMs: nowMs });
      revoked.push(session.sessionId);
    }
    return revoked.sort();
  }

  async listSessions(userId: number, nowMs: number, limit: number): Promise<Session[]> {
    return [...this.sessions.values()]
      .filter((session) => session.userId === userId && session.revokedAtMs === null && session.expiresAtMs > nowMs)
      .sort((a, b) => b.createdAtMs - a.createdAtMs || b.sessionId.localeCompare(a.sessionId))
      .slice(0, limit);
  }
}
