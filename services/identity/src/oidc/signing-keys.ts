// Token signing keys: the port, the rotation policy (pure) and the rotation use case.
//
// Rotation without downtime, for any number of instances and of token verifiers:
//   1. a new key is created `pending`: published in the JWKS, not yet signing, so every verifier's
//      cached key set can learn it before the first token signed with it arrives;
//   2. after `publishLeadMs` it becomes `active` (one transaction: the old active key is `retired`);
//      instances pick it up at their next refresh and sign with it;
//   3. a retired key stays published for `retentionMs` (at least the longest token lifetime plus
//      the refresh interval), then it is deleted. Its private half is wiped at retirement.
// The store never holds two active or two pending keys (unique indexes), so instances may all run
// the same tick concurrently: the loser of a race sees a conflict and does nothing.
import { assert, systemClock, type Clock } from '@parite/kernel';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { ExternalSigningKey } from 'oidc-provider';

export type SigningAlgorithm = 'ES256';
export const signingAlgorithm: SigningAlgorithm = 'ES256';
export type SigningKeyState = 'pending' | 'active' | 'retired';

/** What the store knows about a key, without its private half. */
export interface SigningKeyRecord {
  readonly kid: string;
  readonly algorithm: SigningAlgorithm;
  readonly state: SigningKeyState;
  /** Public members only (kty, crv, x, y), plus kid, alg and use. */
  readonly publicJwk: JWK;
  readonly createdAtMs: number;
  readonly activatedAtMs: number | undefined;
  readonly retiredAtMs: number | undefined;
}

/**
 * The key that signs now. A software store returns the private JWK; an HSM-backed store returns
 * an oidc-provider `ExternalSigningKey` whose `sign()` calls the HSM, and the private half never
 * enters this process.
 */
export interface ActiveSigningKey {
  readonly kid: string;
  readonly algorithm: SigningAlgorithm;
  readonly key: JWK | ExternalSigningKey;
}

/** The key-management port. Adapters: PostgresSigningKeyStore (sealed keys), an HSM later. */
export interface SigningKeyStore {
  /** Every key still stored (pending, active, retired), oldest first. */
  listKeys(): Promise<readonly SigningKeyRecord[]>;
  activeSigningKey(): Promise<ActiveSigningKey | undefined>;
  /** Generates and stores a key; undefined when another instance holds that state already. */
  createKey(state: 'pending' | 'active', nowMs: number): Promise<SigningKeyRecord | undefined>;
  /** pending -> active and the previous active -> retired, atomically; false if `kid` is not pending. */
  activate(kid: string, nowMs: number): Promise<boolean>;
  /** Deletes retired keys retired at or before `cutoffMs`; returns how many. */
  deleteRetiredBefore(cutoffMs: number): Promise<number>;
}

export interface KeyRotationPolicy {
  /** How long a key signs before its successor is staged. */
  readonly rotationPeriodMs: number;
  /** How long a staged key is published before it signs (>= verifiers' JWKS cache age + refresh interval). */
  readonly publishLeadMs: number;
  /** How long a retired key stays published (>= longest token lifetime + refresh interval). */
  readonly retentionMs: number;
}

const dayMs = 24 * 60 * 60 * 1000;
export const keyRotationPolicyDefault: KeyRotationPolicy = {
  rotationPeriodMs: 30 * dayMs,
  publishLeadMs: dayMs,
  retentionMs: 2 * dayMs,
};

export type RotationStep =
  | { readonly kind: 'create-active' }
  | { readonly kind: 'create-pending' }
  | { readonly kind: 'activate'; readonly kid: string }
  | { readonly kind: 'none' };

