// Signed HTTP clients for the demo users of a server running as a child process: the credentials
// come from `<data>/demo-credentials.json`, written by the server's demo seed.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { signRequest } from '@parite/identity';

/** Every request is bounded: a hung server fails the test instead of hanging it. */
export const requestTimeoutMs = 10_000;
/**
 * A read refused by the server's rate limit (429, REQUEST_RATE_LIMITED) is retried after the
 * server's retryAfterSeconds, as a well-behaved client does, at most this many times: the checks
 * re-read balances and depth until the engine stands still, which can exceed a user's rate.
 */
export const rateLimitedRetriesMax = 5;
/** Bound on one wait before such a retry, whatever the server asks. */
const rateLimitedWaitMsMax = 5_000;

export interface DemoUser {
  /** Short name: operator, alice, bob, market-maker, taker. */
  name: string;
  email: string;
  publicId: string;
  keyId: string;
  secret: string;
}

export function readDemoUsers(dataDirectory: string): Map<string, DemoUser> {
  const entries = JSON.parse(readFileSync(join(dataDirectory, 'demo-credentials.json'), 'utf8')) as
    { email: string; userId: string; apiKey: string; secret: string }[];
  const users = new Map<string, DemoUser>();
  for (const entry of entries) {
    const name = entry.email.split('@')[0] ?? entry.email;
    users.set(name, { name, email: entry.email, publicId: entry.userId, keyId: entry.apiKey, secret: entry.secret });
  }
  return users;
}

export interface HttpResult {
  status: number;
  body: unknown;
}

export class SignedClient {
  private nonce = 0;

  constructor(private readonly baseUrl: string, private readonly users: ReadonlyMap<string, DemoUser>) {}

  /** A request as `userName` (signed) or anonymous; network failures reject (the caller decides). */
  async request(userName: string | undefined, method: string, path: string, body?: unknown): Promise<HttpResult> {
    const rawBody = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = rawBody === undefined ? {} : { 'content-type': 'application/json' };
    if (userName !== undefined) {
      const user = this.users.get(userName);
      if (user === undefined) throw new Error(`no demo user ${userName}`);
      Object.assign(headers, signRequest({ keyId: user.keyId, secret: user.secret, method, url: path,
        body: rawBody ?? '', timestampMs: Date.now(), nonce: `crash${++this.nonce}` }));
    }
    const response = await fetch(this.baseUrl + path, { method, headers, body: rawBody,
      signal: AbortSignal.timeout(requestTimeoutMs) });
    const text = await response.text();
    return { status: response.status, body: text.length > 0 ? JSON.parse(text) as unknown : undefined };
  }

  /** Like request(), but anything other than 200 is an error (after rateLimitedRetriesMax retries of a 429). */
  async get<Body>(userName: string | undefined, path: string): Promise<Body> {
    for (let retries = 0; ; retries++) {
      const result = await this.request(userName, 'GET', path);
      if (result.status === 429 && retries < rateLimitedRetriesMax) {
        await delay(retryAfterMs(result.body));
        continue;
      }
      if (result.status !== 200) throw new Error(`GET ${path} as ${userName ?? 'anonymous'}: ${result.status} ${JSON.stringify(result.body)}`);
      return result.body as Body;
    }
  }
}

function retryAfterMs(body: unknown): number {
  const seconds = (body as { error?: { details?: { retryAfterSeconds?: unknown } } } | undefined)?.error?.details?.retryAfterSeconds;
  return typeof seconds === 'number' && seconds > 0 ? Math.min(seconds * 1000, rateLimitedWaitMsMax) : 1000;
}
