// Public identifiers and secrets, from a RandomSource (crypto in production, seeded in tests).
import { randomBytes } from 'node:crypto';
import type { RandomSource } from './ports.ts';

export const cryptoRandom: RandomSource = { bytes: (length) => randomBytes(length) };

/** 12 bytes = 96 bits: collisions are out of reach; the store's unique index is the backstop. */
export function newUserPublicId(random: RandomSource): string {
  return `usr_${random.bytes(12).toString('base64url')}`;
}

export function newApiKeyId(random: RandomSource): string {
  return `pk_${random.bytes(16).toString('base64url')}`;
}

export const apiKeySecretLengthBytes = 32;

/** The secret as the client holds it: 32 random bytes, base64url (43 characters). */
export function newApiKeySecret(random: RandomSource): string {
  return random.bytes(apiKeySecretLengthBytes).toString('base64url');
}

export const userPublicIdPattern = /^usr_[A-Za-z0-9_-]{16}$/;
