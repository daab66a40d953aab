// Keys the provider needs besides the token signing keys, derived from the platform master key
// with HKDF-SHA-256 (one label per purpose), so the deployment has no extra secret to manage and a
// key for one purpose reveals nothing about another or about the master key.
import { assert } from '@parite/kernel';
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { masterKeyLengthBytes } from '../app/secret-box.ts';

const derivedKeyLengthBytes = 32;

export function deriveKey(masterKey: Buffer, label: string): Buffer {
  assert(masterKey.length === masterKeyLengthBytes, `the master key must be ${masterKeyLengthBytes} bytes`);
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), `parite/oidc/${label}`, derivedKeyLengthBytes));
}

export interface OidcSecrets {
  /** Signs the provider's cookies (session, interaction, resume); first key signs, all verify. */
  readonly cookieKeys: readonly Buffer[];
  /** Binds form tokens (CSRF, second-factor challenge) to their interaction. */
  readonly formKey: Buffer;
}

export function deriveOidcSecrets(masterKey: Buffer): OidcSecrets {
  return { cookieKeys: [deriveKey(masterKey, 'cookies/v1')], formKey: deriveKey(masterKey, 'forms/v1') };
}

function hmacBase64Url(key: Buffer, data: string): string {
  return createHmac('sha256', key).update(data, 'utf8').digest('base64url');
}

function equalText(left: string, right: string): boolean {
  const a = Buffer.from(left, 'utf8');
  const b = Buffer.from(right, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The cookie signer oidc-provider (Koa, pillarjs/cookies) calls: the Keygrip interface, with
 * HMAC-SHA-256 instead of Keygrip's default SHA-1. Earlier keys still verify during a key change.
 */
export class CookieSigner {
  constructor(private readonly keys: readonly Buffer[]) {
    assert(keys.length > 0, 'at least one cookie key');
  }

  sign(data: string): string {
    return hmacBase64Url(this.keys[0] as Buffer, data);
  }

  verify(data: string, digest: string): boolean {
    return this.index(data, digest) > -1;
  }

  index(data: string, digest: string): number {
    return this.keys.findIndex((key) => equalText(hmacBase64Url(key, data), digest));
  }
}

/** Form tokens of the interaction pages, stateless: an HMAC over the interaction id and purpose. */
export class InteractionFormTokens {
  constructor(private readonly key: Buffer) {
    assert(key.length === derivedKeyLengthBytes, 'the form key is 32 bytes');
  }

  csrfToken(interactionId: string): string {
    return hmacBase64Url(this.key, `csrf\u0000${interactionId}`);
  }

  csrfValid(interactionId: string, token: string): boolean {
    return equalText(this.csrfToken(interactionId), token);
  }

  /** Ties a second-factor challenge to the interaction that started it. */
  challengeTag(interactionId: string, challengeId: string): string {
    return hmacBase64Url(this.key, `challenge\u0000${interactionId}\u0000${challengeId}`);
  }

  challengeValid(interactionId: string, challengeId: string, tag: string): boolean {
    return equalText(this.challengeTag(interactionId, challengeId), tag);
  }
}
