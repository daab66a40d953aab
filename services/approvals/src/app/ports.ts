import type { Approval, ApprovalStatus } from '../domain/approval.ts';

export type NewApproval = Omit<Approval, 'status' | 'checkerId' | 'decisionReason' | 'resultCode' | 'result' | 'decidedAtMs'>;

export interface ApprovalStore {
  insert(approval: NewApproval): Promise<void>;
  find(id: string): Promise<Approval | undefined>;
  /** Newest first. */
  list(filter: { status?: ApprovalStatus; limit: number }): Promise<Approval[]>;
  countPending(nowMs: number): Promise<number>;
  /**
   * Moves a pending, unexpired request to `status` in one atomic step and returns it; undefined when
   * it was no longer pending (another checker won, or it expired): the exactly-once gate.
   */
  decide(id: string, decision: { status: 'approved' | 'rejected' | 'cancelled'; deciderId: string; reason: string | undefined;
    nowMs: number }): Promise<Approval | undefined>;
  /** Records the outcome of an approved request's execution. */
  complete(id: string, outcome: { status: 'executed' | 'failed'; resultCode: string; result: Record<string, unknown> }):
    Promise<Approval>;
}
