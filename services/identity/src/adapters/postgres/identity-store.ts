// PostgreSQL IdentityStore over postgres.js. Tables come from migrations/0001-identity.sql.
// int8 columns may arrive as strings or bigints depending on how the pool was configured (the
// platform parses them to bigint), so ids go through toSafeInteger either way.
import { assert } from '@parite/kernel';
import type postgres from 'postgres';
import { isApiKeyScope, type ApiKey } from '../../domain/api-key.ts';
import type { User, UserStatus } from '../../domain/user.ts';
import type { IdentityStore, InsertUserResult, NewUserRecord, StoredApiKey } from '../../app/ports.ts';

// Any type map: the store only relies on the columns' JavaScript shapes checked below.
type AnySql = postgres.Sql<Record<string, unknown>>;
type Row = Record<string, unknown>;

const userColumns = 'id, public_id, email, status, roles, fee_tier, created_at';
const keyColumns = 'key_id, user_id, label, scopes, ip_allow_list, expires_at, revoked_at, created_at';

export class PostgresIdentityStore implements IdentityStore {
  private readonly sql: AnySql;

  constructor(sql: postgres.Sql<Record<string, unknown>> | postgres.Sql) {
    this.sql = sql as AnySql;
  }

  async insertUser(record: NewUserRecord): Promise<InsertUserResult> {
    const rows = await this.sql.unsafe<Row[]>(
      `insert into identity_users (public_id, email, status, roles, fee_tier, created_at)
       values ($1, $2, $3, $4::text[], $5, $6)
       on conflict (email) do nothing
       returning ${userColumns}`,
      [record.publicId, record.email, record.status, [...record.roles], record.feeTier, new Date(record.createdAtMs)],
    );
    const row = rows[0];
    if (row === undefined) return { ok: false, code: 'USER_ALREADY_EXISTS' };
    return { ok: true, user: toUser(row) };
  }

  findUserById(id: number): Promise<User | undefined> {
    return this.oneUser(`select ${userColumns} from identity_users where id = $1`, [id]);
  }

  findUserByPublicId(publicId: string): Promise<User | undefined> {
    return this.oneUser(`select ${userColumns} from identity_users where public_id = $1`, [publicId]);
  }

  findUserByEmail(email: string): Promise<User | undefined> {
    return this.oneUser(`select ${userColumns} from identity_users where email = $1`, [email]);
  }

  updateUserStatus(id: number, status: UserStatus): Promise<User | undefined> {
    return this.oneUser(`update identity_users set status = $2 where id = $1 returning ${userColumns}`, [id, status]);
  }

  updateUserRoles(id: number, roles: readonly string[]): Promise<User | undefined> {
    return this.oneUser(`update identity_users set roles = $2::text[] where id = $1 returning ${userColumns}`, [id, [...roles]]);
  }

  async insertApiKey(key: StoredApiKey): Promise<void> {
    await this.sql.unsafe(
      `insert into identity_api_keys (key_id, user_id, label, scopes, ip_allow_list, expires_at, revoked_at, created_at, sealed_secret)
       values ($1, $2, $3, $4::text[], $5::text[], $6, $7, $8, $9)`,
      [
        key.keyId,
        key.userId,
        key.label,
        [...key.scopes],
        key.ipAllowList === null ? null : [...key.ipAllowList],
        optionalDate(key.expiresAtMs),
        optionalDate(key.revokedAtMs),
        new Date(key.createdAtMs),
        Buffer.from(key.sealedSecret),
      ],
    );
  }

  async findApiKey(keyId: string): Promise<StoredApiKey | undefined> {
    const rows = await this.sql.unsafe<Row[]>(`select ${keyColumns}, sealed_secret from identity_api_keys where key_id = $1`, [keyId]);
    const row = rows[0];
    if (row === undefined) return undefined;
    const sealedSecret = row['sealed_secret'];
    assert(sealedSecret instanceof Uint8Array, 'sealed_secret is bytea');
    return { ...toApiKey(row), sealedSecret: Buffer.from(sealedSecret) };
  }

  async listApiKeys(userId: number, limit: number): Promise<ApiKey[]> {
    const rows = await this.sql.unsafe<Row[]>(
      `select ${keyColumns} from identity_api_keys where user_id = $1 order by created_at desc, key_id desc limit $2`,
      [userId, limit],
    );
    return rows.map(toApiKey);
  }

  async countActiveApiKeys(userId: number, nowMs: number): Promise<number> {
    const rows = await this.sql.unsafe<Row[]>(
      `select count(*)::int as count from identity_api_keys
       where user_id = $1 and revoked_at is null and (expires_at is null or expires_at > $2)`,
      [userId, new Date(nowMs)],
    );
    return toSafeInteger(rows[0]?.['count'], 'count');
  }

  async revokeApiKey(keyId: string, revokedAtMs: number): Promise<ApiKey | undefined> {
    const rows = await this.sql.unsafe<Row[]>(
      `update identity_api_keys set revoked_at = coalesce(revoked_at, $2) where key_id = $1 returning ${keyColumns}`,
      [keyId, new Date(revokedAtMs)],
    );
    const row = rows[0];
    return row === undefined ? undefined : toApiKey(row);
  }

  private async oneUser(query: string, parameters: (string | number | string[])[]): Promise<User | undefined> {
    const rows = await this.sql.unsafe<Row[]>(query, parameters);
    const row = rows[0];
    return row === undefined ? undefined : toUser(row);
  }
}

function toUser(row: Row): User {
  const status = row['status'];
  assert(status === 'active' || status === 'disabled', 'user status');
  return {
    id: toSafeInteger(row['id'], 'id'),
    publicId: toText(row['public_id']),
    email: toText(row['email']),
    status,
    roles: toTextArray(row['roles']),
    feeTier: toSafeInteger(row['fee_tier'], 'fee_tier'),
    createdAtMs: toMs(row['created_at']),
  };
}

function toApiKey(row: Row): ApiKey {
  const scopes = toTextArray(row['scopes']);
  assert(scopes.every(isApiKeyScope), 'api key scopes');
  const ipAllowList = row['ip_allow_list'];
  return {
    keyId: toText(row['key_id']),
    userId: toSafeInteger(row['user_id'], 'user_id'),
    label: toText(row['label']),
    scopes: scopes.filter(isApiKeyScope),
    ipAllowList: ipAllowList === null ? null : toTextArray(ipAllowList),
    expiresAtMs: row['expires_at'] === null ? null : toMs(row['expires_at']),
    revokedAtMs: row['revoked_at'] === null ? null : toMs(row['revoked_at']),
    createdAtMs: toMs(row['created_at']),
  };
}

function toSafeInteger(value: unknown, column: string): number {
  const number = typeof value === 'bigint' || typeof value === 'string' ? Number(value) : value;
  assert(typeof number === 'number' && Number.isSafeInteger(number), `${column} is a safe integer`);
  return number;
}

function toText(value: unknown): string {
  assert(typeof value === 'string', 'text column');
  return value;
}

function toTextArray(value: unknown): string[] {
  assert(Array.isArray(value) && value.every((entry) => typeof entry === 'string'), 'text[] column');
  return value as string[];
}

function toMs(value: unknown): number {
  assert(value instanceof Date, 'timestamptz column');
  return value.getTime();
}

function optionalDate(valueMs: number | null): Date | null {
  return valueMs === null ? null : new Date(valueMs);
}
