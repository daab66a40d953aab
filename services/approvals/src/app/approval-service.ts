// The four-eyes workflow. Services register an executor per action kind; their routes call
// request() instead of acting, and the action runs once, when a second authorised person approves.
// Every step is in the audit log: requested, approved or rejected or cancelled, executed or failed.

import { randomBytes } from 'node:crypto';
import { ServiceError, type AuditRecorder } from '@parite/contracts';
import type { Permission } from '@parite/http';
import type { Clock } from '@parite/kernel';
import {
  approvalTimeToLiveMsDefault, checkDecision, effectiveStatus, pendingApprovalsMax, type Approval,
  type ApprovalStatus, type Decider,
} from '../domain/approval.ts';
import type { ApprovalStore } from './ports.ts';

/** Runs an approved action. Must be idempotent by approval id: it may run again after a crash. */
export type ApprovalExecutor = (payload: string, context: { approvalId: string; checkerId: string }) =>
  Promise<{ ok: boolean; code: string; result: Record<string, unknown> }>;

export interface ApprovalRequest {
  kind: string;
  permission: Permission;
  targetKind: string;
  targetId: string;
  payload: string;
  summary: Record<string, unknown>;
}

export interface ApprovalServiceOptions {
  store: ApprovalStore;
  audit: AuditRecorder;
  clock: Clock;
  timeToLiveMs?: number;
}

export const approvalListLimitMax = 200;

export class ApprovalService {
  private readonly executors = new Map<string, ApprovalExecutor>();

  constructor(private readonly options: ApprovalServiceOptions) {}

  /** One executor per kind, registered by the service that owns the action. */
  registerExecutor(kind: string, executor: ApprovalExecutor): void {
    if (this.executors.has(kind)) throw new Error(`an executor for ${kind} is already registered`);
    this.executors.set(kind, executor);
  }

  async request(request: ApprovalRequest, maker: Decider, requestId?: string): Promise<Approval> {
    if (!this.executors.has(request.kind)) throw new Error(`no executor for ${request.kind}`);
    // The maker must hold the permission too: the route checked it, this keeps the service honest.
    if (!maker.permissions.has(request.permission)) throw new ServiceError('AUTH_FORBIDDEN');
    const nowMs = this.options.clock.nowMs();
    if (await this.options.store.countPending(nowMs) >= pendingApprovalsMax) throw new ServiceError('APPROVAL_PENDING_LIMIT');
    const approval = { ...request, id: `apr_${randomBytes(12).toString('hex')}`, makerId: maker.id, createdAtMs: nowMs,
      expiresAtMs: nowMs + (this.options.timeToLiveMs ?? approvalTimeToLiveMsDefault) };
    await this.options.store.insert(approval);
    await this.audit(approval.id, maker.id, `${request.kind}.requested`, request, { summary: request.summary }, requestId);
    return this.get(approval.id);
  }

  async get(id: string): Promise<Approval> {
    const approval = await this.options.store.find(id);
    if (approval === undefined) throw new ServiceError('APPROVAL_UNKNOWN');
    return { ...approval, status: effectiveStatus(approval, this.options.clock.nowMs()) };
  }

  async list(filter: { status?: ApprovalStatus; limit: number }): Promise<Approval[]> {
    const nowMs = this.options.clock.nowMs();
    const limit = Math.min(Math.max(filter.limit, 1), approvalListLimitMax);
    const found = await this.options.store.list({ ...filter, limit });
    return found.map((approval) => ({ ...approval, status: effectiveStatus(approval, nowMs) }))
      .filter((approval) => filter.status === undefined || approval.status === filter.status);
  }

  /** The checker approves: the action runs now, exactly once, and its outcome is recorded. */
  async approve(id: string, checker: Decider, reason: string | undefined, requestId?: string): Promise<Approval> {
    const decided = await this.decide(id, checker, 'approved', reason);
    await this.audit(id, checker.id, `${decided.kind}.approved`, decided, { reason, makerId: decided.makerId }, requestId);
    const executor = this.executors.get(decided.kind);
    if (executor === undefined) throw new Error(`no executor for ${decided.kind}`);
    const outcome = await executor(decided.payload, { approvalId: id, checkerId: checker.id });
    const completed = await this.options.store.complete(id, { status: outcome.ok ? 'executed' : 'failed',
      resultCode: outcome.code, result: outcome.result });
    await this.audit(id, checker.id, `${decided.kind}.${outcome.ok ? 'executed' : 'failed'}`, decided,
      { code: outcome.code, result: outcome.result }, requestId);
    return completed;
  }

  async reject(id: string, checker: Decider, reason: string | undefined, requestId?: string): Promise<Approval> {
    const decided = await this.decide(id, checker, 'rejected', reason);
    await this.audit(id, checker.id, `${decided.kind}.rejected`, decided, { reason, makerId: decided.makerId }, requestId);
    return decided;
  }

  /** The maker withdraws a request nobody decided yet. */
  async cancel(id: string, maker: Decider, requestId?: string): Promise<Approval> {
    const approval = await this.get(id);
    if (approval.makerId !== maker.id) throw new ServiceError('APPROVAL_NOT_MAKER');
    const cancelled = await this.options.store.decide(id, { status: 'cancelled', deciderId: maker.id, reason: undefined,
      nowMs: this.options.clock.nowMs() });
    if (cancelled === undefined) throw new ServiceError('APPROVAL_NOT_PENDING');
    await this.audit(id, maker.id, `${approval.kind}.cancelled`, approval, {}, requestId);
    return cancelled;
  }

  private async decide(id: string, checker: Decider, status: 'approved' | 'rejected', reason: string | undefined): Promise<Approval> {
    const approval = await this.get(id);
    const check = checkDecision(approval, checker, this.options.clock.nowMs());
    if (!check.ok) throw new ServiceError(check.code);
    const decided = await this.options.store.decide(id, { status, deciderId: checker.id, reason,
      nowMs: this.options.clock.nowMs() });
    // Another checker decided between our read and our write: only one decision ever counts.
    if (decided === undefined) throw new ServiceError('APPROVAL_NOT_PENDING');
    return decided;
  }

  private audit(id: string, actorId: string, action: string, request: Pick<ApprovalRequest, 'targetKind' | 'targetId'>,
    details: Record<string, unknown>, requestId: string | undefined): Promise<void> {
    return this.options.audit.record({ actorKind: 'operator', actorId, action, targetKind: request.targetKind,
      targetId: request.targetId, details: { approvalId: id, ...details }, requestId });
  }
}