/** Pure: what the next rotation step is, given the stored keys and the time. */
export function planRotation(keys: readonly SigningKeyRecord[], nowMs: number, policy: KeyRotationPolicy): RotationStep {
  const active = keys.find((key) => key.state === 'active');
  const pending = keys.find((key) => key.state === 'pending');
  if (active === undefined) {
    // Bootstrap (or a lost active key): promote a staged key, else create one that signs at once.
    return pending === undefined ? { kind: 'create-active' } : { kind: 'activate', kid: pending.kid };
  }
  if (pending !== undefined) {
    return nowMs - pending.createdAtMs >= policy.publishLeadMs ? { kind: 'activate', kid: pending.kid } : { kind: 'none' };
  }
  const activeSinceMs = active.activatedAtMs ?? active.createdAtMs;
  return nowMs - activeSinceMs >= policy.rotationPeriodMs ? { kind: 'create-pending' } : { kind: 'none' };
}

/** Pure: the keys a JWKS publishes at nowMs (pending, active, and retired within retention). */
export function publishedKeys(keys: readonly SigningKeyRecord[], nowMs: number, retentionMs: number): JWK[] {
  return keys
    .filter((key) => key.state !== 'retired' || (key.retiredAtMs !== undefined && nowMs - key.retiredAtMs < retentionMs))
    .map((key) => ({ ...key.publicJwk }));
}

export function checkRotationPolicy(policy: KeyRotationPolicy): void {
  for (const [name, value] of Object.entries(policy)) {
    assert(Number.isSafeInteger(value) && value >= 0, `key rotation ${name} must be a non-negative integer`);
  }
  assert(policy.rotationPeriodMs > policy.publishLeadMs, 'rotationPeriodMs must exceed publishLeadMs');
}

export interface GeneratedSigningKey {
  readonly kid: string;
  readonly publicJwk: JWK;
  readonly privateJwk: JWK;
}

/** A fresh ES256 key pair; the kid is the RFC 7638 thumbprint, so it names the key itself. */
export async function generateSigningKey(): Promise<GeneratedSigningKey> {
  const { publicKey, privateKey } = await generateKeyPair(signingAlgorithm, { extractable: true });
  const publicMembers = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicMembers, 'sha256');
  const stamp = { kid, alg: signingAlgorithm, use: 'sig' };
  return { kid, publicJwk: { ...publicMembers, ...stamp }, privateJwk: { ...(await exportJWK(privateKey)), ...stamp } };
}

export interface RotationReport {
  readonly step: RotationStep['kind'];
  /** True when the step changed the stored keys (false when another instance won the race). */
  readonly applied: boolean;
  readonly deletedKeys: number;
}

export class SigningKeyRotation {
  private readonly clock: Clock;
  readonly policy: KeyRotationPolicy;

  constructor(
    private readonly store: SigningKeyStore,
    options: { clock?: Clock; policy?: KeyRotationPolicy } = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.policy = options.policy ?? keyRotationPolicyDefault;
    checkRotationPolicy(this.policy);
  }

  /** One idempotent step; every instance may call it on a timer (and once at start). */
  async tick(): Promise<RotationReport> {
    const nowMs = this.clock.nowMs();
    const step = planRotation(await this.store.listKeys(), nowMs, this.policy);
    let applied = false;
    if (step.kind === 'create-active' || step.kind === 'create-pending') {
      applied = (await this.store.createKey(step.kind === 'create-active' ? 'active' : 'pending', nowMs)) !== undefined;
    } else if (step.kind === 'activate') {
      applied = await this.store.activate(step.kid, nowMs);
    }
    const deletedKeys = await this.store.deleteRetiredBefore(nowMs - this.policy.retentionMs);
    return { step: step.kind, applied, deletedKeys };
  }

  /** Stages a successor now (an operator's "rotate" action, e.g. after a suspected compromise). */
  async stageNow(): Promise<SigningKeyRecord | undefined> {
    return this.store.createKey('pending', this.clock.nowMs());
  }

  async publishedJwks(): Promise<{ keys: JWK[] }> {
    return { keys: publishedKeys(await this.store.listKeys(), this.clock.nowMs(), this.policy.retentionMs) };
  }
}
