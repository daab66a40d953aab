// PostgreSQL adapters for interactive credentials: PostgresCredentialStore and
// PostgresThrottleStore, over the tables of migrations/0002-credentials.sql. Every "exactly one
// winner" rule (single-use tokens and recovery codes, TOTP step replay, throttle claims) is one
// conditional UPDATE, so it holds across connections and instances without explicit locks.
// int8 columns may arrive as strings or bigints (see identity-store.ts): toSafeInteger either way.
import { assert } from '@parite/kernel';
import type postgres from 'postgres';
import type {
  AuthenticationMethod,
  CredentialStore,
  CredentialToken,
  CredentialTokenContext,
  CredentialTokenPurpose,
  Device,
  PasswordCredential,
  Session,
  ThrottleStore,
  TotpCredential,
} from '../../credentials/app/ports.ts';
import { emptyThrottleState, type ThrottleState } from '../../credentials/domain/throttle.ts';

type AnySql = postgres.Sql<Record<string, unknown>>;
type Row = Record<string, unknown>;
type Parameter = string | number | boolean | Date | Buffer | null | string[];

const tokenColumns = 'token_hash, purpose, user_id, created_at, expires_at, consumed_at, context';
const deviceColumns = 'device_id, user_id, fingerprint_hash, label, created_at, last_seen_at, last_country, confirmed_at';
const sessionColumns = 'session_id, user_id, device_id, token_hash, bound_device_hash, ip, country, methods, created_at, last_seen_at, expires_at, revoked_at, step_up_at';
const tokenPurposes: readonly CredentialTokenPurpose[] = ['email-verification', 'password-reset', 'device-confirmation', 'login-challenge'];
const methods: readonly AuthenticationMethod[] = ['password', 'totp', 'recovery-code', 'email-link'];

class SqlRunner {
  protected readonly sql: AnySql;

  constructor(sql: postgres.Sql<Record<string, unknown>> | postgres.Sql) {
    this.sql = sql as AnySql;
  }

  protected rows(query: string, parameters: readonly Parameter[]): Promise<Row[]> {
    return this.sql.unsafe<Row[]>(query, parameters as Parameter[]);
  }

  protected async first(query: string, parameters: readonly Parameter[]): Promise<Row | undefined> {
    return (await this.rows(query, parameters))[0];
  }
}

export class PostgresCredentialStore extends SqlRunner implements CredentialStore {
  async findPassword(userId: number): Promise<PasswordCredential | undefined> {
    const row = await this.first('select user_id, password_hash, email_verified_at, updated_at from identity_passwords where user_id = $1', [userId]);
    if (row === undefined) return undefined;
    return { userId: toSafeInteger(row['user_id']), passwordHash: toText(row['password_hash']), emailVerifiedAtMs: optionalMs(row['email_verified_at']), updatedAtMs: toMs(row['updated_at']) };
  }

  async upsertPassword(userId: number, passwordHash: string, nowMs: number, emailVerifiedAtMs?: number): Promise<void> {
    await this.rows(
      `insert into identity_passwords (user_id, password_hash, email_verified_at, updated_at) values ($1, $2, $3, $4)
       on conflict (user_id) do update set password_hash = excluded.password_hash, updated_at = excluded.updated_at,
         email_verified_at = coalesce(excluded.email_verified_at, identity_passwords.email_verified_at)`,
      [userId, passwordHash, optionalDate(emailVerifiedAtMs ?? null), new Date(nowMs)],
    );
  }

  async markEmailVerified(userId: number, nowMs: number): Promise<void> {
    await this.rows('update identity_passwords set email_verified_at = coalesce(email_verified_at, $2) where user_id = $1', [userId, new Date(nowMs)]);
  }

  async insertToken(token: CredentialToken): Promise<void> {
    await this.rows(
      `insert into identity_credential_tokens (${tokenColumns}) values ($1, $2, $3, $4, $5, $6, $7::text::jsonb)`,
      [token.tokenHash, token.purpose, token.userId, new Date(token.createdAtMs), new Date(token.expiresAtMs), optionalDate(token.consumedAtMs), JSON.stringify(token.context)],
    );
  }

  async findLiveToken(tokenHash: Buffer, purpose: CredentialTokenPurpose, nowMs: number): Promise<CredentialToken | undefined> {
    const row = await this.first(
      `select ${tokenColumns} from identity_credential_tokens where token_hash = $1 and purpose = $2 and consumed_at is null and expires_at > $3`,
      [tokenHash, purpose, new Date(nowMs)],
    );
    return row === undefined ? undefined : toToken(row);
  }

