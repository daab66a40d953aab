// The fast book's orderId -> handle index under hostile keys: hundreds of ids that share one home
// slot, so probe runs pass the 127-slot displacement the slots can store and the index must fall
// back to reading keys. Checked operation by operation against a Map.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '@parite/kernel';
import { OrderIndex } from '../src/fast/order-index.ts';
import type { OrderStore } from '../src/fast/order-store.ts';

const entriesCapacity = 512;

/** Just what the index reads of the order store: the orderId in a handle's record. */
function storeOf(orderIdByHandle: Map<number, number>): OrderStore {
  return { orderId: (handle: number) => orderIdByHandle.get(handle) ?? -1 } as unknown as OrderStore;
}

test('hundreds of ids with one home slot: lookups, inserts and removals agree with a Map', () => {
  const orderIdByHandle = new Map<number, number>();
  const index = new OrderIndex(storeOf(orderIdByHandle), entriesCapacity);
  const homeOf = (key: number) => (index as unknown as { home(key: number): number }).home(key);
  const target = homeOf(1);
  const colliding: number[] = [];
  for (let candidate = 2; colliding.length < 300 && candidate < 50_000_000; candidate++) {
    if (homeOf(candidate) === target) colliding.push(candidate);
  }
  assert.equal(colliding.length, 300, 'enough colliding ids');
  // A few ordinary ids around them, so runs of different homes interleave.
  const keys = [...colliding, ...Array.from({ length: 150 }, (_, offset) => 70_000_000 + offset * 7)];
  const reference = new Map<number, number>();
  const prng = new Prng(3);
  let nextHandle = 0;
  const check = () => {
    assert.equal(index.size, reference.size);
    for (const key of keys) assert.equal(index.get(key), reference.get(key) ?? -1, `key ${key}`);
  };
  for (let step = 0; step < 4_000; step++) {
    const key = prng.pick(keys);
    const handle = reference.get(key);
    if (handle === undefined && reference.size < entriesCapacity) {
      const fresh = nextHandle++ % entriesCapacity;
      if ([...reference.values()].includes(fresh)) continue;
      orderIdByHandle.set(fresh, key);
      index.insert(key, fresh);
      reference.set(key, fresh);
    } else if (handle !== undefined) {
      index.remove(key, handle);
      reference.delete(key);
      orderIdByHandle.delete(handle);
    }
    if (step % 97 === 0) check();
  }
  check();
  const visited = new Map<number, number>();
  index.forEach((orderId, handle) => visited.set(orderId, handle));
  assert.deepEqual(new Map([...visited].sort((left, right) => left[0] - right[0])),
    new Map([...reference].sort((left, right) => left[0] - right[0])));
});
