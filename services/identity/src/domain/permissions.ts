// From what a user is (roles) and what a key may do (scopes) to the permissions routes declare.
// This file is the one place the role model lives: the authorization matrix test reads it.
import type { Permission } from '@parite/http';
import type { ApiKeyScope } from './api-key.ts';

/**
 * Scopes are cumulative grants. 'trade' includes reading and managing keys (within its own
 * scopes): a read-only key is for monitoring and must not be able to mint credentials.
 * 'withdraw' moves money out and grants nothing else beyond reading.
 */
export const scopePermissions: Readonly<Record<ApiKeyScope, readonly Permission[]>> = {
  read: ['account:read', 'order:read'],
  trade: ['account:read', 'order:read', 'order:write', 'api-key:write'],
  withdraw: ['account:read', 'account:withdraw'],
};

export const roles = [
  'customer', 'support', 'kyc_officer', 'compliance_officer', 'treasury', 'finance', 'auditor', 'admin', 'super_admin',
] as const;
export type Role = (typeof roles)[number];

const roleSet: ReadonlySet<string> = new Set(roles);
export function isRole(value: string): value is Role {
  return roleSet.has(value);
}

/**
 * Staff permissions by role, granted whatever the key's scopes (scopes bound what a customer key
 * does with the customer's own account). Separation of duties:
 * - nobody holds every power: the four-eyes actions (market changes, ledger adjustments, role
 *   grants) need a maker and a different checker who both hold the action's permission;
 * - the auditor only reads; support reads users (masked) but changes nothing;
 * - role grants are super_admin's alone, and they too go through four eyes;
 * - FX sources, margins, overrides and holidays are treasury's (margin and override changes need a
 *   second treasury member); auditors, compliance and administrators read FX history and alerts.
 */
const staffPermissions: Readonly<Record<Role, readonly Permission[]>> = {
  customer: [],
  support: ['user:read'],
  kyc_officer: ['user:read', 'kyc:review'],
  compliance_officer: ['user:read', 'compliance:review', 'audit:read', 'approval:read', 'fx:read'],
  treasury: ['treasury:operate', 'approval:read', 'approval:decide', 'fx:admin', 'fx:read'],
  finance: ['ledger:admin', 'approval:read', 'approval:decide'],
  auditor: ['audit:read', 'user:read', 'approval:read', 'fx:read'],
  admin: ['market:admin', 'ledger:admin', 'user:read', 'user:admin', 'audit:read', 'approval:read', 'approval:decide',
    'fx:read'],
  super_admin: ['market:admin', 'ledger:admin', 'user:read', 'user:admin', 'role:admin', 'audit:read',
    'approval:read', 'approval:decide', 'fx:read'],
};

// A Map, not an object: role names come from data, and 'constructor' must not find a prototype member.
export const rolePermissions: ReadonlyMap<string, readonly Permission[]> = new Map(
  roles.map((role) => [role, staffPermissions[role]]));

export function permissionsFor(userRoles: readonly string[], scopes: readonly ApiKeyScope[]): ReadonlySet<Permission> {
  const granted = new Set<Permission>();
  for (const scope of scopes) for (const permission of scopePermissions[scope]) granted.add(permission);
  for (const role of userRoles) for (const permission of rolePermissions.get(role) ?? []) granted.add(permission);
  return granted;
}
