// Four-eyes (maker-checker): a sensitive action is first requested by a maker and runs only when a
// second, different person holding the same permission approves it. Pure rules: who may decide
// what, and when a request can no longer be decided.

import type { Permission } from '@parite/http';

export type ApprovalStatus = 'pending' | 'approved' | 'executed' | 'failed' | 'rejected' | 'cancelled' | 'expired';
export const approvalStatuses: readonly ApprovalStatus[] = ['pending', 'approved', 'executed', 'failed', 'rejected',
  'cancelled', 'expired'];

/** How long a request waits for its checker. */
export const approvalTimeToLiveMsDefault = 24 * 60 * 60 * 1000;
/** Pending requests at once: a flood of requests would bury the ones that matter. */
export const pendingApprovalsMax = 1_000;
export const approvalReasonLengthMax = 500;

export interface Approval {
  /** Public id `apr_...`. */
  readonly id: string;
  /** The action, e.g. 'ledger.transfer', 'market.update', 'role.grant'. */
  readonly kind: string;
  /** What maker and checker must both hold. */
  readonly permission: Permission;
  readonly targetKind: string;
  readonly targetId: string;
  /** The exact, already validated action to run: opaque to this service, read by its executor. */
  readonly payload: string;
  /** What a checker reads before deciding (no secrets). */
  readonly summary: Record<string, unknown>;
  readonly makerId: string;
  readonly status: ApprovalStatus;
  readonly checkerId: string | undefined;
  readonly decisionReason: string | undefined;
  readonly resultCode: string | undefined;
  readonly result: Record<string, unknown> | undefined;
  readonly createdAtMs: number;
  readonly expiresAtMs: number;
  readonly decidedAtMs: number | undefined;
}

export interface Decider {
  readonly id: string;
  readonly permissions: ReadonlySet<Permission>;
}

export type DecisionCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: 'APPROVAL_NOT_PENDING' | 'APPROVAL_SELF_DECISION' | 'AUTH_FORBIDDEN' };

/** Whether `decider` may approve or reject `approval` at `nowMs`. */
export function checkDecision(approval: Approval, decider: Decider, nowMs: number): DecisionCheck {
  if (approval.status !== 'pending' || nowMs >= approval.expiresAtMs) return { ok: false, code: 'APPROVAL_NOT_PENDING' };
  if (decider.id === approval.makerId) return { ok: false, code: 'APPROVAL_SELF_DECISION' };
  if (!decider.permissions.has(approval.permission)) return { ok: false, code: 'AUTH_FORBIDDEN' };
  return { ok: true };
}

/** The status a reader sees: a pending request past its expiry is expired, stored or not. */
export function effectiveStatus(approval: Approval, nowMs: number): ApprovalStatus {
  return approval.status === 'pending' && nowMs >= approval.expiresAtMs ? 'expired' : approval.status;
}
