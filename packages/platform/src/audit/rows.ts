// Row <-> record mapping for audit_log, shared by append, list and verify.
import { assert } from '@parite/kernel';
import type { AuditRecord } from './types.ts';

export interface AuditRow {
  sequence: bigint;
  occurred_at: Date;
  actor_kind: string;
  actor_id: string;
  action: string;
  target_kind: string | null;
  target_id: string | null;
  details: unknown;
  request_id: string | null;
  previous_hash: string | null;
  entry_hash: string;
}

export function recordFromRow(row: AuditRow): AuditRecord {
  assert(typeof row.sequence === 'bigint', 'audit sequence must arrive as bigint');
  const details = row.details;
  assert(details !== null && typeof details === 'object' && !Array.isArray(details), 'audit details must be an object');
  return {
    sequence: row.sequence,
    occurredAtMs: row.occurred_at.getTime(),
    actorKind: row.actor_kind,
    actorId: row.actor_id,
    action: row.action,
    targetKind: row.target_kind,
    targetId: row.target_id,
    details: details as Record<string, unknown>,
    requestId: row.request_id,
    previousHash: row.previous_hash,
    entryHash: row.entry_hash,
  };
}
