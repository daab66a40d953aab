// Cache: the contract against the in-process adapter always and against Redis when
// PARITE_TEST_REAL_SERVICES=1, plus the memory adapter's bound and the Redis key prefix.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ManualClock } from '@parite/kernel';
import { Redis } from 'ioredis';
import { MemoryCache } from '../src/cache/memory-cache.ts';
import { RedisCache } from '../src/cache/redis-cache.ts';
import { registerCacheContract } from './support/cache-contract.ts';

const realServices = process.env['PARITE_TEST_REAL_SERVICES'] === '1';
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

registerCacheContract('memory', async () => {
  const clock = new ManualClock(1_000_000);
  const cache = new MemoryCache({ clock });
  return { cache, advanceMs: async (milliseconds) => clock.advanceMs(milliseconds), dispose: () => cache.close() };
});

async function deletePrefixed(prefix: string): Promise<void> {
  const admin = new Redis(redisUrl);
  try {
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
  } finally {
    await admin.quit();
  }
}

if (realServices) {
  registerCacheContract('redis', async () => {
    const keyPrefix = `parite-test:${randomBytes(5).toString('hex')}:`;
    const cache = await RedisCache.connect({ url: redisUrl, keyPrefix });
    return {
      cache,
      advanceMs: async (milliseconds) => {
        await sleep(milliseconds);
      },
      dispose: async () => {
        await cache.close();
        await deletePrefixed(keyPrefix);
      },
    };
  });

  describe('RedisCache', () => {
    test('namespaces every key, including script and pipeline keys, with the prefix', async () => {
      const keyPrefix = `parite-test:${randomBytes(5).toString('hex')}:`;
      const cache = await RedisCache.connect({ url: redisUrl, keyPrefix });
      const admin = new Redis(redisUrl);
      try {
        await cache.setMany([{ key: 'plain', value: 'v', ttlMs: 10_000 }]);
        await cache.incrementWithTtl('counter', 10_000);
        await cache.setIfAbsent('nonce', 'n', 10_000);
        const keys = (await admin.keys(`${keyPrefix}*`)).sort();
        assert.deepEqual(keys, [`${keyPrefix}counter`, `${keyPrefix}nonce`, `${keyPrefix}plain`]);
        const counterTtlMs = await admin.pttl(`${keyPrefix}counter`);
        assert.ok(counterTtlMs > 0 && counterTtlMs <= 10_000);
      } finally {
        await admin.quit();
        await cache.close();
        await deletePrefixed(keyPrefix);
      }
    });
  });
}

describe('MemoryCache', () => {
  test('stays within entriesMax, evicting expired entries before live ones', async () => {
    const clock = new ManualClock(0);
    const cache = new MemoryCache({ clock, entriesMax: 3 });
    await cache.setMany([
      { key: 'long-1', value: '1', ttlMs: 1000 },
      { key: 'short', value: '2', ttlMs: 10 },
      { key: 'long-2', value: '3', ttlMs: 1000 },
    ]);
    clock.advanceMs(20);
    await cache.setMany([{ key: 'new-1', value: '4', ttlMs: 1000 }]);
    assert.equal(cache.size, 3);
    assert.equal(await cache.get('long-1'), '1');
    assert.equal(await cache.get('short'), undefined);
    // Nothing expired now: the oldest entry makes room.
    await cache.setMany([{ key: 'new-2', value: '5', ttlMs: 1000 }]);
    assert.equal(cache.size, 3);
    assert.equal(await cache.get('long-1'), undefined);
    assert.equal(await cache.get('long-2'), '3');
    assert.equal(await cache.get('new-2'), '5');
  });
});
