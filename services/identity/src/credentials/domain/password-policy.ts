// The password policy (NIST SP 800-63B in spirit): length over composition, a deny-list of the
// guesses attackers try first, and no password built from the account's own e-mail address.
// Pure: no I/O. The password is normalised to NFKC first so the same password typed on two
// keyboards (composed or decomposed characters) hashes the same.

import { commonPasswordDigitRuns, commonPasswords } from './common-passwords.ts';

/** 12 characters: a bank password; long passphrases are welcome. */
export const passwordLengthMin = 12;
/** Bounds argon2 input and request bodies; any sane passphrase fits. */
export const passwordLengthMax = 128;
/** "aaaaaaaaaaaa" or "abababababab" has length but no entropy. */
export const passwordDistinctCharactersMin = 5;
/** A local part shorter than this ("ab@...") is too common a substring to refuse on. */
const emailLocalPartCheckedLengthMin = 4;

export type PasswordRefusal = 'too-short' | 'too-long' | 'too-few-distinct-characters' | 'common' | 'contains-email' | 'control-characters';

export type PasswordCheck = { readonly ok: true; readonly password: string } | { readonly ok: false; readonly reason: PasswordRefusal };

export function normalisePassword(password: string): string {
  return password.normalize('NFKC');
}

/** Checks a new password for the account with this (normalised) e-mail; returns it normalised. */
export function checkPasswordPolicy(rawPassword: string, email: string): PasswordCheck {
  const password = normalisePassword(rawPassword);
  const characters = [...password];
  if (characters.length < passwordLengthMin) return refuse('too-short');
  if (characters.length > passwordLengthMax) return refuse('too-long');
  if (/\p{Cc}/u.test(password)) return refuse('control-characters');
  if (new Set(characters).size < passwordDistinctCharactersMin) return refuse('too-few-distinct-characters');
  if (isCommonPassword(password)) return refuse('common');
  if (containsEmail(password, email)) return refuse('contains-email');
  return { ok: true, password };
}

function isCommonPassword(password: string): boolean {
  const lower = password.toLocaleLowerCase('en-US');
  if (commonPasswordDigitRuns.some((run) => lower.includes(run))) return true;
  const core = lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  if (commonPasswords.has(core)) return true;
  // A common word repeated or doubled with a separator ("password-password") is still common.
  const halves = core.split(/[^\p{L}]+/u).filter((part) => part.length > 0);
  return halves.length > 0 && halves.every((part) => commonPasswords.has(part));
}

function containsEmail(password: string, email: string): boolean {
  const lower = password.toLocaleLowerCase('en-US');
  const normalisedEmail = email.toLocaleLowerCase('en-US');
  if (normalisedEmail.length > 0 && lower.includes(normalisedEmail)) return true;
  const localPart = normalisedEmail.split('@')[0] ?? '';
  return localPart.length >= emailLocalPartCheckedLengthMin && lower.includes(localPart);
}

function refuse(reason: PasswordRefusal): PasswordCheck {
  return { ok: false, reason };
}
