// Ports the identity service needs, declared by their consumer (this service); adapters live in
// src/adapters (memory, postgres) or in the composition root (platform audit log, Redis).
import type { ApiKey } from '../domain/api-key.ts';
import type { User, UserStatus } from '../domain/user.ts';

/** An API key as stored: its secret sealed with AES-256-GCM under the master key. */
export interface StoredApiKey extends ApiKey {
  readonly sealedSecret: Buffer;
}

export interface NewUserRecord {
  readonly publicId: string;
  readonly email: string;
  readonly status: UserStatus;
  readonly roles: readonly string[];
  readonly feeTier: number;
  readonly createdAtMs: number;
}

export type InsertUserResult = { readonly ok: true; readonly user: User } | { readonly ok: false; readonly code: 'USER_ALREADY_EXISTS' };

export interface IdentityStore {
  /** Assigns the internal id. The e-mail is unique: a duplicate is a result, not a throw. */
  insertUser(user: NewUserRecord): Promise<InsertUserResult>;
  findUserById(id: number): Promise<User | undefined>;
  findUserByPublicId(publicId: string): Promise<User | undefined>;
  findUserByEmail(email: string): Promise<User | undefined>;
  updateUserStatus(id: number, status: UserStatus): Promise<User | undefined>;
  /** Replaces the user's roles (already validated); undefined if unknown. */
  updateUserRoles(id: number, roles: readonly string[]): Promise<User | undefined>;
  insertApiKey(key: StoredApiKey): Promise<void>;
  findApiKey(keyId: string): Promise<StoredApiKey | undefined>;
  /** Newest first, at most `limit`. */
  listApiKeys(userId: number, limit: number): Promise<ApiKey[]>;
  /** Keys neither revoked nor expired at nowMs. */
  countActiveApiKeys(userId: number, nowMs: number): Promise<number>;
  /** Sets revokedAtMs unless already set (the first revocation wins); undefined if unknown. */
  revokeApiKey(keyId: string, revokedAtMs: number): Promise<ApiKey | undefined>;
}

export interface AuditEntry {
  readonly actorKind: string;
  readonly actorId: string;
  readonly action: string;
  readonly targetKind: string;
  readonly targetId: string;
  /** Never a secret: no API key secret, no master key, no signature. */
  readonly details: Record<string, unknown>;
}

export interface AuditSink {
  append(entry: AuditEntry): Promise<void>;
}

/** Who performs an identity action, as recorded in the audit log. */
export interface AuditActor {
  /** 'user', 'admin', 'system', ... (lower case, underscores), as the platform audit log expects. */
  readonly kind: string;
  readonly id: string;
}

/** Remembers signatures already accepted, so a captured request cannot be sent again. */
export interface ReplayGuard {
  /** True the first time `key` is seen within `ttlMs`; false for a repeat. */
  firstSeen(key: string, ttlMs: number): Promise<boolean>;
}

/** Randomness is an input, so tests can fix ids and secrets. */
export interface RandomSource {
  bytes(length: number): Buffer;
}