  async consumeToken(tokenHash: Buffer, purpose: CredentialTokenPurpose, nowMs: number): Promise<CredentialToken | undefined> {
    const row = await this.first(
      `update identity_credential_tokens set consumed_at = $3
       where token_hash = $1 and purpose = $2 and consumed_at is null and expires_at > $3 returning ${tokenColumns}`,
      [tokenHash, purpose, new Date(nowMs)],
    );
    return row === undefined ? undefined : toToken(row);
  }

  async consumeUserTokens(userId: number, purpose: CredentialTokenPurpose, nowMs: number): Promise<void> {
    await this.rows('update identity_credential_tokens set consumed_at = $3 where user_id = $1 and purpose = $2 and consumed_at is null', [userId, purpose, new Date(nowMs)]);
  }

  async findTotp(userId: number): Promise<TotpCredential | undefined> {
    const row = await this.first('select user_id, sealed_secret, created_at, confirmed_at, last_used_step from identity_totp where user_id = $1', [userId]);
    if (row === undefined) return undefined;
    return {
      userId: toSafeInteger(row['user_id']),
      sealedSecret: toBuffer(row['sealed_secret']),
      createdAtMs: toMs(row['created_at']),
      confirmedAtMs: optionalMs(row['confirmed_at']),
      lastUsedStep: row['last_used_step'] === null ? null : toSafeInteger(row['last_used_step']),
    };
  }

  async putPendingTotp(userId: number, sealedSecret: Buffer, nowMs: number): Promise<boolean> {
    const row = await this.first(
      `insert into identity_totp (user_id, sealed_secret, created_at) values ($1, $2, $3)
       on conflict (user_id) do update set sealed_secret = excluded.sealed_secret, created_at = excluded.created_at, last_used_step = null
       where identity_totp.confirmed_at is null
       returning user_id`,
      [userId, sealedSecret, new Date(nowMs)],
    );
    return row !== undefined;
  }

  async confirmTotp(userId: number, step: number, nowMs: number): Promise<boolean> {
    const row = await this.first('update identity_totp set confirmed_at = $3, last_used_step = $2 where user_id = $1 and confirmed_at is null returning user_id', [userId, step, new Date(nowMs)]);
    return row !== undefined;
  }

  async claimTotpStep(userId: number, step: number): Promise<boolean> {
    const row = await this.first(
      `update identity_totp set last_used_step = $2
       where user_id = $1 and confirmed_at is not null and (last_used_step is null or last_used_step < $2) returning user_id`,
      [userId, step],
    );
    return row !== undefined;
  }

  async deleteTotp(userId: number): Promise<boolean> {
    return (await this.first('delete from identity_totp where user_id = $1 returning user_id', [userId])) !== undefined;
  }

  async replaceRecoveryCodes(userId: number, codeHashes: readonly Buffer[], nowMs: number): Promise<void> {
    await this.sql.begin(async (transaction) => {
      await transaction.unsafe('delete from identity_recovery_codes where user_id = $1', [userId]);
      for (const codeHash of codeHashes) {
        await transaction.unsafe('insert into identity_recovery_codes (user_id, code_hash, created_at) values ($1, $2, $3)', [userId, codeHash, new Date(nowMs)]);
      }
    });
  }

  async consumeRecoveryCode(userId: number, codeHash: Buffer, nowMs: number): Promise<boolean> {
    const row = await this.first('update identity_recovery_codes set used_at = $3 where user_id = $1 and code_hash = $2 and used_at is null returning user_id', [userId, codeHash, new Date(nowMs)]);
    return row !== undefined;
  }

  async countUnusedRecoveryCodes(userId: number): Promise<number> {
    const row = await this.first('select count(*)::int as count from identity_recovery_codes where user_id = $1 and used_at is null', [userId]);
    return toSafeInteger(row?.['count']);
  }

  async deleteRecoveryCodes(userId: number): Promise<void> {
    await this.rows('delete from identity_recovery_codes where user_id = $1', [userId]);
  }

  async findDevice(userId: number, fingerprintHash: Buffer): Promise<Device | undefined> {
    const row = await this.first(`select ${deviceColumns} from identity_devices where user_id = $1 and fingerprint_hash = $2`, [userId, fingerprintHash]);
    return row === undefined ? undefined : toDevice(row);
  }

  async saveDevice(device: Device): Promise<Device> {
    const row = await this.first(
      `insert into identity_devices (${deviceColumns}) values ($1, $2, $3, $4, $5, $6, $7, $8)
       on conflict (user_id, fingerprint_hash) do update set label = excluded.label, last_seen_at = excluded.last_seen_at,
         last_country = excluded.last_country, confirmed_at = excluded.confirmed_at
       returning ${deviceColumns}`,
      [
        device.deviceId,
        device.userId,
        device.fingerprintHash,
        device.label,
        new Date(device.createdAtMs),
        new Date(device.lastSeenAtMs),
        device.lastCountry,
        optionalDate(device.confirmedAtMs),
      ],
    );
    assert(row !== undefined, 'the device upsert returns its row');
    return toDevice(row);
  }

