import type { Approval, ApprovalStatus } from '../domain/approval.ts';
import type { ApprovalStore, NewApproval } from '../app/ports.ts';

/** For unit tests: the same contract as the PostgreSQL store, including the one-winner decide. */
export class MemoryApprovalStore implements ApprovalStore {
  private readonly approvals = new Map<string, Approval>();

  async insert(approval: NewApproval): Promise<void> {
    this.approvals.set(approval.id, { ...approval, status: 'pending', checkerId: undefined, decisionReason: undefined,
      resultCode: undefined, result: undefined, decidedAtMs: undefined });
  }

  async find(id: string): Promise<Approval | undefined> {
    return this.approvals.get(id);
  }

  async list(filter: { status?: ApprovalStatus; limit: number }): Promise<Approval[]> {
    const stored = filter.status === 'expired' ? 'pending' : filter.status;
    return [...this.approvals.values()].filter((approval) => stored === undefined || approval.status === stored)
      .sort((left, right) => right.createdAtMs - left.createdAtMs).slice(0, filter.limit);
  }

  async countPending(nowMs: number): Promise<number> {
    return [...this.approvals.values()].filter((approval) => approval.status === 'pending' && approval.expiresAtMs > nowMs).length;
  }

  async decide(id: string, decision: { status: 'approved' | 'rejected' | 'cancelled'; deciderId: string;
    reason: string | undefined; nowMs: number }): Promise<Approval | undefined> {
    const approval = this.approvals.get(id);
    if (approval === undefined || approval.status !== 'pending' || approval.expiresAtMs <= decision.nowMs) return undefined;
    const decided = { ...approval, status: decision.status, checkerId: decision.deciderId, decisionReason: decision.reason,
      decidedAtMs: decision.nowMs };
    this.approvals.set(id, decided);
    return decided;
  }

  async complete(id: string, outcome: { status: 'executed' | 'failed'; resultCode: string; result: Record<string, unknown> }):
    Promise<Approval> {
    const approval = this.approvals.get(id);
    if (approval?.status !== 'approved') throw new Error(`approval ${id} is not approved`);
    const completed = { ...approval, status: outcome.status, resultCode: outcome.resultCode, result: outcome.result };
    this.approvals.set(id, completed);
    return completed;
  }
}
