// Ports of the interactive-credential use cases, declared by their consumer. Adapters: memory
// (src/credentials/memory), PostgreSQL (src/adapters/postgres/credential-store.ts), e-mail
// (src/adapters/email). Every secret a store holds is a hash or sealed: token and session
// hashes (SHA-256), password hashes (argon2id), TOTP secrets (AES-256-GCM under the master key).
import type { NewUserInput, User } from '../../domain/user.ts';
import type { AuditActor } from '../../app/ports.ts';
import type { ThrottleState } from '../domain/throttle.ts';

/** What the credential use cases need from the user directory; IdentityService provides it. */
export interface UserDirectory {
  createUser(input: NewUserInput, actor: AuditActor): Promise<User>;
  findUserByEmail(email: string): Promise<User | undefined>;
  getUser(userId: number): Promise<User>;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(passwordHash: string, password: string): Promise<boolean>;
  /** True when the hash was made with other parameters than the current ones. */
  needsRehash(passwordHash: string): boolean;
  /** A hash of a random password with the current parameters, to verify against when there is no account. */
  dummyHash(): Promise<string>;
}

export interface PasswordCredential {
  readonly userId: number;
  readonly passwordHash: string;
  readonly emailVerifiedAtMs: number | null;
  readonly updatedAtMs: number;
}

export type CredentialTokenPurpose = 'email-verification' | 'password-reset' | 'device-confirmation' | 'login-challenge';

/** Purpose-specific context of a token. Never a secret: hashes, addresses, flags. */
export interface CredentialTokenContext {
  readonly deviceHashHex?: string;
  readonly deviceLabel?: string;
  readonly country?: string | null;
  readonly ip?: string;
  readonly bindSessionToDevice?: boolean;
  readonly newDevice?: boolean;
}

export interface CredentialToken {
  /** SHA-256 of the token; the token itself is only ever in the e-mail or the client's hands. */
  readonly tokenHash: Buffer;
  readonly purpose: CredentialTokenPurpose;
  readonly userId: number;
  readonly createdAtMs: number;
  readonly expiresAtMs: number;
  readonly consumedAtMs: number | null;
  readonly context: CredentialTokenContext;
}

export interface TotpCredential {
  readonly userId: number;
  /** The secret under SecretBox, associated data `totp:<userId>`. */
  readonly sealedSecret: Buffer;
  readonly createdAtMs: number;
  /** Null while the enrolment waits for its first code. */
  readonly confirmedAtMs: number | null;
  /** The last time step accepted: a code of this step or an older one is refused. */
  readonly lastUsedStep: number | null;
}

export interface Device {
  /** Public id (`dev_...`), what the user sees and revokes. */
  readonly deviceId: string;
  readonly userId: number;
  readonly fingerprintHash: Buffer;
  readonly label: string;
  readonly createdAtMs: number;
  readonly lastSeenAtMs: number;
  readonly lastCountry: string | null;
  readonly confirmedAtMs: number | null;
}

export type AuthenticationMethod = 'password' | 'totp' | 'recovery-code' | 'email-link';

export interface Session {
  /** Public id (`ses_...`): listed, revoked, recorded in the audit log. Not a bearer credential. */
  readonly sessionId: string;
  readonly userId: number;
  readonly deviceId: string | null;
  /** SHA-256 of the bearer token handed to the client once. */
  readonly tokenHash: Buffer;
  /** Set when the session is bound to its device: presenting the token from another device fails. */
  readonly boundDeviceHash: Buffer | null;
  readonly ip: string;
  readonly country: string | null;
  readonly methods: readonly AuthenticationMethod[];
  readonly createdAtMs: number;
  readonly lastSeenAtMs: number;
  readonly expiresAtMs: number;
  readonly revokedAtMs: number | null;
  readonly stepUpAtMs: number | null;
}

export interface CredentialStore {
  findPassword(userId: number): Promise<PasswordCredential | undefined>;
  /** Inserts or replaces the password hash; emailVerifiedAtMs is kept unless given. */
  upsertPassword(userId: number, passwordHash: string, nowMs: number, emailVerifiedAtMs?: number): Promise<void>;
  markEmailVerified(userId: number, nowMs: number): Promise<void>;

