// Exponential backoff and temporary lockout after failed attempts. Pure: the state and the time
// come in, a decision goes out; the store keeps the counters where every instance sees them.
//
// An attempt is counted *before* the password is checked (the store's claim), so N parallel
// requests cannot all pass the same check: only one claims each attempt number.
import { assert } from '@parite/kernel';

export interface ThrottlePolicy {
  /** Failures allowed without any wait. */
  readonly freeFailures: number;
  /** Wait after the first failure beyond the free ones; doubles with each further failure. */
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** From this many failures on, each further failure locks for lockDurationMs. */
  readonly lockAfterFailures: number;
  readonly lockDurationMs: number;
  /** Counters are forgotten this long after the last attempt (must outlast the lock). */
  readonly windowMs: number;
}

/** Per account (keyed by the e-mail, so unknown accounts behave exactly like known ones). */
export const accountThrottlePolicy: ThrottlePolicy = {
  freeFailures: 3,
  backoffBaseMs: 1_000,
  backoffMaxMs: 60_000,
  lockAfterFailures: 10,
  lockDurationMs: 30 * 60_000,
  windowMs: 24 * 60 * 60_000,
};

/** Per client address (IPv6 per /64): generous, since offices and mobile carriers share addresses. */
export const ipThrottlePolicy: ThrottlePolicy = {
  freeFailures: 20,
  backoffBaseMs: 1_000,
  backoffMaxMs: 60_000,
  lockAfterFailures: 100,
  lockDurationMs: 60 * 60_000,
  windowMs: 24 * 60 * 60_000,
};

/** Second-factor codes: 10^6 codes, 3 valid at a time; 5 wrong codes lock for 15 minutes. */
export const secondFactorThrottlePolicy: ThrottlePolicy = {
  freeFailures: 2,
  backoffBaseMs: 2_000,
  backoffMaxMs: 30_000,
  lockAfterFailures: 5,
  lockDurationMs: 15 * 60_000,
  windowMs: 24 * 60 * 60_000,
};

/** E-mails sent on request (reset, resend verification): stops mail-bombing an address. */
export const mailRequestThrottlePolicy: ThrottlePolicy = {
  freeFailures: 3,
  backoffBaseMs: 60_000,
  backoffMaxMs: 60 * 60_000,
  lockAfterFailures: 10,
  lockDurationMs: 24 * 60 * 60_000,
  windowMs: 24 * 60 * 60_000,
};

export interface ThrottleState {
  /** Attempts counted and not released (in-flight attempts count as failures). */
  readonly failures: number;
  readonly lastAttemptAtMs: number;
}

export const emptyThrottleState: ThrottleState = { failures: 0, lastAttemptAtMs: 0 };

export type ThrottleDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterMs: number; readonly locked: boolean };

export function assertThrottlePolicy(policy: ThrottlePolicy): void {
  for (const value of Object.values(policy)) assert(Number.isSafeInteger(value) && value >= 0, 'throttle policy values are non-negative integers');
  assert(policy.lockAfterFailures > policy.freeFailures, 'the lock comes after the free failures');
  assert(policy.windowMs >= policy.lockDurationMs && policy.windowMs >= policy.backoffMaxMs, 'counters outlive the lock and the backoff');
}

/** The wait imposed after `failures` failures, counted from the last attempt. */
export function waitAfterFailures(policy: ThrottlePolicy, failures: number): { readonly waitMs: number; readonly locked: boolean } {
  if (failures >= policy.lockAfterFailures) return { waitMs: policy.lockDurationMs, locked: true };
  if (failures < policy.freeFailures) return { waitMs: 0, locked: false };
  // 2^exponent is capped before it can overflow: 2^40 x 1 s is far beyond any backoffMaxMs.
  const exponent = Math.min(failures - policy.freeFailures, 40);
  return { waitMs: Math.min(policy.backoffBaseMs * 2 ** exponent, policy.backoffMaxMs), locked: false };
}

export function decideAttempt(policy: ThrottlePolicy, state: ThrottleState, nowMs: number): ThrottleDecision {
  if (state.failures === 0 || nowMs - state.lastAttemptAtMs >= policy.windowMs) return { allowed: true };
  const { waitMs, locked } = waitAfterFailures(policy, state.failures);
  const allowedAtMs = state.lastAttemptAtMs + waitMs;
  if (nowMs >= allowedAtMs) return { allowed: true };
  return { allowed: false, retryAfterMs: allowedAtMs - nowMs, locked };
}

/** The stricter of several decisions: refused if any refuses, with the longest wait. */
export function combineDecisions(decisions: readonly ThrottleDecision[]): ThrottleDecision {
  let refused = false;
  let retryAfterMs = 0;
  let locked = false;
  for (const decision of decisions) {
    if (decision.allowed) continue;
    refused = true;
    retryAfterMs = Math.max(retryAfterMs, decision.retryAfterMs);
    locked ||= decision.locked;
  }
  return refused ? { allowed: false, retryAfterMs, locked } : { allowed: true };
}

/** IPv4 addresses as they are; IPv6 by /64, the block one subscriber typically holds. */
export function throttleKeyForIp(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped?.[1] !== undefined) return `ip:${mapped[1]}`;
  if (!ip.includes(':')) return `ip:${ip}`;
  const groups = expandIpv6(ip);
  return groups === undefined ? `ip:${ip.toLowerCase()}` : `ip:${groups.slice(0, 4).join(':')}::/64`;
}

function expandIpv6(ip: string): string[] | undefined {
  const address = ip.toLowerCase().split('%')[0] ?? '';
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' || halves[0] === undefined ? [] : halves[0].split(':');
  const tail = halves.length === 2 && halves[1] !== '' && halves[1] !== undefined ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  const groups = [...head, ...Array.from({ length: missing }, () => '0'), ...tail];
  if (!groups.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return undefined;
  return groups.map((group) => group.replace(/^0+(?=.)/, ''));
}
