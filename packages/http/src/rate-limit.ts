// Rate limiting behind a port, so the in-memory limiter below can be swapped for the platform
// cache (Redis) when several processes serve the same clients.
import { assert, OldestFirstMap, systemClock, type Clock } from '@parite/kernel';

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
  /** Not a plain Map: finding its oldest entry skips every earlier deletion's hole (kernel/oldest-first-map.ts). */
  private readonly windows = new OldestFirstMap<string, WindowCount>();

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
    if (current === undefined && this.windows.size >= this.keysMax) this.evict();
    if (limit === 0) {
      this.windows.delete(key);
      return Promise.resolve(false);
    }
    this.windows.set(key, { windowStartMs, count: 1 });
    return Promise.resolve(true);
  }

  /** Number of keys tracked; for tests and metrics. */
  get size(): number {
    return this.windows.size;
  }

  // Keys move to the newest end when their window turns over, so the oldest entry is the stalest:
  // either its window has passed, or every window is current and the least recently renewed goes.
  private evict(): void {
    this.windows.deleteOldest();
    assert(this.windows.size < this.keysMax, 'rate limiter eviction must free a slot');
  }
}
