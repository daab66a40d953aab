// Staff role grants. A role change is never made by one person: POST files a four-eyes request
// (permission `role:admin`, which only super_admin holds), and the change runs when a second
// super_admin approves it through /v1/admin/approvals/:id/approve. Nobody files or approves a
// change of their own roles. The change itself is audited by the identity service
// (`user.set_roles`, roles before and after), the request and decision by the approvals service.
import { ApprovalReply, approvalView, deciderOf, type ApprovalService } from '@parite/approvals';
import { ServiceError } from '@parite/contracts';
import type { HttpPlugin } from '@parite/http';
import { Type } from '@sinclair/typebox';
import type { IdentityService } from '../app/identity-service.ts';
import { roles } from '../domain/permissions.ts';
import { rolesPerUserMax } from '../domain/user.ts';

export interface RolesPluginOptions {
  readonly identity: IdentityService;
  readonly approvals: Pick<ApprovalService, 'registerExecutor' | 'request'>;
}

/** The approval kind of a role change; its executor is registered by this plugin. */
export const roleChangeApprovalKind = 'user.set_roles';

const UserIdParams = Type.Object({ userId: Type.String({ pattern: '^usr_[A-Za-z0-9_-]{16,64}$', description: 'Public user id.' }) },
  { additionalProperties: false });
const RolesBody = Type.Object({
  roles: Type.Array(Type.Union(roles.map((role) => Type.Literal(role))), { minItems: 1, maxItems: rolesPerUserMax, uniqueItems: true,
    description: 'The complete set of roles the user will hold.' }),
}, { additionalProperties: false });

interface RoleChange {
  readonly userPublicId: string;
  readonly roles: readonly string[];
}

export const rolesPlugin: HttpPlugin<RolesPluginOptions> = async (app, { identity, approvals }) => {
  approvals.registerExecutor(roleChangeApprovalKind, async (payload, context) => {
    const change = JSON.parse(payload) as RoleChange;
    if (change.userPublicId === context.checkerId) {
      return { ok: false, code: 'AUTH_FORBIDDEN', result: { reason: 'nobody approves a change of their own roles' } };
    }
    const user = await identity.getUserByPublicId(change.userPublicId);
    // Setting a role set is idempotent: running again after a crash changes nothing more.
    const updated = await identity.setUserRoles(user.id, change.roles, { kind: 'operator', id: context.checkerId });
    return { ok: true, code: 'OK', result: { userId: updated.publicId, roles: updated.roles.join(',') } };
  });

  app.post('/v1/admin/users/:userId/roles', {
    config: { permission: 'role:admin' },
    schema: { tags: ['admin'], summary: 'Request a change of a user\'s roles (four-eyes)', params: UserIdParams, body: RolesBody,
      response: { 202: ApprovalReply } },
  }, async (request, reply) => {
    const maker = deciderOf(request.principal);
    if (maker.id === request.params.userId) throw new ServiceError('AUTH_FORBIDDEN', { reason: 'nobody requests a change of their own roles' });
    const user = await identity.getUserByPublicId(request.params.userId);
    const change: RoleChange = { userPublicId: user.publicId, roles: [...request.body.roles] };
    const approval = await approvals.request({
      kind: roleChangeApprovalKind, permission: 'role:admin', targetKind: 'user', targetId: user.publicId,
      payload: JSON.stringify(change), summary: { userId: user.publicId, rolesBefore: [...user.roles], rolesAfter: [...change.roles] },
    }, maker, request.id);
    reply.code(202);
    return approvalView(approval);
  });
};
