// Reconnect delays: exponential from an initial delay up to a ceiling, reset after a connection that
// reached the live state. Deterministic (no jitter): each provider talks to its own venue, so there is
// no herd of clients to spread out, and a fixed schedule is easier to read in an incident log.

export interface ReconnectBackoffOptions {
  readonly initialDelayMs: number;
  readonly maximumDelayMs: number;
}

export const reconnectBackoffDefaults: ReconnectBackoffOptions = { initialDelayMs: 500, maximumDelayMs: 30_000 };

/** Doubling stops here; 2^16 x any sane initial delay is beyond every ceiling. */
const backoffExponentMax = 16;

/** Delay before reconnect attempt number `failedAttempts` (0 = first retry after a drop). */
export function reconnectDelayMs(failedAttempts: number, options: ReconnectBackoffOptions): number {
  const exponent = Math.min(Math.max(0, failedAttempts), backoffExponentMax);
  return Math.min(options.maximumDelayMs, options.initialDelayMs * 2 ** exponent);
}
