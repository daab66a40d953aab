// Bearer secrets handed to people and browsers: e-mail links, login challenges, session tokens.
// 32 random bytes (256 bits), base64url; only their SHA-256 is stored, so a database dump yields
// nothing usable and a lookup by hash needs no constant-time comparison (the hash is the key).
import { createHash } from 'node:crypto';
import type { RandomSource } from '../../app/ports.ts';

export const tokenLengthBytes = 32;
const tokenPattern = /^[A-Za-z0-9_-]{43}$/;

export interface IssuedToken {
  /** Goes to the client or into the e-mail, never into a log, the audit or the database. */
  readonly token: string;
  readonly tokenHash: Buffer;
}

export function issueToken(random: RandomSource): IssuedToken {
  const token = random.bytes(tokenLengthBytes).toString('base64url');
  return { token, tokenHash: hashToken(token) };
}

/** undefined for anything that cannot be a token, so malformed input never reaches the store. */
export function parseToken(token: string): Buffer | undefined {
  return tokenPattern.test(token) ? hashToken(token) : undefined;
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

export function newDeviceId(random: RandomSource): string {
  return `dev_${random.bytes(12).toString('base64url')}`;
}

export function newSessionId(random: RandomSource): string {
  return `ses_${random.bytes(12).toString('base64url')}`;
}