  insertToken(token: CredentialToken): Promise<void>;
  /** The token if it exists for this purpose, is unconsumed and unexpired at nowMs. */
  findLiveToken(tokenHash: Buffer, purpose: CredentialTokenPurpose, nowMs: number): Promise<CredentialToken | undefined>;
  /** Marks it consumed and returns it; exactly one caller wins, later ones get undefined. */
  consumeToken(tokenHash: Buffer, purpose: CredentialTokenPurpose, nowMs: number): Promise<CredentialToken | undefined>;
  /** Consumes every live token of this user and purpose (a new reset link voids the old ones). */
  consumeUserTokens(userId: number, purpose: CredentialTokenPurpose, nowMs: number): Promise<void>;

  findTotp(userId: number): Promise<TotpCredential | undefined>;
  /** Replaces any unconfirmed enrolment; false when a confirmed one exists. */
  putPendingTotp(userId: number, sealedSecret: Buffer, nowMs: number): Promise<boolean>;
  /** Confirms a pending enrolment with its first accepted step; false if none is pending. */
  confirmTotp(userId: number, step: number, nowMs: number): Promise<boolean>;
  /** Records `step` as used if it is newer than the last one; false for a replay (one winner). */
  claimTotpStep(userId: number, step: number): Promise<boolean>;
  deleteTotp(userId: number): Promise<boolean>;

  replaceRecoveryCodes(userId: number, codeHashes: readonly Buffer[], nowMs: number): Promise<void>;
  /** Marks the code used; false when unknown or already used (one winner). */
  consumeRecoveryCode(userId: number, codeHash: Buffer, nowMs: number): Promise<boolean>;
  countUnusedRecoveryCodes(userId: number): Promise<number>;
  deleteRecoveryCodes(userId: number): Promise<void>;

  findDevice(userId: number, fingerprintHash: Buffer): Promise<Device | undefined>;
  /** Inserts, or updates the device with this user and fingerprint (keeping its id and creation time). */
  saveDevice(device: Device): Promise<Device>;
  listDevices(userId: number, limit: number): Promise<Device[]>;
  deleteDevice(userId: number, deviceId: string): Promise<Device | undefined>;

  insertSession(session: Session): Promise<void>;
  findSessionByTokenHash(tokenHash: Buffer): Promise<Session | undefined>;
  findSession(sessionId: string): Promise<Session | undefined>;
  touchSession(sessionId: string, nowMs: number): Promise<void>;
  markStepUp(sessionId: string, nowMs: number): Promise<void>;
  /** Sets revokedAtMs unless set; the session as it now is, undefined if unknown. */
  revokeSession(sessionId: string, nowMs: number): Promise<Session | undefined>;
  /** Revokes every live session of the user (optionally but one, or only those of one device); the ids revoked. */
  revokeUserSessions(userId: number, nowMs: number, filter?: { readonly exceptSessionId?: string; readonly deviceId?: string }): Promise<string[]>;
  /** Live (unrevoked, unexpired) sessions, newest first. */
  listSessions(userId: number, nowMs: number, limit: number): Promise<Session[]>;
}

/**
 * Failure counters shared by every instance. Keys are opaque (the service hashes them, so no
 * e-mail address or IP sits in the table). A counter older than windowMs reads as empty.
 */
export interface ThrottleStore {
  read(key: string, nowMs: number, windowMs: number): Promise<ThrottleState>;
  /**
   * Counts an attempt if the counter still holds `expectedFailures` (compare and set); false
   * when another attempt got there first. The attempt counts as a failure until released.
   */
  claim(key: string, expectedFailures: number, nowMs: number, windowMs: number): Promise<boolean>;
  /** Un-counts one claimed attempt (it succeeded); never below zero. */
  release(key: string): Promise<void>;
  clear(key: string): Promise<void>;
}

export type EmailKind = 'email-verification' | 'account-exists' | 'password-reset' | 'password-changed' | 'device-confirmation' | 'new-device-login' | 'account-locked';

export interface EmailMessage {
  readonly kind: EmailKind;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

export interface EmailSender {
  send(message: EmailMessage): Promise<void>;
}

export type SecurityEventKind =
  | 'login.new_device'
  | 'login.device_confirmation_requested'
  | 'account.locked'
  | 'password.changed'
  | 'second_factor.enabled'
  | 'second_factor.disabled'
  | 'recovery_code.used'
  | 'session.revoked'
  | 'session.device_mismatch';

/** For the user-facing notification channel (e-mail, push, the bank's SIEM). Never a secret. */
export interface SecurityEvent {
  readonly kind: SecurityEventKind;
  readonly userPublicId: string;
  readonly atMs: number;
  readonly details: Readonly<Record<string, string | number | boolean | null>>;
}

export interface SecurityEventSink {
  publish(event: SecurityEvent): Promise<void>;
}
