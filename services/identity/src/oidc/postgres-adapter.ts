// oidc-provider's storage adapter in PostgreSQL (table oidc_artifacts, migrations/0003-oidc.sql),
// so every instance sees the same sessions, codes, grants and refresh tokens.
//
// - Ids are stored as SHA-256 digests and payloads without their `jti`: for codes, refresh tokens
//   and sessions the id is the bearer value itself. `find` puts the id back as `jti`.
// - Expiry is checked against the clock on every read (the pruner only reclaims space).
// - `consume` is a compare-and-set. oidc-provider checks `consumed` before consuming, but two
//   requests presenting the same code or refresh token at the same moment both pass that check;
//   the loser here finds the row already consumed, revokes the whole grant (the token family) and
//   fails with invalid_grant, exactly as a sequential reuse does.
import { assert, systemClock, type Clock } from '@parite/kernel';
import { createHash } from 'node:crypto';
import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import type postgres from 'postgres';

type AnySql = postgres.Sql<Record<string, unknown>>;
type Row = Record<string, unknown>;

/** Models whose rows carry a grantId (what oidc-provider revokes by grant). */
const grantBoundModels: ReadonlySet<string> = new Set([
  'AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'PreAuthorizedCode',
]);
/** Bounds one pruning statement, so a backlog never becomes one huge transaction. */
export const oidcPruneBatchMax = 5_000;
const idLengthMax = 1_024;

export function artifactIdDigest(id: string): Buffer {
  return createHash('sha256').update(id, 'utf8').digest();
}

export interface PostgresOidcAdapterOptions {
  readonly clock?: Clock;
}

/** The `adapter` setting of the Provider: one adapter per model name. */
export function postgresOidcAdapter(sql: postgres.Sql<Record<string, unknown>> | postgres.Sql,
  options: PostgresOidcAdapterOptions = {}): (model: string) => Adapter {
  const clock = options.clock ?? systemClock;
  return (model) => new PostgresOidcAdapter(sql as AnySql, model, clock);
}

export class PostgresOidcAdapter implements Adapter {
  constructor(
    private readonly sql: AnySql,
    private readonly model: string,
    private readonly clock: Clock,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    checkId(id);
    const nowMs = this.clock.nowMs();
    const stored: Record<string, unknown> = { ...payload };
    delete stored['jti'];
    delete stored['consumed'];
    stripSessionCookie(stored);
    const expiresAt = typeof expiresIn === 'number' && expiresIn > 0 ? new Date(nowMs + expiresIn * 1000) : null;
    const grantId = grantBoundModels.has(this.model) && typeof payload.grantId === 'string' ? payload.grantId : null;
    const uid = typeof payload.uid === 'string' ? payload.uid : null;
    const userCode = typeof payload.userCode === 'string' ? artifactIdDigest(payload.userCode) : null;
    await this.sql.unsafe(
      `insert into oidc_artifacts (model, id_digest, payload, grant_id, uid, user_code_digest, expires_at, created_at)
       values ($1, $2, $3::jsonb, $4, $5, $6, $7, $8)
       on conflict (model, id_digest) do update set payload = excluded.payload, grant_id = excluded.grant_id,
         uid = excluded.uid, user_code_digest = excluded.user_code_digest, expires_at = excluded.expires_at`,
      // postgres.js encodes a jsonb parameter itself: pass the object, not its JSON text.
      [this.model, artifactIdDigest(id), stored as never, grantId, uid, userCode, expiresAt, new Date(nowMs)],
    );
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    if (!validId(id)) return undefined;
    const rows = await this.sql.unsafe<Row[]>(
      `select payload, consumed_at from oidc_artifacts
       where model = $1 and id_digest = $2 and (expires_at is null or expires_at > $3)`,
      [this.model, artifactIdDigest(id), new Date(this.clock.nowMs())],
    );
    return toPayload(rows[0], id);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    if (!validId(uid)) return undefined;
    const rows = await this.sql.unsafe<Row[]>(
      `select id_digest, payload, consumed_at from oidc_artifacts
       where model = $1 and uid = $2 and (expires_at is null or expires_at > $3) limit 1`,
      [this.model, uid, new Date(this.clock.nowMs())],
    );
    // Sessions are the only model found by uid; their jti is the cookie value, which is not stored.
    // oidc-provider only reads the session's claims from it and never re-saves it under this id.
    return toPayload(rows[0], undefined);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    if (!validId(userCode)) return undefined;
    const rows = await this.sql.unsafe<Row[]>(
      `select payload, consumed_at from oidc_artifacts
       where model = $1 and user_code_digest = $2 and (expires_at is null or expires_at > $3) limit 1`,
      [this.model, artifactIdDigest(userCode), new Date(this.clock.nowMs())],
    );
    return toPayload(rows[0], undefined);
  }

