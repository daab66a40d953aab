// EmailSender into a PostgreSQL table (identity_email_outbox): the delivery channel of the
// embedded mode, where an operator reads the messages (or a relay job forwards them), and a
// record of what was sent. The rows hold live links: whoever reads the table can use them until
// they expire, so read access is as sensitive as the users' mailboxes. Purge old rows.
import { assert } from '@parite/kernel';
import type postgres from 'postgres';
import type { EmailKind, EmailMessage, EmailSender } from '../../credentials/app/ports.ts';
import { isPlainEmailAddress } from './address.ts';

type AnySql = postgres.Sql<Record<string, unknown>>;
type Row = Record<string, unknown>;

export interface OutboxMessage extends EmailMessage {
  readonly id: number;
  readonly createdAtMs: number;
  readonly deliveredAtMs: number | null;
}

export const outboxListedMax = 500;

export class PostgresOutboxEmailSender implements EmailSender {
  private readonly sql: AnySql;

  constructor(
    sql: postgres.Sql<Record<string, unknown>> | postgres.Sql,
    private readonly nowMs: () => number = Date.now,
  ) {
    this.sql = sql as AnySql;
  }

  async send(message: EmailMessage): Promise<void> {
    assert(isPlainEmailAddress(message.to), 'the recipient is one plain e-mail address');
    await this.sql.unsafe('insert into identity_email_outbox (kind, recipient, subject, body, created_at) values ($1, $2, $3, $4, $5)', [
      message.kind,
      message.to,
      message.subject,
      message.text,
      new Date(this.nowMs()),
    ]);
  }

  /** Newest first; for the operator's CLI. Record the read in the audit log: the bodies hold live links. */
  async list(options: { readonly recipient?: string; readonly limit?: number; readonly undeliveredOnly?: boolean } = {}): Promise<OutboxMessage[]> {
    const limit = Math.min(options.limit ?? 50, outboxListedMax);
    const rows = await this.sql.unsafe<Row[]>(
      `select id, kind, recipient, subject, body, created_at, delivered_at from identity_email_outbox
       where ($1::text is null or recipient = $1) and (not $2 or delivered_at is null)
       order by id desc limit $3`,
      [options.recipient?.trim().toLowerCase() ?? null, options.undeliveredOnly === true, limit],
    );
    return rows.map(toOutboxMessage);
  }

  async markDelivered(id: number): Promise<void> {
    await this.sql.unsafe('update identity_email_outbox set delivered_at = coalesce(delivered_at, $2) where id = $1', [id, new Date(this.nowMs())]);
  }

  /** Deletes messages created before `beforeMs`, at most `limit` per call; returns how many. */
  async purge(beforeMs: number, limit: number): Promise<number> {
    const rows = await this.sql.unsafe<Row[]>(
      'delete from identity_email_outbox where id in (select id from identity_email_outbox where created_at < $1 order by id limit $2) returning id',
      [new Date(beforeMs), limit],
    );
    return rows.length;
  }
}

function toOutboxMessage(row: Row): OutboxMessage {
  const id = row['id'];
  const numericId = typeof id === 'bigint' || typeof id === 'string' ? Number(id) : id;
  assert(typeof numericId === 'number' && Number.isSafeInteger(numericId), 'outbox id');
  const createdAt = row['created_at'];
  const deliveredAt = row['delivered_at'];
  assert(createdAt instanceof Date && (deliveredAt === null || deliveredAt instanceof Date), 'outbox timestamps');
  return {
    id: numericId,
    kind: String(row['kind']) as EmailKind,
    to: String(row['recipient']),
    subject: String(row['subject']),
    text: String(row['body']),
    createdAtMs: createdAt.getTime(),
    deliveredAtMs: deliveredAt === null ? null : deliveredAt.getTime(),
  };
}
