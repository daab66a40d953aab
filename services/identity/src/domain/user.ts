// Users: pure rules (no I/O, no clock, no randomness). Invalid input is a result, not a throw.
import { isRole, roles as knownRoles } from './permissions.ts';

export type UserStatus = 'active' | 'disabled';
export const userStatuses: readonly UserStatus[] = ['active', 'disabled'];

export const customerRole = 'customer';
export const adminRole = 'admin';

export const emailLengthMax = 254;
export const rolesPerUserMax = 8;
export const feeTierMax = 1000;

export interface User {
  /** Internal safe-integer id: the matching engine's ownerId. Never shown to clients. */
  readonly id: number;
  /** Public id (`usr_...`), the only user id that leaves the platform. */
  readonly publicId: string;
  /** Lower-cased; unique. */
  readonly email: string;
  readonly status: UserStatus;
  readonly roles: readonly string[];
  readonly feeTier: number;
  readonly createdAtMs: number;
}

export interface NewUserInput {
  readonly email: string;
  readonly roles?: readonly string[];
  readonly feeTier?: number;
}

export interface ValidNewUser {
  readonly email: string;
  readonly roles: readonly string[];
  readonly feeTier: number;
}

export type NewUserValidation =
  | { readonly ok: true; readonly user: ValidNewUser }
  | { readonly ok: false; readonly code: 'USER_INVALID_PARAMETERS'; readonly reason: string };

// Deliberately loose: one @, no spaces or control characters, bounded parts. Deliverability is
// proven by a confirmation mail, not by a regular expression.
const emailPattern = /^[^\s@\p{Cc}]{1,64}@[^\s@\p{Cc}]{1,189}$/u;
const rolePattern = /^[a-z][a-z0-9_-]{0,31}$/;

export function normaliseEmail(raw: string): string | undefined {
  const email = raw.trim().toLowerCase();
  if (email.length > emailLengthMax || !emailPattern.test(email)) return undefined;
  return email;
}

export function validateNewUser(input: NewUserInput): NewUserValidation {
  const email = normaliseEmail(input.email);
  if (email === undefined) return invalid('email is malformed');
  const roles = [...new Set(input.roles ?? [customerRole])];
  if (roles.length === 0 || roles.length > rolesPerUserMax) return invalid(`a user has 1 to ${rolesPerUserMax} roles`);
  if (!roles.every((role) => rolePattern.test(role))) return invalid('a role is lower-case letters, digits, - and _');
  if (!roles.every(isRole)) return invalid(`roles are among ${knownRoles.join(', ')}`);
  const feeTier = input.feeTier ?? 0;
  if (!Number.isSafeInteger(feeTier) || feeTier < 0 || feeTier > feeTierMax) return invalid(`feeTier is an integer in 0..${feeTierMax}`);
  return { ok: true, user: { email, roles, feeTier } };
}

function invalid(reason: string): NewUserValidation {
  return { ok: false, code: 'USER_INVALID_PARAMETERS', reason };
}
