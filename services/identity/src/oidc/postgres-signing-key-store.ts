// SigningKeyStore in PostgreSQL (table oidc_signing_keys, migrations/0003-oidc.sql). The private
// JWK is sealed with SecretBox (AES-256-GCM under the master key, which never enters the
// database) with the kid as associated data, so a sealed key moved to another row does not open.
// Retiring a key wipes its private half: only the public half is needed to verify old tokens.
import { assert } from '@parite/kernel';
import type { JWK } from 'jose';
import type postgres from 'postgres';
import type { SecretBox } from '../app/secret-box.ts';
import {
  generateSigningKey,
  signingAlgorithm,
  type ActiveSigningKey,
  type SigningKeyRecord,
  type SigningKeyState,
  type SigningKeyStore,
} from './signing-keys.ts';

type AnySql = postgres.Sql<Record<string, unknown>>;
type Row = Record<string, unknown>;

/** Bounds listKeys: a healthy store holds one active, at most one pending and a few retired keys. */
export const signingKeysListedMax = 64;
const uniqueViolation = '23505';
const columns = 'kid, algorithm, state, public_jwk, created_at, activated_at, retired_at';

export function sealingContextForKey(kid: string): string {
  return `oidc-signing-key:${kid}`;
}

export class PostgresSigningKeyStore implements SigningKeyStore {
  private readonly sql: AnySql;

  constructor(
    sql: postgres.Sql<Record<string, unknown>> | postgres.Sql,
    private readonly box: SecretBox,
  ) {
    this.sql = sql as AnySql;
  }

  async listKeys(): Promise<readonly SigningKeyRecord[]> {
    const rows = await this.sql.unsafe<Row[]>(
      `select ${columns} from oidc_signing_keys order by created_at, kid limit ${signingKeysListedMax}`,
    );
    return rows.map(toRecord);
  }

  async activeSigningKey(): Promise<ActiveSigningKey | undefined> {
    const rows = await this.sql.unsafe<Row[]>(
      `select kid, sealed_private_key from oidc_signing_keys where state = 'active'`,
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    const kid = String(row['kid']);
    const sealed = row['sealed_private_key'];
    assert(sealed instanceof Uint8Array, 'an active signing key has its private half');
    const opened = this.box.open(sealed, sealingContextForKey(kid));
    // A wrong master key or a tampered row must stop the provider, not sign with something else.
    assert(opened !== undefined, `the signing key ${kid} does not open with this master key`);
    const key = JSON.parse(opened.toString('utf8')) as JWK;
    opened.fill(0);
    return { kid, algorithm: signingAlgorithm, key };
  }

  async createKey(state: 'pending' | 'active', nowMs: number): Promise<SigningKeyRecord | undefined> {
    const generated = await generateSigningKey();
    const plaintext = Buffer.from(JSON.stringify(generated.privateJwk), 'utf8');
    const sealed = this.box.seal(plaintext, sealingContextForKey(generated.kid));
    plaintext.fill(0);
    const now = new Date(nowMs);
    try {
      const rows = await this.sql.unsafe<Row[]>(
        `insert into oidc_signing_keys (kid, algorithm, state, public_jwk, sealed_private_key, created_at, activated_at)
         values ($1, $2, $3, $4::jsonb, $5, $6, $7)
         returning ${columns}`,
        // postgres.js encodes a jsonb parameter itself: pass the object, not its JSON text.
        [generated.kid, signingAlgorithm, state, generated.publicJwk as never, sealed, now, state === 'active' ? now : null],
      );
      return rows[0] === undefined ? undefined : toRecord(rows[0]);
    } catch (error) {
      // Another instance created the active (or pending) key first: theirs stands.
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
  }

  async activate(kid: string, nowMs: number): Promise<boolean> {
    const now = new Date(nowMs);
    return this.sql.begin(async (transaction) => {
      const pending = await transaction.unsafe<Row[]>(
        `select kid from oidc_signing_keys where kid = $1 and state = 'pending' for update`,
        [kid],
      );
      if (pending.length === 0) return false;
      await transaction.unsafe(
        `update oidc_signing_keys set state = 'retired', retired_at = $1, sealed_private_key = null where state = 'active'`,
        [now],
      );
      await transaction.unsafe(
        `update oidc_signing_keys set state = 'active', activated_at = $2 where kid = $1`,
        [kid, now],
      );
      return true;
    }) as Promise<boolean>;
  }

  async deleteRetiredBefore(cutoffMs: number): Promise<number> {
    const rows = await this.sql.unsafe<Row[]>(
      `delete from oidc_signing_keys where state = 'retired' and retired_at <= $1 returning kid`,
      [new Date(cutoffMs)],
    );
    return rows.length;
  }
}

function toRecord(row: Row): SigningKeyRecord {
  const state = String(row['state']);
  assert(state === 'pending' || state === 'active' || state === 'retired', 'unknown signing key state');
  return {
    kid: String(row['kid']),
    algorithm: signingAlgorithm,
    state: state as SigningKeyState,
    publicJwk: row['public_jwk'] as JWK,
    createdAtMs: toMs(row['created_at']) ?? 0,
    activatedAtMs: toMs(row['activated_at']),
    retiredAtMs: toMs(row['retired_at']),
  };
}

/** postgres.js errors carry the SQLSTATE in `code`. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === uniqueViolation;
}

function toMs(value: unknown): number | undefined {
  return value instanceof Date ? value.getTime() : undefined;
}
