// Walks the whole chain in one repeatable-read snapshot (appends may continue meanwhile) and
// reports the first entry that does not hold: a missing sequence, a broken link, a hash that no
// longer matches its fields, or a table that disagrees with the chain head (tail removed or
// rows added behind the trigger's back).
import { assert } from '@parite/kernel';
import type { Sql, TransactionSql } from '../sql.ts';
import { computeAuditEntryHash } from './hash.ts';
import { recordFromRow, type AuditRow } from './rows.ts';
import { auditVerifyPageSize, type AuditBreakReason, type AuditVerification } from './types.ts';

export async function verifyAuditChain(sql: Sql): Promise<AuditVerification> {
  return await sql.begin('isolation level repeatable read read only', (transaction) => walk(transaction));
}

async function walk(transaction: TransactionSql): Promise<AuditVerification> {
  const heads = await transaction<{ last_sequence: bigint; last_hash: string | null }[]>`
    select last_sequence, last_hash from audit_chain_head where id = 1`;
  const head = heads[0];
  assert(head !== undefined, 'audit_chain_head row is missing');
  // One extra page notices rows beyond the head.
  const pagesMax = Number(head.last_sequence / BigInt(auditVerifyPageSize)) + 2;
  let expected = 1n;
  let previousHash: string | null = null;
  for (let page = 0; page < pagesMax; page++) {
    const rows = await transaction<AuditRow[]>`
      select * from audit_log where sequence >= ${expected} order by sequence limit ${auditVerifyPageSize}`;
    if (rows.length === 0) break;
    for (const row of rows) {
      const record = recordFromRow(row);
      if (record.sequence !== expected) return broken(expected, 'sequence_gap');
      if (record.previousHash !== previousHash) return broken(record.sequence, 'previous_hash_mismatch');
      if (computeAuditEntryHash(record.previousHash, record) !== record.entryHash) {
        return broken(record.sequence, 'entry_hash_mismatch');
      }
      previousHash = record.entryHash;
      expected++;
    }
  }
  const entries = expected - 1n;
  if (entries !== head.last_sequence || previousHash !== head.last_hash) {
    return broken((entries < head.last_sequence ? entries : head.last_sequence) + 1n, 'chain_head_mismatch');
  }
  assert(entries <= BigInt(Number.MAX_SAFE_INTEGER), 'audit entry count exceeds a safe integer');
  return { ok: true, entries: Number(entries), lastHash: previousHash };
}

function broken(sequence: bigint, reason: AuditBreakReason): AuditVerification {
  return { ok: false, brokenAtSequence: sequence, reason };
}
