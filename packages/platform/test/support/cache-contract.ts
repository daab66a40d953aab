// The cache contract, run against every adapter. Time moves through `advanceMs`: a manual
// clock for the memory adapter, real waiting for Redis (whose TTLs run on the server's clock).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AssertionError } from '@parite/kernel';
import { CacheValueNotCounterError, type Cache } from '../../src/cache/cache.ts';

export interface CacheFixture {
  readonly cache: Cache;
  advanceMs(milliseconds: number): Promise<void>;
  dispose(): Promise<void>;
}

/** Long enough that Redis never expires an entry while a test still expects it. */
const ttlMs = 300;

export function registerCacheContract(adapterName: string, createFixture: () => Promise<CacheFixture>): void {
  const withCache = async (body: (fixture: CacheFixture) => Promise<void>): Promise<void> => {
    const fixture = await createFixture();
    try {
      await body(fixture);
    } finally {
      await fixture.dispose();
    }
  };

  describe(`Cache contract: ${adapterName}`, () => {
    test('stores, overwrites, deletes and expires values', async () => {
      await withCache(async ({ cache, advanceMs }) => {
        assert.equal(await cache.get('missing'), undefined);
        await cache.setMany([
          { key: 'a', value: 'alpha', ttlMs },
          { key: 'b', value: 'beta', ttlMs: ttlMs * 50 },
        ]);
        assert.equal(await cache.get('a'), 'alpha');
        await cache.setMany([{ key: 'a', value: 'again', ttlMs }]);
        assert.equal(await cache.get('a'), 'again');
        await cache.delete('b');
        assert.equal(await cache.get('b'), undefined);
        await cache.setMany([]);
        await advanceMs(ttlMs + 50);
        assert.equal(await cache.get('a'), undefined);
      });
    });

    test('incrementWithTtl counts in a fixed window that later increments do not extend', async () => {
      await withCache(async ({ cache, advanceMs }) => {
        assert.equal(await cache.incrementWithTtl('hits', ttlMs), 1);
        assert.equal(await cache.incrementWithTtl('hits', ttlMs), 2);
        await advanceMs(ttlMs / 5);
        assert.equal(await cache.incrementWithTtl('hits', ttlMs), 3);
        // Past the first increment's window, though within ttlMs of the third increment.
        await advanceMs(ttlMs - ttlMs / 5 + 50);
        assert.equal(await cache.incrementWithTtl('hits', ttlMs), 1);
      });
    });

    test('setIfAbsent lets exactly the first writer in until the entry expires', async () => {
      await withCache(async ({ cache, advanceMs }) => {
        assert.equal(await cache.setIfAbsent('nonce', 'first', ttlMs), true);
        assert.equal(await cache.setIfAbsent('nonce', 'second', ttlMs), false);
        assert.equal(await cache.get('nonce'), 'first');
        await advanceMs(ttlMs + 50);
        assert.equal(await cache.setIfAbsent('nonce', 'third', ttlMs), true);
      });
    });

    test('refuses to increment a value that is not a counter, and malformed input', async () => {
      await withCache(async ({ cache }) => {
        await cache.setMany([{ key: 'text', value: 'hello', ttlMs }]);
        await assert.rejects(cache.incrementWithTtl('text', ttlMs), CacheValueNotCounterError);
        await assert.rejects(cache.get(''), AssertionError);
        await assert.rejects(cache.setIfAbsent('k', 'v', 0), AssertionError);
        await assert.rejects(cache.incrementWithTtl('k', 1.5), AssertionError);
      });
    });
  });
}
