// TOTP enrolment and verification, recovery codes, and step-up for sensitive actions. The TOTP
// secret is sealed with the identity master key (AES-256-GCM, associated data `totp:<userId>`),
// so a database dump alone cannot mint codes; recovery codes are stored as SHA-256 digests.
import { ServiceError } from '@parite/contracts';
import type { User } from '../../domain/user.ts';
import { formatRecoveryCode, normaliseRecoveryCode, recoveryCodeRandomBytes, recoveryCodesPerUser } from '../domain/recovery-codes.ts';
import { base32Encode, matchTotp, otpauthUri, totpSecretLengthBytes } from '../domain/totp.ts';
import { userActor, type CredentialContext } from './context.ts';
import type { AuthenticationMethod } from './ports.ts';
import type { SessionFlows } from './sessions.ts';
import { sha256 } from './tokens.ts';

export type CodeCheck =
  | { readonly ok: true; readonly method: Extract<AuthenticationMethod, 'totp' | 'recovery-code'> }
  | { readonly ok: false; readonly reason: 'invalid-code' | 'reused-code' | 'no-second-factor' };

export interface TotpEnrolment {
  /** Base32, for manual entry; shown once. */
  readonly secret: string;
  /** otpauth:// URI for a QR code; holds the secret, so never logged. */
  readonly otpauthUri: string;
}

export type TotpConfirmation = { readonly kind: 'ok'; readonly recoveryCodes: readonly string[] } | { readonly kind: 'invalid-code' };

export type StepUpResult = { readonly kind: 'ok'; readonly validUntilMs: number } | { readonly kind: 'invalid' } | { readonly kind: 'locked'; readonly retryAfterMs: number };

export interface StepUpProof {
  /** A TOTP code or a recovery code (required when TOTP is enabled). */
  readonly code?: string;
  /** The password (accepted only when the user has no second factor). */
  readonly password?: string;
}

export function recoveryCodeHash(userId: number, canonicalCode: string): Buffer {
  return sha256(`parite-recovery-code:${userId}:${canonicalCode}`);
}

function totpContext(userId: number): string {
  return `totp:${userId}`;
}

export class SecondFactorFlows {
  constructor(
    private readonly context: CredentialContext,
    private readonly sessions: SessionFlows,
  ) {}

  async hasTotp(userId: number): Promise<boolean> {
    const totp = await this.context.store.findTotp(userId);
    return totp !== undefined && totp.confirmedAtMs !== null;
  }

  /**
   * Checks a TOTP code (6 digits) or a recovery code against a user with TOTP enabled. A TOTP
   * step is claimed in the store, so the same code cannot be used twice, even on two instances.
   */
  async checkCode(user: User, rawCode: string): Promise<CodeCheck> {
    const totp = await this.context.store.findTotp(user.id);
    if (totp === undefined || totp.confirmedAtMs === null) return { ok: false, reason: 'no-second-factor' };
    const code = rawCode.trim();
    const recovery = normaliseRecoveryCode(code);
    if (recovery !== undefined) {
      const used = await this.context.store.consumeRecoveryCode(user.id, recoveryCodeHash(user.id, recovery), this.context.nowMs());
      if (!used) return { ok: false, reason: 'invalid-code' };
      const remaining = await this.context.store.countUnusedRecoveryCodes(user.id);
      await this.context.record(userActor(user), 'recovery_code.use', { kind: 'user', user }, { remaining });
      await this.context.publish('recovery_code.used', user, { remaining });
      return { ok: true, method: 'recovery-code' };
    }
    const secret = this.openSecret(user.id, totp.sealedSecret);
    const match = matchTotp(secret, code, this.context.nowMs(), totp.lastUsedStep);
    if (!match.ok) return { ok: false, reason: match.reason === 'reused' ? 'reused-code' : 'invalid-code' };
    if (!(await this.context.store.claimTotpStep(user.id, match.step))) return { ok: false, reason: 'reused-code' };
    return { ok: true, method: 'totp' };
  }

  /** Starts (or restarts) an enrolment; needs a recent step-up on the caller's session. */
  async beginTotpEnrolment(user: User, sessionId: string): Promise<TotpEnrolment> {
    await this.requireStepUp(user.id, sessionId);
    const secret = this.context.random.bytes(totpSecretLengthBytes);
    const sealed = this.context.secretBox.seal(secret, totpContext(user.id));
    if (!(await this.context.store.putPendingTotp(user.id, sealed, this.context.nowMs()))) {
      throw new ServiceError('AUTH_FORBIDDEN', { reason: 'two-factor authentication is already enabled' });
    }
    await this.context.record(userActor(user), 'totp.enroll_begin', { kind: 'user', user }, { sessionId });
    return { secret: base32Encode(secret), otpauthUri: otpauthUri(this.context.productName, user.email, secret) };
  }

