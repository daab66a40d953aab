// The snapshot cadence: every `everyCommands` commands, or after as many commands as the state holds
// items when that is more, so a large state is not encoded again and again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Journal } from '@parite/journal';
import { clientOrderIdKey, ExchangeState, SnapshotScheduler, snapshotItems } from '../src/index.ts';

function rememberIds(state: ExchangeState, count: number): void {
  for (let index = 1; index <= count; index++) {
    const key = clientOrderIdKey(1, `c${index}`);
    state.clientOrderIds.set(key, { key, orderId: index, fingerprint: 'f', expiresAtMs: 1 });
  }
}

async function savedSequences(state: ExchangeState, everyCommands: number, sequences: readonly bigint[]): Promise<bigint[]> {
  const saved: bigint[] = [];
  const store = { save: async (sequence: bigint) => void saved.push(sequence), loadLatest: async () => undefined };
  // The journal is only read by snapshotNow, which this test does not call.
  const scheduler = new SnapshotScheduler(store, {} as Journal, everyCommands);
  for (const sequence of sequences) {
    scheduler.maybeSnapshot(state, sequence, Promise.resolve(sequence));
    await scheduler.idle();
  }
  return saved;
}

test('a small state is snapshotted every everyCommands commands', async () => {
  const state = new ExchangeState('fast');
  rememberIds(state, 5);
  assert.deepEqual(await savedSequences(state, 10, [5n, 9n, 10n, 15n, 20n]), [10n, 20n]);
});

test('a state larger than everyCommands waits for as many commands as it holds items', async () => {
  const state = new ExchangeState('fast');
  rememberIds(state, 50);
  assert.equal(snapshotItems(state), 50);
  assert.deepEqual(await savedSequences(state, 10, [10n, 30n, 49n, 50n, 60n, 99n, 100n]), [50n, 100n]);
});

test('everyCommands 0 turns periodic snapshots off', async () => {
  const state = new ExchangeState('fast');
  assert.deepEqual(await savedSequences(state, 0, [1n, 1_000_000n]), []);
});
