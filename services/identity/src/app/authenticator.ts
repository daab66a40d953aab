// Verifies HMAC-signed requests (and WebSocket logins) and yields the caller's Principal.
// Checks run cheapest and least revealing first; the replay guard is consulted last so only
// correctly signed requests can occupy it (an attacker without a secret cannot fill it).
import { ServiceError } from '@parite/contracts';
import { anonymousPrincipal, type AuthenticationRequest, type Authenticator, type Principal, type UserPrincipal } from '@parite/http';
import { assert, sha256Hex, systemClock, type Clock } from '@parite/kernel';
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { apiKeyState } from '../domain/api-key.ts';
import type { ApiKeyResolver } from './api-key-resolver.ts';
import { ipAllowed } from './ip-allow-list.ts';
import type { ReplayGuard } from './ports.ts';
import {
  canonicalRequest,
  computeSignature,
  emptyBodySha256Hex,
  keyIdPattern,
  noncePattern,
  signatureHeaders,
  signaturePattern,
  splitRequestTarget,
  timestampPattern,
  webSocketLoginCanonical,
} from './signature.ts';

/** |now - timestamp| may not exceed this; clients keep their clocks in sync (NTP). */
export const receiveWindowMsDefault = 5_000;

export interface ApiKeyAuthenticatorOptions {
  readonly keys: ApiKeyResolver;
  readonly replayGuard: ReplayGuard;
  readonly clock?: Clock;
  readonly receiveWindowMs?: number;
}

/** What is left to check once the credentials are parsed: the same for HTTP and WebSocket. */
interface SignedAttempt {
  readonly keyId: string;
  readonly timestampMs: number;
  readonly signature: string;
  readonly canonical: string;
  readonly ip: string;
}

export class ApiKeyAuthenticator implements Authenticator {
  private readonly keys: ApiKeyResolver;
  private readonly replayGuard: ReplayGuard;
  private readonly clock: Clock;
  readonly receiveWindowMs: number;

  constructor(options: ApiKeyAuthenticatorOptions) {
    this.keys = options.keys;
    this.replayGuard = options.replayGuard;
    this.clock = options.clock ?? systemClock;
    this.receiveWindowMs = options.receiveWindowMs ?? receiveWindowMsDefault;
    assert(Number.isSafeInteger(this.receiveWindowMs) && this.receiveWindowMs > 0, 'receiveWindowMs must be positive');
  }

  async authenticate(request: AuthenticationRequest): Promise<Principal> {
    const credentials = readCredentials(request.headers);
    if (credentials === undefined) return anonymousPrincipal;
    const { path, rawQuery } = splitRequestTarget(request.url);
    const bodySha256Hex = request.rawBody === undefined || request.rawBody.length === 0 ? emptyBodySha256Hex : sha256Hex(request.rawBody);
    const timestampMs = parseTimestamp(credentials.timestamp);
    const canonical = canonicalRequest({ timestampMs, nonce: credentials.nonce, method: request.method, path, rawQuery, bodySha256Hex });
    return this.verify({ keyId: credentials.keyId, timestampMs, signature: credentials.signature, canonical, ip: request.ip });
  }

  /** Verifies `{ op: 'auth', key, timestampMs, nonce, signature }`, signed as `GET /ws` with no query or body. */
  async authenticateWebSocketLogin(message: unknown, ip: string): Promise<UserPrincipal> {
    const login = parseWebSocketLogin(message);
    const canonical = webSocketLoginCanonical(login.timestampMs, login.nonce);
    return this.verify({ keyId: login.key, timestampMs: login.timestampMs, signature: login.signature, canonical, ip });
  }

  private async verify(attempt: SignedAttempt): Promise<UserPrincipal> {
    const nowMs = this.clock.nowMs();
    if (Math.abs(nowMs - attempt.timestampMs) > this.receiveWindowMs) {
      throw new ServiceError('AUTH_TIMESTAMP_OUT_OF_WINDOW', { serverTimeMs: nowMs, receiveWindowMs: this.receiveWindowMs });
    }
    const resolved = await this.keys.resolveApiKey(attempt.keyId);
    if (resolved === undefined || apiKeyState(resolved.key, nowMs) !== 'active') throw new ServiceError('AUTH_INVALID_API_KEY');
    if (!signaturesEqual(computeSignature(resolved.secret, attempt.canonical), attempt.signature)) {
      throw new ServiceError('AUTH_INVALID_SIGNATURE');
    }
    if (resolved.allowList !== null && !ipAllowed(resolved.allowList, attempt.ip)) {
      throw new ServiceError('AUTH_FORBIDDEN', { reason: 'the client address is not on the key allow-list' });
    }
    if (resolved.user.status !== 'active') throw new ServiceError('USER_DISABLED');
    const replayTtlMs = 2 * this.receiveWindowMs;
    if (!(await this.replayGuard.firstSeen(`${attempt.keyId}:${attempt.signature}`, replayTtlMs))) {
      throw new ServiceError('AUTH_REPLAYED_REQUEST');
    }
    return {
      kind: 'user',
      userId: resolved.user.id,
      userPublicId: resolved.user.publicId,
      apiKeyId: resolved.key.keyId,
      permissions: resolved.permissions,
      roles: resolved.user.roles,
    };
  }
}

