import { ServiceError, type ErrorCode } from '@parite/contracts';
import assert from 'node:assert/strict';
// Shared test wiring: a service over the memory store with a manual clock and a fixed master key.
import { ManualClock } from '@parite/kernel';
import { createHash } from 'node:crypto';
import {
  ApiKeyAuthenticator,
  IdentityService,
  MemoryAuditSink,
  MemoryIdentityStore,
  MemoryReplayGuard,
  signRequest,
  type ApiKeyScope,
  type CreatedApiKey,
  type IdentityStore,
  type User,
} from '../src/index.ts';

export const startMs = Date.UTC(2026, 0, 15, 12, 0, 0);
export const masterKey = createHash('sha256').update('parite test master key').digest();
export const system = { kind: 'system', id: 'test' } as const;

export interface Fixture {
  readonly clock: ManualClock;
  readonly store: IdentityStore;
  readonly audit: MemoryAuditSink;
  readonly service: IdentityService;
  readonly replayGuard: MemoryReplayGuard;
  readonly authenticator: ApiKeyAuthenticator;
}

export function createFixture(store: IdentityStore = new MemoryIdentityStore()): Fixture {
  const clock = new ManualClock(startMs);
  const audit = new MemoryAuditSink();
  const service = new IdentityService({ store, audit, masterKey, clock });
  const replayGuard = new MemoryReplayGuard(clock);
  const authenticator = new ApiKeyAuthenticator({ keys: service, replayGuard, clock });
  return { clock, store, audit, service, replayGuard, authenticator };
}

export async function userWithKey(
  fixture: Fixture,
  email: string,
  scopes: readonly ApiKeyScope[] = ['read', 'trade'],
  options: { roles?: readonly string[]; ipAllowList?: readonly string[]; expiresAtMs?: number } = {},
): Promise<{ user: User; key: CreatedApiKey }> {
  const user = await fixture.service.createUser({ email, roles: options.roles ?? ['customer'] }, system);
  const key = await fixture.service.createApiKey(
    user.id,
    { scopes, ipAllowList: options.ipAllowList ?? null, expiresAtMs: options.expiresAtMs ?? null },
    system,
  );
  return { user, key };
}

let nonceCounter = 0;

/** Signed headers for a request at the fixture's current time, with a fresh nonce. */
export function signedHeaders(
  fixture: Fixture,
  key: CreatedApiKey,
  method: string,
  url: string,
  body?: string,
): Record<string, string> {
  nonceCounter += 1;
  return signRequest({ keyId: key.keyId, secret: key.secret, method, url, body, timestampMs: fixture.clock.nowMs(), nonce: `n${nonceCounter}` });
}

/** The stable code a promise is refused with; fails the test when it resolves. */
export async function refusal(promise: Promise<unknown>): Promise<ErrorCode> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ServiceError, String(error));
    return error.code;
  }
  assert.fail('expected a refusal');
}
