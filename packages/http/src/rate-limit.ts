// Rate limiting behind a port, so the in-memory limiter below can be swapped for the platform
// cache (Redis) when several processes serve the same clients.
import { assert, systemClock, type Clock } from '@parite/kernel';

export interface RateLimiter {
  /** Counts one request against `key`; false when the key already spent `limit` in this window. */
  hit(key: string, limit: number, windowMs: number): Promise<boolean>;
}

/** Bounds memory: a flood of distinct keys (spoofed IPs) cannot grow the table without limit. */
export const memoryRateLimiterKeysMax = 100_000;

interface WindowCount {
  windowStartMs: number;
  count: number;
}

/**
 * Fixed windows aligned on multiples of windowMs. Simple and O(1); it lets a burst of up to
 * 2 x limit straddle a window boundary, which is acceptable for abuse protection.
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, WindowCount>();

  constructor(
    private readonly clock: Clock = systemClock,
    private readonly keysMax: number = memoryRateLimiterKeysMax,
  ) {
    assert(Number.isSafeInteger(keysMax) && keysMax > 0, 'keysMax must be a positive integer');
  }

  hit(key: string, limit: number, windowMs: number): Promise<boolean> {
    assert(Number.isSafeInteger(limit) && limit >= 0, 'limit must be a non-negative integer');
    assert(Number.isSafeInteger(windowMs) && windowMs > 0, 'windowMs must be a positive integer');
    const nowMs = this.clock.nowMs();
    const windowStartMs = nowMs - (nowMs % windowMs);
    const current = this.windows.get(key);
    if (current !== undefined && current.windowStartMs === windowStartMs) {
      if (current.count >= limit) return Promise.resolve(false);
      current.count += 1;
      return Promise.resolve(true);
    }
    if (current !== undefined) this.windows.delete(key);
    else if (this.windows.size >= this.keysMax) this.evict(windowStartMs);
    if (limit === 0) return Promise.resolve(false);
    this.windows.set(key, { windowStartMs, count: 1 });
    return Promise.resolve(true);
  }

  /** Number of keys tracked; for tests and metrics. */
  get size(): number {
    return this.windows.size;
  }

  // Map iteration is insertion order and keys are re-inserted when their window turns over, so
  // the first entries are the stalest: drop expired ones, then the oldest if none had expired.
  private evict(currentWindowStartMs: number): void {
    for (const [key, window] of this.windows) {
      if (this.windows.size < this.keysMax) return;
      if (window.windowStartMs < currentWindowStartMs) this.windows.delete(key);
      else break;
    }
    const oldest = this.windows.keys().next();
    if (this.windows.size >= this.keysMax && oldest.done !== true) this.windows.delete(oldest.value);
    assert(this.windows.size < this.keysMax, 'rate limiter eviction must free a slot');
  }
}
