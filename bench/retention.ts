// Retention bench (`npm run bench retention`): the cost of remembering one more id and forgetting
// the oldest once a bound is reached (client order ids at two million, transfer and conversion ids
// at one million; the same happens once entries expire a day after start). Parite's OldestFirstMap
// against the peer, a Map whose oldest entry is found by iterating from the start (what the core
// did until session 10): V8 leaves a hole per deleted Map entry until it rebuilds the table, and
// that iteration skips every hole, so the peer's cost grows with every eviction.
// Prints one JSON line: {"bench":"retention","results":[{"entries":…,"operations":…,"usPerOperation":…,"peerUsPerOperation":…}]}

import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { OldestFirstMap } from '@parite/kernel';

const { values } = parseArgs({ options: { entries: { type: 'string', default: '100000,1000000' },
  operations: { type: 'string', default: '200000' } } });

interface Retained {
  set(key: string, value: number): void;
  evictOldest(): void;
  readonly size: number;
}

function parite(): Retained {
  const map = new OldestFirstMap<string, number>();
  return { set: (key, value) => void map.set(key, value), evictOldest: () => map.deleteOldest(), get size() { return map.size; } };
}

function peer(): Retained {
  const map = new Map<string, number>();
  return {
    set: (key, value) => void map.set(key, value),
    evictOldest: () => {
      for (const key of map.keys()) {
        map.delete(key);
        return;
      }
    },
    get size() { return map.size; },
  };
}

/** µs per "remember one, forget the oldest" at `entries` entries, over `operations` operations. */
function measure(retained: Retained, entries: number, operations: number): number {
  let next = 0;
  while (retained.size < entries) retained.set(`id-${next++}`, next);
  const started = performance.now();
  for (let operation = 0; operation < operations; operation++) {
    retained.set(`id-${next++}`, next);
    retained.evictOldest();
  }
  return Math.round(((performance.now() - started) * 1000 / operations) * 100) / 100;
}

const operations = Number(values.operations);
const results = values.entries.split(',').map(Number).map((entries) => ({
  entries, operations, usPerOperation: measure(parite(), entries, operations),
  peerUsPerOperation: measure(peer(), entries, operations),
}));
console.log(JSON.stringify({ bench: 'retention', results }));
