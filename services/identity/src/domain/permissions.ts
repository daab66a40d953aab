// From what a user is (roles) and what a key may do (scopes) to the permissions routes declare.
import type { Permission } from '@parite/http';
import { adminRole } from './user.ts';
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

/** Operators hold the admin permissions whatever the key's scopes. */
// A Map, not an object: role names come from data, and 'constructor' must not find a prototype member.
export const rolePermissions: ReadonlyMap<string, readonly Permission[]> = new Map([
  [adminRole, ['market:admin', 'user:admin', 'ledger:admin', 'audit:read']],
]);

export function permissionsFor(roles: readonly string[], scopes: readonly ApiKeyScope[]): ReadonlySet<Permission> {
  const granted = new Set<Permission>();
  for (const scope of scopes) for (const permission of scopePermissions[scope]) granted.add(permission);
  for (const role of roles) for (const permission of rolePermissions.get(role) ?? []) granted.add(permission);
  return granted;
}
