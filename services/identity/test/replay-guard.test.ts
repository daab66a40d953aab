import { ServiceError } from '@parite/contracts';
import { ManualClock } from '@parite/kernel';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryReplayGuard } from '../src/index.ts';

describe('MemoryReplayGuard', () => {
  test('first sight true, repeats false until the TTL passes', async () => {
    const clock = new ManualClock(0);
    const guard = new MemoryReplayGuard(clock);
    assert.equal(await guard.firstSeen('k', 10_000), true);
    assert.equal(await guard.firstSeen('k', 10_000), false);
    clock.advanceMs(9_999);
    assert.equal(await guard.firstSeen('k', 10_000), false);
    clock.advanceMs(1);
    assert.equal(await guard.firstSeen('k', 10_000), true);
  });

  test('expired entries are purged as new ones arrive', async () => {
    const clock = new ManualClock(0);
    const guard = new MemoryReplayGuard(clock);
    for (let index = 0; index < 100; index++) await guard.firstSeen(`a${index}`, 1000);
    clock.advanceMs(1000);
    for (let index = 0; index < 100; index++) await guard.firstSeen(`b${index}`, 1000);
    assert.equal(guard.size, 100);
  });

  test('when full of live entries it fails closed rather than forget one', async () => {
    const guard = new MemoryReplayGuard(new ManualClock(0), 3);
    for (const key of ['a', 'b', 'c']) assert.equal(await guard.firstSeen(key, 1000), true);
    await assert.rejects(guard.firstSeen('d', 1000), (error) => error instanceof ServiceError && error.code === 'SERVICE_OVERLOADED');
    assert.equal(await guard.firstSeen('a', 1000), false, 'live entries are still refused');
  });
});
