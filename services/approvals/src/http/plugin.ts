// Staff routes of the four-eyes workflow: list and read requests, approve, reject, cancel. The
// route declares the baseline permission; the service then checks the request's own permission
// (a checker must hold what the maker needed), self-decisions and the exactly-once transition.

import { Type, type Static } from '@sinclair/typebox';
import type { HttpPlugin, Principal } from '@parite/http';
import { assert } from '@parite/kernel';
import { approvalReasonLengthMax, approvalStatuses, type Approval, type Decider } from '../domain/approval.ts';
import { approvalListLimitMax, type ApprovalService } from '../app/approval-service.ts';

export interface ApprovalsPluginOptions {
  service: ApprovalService;
}

const ApprovalId = Type.String({ pattern: '^apr_[0-9a-f]{24}$' });
const IdParams = Type.Object({ approvalId: ApprovalId }, { additionalProperties: false });
const DecisionBody = Type.Object({ reason: Type.Optional(Type.String({ minLength: 3, maxLength: approvalReasonLengthMax })) },
  { additionalProperties: false });
const ListQuery = Type.Object({
  status: Type.Optional(Type.Union(approvalStatuses.map((status) => Type.Literal(status)))),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: approvalListLimitMax })),
}, { additionalProperties: false });
const Scalar = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);
export const ApprovalReply = Type.Object({
  approvalId: Type.String(), kind: Type.String(), permission: Type.String(), targetKind: Type.String(),
  targetId: Type.String(), summary: Type.Record(Type.String(), Type.Unknown()), makerId: Type.String(),
  status: Type.String(), checkerId: Type.Union([Type.String(), Type.Null()]),
  decisionReason: Type.Union([Type.String(), Type.Null()]), resultCode: Type.Union([Type.String(), Type.Null()]),
  result: Type.Union([Type.Record(Type.String(), Scalar), Type.Null()]),
  createdAtMs: Type.Integer(), expiresAtMs: Type.Integer(), decidedAtMs: Type.Union([Type.Integer(), Type.Null()]),
}, { additionalProperties: false });
const ApprovalListReply = Type.Object({ approvals: Type.Array(ApprovalReply) }, { additionalProperties: false });

export function approvalView(approval: Approval): Static<typeof ApprovalReply> {
  const result: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(approval.result ?? {})) {
    result[key] = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null;
  }
  return {
    approvalId: approval.id, kind: approval.kind, permission: approval.permission, targetKind: approval.targetKind,
    targetId: approval.targetId, summary: approval.summary, makerId: approval.makerId, status: approval.status,
    checkerId: approval.checkerId ?? null, decisionReason: approval.decisionReason ?? null,
    resultCode: approval.resultCode ?? null, result: approval.result === undefined ? null : result,
    createdAtMs: approval.createdAtMs, expiresAtMs: approval.expiresAtMs, decidedAtMs: approval.decidedAtMs ?? null,
  };
}

/** The principal as a decider: its public id and permissions. */
export function deciderOf(principal: Principal): Decider {
  assert(principal.kind === 'user', 'approval routes are for authenticated staff');
  return { id: principal.userPublicId, permissions: principal.permissions };
}

export const approvalsPlugin: HttpPlugin<ApprovalsPluginOptions> = async (app, { service }) => {
  const tags = ['approvals'];
  app.get('/v1/admin/approvals', {
    config: { permission: 'approval:read' },
    schema: { tags, summary: 'Four-eyes requests, newest first', querystring: ListQuery, response: { 200: ApprovalListReply } },
  }, async (request) => ({
    approvals: (await service.list({ status: request.query.status, limit: request.query.limit ?? 50 })).map(approvalView),
  }));

  app.get('/v1/admin/approvals/:approvalId', {
    config: { permission: 'approval:read' },
    schema: { tags, summary: 'One four-eyes request', params: IdParams, response: { 200: ApprovalReply } },
  }, async (request) => approvalView(await service.get(request.params.approvalId)));

  app.post('/v1/admin/approvals/:approvalId/approve', {
    config: { permission: 'approval:decide' },
    schema: { tags, summary: 'Approve as the second person: the action runs now, once', params: IdParams,
      body: DecisionBody, response: { 200: ApprovalReply } },
  }, async (request) => approvalView(await service.approve(request.params.approvalId, deciderOf(request.principal),
    request.body.reason, request.id)));

  app.post('/v1/admin/approvals/:approvalId/reject', {
    config: { permission: 'approval:decide' },
    schema: { tags, summary: 'Reject as the second person', params: IdParams, body: DecisionBody,
      response: { 200: ApprovalReply } },
  }, async (request) => approvalView(await service.reject(request.params.approvalId, deciderOf(request.principal),
    request.body.reason, request.id)));

  app.post('/v1/admin/approvals/:approvalId/cancel', {
    config: { permission: 'approval:read' },
    schema: { tags, summary: 'Withdraw your own pending request', params: IdParams, body: DecisionBody,
      response: { 200: ApprovalReply } },
  }, async (request) => approvalView(await service.cancel(request.params.approvalId, deciderOf(request.principal), request.id)));
};
