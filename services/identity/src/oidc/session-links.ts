// Ties the OpenID Connect provider's grants and single sign-on sessions to the credential session
// (the interactive sign-in, `ses_...`) that opened them. Two uses:
// - a token issued under a grant carries that credential session as its `sid` claim, so the API
//   can check step-up and see a revoked session at once;
// - revoking a credential session (the account area, a password reset, a forgotten device)
//   revokes the grants (refresh-token families) and ends the provider sessions it opened.
import type postgres from 'postgres';
import { assert, systemClock, type Clock } from '@parite/kernel';
import { revokeGrantFamily } from './postgres-adapter.ts';

export interface SessionLinkInput {
  readonly credentialSessionId: string;
  readonly grantId?: string;
  readonly sessionUid?: string;
  readonly expiresAtMs: number;
}

export interface OidcSessionLinks {
  link(input: SessionLinkInput): Promise<void>;
  /** The credential session of a grant, else of a provider session; undefined when neither is linked. */
  credentialSessionOf(keys: { readonly grantId?: string; readonly sessionUid?: string }): Promise<string | undefined>;
  /** Revokes the grants and ends the provider sessions these credential sessions opened; how many artifacts. */
  revokeFor(credentialSessionIds: readonly string[]): Promise<number>;
}

const keyPattern = /^[A-Za-z0-9_-]{1,128}$/;

type AnySql = postgres.Sql<Record<string, unknown>>;
type Row = Record<string, unknown>;

export class PostgresOidcSessionLinks implements OidcSessionLinks {
  private readonly sql: AnySql;
  private readonly clock: Clock;

  constructor(sql: postgres.Sql<Record<string, unknown>> | postgres.Sql, clock: Clock = systemClock) {
    this.sql = sql as AnySql;
    this.clock = clock;
  }

  async link(input: SessionLinkInput): Promise<void> {
    const expiresAt = new Date(input.expiresAtMs);
    for (const [kind, key] of [['grant', input.grantId], ['session', input.sessionUid]] as const) {
      if (key === undefined) continue;
      assert(keyPattern.test(key), 'a provider id is url-safe text');
      await this.sql.unsafe(
        `insert into identity_oidc_session_links (kind, key, credential_session_id, expires_at) values ($1, $2, $3, $4)
         on conflict (kind, key) do update set credential_session_id = excluded.credential_session_id, expires_at = excluded.expires_at`,
        [kind, key, input.credentialSessionId, expiresAt]);
    }
  }

  async credentialSessionOf(keys: { readonly grantId?: string; readonly sessionUid?: string }): Promise<string | undefined> {
    const now = new Date(this.clock.nowMs());
    for (const [kind, key] of [['grant', keys.grantId], ['session', keys.sessionUid]] as const) {
      if (key === undefined || !keyPattern.test(key)) continue;
      const rows = await this.sql.unsafe<Row[]>(
        `select credential_session_id from identity_oidc_session_links where kind = $1 and key = $2 and expires_at > $3`, [kind, key, now]);
      const found = rows[0]?.['credential_session_id'];
      if (typeof found === 'string') return found;
    }
    return undefined;
  }

  async revokeFor(credentialSessionIds: readonly string[]): Promise<number> {
    if (credentialSessionIds.length === 0) return 0;
    const rows = await this.sql.unsafe<Row[]>(
      `delete from identity_oidc_session_links where credential_session_id = any($1::text[]) returning kind, key`,
      [[...credentialSessionIds]]);
    for (const row of rows) {
      const key = String(row['key']);
      if (row['kind'] === 'grant') await revokeGrantFamily(this.sql, key);
      // The provider session (single sign-on cookie) ends: the browser must sign in again.
      else await this.sql.unsafe(`delete from oidc_artifacts where model = 'Session' and uid = $1`, [key]);
    }
    return rows.length;
  }
}

/** For tests and single-process demos without PostgreSQL: links only (nothing to revoke in memory). */
export class MemoryOidcSessionLinks implements OidcSessionLinks {
  private readonly links = new Map<string, { credentialSessionId: string; expiresAtMs: number }>();
  readonly revoked: string[] = [];

  constructor(private readonly clock: Clock = systemClock) {}

  link(input: SessionLinkInput): Promise<void> {
    if (input.grantId !== undefined) this.links.set(`grant:${input.grantId}`, input);
    if (input.sessionUid !== undefined) this.links.set(`session:${input.sessionUid}`, input);
    return Promise.resolve();
  }

  credentialSessionOf(keys: { readonly grantId?: string; readonly sessionUid?: string }): Promise<string | undefined> {
    for (const key of [`grant:${keys.grantId}`, `session:${keys.sessionUid}`]) {
      const link = this.links.get(key);
      if (link !== undefined && link.expiresAtMs > this.clock.nowMs()) return Promise.resolve(link.credentialSessionId);
    }
    return Promise.resolve(undefined);
  }

  revokeFor(credentialSessionIds: readonly string[]): Promise<number> {
    let count = 0;
    for (const [key, link] of this.links) {
      if (!credentialSessionIds.includes(link.credentialSessionId)) continue;
      this.links.delete(key);
      this.revoked.push(key);
      count += 1;
    }
    return Promise.resolve(count);
  }
}