  /** The first code proves the app holds the secret; enables TOTP and returns the recovery codes (once). */
  async confirmTotpEnrolment(user: User, code: string): Promise<TotpConfirmation> {
    const totp = await this.context.store.findTotp(user.id);
    if (totp === undefined || totp.confirmedAtMs !== null) return { kind: 'invalid-code' };
    const match = matchTotp(this.openSecret(user.id, totp.sealedSecret), code, this.context.nowMs(), null);
    if (!match.ok || !(await this.context.store.confirmTotp(user.id, match.step, this.context.nowMs()))) return { kind: 'invalid-code' };
    const recoveryCodes = await this.replaceRecoveryCodes(user);
    await this.context.record(userActor(user), 'totp.enable', { kind: 'user', user }, { recoveryCodes: recoveryCodes.length });
    await this.context.publish('second_factor.enabled', user, {});
    return { kind: 'ok', recoveryCodes };
  }

  async disableTotp(user: User, sessionId: string): Promise<void> {
    await this.requireStepUp(user.id, sessionId);
    const deleted = await this.context.store.deleteTotp(user.id);
    await this.context.store.deleteRecoveryCodes(user.id);
    if (!deleted) return;
    await this.context.record(userActor(user), 'totp.disable', { kind: 'user', user }, { sessionId });
    await this.context.publish('second_factor.disabled', user, { sessionId });
  }

  async regenerateRecoveryCodes(user: User, sessionId: string): Promise<readonly string[]> {
    await this.requireStepUp(user.id, sessionId);
    if (!(await this.hasTotp(user.id))) throw new ServiceError('AUTH_SECOND_FACTOR_REQUIRED', { reason: 'two-factor authentication is not enabled' });
    const codes = await this.replaceRecoveryCodes(user);
    await this.context.record(userActor(user), 'recovery_code.generate', { kind: 'user', user }, { sessionId, count: codes.length });
    return codes;
  }

  /**
   * Re-proves presence on a live session before a sensitive action (withdrawal, new API key,
   * 2FA change). With TOTP enabled only a code will do; without, the password.
   */
  async stepUp(user: User, sessionId: string, proof: StepUpProof): Promise<StepUpResult> {
    await this.sessions.liveSession(user.id, sessionId);
    const counter = { key: `step-up:${user.id}`, policy: this.context.policies.secondFactor };
    const claim = await this.context.gate.claim([counter], this.context.nowMs());
    if (!claim.claimed) return { kind: 'locked', retryAfterMs: claim.retryAfterMs };
    const proven = await this.checkStepUpProof(user, proof);
    if (!proven) {
      await this.context.record(userActor(user), 'step_up.failure', { kind: 'user', user }, { sessionId });
      return { kind: 'invalid' };
    }
    await this.context.gate.clear(counter.key);
    const nowMs = this.context.nowMs();
    await this.context.store.markStepUp(sessionId, nowMs);
    await this.context.record(userActor(user), 'step_up.success', { kind: 'user', user }, { sessionId });
    return { kind: 'ok', validUntilMs: nowMs + this.context.lifetimes.stepUpMs };
  }

  /** Throws AUTH_STEP_UP_REQUIRED unless the session stepped up within the step-up lifetime. */
  async requireStepUp(userId: number, sessionId: string): Promise<void> {
    const session = await this.sessions.liveSession(userId, sessionId);
    const nowMs = this.context.nowMs();
    if (session.stepUpAtMs === null || nowMs - session.stepUpAtMs >= this.context.lifetimes.stepUpMs) {
      throw new ServiceError('AUTH_STEP_UP_REQUIRED', { reason: 'step-up required', stepUpRequired: true });
    }
  }

  private async checkStepUpProof(user: User, proof: StepUpProof): Promise<boolean> {
    if (await this.hasTotp(user.id)) return proof.code !== undefined && (await this.checkCode(user, proof.code)).ok;
    const credential = await this.context.store.findPassword(user.id);
    const passwordHash = credential?.passwordHash ?? (await this.context.hasher.dummyHash());
    const verified = await this.context.hasher.verify(passwordHash, (proof.password ?? '').normalize('NFKC'));
    return credential !== undefined && verified;
  }

  private async replaceRecoveryCodes(user: User): Promise<string[]> {
    const codes: string[] = [];
    const hashes: Buffer[] = [];
    for (let index = 0; index < recoveryCodesPerUser; index++) {
      const canonical = base32Encode(this.context.random.bytes(recoveryCodeRandomBytes));
      codes.push(formatRecoveryCode(canonical));
      hashes.push(recoveryCodeHash(user.id, canonical));
    }
    await this.context.store.replaceRecoveryCodes(user.id, hashes, this.context.nowMs());
    return codes;
  }

  private openSecret(userId: number, sealed: Buffer): Buffer {
    const secret = this.context.secretBox.open(sealed, totpContext(userId));
    // A secret that does not open means the master key changed or the row was tampered with.
    if (secret === undefined) throw new ServiceError('INTERNAL_ERROR', { reason: 'a TOTP secret does not open under the master key' });
    return secret;
  }
}
