// Assertions shared by the whole-platform API tests: what a refusal must look like (a catalogue
// code with its status, never a 500) and proof that a refused request changed nothing (the
// engine's state hash, its applied sequence and the caller's balances, before and after).

import assert from 'node:assert/strict';
import { errorCatalogue, isErrorCode, type ErrorCode } from '@parite/contracts';
import { signRequest } from '@parite/identity';
import { assertShardLedgers, ledgerSumByAsset, platformStateHash, type TestPlatform } from './platform-harness.ts';

export interface ApiResponse {
  status: number;
  body: unknown;
}

export interface PlatformFingerprint {
  stateHash: string;
  sequence: bigint;
  /** The user's ledger accounts as `assetId:balance:held`, sorted. */
  balances: string[];
}

export function fingerprint(harness: TestPlatform, userName: string): PlatformFingerprint {
  const engine = harness.platform.engine;
  const user = harness.users[userName];
  assert.ok(user !== undefined, `no demo user ${userName}`);
  const balances = engine.state.ledger.accountsOf(user.userId)
    .map((account) => `${account.assetId}:${account.balanceUnits}:${account.heldUnits}`).sort();
  return { stateHash: platformStateHash(harness.platform), sequence: engine.lastAppliedSequence, balances };
}

/** The code of an error body, or undefined when the body is not `{ error: { code } }`. */
export function errorCodeOf(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const error = (body as { error?: unknown }).error;
  if (error === null || typeof error !== 'object') return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** A refusal: the catalogue status and code, and the shared error body shape. */
export function assertRefused(response: ApiResponse, code: ErrorCode, context = ''): void {
  const shown = `${context} -> ${response.status} ${JSON.stringify(response.body)?.slice(0, 300)}`;
  assert.equal(errorCodeOf(response.body), code, shown);
  assert.equal(response.status, errorCatalogue[code].httpStatus, shown);
  const error = (response.body as { error: { message?: unknown; requestId?: unknown } }).error;
  assert.equal(typeof error.message, 'string', shown);
  assert.equal(typeof error.requestId, 'string', shown);
}

/** Sends a request that must be refused with `code` and must leave the platform exactly as it was. */
export async function assertRefusedUnchanged(harness: TestPlatform, userName: string, code: ErrorCode,
  send: () => Promise<ApiResponse>, context = ''): Promise<ApiResponse> {
  const before = fingerprint(harness, userName);
  const response = await send();
  assertRefused(response, code, context);
  assert.deepEqual(fingerprint(harness, userName), before, `${context}: a refused request changed the platform`);
  return response;
}

/** Any response of the platform: 2xx, or a catalogue error whose status matches its code. */
export function assertWellFormed(response: ApiResponse, context: string): void {
  const shown = `${context} -> ${response.status} ${JSON.stringify(response.body)?.slice(0, 300)}`;
  assert.ok(response.status < 500 || isDocumented503(response.body), `server error: ${shown}`);
  if (response.status >= 200 && response.status < 300) return;
  const code = errorCodeOf(response.body);
  assert.ok(code !== undefined && isErrorCode(code), `not a catalogue error body: ${shown}`);
  assert.equal(response.status, errorCatalogue[code].httpStatus, `status does not match the code: ${shown}`);
}

function isDocumented503(body: unknown): boolean {
  const code = errorCodeOf(body);
  return code !== undefined && isErrorCode(code) && errorCatalogue[code].httpStatus === 503;
}

export interface RawRequest {
  method: string;
  /** Path and query exactly as sent. */
  url: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/** One request with nothing added: the caller chooses every header and byte. */
export async function sendRaw(harness: TestPlatform, request: RawRequest): Promise<ApiResponse> {
  const response = await fetch(harness.baseUrl + request.url, {
    method: request.method, headers: request.headers, body: request.body,
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: the caller sees the raw text.
  }
  return { status: response.status, body };
}

let signedNonce = 0;

/** The signature headers of a demo user for exactly this request (a fresh nonce unless given). */
export function signedHeaders(harness: TestPlatform, userName: string, method: string, url: string,
  body: string | undefined, options: { timestampMs?: number; nonce?: string } = {}): Record<string, string> {
  const user = harness.users[userName];
  assert.ok(user !== undefined, `no demo user ${userName}`);
  return signRequest({ keyId: user.keyId, secret: user.secret, method, url, body: body ?? '',
    timestampMs: options.timestampMs ?? Date.now(), nonce: options.nonce ?? `raw${++signedNonce}` });
}

/** The ledger invariant: every asset sums to zero over all accounts (of every shard). */
export function assertLedgerBalanced(harness: TestPlatform): void {
  assertShardLedgers(harness.platform);
  for (const [assetId, sum] of ledgerSumByAsset(harness.platform)) {
    assert.equal(sum, 0n, `asset ${assetId} sums to ${sum}`);
  }
}