  async listDevices(userId: number, limit: number): Promise<Device[]> {
    const rows = await this.rows(`select ${deviceColumns} from identity_devices where user_id = $1 order by last_seen_at desc, device_id desc limit $2`, [userId, limit]);
    return rows.map(toDevice);
  }

  async deleteDevice(userId: number, deviceId: string): Promise<Device | undefined> {
    const row = await this.first(`delete from identity_devices where user_id = $1 and device_id = $2 returning ${deviceColumns}`, [userId, deviceId]);
    return row === undefined ? undefined : toDevice(row);
  }

  async insertSession(session: Session): Promise<void> {
    await this.rows(
      `insert into identity_sessions (${sessionColumns}) values ($1, $2, $3, $4, $5, $6, $7, $8::text[], $9, $10, $11, $12, $13)`,
      [
        session.sessionId,
        session.userId,
        session.deviceId,
        session.tokenHash,
        session.boundDeviceHash,
        session.ip,
        session.country,
        [...session.methods],
        new Date(session.createdAtMs),
        new Date(session.lastSeenAtMs),
        new Date(session.expiresAtMs),
        optionalDate(session.revokedAtMs),
        optionalDate(session.stepUpAtMs),
      ],
    );
  }

  async findSessionByTokenHash(tokenHash: Buffer): Promise<Session | undefined> {
    const row = await this.first(`select ${sessionColumns} from identity_sessions where token_hash = $1`, [tokenHash]);
    return row === undefined ? undefined : toSession(row);
  }

  async findSession(sessionId: string): Promise<Session | undefined> {
    const row = await this.first(`select ${sessionColumns} from identity_sessions where session_id = $1`, [sessionId]);
    return row === undefined ? undefined : toSession(row);
  }

  async touchSession(sessionId: string, nowMs: number): Promise<void> {
    await this.rows('update identity_sessions set last_seen_at = greatest(last_seen_at, $2) where session_id = $1', [sessionId, new Date(nowMs)]);
  }

  async markStepUp(sessionId: string, nowMs: number): Promise<void> {
    await this.rows('update identity_sessions set step_up_at = $2 where session_id = $1', [sessionId, new Date(nowMs)]);
  }

  async revokeSession(sessionId: string, nowMs: number): Promise<Session | undefined> {
    const row = await this.first(`update identity_sessions set revoked_at = coalesce(revoked_at, $2) where session_id = $1 returning ${sessionColumns}`, [sessionId, new Date(nowMs)]);
    return row === undefined ? undefined : toSession(row);
  }

  async revokeUserSessions(userId: number, nowMs: number, filter: { readonly exceptSessionId?: string; readonly deviceId?: string } = {}): Promise<string[]> {
    const rows = await this.rows(
      `update identity_sessions set revoked_at = $2
       where user_id = $1 and revoked_at is null and ($3::text is null or session_id <> $3) and ($4::text is null or device_id = $4)
       returning session_id`,
      [userId, new Date(nowMs), filter.exceptSessionId ?? null, filter.deviceId ?? null],
    );
    return rows.map((row) => toText(row['session_id'])).sort();
  }

  async listSessions(userId: number, nowMs: number, limit: number): Promise<Session[]> {
    const rows = await this.rows(
      `select ${sessionColumns} from identity_sessions where user_id = $1 and revoked_at is null and expires_at > $2
       order by created_at desc, session_id desc limit $3`,
      [userId, new Date(nowMs), limit],
    );
    return rows.map(toSession);
  }

  /** Deletes tokens that expired before `beforeMs` (at most `limit`); returns how many. */
  async purgeExpiredTokens(beforeMs: number, limit: number): Promise<number> {
    const rows = await this.rows(
      'delete from identity_credential_tokens where token_hash in (select token_hash from identity_credential_tokens where expires_at < $1 limit $2) returning 1',
      [new Date(beforeMs), limit],
    );
    return rows.length;
  }
}

/** Throttle counters in PostgreSQL, shared by every instance. The claim is one compare-and-set upsert. */
export class PostgresThrottleStore extends SqlRunner implements ThrottleStore {
  async read(key: string, nowMs: number, windowMs: number): Promise<ThrottleState> {
    const row = await this.first('select failures, last_attempt_at from identity_login_throttle where key = $1', [key]);
    if (row === undefined) return emptyThrottleState;
    const lastAttemptAtMs = toMs(row['last_attempt_at']);
    if (nowMs - lastAttemptAtMs >= windowMs) return emptyThrottleState;
    return { failures: toSafeInteger(row['failures']), lastAttemptAtMs };
  }

