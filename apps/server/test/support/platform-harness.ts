// Starts the whole platform in-process for a test: its own data directory, a random port, and
// its own database (embedded PostgreSQL by default; a fresh database on the real server when
// DATABASE_URL is set, as in CI's second pass). Returns signed-request helpers for demo users.

import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, createSilentLogger, createTestDatabase, freePort, type TestDatabase } from '@parite/platform';
import { signRequest } from '@parite/identity';
import { checkShardClearing, stateHash } from '@parite/exchange';
import { requireService, startPlatform, type PlatformOptions, type RunningPlatform } from '../../src/index.ts';

export interface TestPlatform {
  platform: RunningPlatform;
  baseUrl: string;
  dataDirectory: string;
  /** Demo users by short name: operator, alice, bob, market-maker, taker. */
  users: Record<string, { keyId: string; secret: string; userId: number; publicId: string }>;
  request(user: string | undefined, method: string, path: string, body?: unknown,
    options?: { rawBody?: string; headers?: Record<string, string>; timestampMs?: number }): Promise<{
    status: number; body: unknown; headers: Headers }>;
  stop(): Promise<void>;
  /** Drops the test database and removes the data directory, for a platform closed already. */
  dispose(): Promise<void>;
}

export async function startTestPlatform(overrides: PlatformOptions & { environment?: Record<string, string> } = {}):
  Promise<TestPlatform> {
  const dataDirectory = mkdtempSync(join(tmpdir(), 'parite-platform-'));
  // Embedded PostgreSQL runs as its own system user when we are root: it must reach the directory.
  chmodSync(dataDirectory, 0o755);
  let database: TestDatabase | undefined;
  // The OIDC issuer names the port, so it is chosen before the platform starts (not PORT=0).
  const port = await freePort();
  const environment: Record<string, string | undefined> = {
    PARITE_DATA_DIR: dataDirectory, PORT: String(port), PARITE_DEMO: 'true', LOG_LEVEL: 'silent',
    PARITE_OIDC_ISSUER: `http://127.0.0.1:${port}/oidc`,
    PARITE_EMBEDDED_PG_PORT: String(55000 + Math.floor(Math.random() * 2000)),
    ...overrides.environment,
  };
  if (process.env['DATABASE_URL'] !== undefined) {
    // A restart test passes the first platform's database on; otherwise each platform gets its own.
    if (overrides.environment?.['DATABASE_URL'] === undefined) {
      database = await createTestDatabase({ adminUrl: process.env['DATABASE_URL'] });
      environment['DATABASE_URL'] = database.url;
    }
    environment['PARITE_MASTER_KEY'] = 'ab'.repeat(32);
    environment['REDIS_URL'] = process.env['REDIS_URL'];
  }
  const config = loadConfig(environment);
  const platform = await startPlatform(config, { logger: createSilentLogger(), marketMaker: false, ...overrides, environment });
  const baseUrl = platform.url;
  const users: TestPlatform['users'] = {};
  for (const credential of platform.demo?.credentials ?? []) {
    const name = credential.email.split('@')[0] ?? credential.email;
    const user = await requireService(platform.identity, 'api').getUserByPublicId(credential.userId);
    users[name] = { keyId: credential.apiKey, secret: credential.secret, userId: user.id, publicId: user.publicId };
  }
  let nonce = 0;
  const request: TestPlatform['request'] = async (userName, method, path, body, options = {}) => {
    const rawBody = options.rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
    const headers: Record<string, string> = { ...(rawBody === undefined ? {} : { 'content-type': 'application/json' }) };
    if (userName !== undefined) {
      const user = users[userName];
      if (user === undefined) throw new Error(`no demo user ${userName}`);
      Object.assign(headers, signRequest({ keyId: user.keyId, secret: user.secret, method, url: path,
        body: rawBody ?? '', timestampMs: options.timestampMs ?? Date.now(), nonce: `n${++nonce}` }));
    }
    Object.assign(headers, options.headers);
    const response = await fetch(baseUrl + path, { method, headers, body: rawBody });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: the test sees the raw text.
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };
  const dispose = async (): Promise<void> => {
    if (database !== undefined) await database.drop();
    rmSync(dataDirectory, { recursive: true, force: true });
  };
  return {
    platform, baseUrl, dataDirectory, users, request,
    stop: async () => {
      await platform.close();
      await dispose();
    },
    dispose,
  };
}

/** One hash over every engine shard's state (the single core's hash when unsharded). */
export function platformStateHash(platform: RunningPlatform): string {
  return platform.shardStates().map((state) => stateHash(state)).join(':');
}

/** Every shard's ledger invariants hold, and across shards the clearing accounts match what is in flight. */
export function assertShardLedgers(platform: RunningPlatform): void {
  const states = platform.shardStates();
  for (const state of states) state.ledger.assertInvariants();
  const problems = checkShardClearing(states);
  if (problems.length > 0) throw new Error(problems.join('\n'));
}

/** The sum of every balance per asset id, over all shards (zero at rest: nothing in flight). */
export function ledgerSumByAsset(platform: RunningPlatform): Map<number, bigint> {
  const sums = new Map<number, bigint>();
  for (const state of platform.shardStates()) {
    for (const [assetId, sum] of state.ledger.sumByAsset()) sums.set(assetId, (sums.get(assetId) ?? 0n) + sum);
  }
  return sums;
}