/** Standalone form of ApiKeyAuthenticator.authenticateWebSocketLogin, for WebSocket handlers. */
export function verifyWebSocketLogin(authenticator: ApiKeyAuthenticator, message: unknown, ip: string): Promise<UserPrincipal> {
  return authenticator.authenticateWebSocketLogin(message, ip);
}

function signaturesEqual(expected: string, provided: string): boolean {
  // Both are 64 lowercase hex characters here (the provided one was checked against the
  // pattern), so the lengths match and the comparison time does not depend on the content.
  return timingSafeEqual(Buffer.from(expected, 'latin1'), Buffer.from(provided, 'latin1'));
}

interface Credentials {
  readonly keyId: string;
  readonly timestamp: string;
  readonly nonce: string;
  readonly signature: string;
}

/** undefined when the request carries no credential header at all (an anonymous caller). */
function readCredentials(headers: IncomingHttpHeaders): Credentials | undefined {
  const keyId = headerValue(headers, signatureHeaders.key);
  const timestamp = headerValue(headers, signatureHeaders.timestamp);
  const nonce = headerValue(headers, signatureHeaders.nonce) ?? '';
  const signature = headerValue(headers, signatureHeaders.signature);
  if (keyId === undefined && timestamp === undefined && signature === undefined && nonce === '') return undefined;
  if (keyId === undefined) throw missing(signatureHeaders.key);
  if (timestamp === undefined) throw missing(signatureHeaders.timestamp);
  if (signature === undefined) throw missing(signatureHeaders.signature);
  if (!keyIdPattern.test(keyId)) throw new ServiceError('AUTH_INVALID_API_KEY');
  if (nonce !== '' && !noncePattern.test(nonce)) throw new ServiceError('AUTH_INVALID_SIGNATURE', { reason: 'malformed nonce' });
  if (!signaturePattern.test(signature)) throw new ServiceError('AUTH_INVALID_SIGNATURE', { reason: 'malformed signature' });
  return { keyId, timestamp, nonce, signature };
}

/** A repeated header arrives joined with ', ' (or as an array) and fails the format checks. */
function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  if (value === undefined || value === '') return undefined;
  return Array.isArray(value) ? value.join(', ') : value;
}

function missing(header: string): ServiceError {
  return new ServiceError('AUTH_REQUIRED', { missingHeader: header });
}

function parseTimestamp(text: string): number {
  if (!timestampPattern.test(text)) throw new ServiceError('AUTH_TIMESTAMP_OUT_OF_WINDOW', { reason: 'malformed timestamp' });
  return Number(text);
}

interface WebSocketLogin {
  readonly key: string;
  readonly timestampMs: number;
  readonly nonce: string;
  readonly signature: string;
}

function parseWebSocketLogin(message: unknown): WebSocketLogin {
  if (message === null || typeof message !== 'object') throw new ServiceError('AUTH_REQUIRED', { reason: 'expected an auth message' });
  const record = message as Record<string, unknown>;
  const { op, key, timestampMs, nonce, signature } = record;
  if (op !== 'auth') throw new ServiceError('AUTH_REQUIRED', { reason: "expected op 'auth'" });
  if (typeof key !== 'string' || !keyIdPattern.test(key)) throw new ServiceError('AUTH_INVALID_API_KEY');
  if (typeof timestampMs !== 'number' || !Number.isSafeInteger(timestampMs) || timestampMs < 0) {
    throw new ServiceError('AUTH_TIMESTAMP_OUT_OF_WINDOW', { reason: 'malformed timestamp' });
  }
  if (typeof nonce !== 'string' || (nonce !== '' && !noncePattern.test(nonce))) {
    throw new ServiceError('AUTH_INVALID_SIGNATURE', { reason: 'malformed nonce' });
  }
  if (typeof signature !== 'string' || !signaturePattern.test(signature)) {
    throw new ServiceError('AUTH_INVALID_SIGNATURE', { reason: 'malformed signature' });
  }
  return { key, timestampMs, nonce, signature };
}
