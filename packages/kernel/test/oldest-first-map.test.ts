// OldestFirstMap against a plain Map used the old way (delete + set to move a key to the newest end,
// the oldest found by iterating from the start): same entries, same order, same oldest, through
// seeded random sequences that span many queue chunks, set keys again while they are present and
// delete keys anywhere (enough of them to rebuild the queue several times).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OldestFirstMap } from '../src/oldest-first-map.ts';
import { Prng } from '../src/prng.ts';

function modelOldest(model: Map<string, number>): string | undefined {
  return model.keys().next().value;
}

function assertSame(map: OldestFirstMap<string, number>, model: Map<string, number>): void {
  assert.equal(map.size, model.size);
  assert.deepEqual([...map], [...model]);
  assert.equal(map.oldestKey(), modelOldest(model));
  // A bounded look from the old end: a prefix of the model's order (stale positions count, yield nothing).
  const oldest = map.oldestKeys(50);
  assert.ok(oldest.length <= 50);
  assert.deepEqual(oldest, [...model.keys()].slice(0, oldest.length));
}

test('random sets, re-sets and evictions match a Map with delete + set', () => {
  for (const seed of [1, 2, 3]) {
    const random = new Prng(seed);
    const map = new OldestFirstMap<string, number>();
    const model = new Map<string, number>();
    let nextKey = 0;
    for (let step = 0; step < 30_000; step++) {
      const roll = random.nextUnit();
      if (roll < 0.55) {
        const key = `k${nextKey++}`;
        map.set(key, step);
        model.set(key, step);
      } else if (roll < 0.65 && model.size > 0) {
        // A key deleted anywhere (or one deleted already: nothing changes).
        const key = `k${random.nextIntegerInclusive(0, nextKey - 1)}`;
        assert.equal(map.delete(key), model.delete(key));
      } else if (roll < 0.8 && model.size > 0) {
        // A key present now (anywhere, often near the front): it moves to the newest end.
        const key = `k${random.nextIntegerInclusive(Math.max(0, nextKey - model.size), nextKey - 1)}`;
        if (!model.has(key)) continue;
        map.set(key, step);
        model.delete(key);
        model.set(key, step);
      } else if (model.size > 0) {
        map.deleteOldest();
        model.delete(modelOldest(model) as string);
      }
      assert.equal(map.oldestKey(), modelOldest(model), `seed ${seed} step ${step}`);
      if (step % 500 === 0) assertSame(map, model);
    }
    assertSame(map, model);
    while (model.size > 0) {
      map.deleteOldest();
      model.delete(modelOldest(model) as string);
      assert.equal(map.oldestKey(), modelOldest(model));
    }
    assertSame(map, model);
  }
});

test('a key forgotten and set again is one entry at the newest end', () => {
  const map = new OldestFirstMap<string, number>();
  map.set('a', 1).set('b', 2);
  map.deleteOldest();
  map.set('a', 3);
  assert.deepEqual([...map], [['b', 2], ['a', 3]]);
  map.deleteOldest();
  map.deleteOldest();
  assert.equal(map.size, 0);
  assert.equal(map.oldestKey(), undefined);
  assert.throws(() => map.deleteOldest(), /empty map/);
});

test('a steady stream of evictions at a bound keeps size and order', () => {
  const map = new OldestFirstMap<string, number>();
  const bound = 10_000;
  for (let index = 0; index < 100_000; index++) {
    map.set(`id-${index}`, index);
    if (map.size > bound) map.deleteOldest();
  }
  assert.equal(map.size, bound);
  assert.equal(map.oldestKey(), 'id-90000');
  assert.equal(map.get('id-99999'), 99_999);
  assert.equal(map.has('id-89999'), false);
});

test('a key used over and over (an LRU hit) keeps one entry; the queue is rebuilt, never grows without bound', () => {
  const map = new OldestFirstMap<string, number>();
  map.set('cold', 0);
  for (let hit = 1; hit <= 100_000; hit++) map.set('hot', hit);
  assert.deepEqual([...map], [['cold', 0], ['hot', 100_000]]);
  const queued = (map as unknown as { chunks: string[][] }).chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  assert.ok(queued <= 2_000, `queue holds ${queued} positions for 2 entries`);
  assert.equal(map.oldestKey(), 'cold');
  map.deleteOldest();
  assert.equal(map.oldestKey(), 'hot');
});

test('oldestKeys looks at a bounded number of positions from the old end, live keys only', () => {
  const map = new OldestFirstMap<string, number>();
  for (const key of ['a', 'b', 'c', 'd', 'e']) map.set(key, 0);
  map.delete('b');
  map.set('a', 1); // a moves to the newest end: its first position is stale
  assert.deepEqual(map.oldestKeys(2), [], 'two stale positions: nothing live among them');
  assert.deepEqual(map.oldestKeys(4), ['c', 'd']);
  assert.deepEqual(map.oldestKeys(100), ['c', 'd', 'e', 'a']);
  assert.equal(map.update('c', 9), true);
  assert.equal(map.update('zz', 9), false);
  assert.deepEqual([...map], [['c', 9], ['d', 0], ['e', 0], ['a', 1]], 'update keeps the position');
  map.clear();
  assert.equal(map.size, 0);
  assert.deepEqual(map.oldestKeys(10), []);
  map.set('x', 1);
  assert.equal(map.oldestKey(), 'x');
});
