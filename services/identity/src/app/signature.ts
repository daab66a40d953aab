// The request signing scheme (see README.md). Shared by the server (ApiKeyAuthenticator) and
// every client: tests, the demo bot, the benchmarks and the CLI call signRequest().
//
//   canonical = `${timestampMs}\n${nonce}\n${METHOD}\n${path}\n${rawQuery}\n${hexSha256(body)}`
//   signature = lowercase hex HMAC-SHA256(key = the secret string's bytes, canonical)
//
// path and rawQuery are the request target exactly as sent (split at the first '?', not decoded
// or reordered); the body hash covers the exact bytes sent (the empty string when there is none).
import { sha256Hex } from '@parite/kernel';
import { createHmac } from 'node:crypto';

export const signatureHeaders = {
  key: 'X-Parite-Key',
  timestamp: 'X-Parite-Timestamp',
  nonce: 'X-Parite-Nonce',
  signature: 'X-Parite-Signature',
} as const;

export const emptyBodySha256Hex = sha256Hex('');

export const keyIdPattern = /^pk_[A-Za-z0-9_-]{16,64}$/;
export const noncePattern = /^[A-Za-z0-9_-]{1,64}$/;
export const signaturePattern = /^[0-9a-f]{64}$/;
export const timestampPattern = /^[0-9]{1,15}$/;

export interface CanonicalRequestParts {
  readonly timestampMs: number;
  /** '' when the request carries no nonce. */
  readonly nonce: string;
  readonly method: string;
  readonly path: string;
  readonly rawQuery: string;
  readonly bodySha256Hex: string;
}

export function canonicalRequest(parts: CanonicalRequestParts): string {
  return [parts.timestampMs, parts.nonce, parts.method.toUpperCase(), parts.path, parts.rawQuery, parts.bodySha256Hex].join('\n');
}

export function computeSignature(secret: string, canonical: string): string {
  return createHmac('sha256', secret).update(canonical, 'utf8').digest('hex');
}

/** Splits a request target at its first '?': the path and the raw query, both as sent. */
export function splitRequestTarget(url: string): { path: string; rawQuery: string } {
  const mark = url.indexOf('?');
  return mark < 0 ? { path: url, rawQuery: '' } : { path: url.slice(0, mark), rawQuery: url.slice(mark + 1) };
}

export interface SignRequestInput {
  readonly keyId: string;
  readonly secret: string;
  readonly method: string;
  /** Path and query exactly as they will be sent, e.g. '/v1/orders?symbol=BTC-EUR'. */
  readonly url: string;
  /** The exact body that will be sent; omit for none. */
  readonly body?: string | Uint8Array;
  readonly timestampMs: number;
  /** Makes two otherwise identical requests in the same millisecond distinct (see replay). */
  readonly nonce?: string;
}

/** The headers to add to the request. */
export function signRequest(input: SignRequestInput): Record<string, string> {
  const { path, rawQuery } = splitRequestTarget(input.url);
  const nonce = input.nonce ?? '';
  const bodySha256Hex = input.body === undefined ? emptyBodySha256Hex : sha256Hex(input.body);
  const canonical = canonicalRequest({ timestampMs: input.timestampMs, nonce, method: input.method, path, rawQuery, bodySha256Hex });
  const headers: Record<string, string> = {
    [signatureHeaders.key]: input.keyId,
    [signatureHeaders.timestamp]: String(input.timestampMs),
    [signatureHeaders.signature]: computeSignature(input.secret, canonical),
  };
  if (nonce !== '') headers[signatureHeaders.nonce] = nonce;
  return headers;
}

/** The first message on a WebSocket: proves the key like a signed `GET /ws` with no query or body. */
export interface WebSocketLoginMessage {
  readonly op: 'auth';
  readonly key: string;
  readonly timestampMs: number;
  readonly nonce: string;
  readonly signature: string;
}

export const webSocketLoginPath = '/ws';

export function webSocketLoginCanonical(timestampMs: number, nonce: string): string {
  return canonicalRequest({ timestampMs, nonce, method: 'GET', path: webSocketLoginPath, rawQuery: '', bodySha256Hex: emptyBodySha256Hex });
}

export function signWebSocketLogin(input: { keyId: string; secret: string; timestampMs: number; nonce: string }): WebSocketLoginMessage {
  const signature = computeSignature(input.secret, webSocketLoginCanonical(input.timestampMs, input.nonce));
  return { op: 'auth', key: input.keyId, timestampMs: input.timestampMs, nonce: input.nonce, signature };
}
