// Who is calling and what they may do. Every route declares exactly one Permission in its
// config; the access hook compares it with the Principal's permission set. 'public' is the only
// permission an anonymous caller holds, and every principal holds it.

export const permissions = [
  'public',
  'account:read',
  'account:withdraw',
  'api-key:write',
  // The caller's own security settings (sessions, devices, second factor): only an interactive
  // sign-in on the platform's own application holds it, never an API key or a partner application.
  'account:security',
  'order:read',
  'order:write',
  // Staff. Each role's set is in services/identity/src/domain/permissions.ts.
  'user:read',
  'user:admin',
  'role:admin',
  'kyc:review',
  'compliance:review',
  'treasury:operate',
  'market:admin',
  'ledger:admin',
  'audit:read',
  'approval:read',
  'approval:decide',
  // FX rate engine: sources, margins, overrides and holidays (fx:admin); history, alerts and status (fx:read).
  'fx:admin',
  'fx:read',
] as const;

export type Permission = (typeof permissions)[number];

const permissionSet: ReadonlySet<string> = new Set(permissions);

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && permissionSet.has(value);
}

export interface AnonymousPrincipal {
  readonly kind: 'anonymous';
}

export interface UserPrincipal {
  readonly kind: 'user';
  /** Internal safe-integer id; the matching engine's ownerId. Never shown to clients. */
  readonly userId: number;
  /** Public id (`usr_...`), the only user id that leaves the platform. */
  readonly userPublicId: string;
  /** Set when the request was signed with an API key. */
  readonly apiKeyId?: string;
  /**
   * Set when the request carries an access token of an interactive sign-in: the credential
   * session (`ses_...`) it belongs to, for step-up checks and session revocation.
   */
  readonly sessionId?: string;
  /** Set when the request carries an access token: the OAuth client it was issued to. */
  readonly clientId?: string;
  readonly permissions: ReadonlySet<Permission>;
  readonly roles: readonly string[];
}

export type Principal = AnonymousPrincipal | UserPrincipal;

export const anonymousPrincipal: AnonymousPrincipal = Object.freeze({ kind: 'anonymous' });

export function principalHasPermission(principal: Principal, permission: Permission): boolean {
  if (permission === 'public') return true;
  if (principal.kind === 'anonymous') return false;
  return principal.permissions.has(permission);
}
