import type { Sql } from '@parite/platform';
import type { Permission } from '@parite/http';
import type { Approval, ApprovalStatus } from '../domain/approval.ts';
import type { ApprovalStore, NewApproval } from '../app/ports.ts';

interface Row {
  id: string; kind: string; permission: string; target_kind: string; target_id: string; payload: string;
  summary: Record<string, unknown>; maker_id: string; status: ApprovalStatus; checker_id: string | null;
  decision_reason: string | null; result_code: string | null; result: Record<string, unknown> | null;
  created_at_ms: string; expires_at_ms: string; decided_at_ms: string | null;
}

function toApproval(row: Row): Approval {
  return {
    id: row.id, kind: row.kind, permission: row.permission as Permission, targetKind: row.target_kind,
    targetId: row.target_id, payload: row.payload, summary: row.summary, makerId: row.maker_id, status: row.status,
    checkerId: row.checker_id ?? undefined, decisionReason: row.decision_reason ?? undefined,
    resultCode: row.result_code ?? undefined, result: row.result ?? undefined, createdAtMs: Number(row.created_at_ms),
    expiresAtMs: Number(row.expires_at_ms), decidedAtMs: row.decided_at_ms === null ? undefined : Number(row.decided_at_ms),
  };
}

export class PostgresApprovalStore implements ApprovalStore {
  constructor(private readonly sql: Sql) {}

  async insert(approval: NewApproval): Promise<void> {
    await this.sql`
      insert into approval_requests (id, kind, permission, target_kind, target_id, payload, summary, maker_id, status,
        created_at_ms, expires_at_ms)
      values (${approval.id}, ${approval.kind}, ${approval.permission}, ${approval.targetKind}, ${approval.targetId},
        ${approval.payload}, ${this.sql.json(approval.summary as never)}, ${approval.makerId}, 'pending',
        ${approval.createdAtMs}, ${approval.expiresAtMs})`;
  }

  async find(id: string): Promise<Approval | undefined> {
    const [row] = await this.sql<Row[]>`select * from approval_requests where id = ${id}`;
    return row === undefined ? undefined : toApproval(row);
  }

  async list(filter: { status?: ApprovalStatus; limit: number }): Promise<Approval[]> {
    const rows = filter.status === undefined
      ? await this.sql<Row[]>`select * from approval_requests order by created_at_ms desc, id limit ${filter.limit}`
      : await this.sql<Row[]>`select * from approval_requests where status = ${filter.status === 'expired' ? 'pending' : filter.status}
          order by created_at_ms desc, id limit ${filter.limit}`;
    return rows.map(toApproval);
  }

  async countPending(nowMs: number): Promise<number> {
    const [row] = await this.sql<{ count: string }[]>`
      select count(*)::text as count from approval_requests where status = 'pending' and expires_at_ms > ${nowMs}`;
    return Number(row?.count ?? 0);
  }

  async decide(id: string, decision: { status: 'approved' | 'rejected' | 'cancelled'; deciderId: string;
    reason: string | undefined; nowMs: number }): Promise<Approval | undefined> {
    const [row] = await this.sql<Row[]>`
      update approval_requests
      set status = ${decision.status}, checker_id = ${decision.deciderId}, decision_reason = ${decision.reason ?? null},
        decided_at_ms = ${decision.nowMs}
      where id = ${id} and status = 'pending' and expires_at_ms > ${decision.nowMs}
      returning *`;
    return row === undefined ? undefined : toApproval(row);
  }

  async complete(id: string, outcome: { status: 'executed' | 'failed'; resultCode: string; result: Record<string, unknown> }):
    Promise<Approval> {
    const [row] = await this.sql<Row[]>`
      update approval_requests set status = ${outcome.status}, result_code = ${outcome.resultCode},
        result = ${this.sql.json(outcome.result as never)}
      where id = ${id} and status = 'approved' returning *`;
    if (row === undefined) throw new Error(`approval ${id} is not approved`);
    return toApproval(row);
  }
}
