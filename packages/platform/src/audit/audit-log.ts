// The tamper-evident audit log. Every admin and money-moving action appends one entry, ideally
// inside the same transaction as the business write, so both commit or neither does:
//
//   await sql.begin(async (transaction) => {
//     await transaction`update withdrawals set status = 'approved' where id = ${id}`;
//     await auditLog.append({ actorKind: 'admin', actorId, action: 'withdrawal.approve',
//                             targetKind: 'withdrawal', targetId: id }, transaction);
//   });
//
// Appends lock the single chain-head row until their transaction ends, so all audited
// transactions are serialised at that point: append last, and keep audited transactions short.
// Under REPEATABLE READ or SERIALIZABLE a concurrent append makes the lock fail with SQLSTATE
// 40001 (serialization failure); retry the whole transaction, as with any such failure.
import { assert, type Clock } from '@parite/kernel';
import type postgres from 'postgres';
import type { Sql, TransactionSql } from '../sql.ts';
import { computeAuditEntryHash, prepareAuditEntry, type PreparedAuditEntry } from './hash.ts';
import { recordFromRow, type AuditRow } from './rows.ts';
import { verifyAuditChain } from './verify.ts';
import {
  auditListPageLimitMax,
  type AuditEntryInput,
  type AuditFilter,
  type AuditPage,
  type AuditRecord,
  type AuditVerification,
} from './types.ts';

export class AuditLog {
  constructor(
    private readonly sql: Sql,
    private readonly clock: Clock,
  ) {}

  /**
   * Appends one entry. With `transaction`, the entry commits or rolls back with the caller's
   * transaction; without it, the entry is committed on its own. Details are redacted first.
   */
  async append(entry: AuditEntryInput, transaction?: TransactionSql): Promise<AuditRecord> {
    const prepared = prepareAuditEntry(entry);
    if (transaction !== undefined) return await this.appendInside(transaction, prepared);
    return await this.sql.begin((own) => this.appendInside(own, prepared));
  }

  /** Recomputes the whole chain. Cost grows with the log: run it from an operator job, not per request. */
  async verify(): Promise<AuditVerification> {
    return await verifyAuditChain(this.sql);
  }

  /** Newest first, `pageLimit` at most (1..auditListPageLimitMax). */
  async list(filter: AuditFilter, pageLimit: number): Promise<AuditPage> {
    assert(Number.isSafeInteger(pageLimit), 'audit pageLimit must be an integer');
    assert(pageLimit >= 1 && pageLimit <= auditListPageLimitMax, 'audit pageLimit out of range');
    const sql = this.sql;
    const empty = sql``;
    const rows = await sql<AuditRow[]>`
      select * from audit_log where true
        ${filter.actorId === undefined ? empty : sql`and actor_id = ${filter.actorId}`}
        ${filter.action === undefined ? empty : sql`and action = ${filter.action}`}
        ${filter.targetKind === undefined ? empty : sql`and target_kind = ${filter.targetKind}`}
        ${filter.targetId === undefined ? empty : sql`and target_id = ${filter.targetId}`}
        ${filter.fromMs === undefined ? empty : sql`and occurred_at >= ${new Date(filter.fromMs)}`}
        ${filter.toMs === undefined ? empty : sql`and occurred_at < ${new Date(filter.toMs)}`}
        ${filter.beforeSequence === undefined ? empty : sql`and sequence < ${filter.beforeSequence}`}
      order by sequence desc
      limit ${pageLimit + 1}`;
    const records = rows.slice(0, pageLimit).map(recordFromRow);
    const last = records[records.length - 1];
    return { records, nextBeforeSequence: rows.length > pageLimit && last !== undefined ? last.sequence : undefined };
  }

  private async appendInside(transaction: TransactionSql, entry: PreparedAuditEntry): Promise<AuditRecord> {
    // FOR UPDATE on the one head row is what keeps concurrent appenders on a single chain.
    const heads = await transaction<{ last_sequence: bigint; last_hash: string | null }[]>`
      select last_sequence, last_hash from audit_chain_head where id = 1 for update`;
    const head = heads[0];
    assert(head !== undefined, 'audit_chain_head row is missing: run the platform migrations');
    const sequence = head.last_sequence + 1n;
    // Read the clock under the lock so timestamps follow chain order.
    const occurredAtMs = this.clock.nowMs();
    assert(Number.isSafeInteger(occurredAtMs), 'clock returned a non-integer time');
    const entryHash = computeAuditEntryHash(head.last_hash, { ...entry, sequence, occurredAtMs });
    // prepareAuditEntry() made details plain JSON, which is what the cast to JSONValue claims.
    const rows = await transaction<AuditRow[]>`
      insert into audit_log (sequence, occurred_at, actor_kind, actor_id, action, target_kind, target_id,
                             details, request_id, previous_hash, entry_hash)
      values (${sequence}, ${new Date(occurredAtMs)}, ${entry.actorKind}, ${entry.actorId}, ${entry.action},
              ${entry.targetKind}, ${entry.targetId}, ${transaction.json(entry.details as postgres.JSONValue)},
              ${entry.requestId}, ${head.last_hash}, ${entryHash})
      returning *`;
    const row = rows[0];
    assert(row !== undefined, 'audit insert returned no row');
    const record = recordFromRow(row);
    assert(record.entryHash === entryHash && record.sequence === sequence, 'audit insert stored something else');
    return record;
  }
}
