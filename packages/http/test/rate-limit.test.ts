import { ManualClock } from '@parite/kernel';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryRateLimiter } from '../src/index.ts';

describe('MemoryRateLimiter', () => {
  test('allows `limit` hits per fixed window, then refuses until the next window', async () => {
    const clock = new ManualClock(10_000);
    const limiter = new MemoryRateLimiter(clock);
    for (let hit = 0; hit < 3; hit++) assert.equal(await limiter.hit('a', 3, 1000), true);
    assert.equal(await limiter.hit('a', 3, 1000), false);
    assert.equal(await limiter.hit('b', 3, 1000), true, 'keys are independent');
    clock.advanceMs(999);
    assert.equal(await limiter.hit('a', 3, 1000), false, 'still the same window');
    clock.advanceMs(1);
    assert.equal(await limiter.hit('a', 3, 1000), true, 'a new window');
  });

  test('a zero limit refuses everything', async () => {
    const limiter = new MemoryRateLimiter(new ManualClock(0));
    assert.equal(await limiter.hit('a', 0, 1000), false);
  });

  test('the key table is bounded', async () => {
    const clock = new ManualClock(0);
    const limiter = new MemoryRateLimiter(clock, 100);
    for (let key = 0; key < 1000; key++) {
      await limiter.hit(`ip:${key}`, 5, 1000);
      if (key % 250 === 0) clock.advanceMs(1000);
    }
    assert.ok(limiter.size <= 100);
    assert.equal(await limiter.hit('ip:999', 1, 1000), false, 'the newest key is kept');
  });

  test('when full, the key renewed least recently is forgotten first', async () => {
    const clock = new ManualClock(0);
    const limiter = new MemoryRateLimiter(clock, 3);
    for (const key of ['a', 'b', 'c', 'd']) assert.equal(await limiter.hit(key, 1, 1000), true);
    assert.equal(await limiter.hit('b', 1, 1000), false, 'b, c and d are kept');
    assert.equal(await limiter.hit('a', 1, 1000), true, 'a, the oldest, was forgotten when d came');
    clock.advanceMs(1000);
    assert.equal(await limiter.hit('c', 1, 1000), true, 'c renews its window: now the newest');
    assert.equal(await limiter.hit('e', 1, 1000), true, 'e evicts d, the least recently renewed');
    assert.equal(await limiter.hit('c', 1, 1000), false, 'c kept its count');
    assert.equal(await limiter.hit('e', 1, 1000), false);
    assert.equal(await limiter.hit('d', 1, 1000), true, 'd was forgotten: it starts over');
    assert.equal(limiter.size, 3);
  });
});