  async consume(id: string): Promise<void> {
    checkId(id);
    const digest = artifactIdDigest(id);
    const now = new Date(this.clock.nowMs());
    const consumed = await this.sql.unsafe<Row[]>(
      `update oidc_artifacts set consumed_at = $3
       where model = $1 and id_digest = $2 and consumed_at is null and (expires_at is null or expires_at > $3)
       returning grant_id`,
      [this.model, digest, now],
    );
    if (consumed.length === 1) return;
    const rows = await this.sql.unsafe<Row[]>(
      `select grant_id, consumed_at from oidc_artifacts where model = $1 and id_digest = $2`,
      [this.model, digest],
    );
    const row = rows[0];
    const grantId = row?.['grant_id'];
    if (row !== undefined && row['consumed_at'] !== null && typeof grantId === 'string') {
      await revokeGrantFamily(this.sql, grantId);
      throw new errors.InvalidGrant(`${this.model === 'RefreshToken' ? 'refresh token' : 'grant'} already used`);
    }
    throw new errors.InvalidGrant('grant not found or expired');
  }

  async destroy(id: string): Promise<void> {
    if (!validId(id)) return;
    await this.sql.unsafe(`delete from oidc_artifacts where model = $1 and id_digest = $2`, [this.model, artifactIdDigest(id)]);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.sql.unsafe(`delete from oidc_artifacts where model = $1 and grant_id = $2`, [this.model, grantId]);
  }
}

/** Deletes every code and token of a grant and the grant itself (what a reuse must do). */
export async function revokeGrantFamily(sql: postgres.Sql<Record<string, unknown>> | postgres.Sql, grantId: string): Promise<void> {
  const anySql = sql as AnySql;
  await anySql.begin(async (transaction) => {
    await transaction.unsafe(`delete from oidc_artifacts where grant_id = $1`, [grantId]);
    await transaction.unsafe(`delete from oidc_artifacts where model = 'Grant' and id_digest = $1`, [artifactIdDigest(grantId)]);
  });
}

/** Reclaims expired rows, at most `oidcPruneBatchMax` per call; run it on a timer. Returns how many. */
export async function pruneExpiredOidcArtifacts(sql: postgres.Sql<Record<string, unknown>> | postgres.Sql,
  nowMs: number): Promise<number> {
  const rows = await (sql as AnySql).unsafe<Row[]>(
    `delete from oidc_artifacts where ctid in (
       select ctid from oidc_artifacts where expires_at is not null and expires_at <= $1 limit ${oidcPruneBatchMax})
     returning 1`,
    [new Date(nowMs)],
  );
  return rows.length;
}

/**
 * An interaction records its session's cookie value (`session.cookie`), which oidc-provider never
 * reads back; it is a bearer credential for the single sign-on session, so it is not stored.
 */
function stripSessionCookie(stored: Record<string, unknown>): void {
  const session = stored['session'];
  if (session !== null && typeof session === 'object' && 'cookie' in session) {
    const { cookie: _cookie, ...rest } = session as Record<string, unknown>;
    stored['session'] = rest;
  }
}

function validId(id: unknown): id is string {
  return typeof id === 'string' && id.length > 0 && id.length <= idLengthMax;
}

function checkId(id: unknown): asserts id is string {
  assert(validId(id), 'oidc artifact ids are non-empty strings of bounded length');
}

function toPayload(row: Row | undefined, id: string | undefined): AdapterPayload | undefined {
  if (row === undefined) return undefined;
  const payload = { ...(row['payload'] as AdapterPayload) };
  if (id !== undefined) payload.jti = id;
  const consumedAt = row['consumed_at'];
  if (consumedAt instanceof Date) payload.consumed = Math.floor(consumedAt.getTime() / 1000);
  return payload;
}