  async claim(key: string, expectedFailures: number, nowMs: number, windowMs: number): Promise<boolean> {
    // A counter past its window counts as zero. The WHERE makes it a compare-and-set: of several
    // concurrent claims with the same expectation, exactly one updates the row.
    const row = await this.first(
      `insert into identity_login_throttle as t (key, failures, last_attempt_at) values ($1, $2 + 1, $3)
       on conflict (key) do update
         set failures = (case when t.last_attempt_at <= $3 - $4 * interval '1 millisecond' then 0 else t.failures end) + 1,
             last_attempt_at = excluded.last_attempt_at
         where (case when t.last_attempt_at <= $3 - $4 * interval '1 millisecond' then 0 else t.failures end) = $2
       returning failures`,
      [key, expectedFailures, new Date(nowMs), windowMs],
    );
    return row !== undefined;
  }

  async release(key: string): Promise<void> {
    await this.rows('update identity_login_throttle set failures = greatest(failures - 1, 0) where key = $1', [key]);
  }

  async clear(key: string): Promise<void> {
    await this.rows('delete from identity_login_throttle where key = $1', [key]);
  }

  /** Deletes counters idle since before `beforeMs` (at most `limit`); run it from a periodic job. */
  async purgeIdle(beforeMs: number, limit: number): Promise<number> {
    const rows = await this.rows(
      'delete from identity_login_throttle where key in (select key from identity_login_throttle where last_attempt_at < $1 limit $2) returning 1',
      [new Date(beforeMs), limit],
    );
    return rows.length;
  }
}

function toToken(row: Row): CredentialToken {
  const purpose = row['purpose'];
  assert(typeof purpose === 'string' && (tokenPurposes as readonly string[]).includes(purpose), 'token purpose');
  const context = row['context'];
  assert(typeof context === 'object' && context !== null && !Array.isArray(context), 'token context is an object');
  return {
    tokenHash: toBuffer(row['token_hash']),
    purpose: purpose as CredentialTokenPurpose,
    userId: toSafeInteger(row['user_id']),
    createdAtMs: toMs(row['created_at']),
    expiresAtMs: toMs(row['expires_at']),
    consumedAtMs: optionalMs(row['consumed_at']),
    context: context as CredentialTokenContext,
  };
}

function toDevice(row: Row): Device {
  return {
    deviceId: toText(row['device_id']),
    userId: toSafeInteger(row['user_id']),
    fingerprintHash: toBuffer(row['fingerprint_hash']),
    label: toText(row['label']),
    createdAtMs: toMs(row['created_at']),
    lastSeenAtMs: toMs(row['last_seen_at']),
    lastCountry: row['last_country'] === null ? null : toText(row['last_country']),
    confirmedAtMs: optionalMs(row['confirmed_at']),
  };
}

function toSession(row: Row): Session {
  const sessionMethods = row['methods'];
  assert(Array.isArray(sessionMethods) && sessionMethods.every((method) => (methods as readonly unknown[]).includes(method)), 'session methods');
  return {
    sessionId: toText(row['session_id']),
    userId: toSafeInteger(row['user_id']),
    deviceId: row['device_id'] === null ? null : toText(row['device_id']),
    tokenHash: toBuffer(row['token_hash']),
    boundDeviceHash: row['bound_device_hash'] === null ? null : toBuffer(row['bound_device_hash']),
    ip: toText(row['ip']),
    country: row['country'] === null ? null : toText(row['country']),
    methods: sessionMethods as AuthenticationMethod[],
    createdAtMs: toMs(row['created_at']),
    lastSeenAtMs: toMs(row['last_seen_at']),
    expiresAtMs: toMs(row['expires_at']),
    revokedAtMs: optionalMs(row['revoked_at']),
    stepUpAtMs: optionalMs(row['step_up_at']),
  };
}

function toSafeInteger(value: unknown): number {
  const number = typeof value === 'bigint' || typeof value === 'string' ? Number(value) : value;
  assert(typeof number === 'number' && Number.isSafeInteger(number), 'a safe integer column');
  return number;
}

function toText(value: unknown): string {
  assert(typeof value === 'string', 'text column');
  return value;
}

function toBuffer(value: unknown): Buffer {
  assert(value instanceof Uint8Array, 'bytea column');
  return Buffer.from(value);
}

function toMs(value: unknown): number {
  assert(value instanceof Date, 'timestamptz column');
  return value.getTime();
}

function optionalMs(value: unknown): number | null {
  return value === null ? null : toMs(value);
}

function optionalDate(valueMs: number | null): Date | null {
  return valueMs === null ? null : new Date(valueMs);
}
