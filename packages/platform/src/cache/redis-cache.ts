// Redis adapter of the cache port (ioredis). Keys are namespaced with `keyPrefix` so several
// deployments or test runs can share one Redis. setMany is sent as one pipeline (one round trip);
// incrementWithTtl is a Lua script so the increment and the expiry are one atomic step.
import { Redis } from 'ioredis';
import { createSilentLogger, type Logger } from '../logger.ts';
import {
  assertCacheEntries,
  assertCacheKey,
  assertCacheTtl,
  assertCacheValue,
  CacheValueNotCounterError,
  type Cache,
  type CacheEntry,
} from './cache.ts';

export interface RedisCacheOptions {
  /** redis://127.0.0.1:6379 (credentials and database number may be in the URL). */
  readonly url: string;
  /** Prepended to every key, e.g. 'parite:'. */
  readonly keyPrefix?: string;
  readonly connectTimeoutMs?: number;
  readonly logger?: Logger;
}

export const redisDefaultConnectTimeoutMs = 5_000;
/** A command fails after this many reconnection attempts instead of waiting forever. */
export const redisRetriesPerRequestMax = 3;

// Sets the expiry only when the counter has none (just created), so increments never extend it.
const incrementWithTtlScript = `
local value = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return value`;

export class RedisCache implements Cache {
  private constructor(private readonly client: Redis) {}

  static async connect(options: RedisCacheOptions): Promise<RedisCache> {
    const logger = options.logger ?? createSilentLogger();
    const client = new Redis(options.url, {
      keyPrefix: options.keyPrefix ?? '',
      lazyConnect: true,
      connectTimeout: options.connectTimeoutMs ?? redisDefaultConnectTimeoutMs,
      maxRetriesPerRequest: redisRetriesPerRequestMax,
    });
    // Without a listener ioredis prints connection errors to the console; route them to the log.
    client.on('error', (error: unknown) => logger.warn({ err: error }, 'redis connection error'));
    await client.connect();
    return new RedisCache(client);
  }

  async get(key: string): Promise<string | undefined> {
    assertCacheKey(key);
    return (await this.client.get(key)) ?? undefined;
  }

  async setMany(entries: readonly CacheEntry[]): Promise<void> {
    assertCacheEntries(entries);
    if (entries.length === 0) return;
    const pipeline = this.client.pipeline();
    for (const entry of entries) pipeline.set(entry.key, entry.value, 'PX', entry.ttlMs);
    const results = await pipeline.exec();
    const failure = results?.find(([error]) => error !== null);
    if (failure !== undefined) throw failure[0];
  }

  async delete(key: string): Promise<void> {
    assertCacheKey(key);
    await this.client.del(key);
  }

  async incrementWithTtl(key: string, ttlMs: number): Promise<number> {
    assertCacheKey(key);
    assertCacheTtl(ttlMs);
    let result: unknown;
    try {
      result = await this.client.eval(incrementWithTtlScript, 1, key, ttlMs);
    } catch (error) {
      if (error instanceof Error && /not an integer/.test(error.message)) {
        throw new CacheValueNotCounterError(`cache key ${key} is not a counter`);
      }
      throw error;
    }
    if (typeof result !== 'number') throw new Error('redis INCR returned a non-number');
    return result;
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    assertCacheKey(key);
    assertCacheValue(value);
    assertCacheTtl(ttlMs);
    return (await this.client.set(key, value, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async close(): Promise<void> {
    if (this.client.status === 'end') return;
    await this.client.quit();
  }
}
