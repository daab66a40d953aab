// HOTP (RFC 4226) and TOTP (RFC 6238), and base32 (RFC 4648) for authenticator-app secrets.
// Deterministic: the time step comes in as an argument, nothing reads the clock. Production uses
// SHA-1, 6 digits and 30 s steps (what every authenticator app supports); the other algorithms
// and 8 digits exist so the RFC 6238 test vectors can be checked exactly.
import { assert } from '@parite/kernel';
import { createHmac, timingSafeEqual } from 'node:crypto';

export type TotpAlgorithm = 'sha1' | 'sha256' | 'sha512';

export const totpStepMs = 30_000;
export const totpDigits = 6;
/** One step either side: a code typed just before or after its 30 s boundary, or a slightly skewed phone clock. */
export const totpWindowSteps = 1;
/** 160 bits, the HMAC-SHA-1 block-friendly size RFC 4226 recommends. */
export const totpSecretLengthBytes = 20;

export function hotp(secret: Uint8Array, counter: number, digits: number = totpDigits, algorithm: TotpAlgorithm = 'sha1'): string {
  assert(Number.isSafeInteger(counter) && counter >= 0, 'the HOTP counter is a non-negative safe integer');
  assert(digits >= 6 && digits <= 10, 'HOTP codes have 6 to 10 digits');
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, secret).update(message).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

export function totpStep(nowMs: number): number {
  return Math.floor(nowMs / totpStepMs);
}

export function totpAt(secret: Uint8Array, nowMs: number, digits: number = totpDigits, algorithm: TotpAlgorithm = 'sha1'): string {
  return hotp(secret, totpStep(nowMs), digits, algorithm);
}

export type TotpMatch = { readonly ok: true; readonly step: number } | { readonly ok: false; readonly reason: 'malformed' | 'mismatch' | 'reused' };

/**
 * Finds the step whose code matches within ±totpWindowSteps of now. A step at or before
 * lastUsedStep is refused: a code (or an older one of the same window) is accepted once.
 * Every candidate is compared in constant time and all are computed, so the time does not
 * tell which step matched.
 */
export function matchTotp(secret: Uint8Array, code: string, nowMs: number, lastUsedStep: number | null): TotpMatch {
  const digits = code.replace(/\s+/g, '');
  if (!/^[0-9]{6}$/.test(digits)) return { ok: false, reason: 'malformed' };
  const current = totpStep(nowMs);
  let matched: number | undefined;
  for (let step = current - totpWindowSteps; step <= current + totpWindowSteps; step++) {
    if (step < 0) continue;
    const equal = timingSafeEqual(Buffer.from(hotp(secret, step)), Buffer.from(digits));
    if (equal && matched === undefined) matched = step;
  }
  if (matched === undefined) return { ok: false, reason: 'mismatch' };
  if (lastUsedStep !== null && matched <= lastUsedStep) return { ok: false, reason: 'reused' };
  return { ok: true, step: matched };
}

const base32Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding, as authenticator apps expect in otpauth:// URIs. */
export function base32Encode(bytes: Uint8Array): string {
  let output = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      output += base32Alphabet[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) output += base32Alphabet[(buffer << (5 - bits)) & 31];
  return output;
}

export function base32Decode(text: string): Buffer | undefined {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const character of clean) {
    const value = base32Alphabet.indexOf(character);
    if (value < 0) return undefined;
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bytes.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
    buffer &= (1 << bits) - 1;
  }
  return Buffer.from(bytes);
}

/** The provisioning URI authenticator apps read from a QR code (Key Uri Format). */
export function otpauthUri(issuer: string, accountName: string, secret: Uint8Array): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(accountName)}`;
  const query = new URLSearchParams({ secret: base32Encode(secret), issuer, algorithm: 'SHA1', digits: String(totpDigits), period: String(totpStepMs / 1000) });
  return `otpauth://totp/${label}?${query.toString()}`;
}
