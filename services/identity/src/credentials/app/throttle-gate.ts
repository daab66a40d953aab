// Applies throttle policies to several counters at once (account and IP for a login). Keys are
// hashed before they reach the store, so the shared table holds no e-mail address or IP.
import { combineDecisions, decideAttempt, type ThrottleDecision, type ThrottlePolicy } from '../domain/throttle.ts';
import type { ThrottleStore } from './ports.ts';
import { sha256 } from './tokens.ts';

export interface ThrottleCounter {
  /** Plain key, e.g. `account:alice@example.com`, `ip:203.0.113.7`; hashed before storage. */
  readonly key: string;
  readonly policy: ThrottlePolicy;
}

export type ClaimOutcome =
  | { readonly claimed: true; readonly failuresAfter: readonly number[] }
  | { readonly claimed: false; readonly retryAfterMs: number; readonly locked: boolean };

/** A concurrent attempt claimed the same slot: come back in a second. */
const concurrentAttemptRetryMs = 1_000;

export class ThrottleGate {
  constructor(private readonly store: ThrottleStore) {}

  /** Checks every counter and, if all allow, claims one attempt on each (counted as a failure until released). */
  async claim(counters: readonly ThrottleCounter[], nowMs: number): Promise<ClaimOutcome> {
    const keys = counters.map((counter) => storeKey(counter.key));
    const states = await Promise.all(counters.map((counter, index) => this.store.read(keys[index] ?? '', nowMs, counter.policy.windowMs)));
    const decision: ThrottleDecision = combineDecisions(counters.map((counter, index) => decideAttempt(counter.policy, states[index] ?? { failures: 0, lastAttemptAtMs: 0 }, nowMs)));
    if (!decision.allowed) return { claimed: false, retryAfterMs: decision.retryAfterMs, locked: decision.locked };
    const failuresAfter: number[] = [];
    for (const [index, counter] of counters.entries()) {
      const expected = nowMs - (states[index]?.lastAttemptAtMs ?? 0) >= counter.policy.windowMs ? 0 : (states[index]?.failures ?? 0);
      const key = keys[index] ?? '';
      if (!(await this.store.claim(key, expected, nowMs, counter.policy.windowMs))) {
        // Give back what this call already claimed: the attempt does not happen.
        for (const claimedKey of keys.slice(0, index)) await this.store.release(claimedKey);
        return { claimed: false, retryAfterMs: concurrentAttemptRetryMs, locked: false };
      }
      failuresAfter.push(expected + 1);
    }
    return { claimed: true, failuresAfter };
  }

  async release(key: string): Promise<void> {
    await this.store.release(storeKey(key));
  }

  async clear(key: string): Promise<void> {
    await this.store.clear(storeKey(key));
  }
}

function storeKey(key: string): string {
  return sha256(`parite-throttle:${key}`).toString('hex');
}
