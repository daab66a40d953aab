import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '@parite/kernel';
import {
  ExchangeCore, decodeSnapshot, encodeSnapshot, encodeSnapshotInSlices, restoreSnapshot, snapshotSliceItems, stateHash,
  takeSnapshot,
} from '../src/index.ts';
import { randomCommand, setupCommands } from './core-workload.ts';

test('a snapshot encoded in slices is the same document as one encoded at once, and yields between slices', async () => {
  const core = new ExchangeCore({ checkInvariants: false });
  let timestampMs = 1_700_000_000_000;
  for (const command of setupCommands()) core.execute(command, timestampMs++);
  const prng = new Prng(5);
  // Enough commands that the remembered client order ids span several slices.
  for (let index = 0; index < 3 * snapshotSliceItems + 123; index++) {
    core.execute(randomCommand(prng, index, () => [...core.state.orders.keys()].slice(-40)), timestampMs++);
  }
  const snapshot = takeSnapshot(core.state);
  assert.ok(snapshot.clientOrderIds.length > snapshotSliceItems, 'the test spans more than one slice');
  let yields = 0;
  const sliced = await encodeSnapshotInSlices(snapshot, async () => {
    yields++;
  });
  assert.ok(yields > 2, `yielded ${yields} times`);
  assert.deepEqual(decodeSnapshot(sliced), decodeSnapshot(encodeSnapshot(snapshot)));
  assert.equal(Buffer.compare(sliced, encodeSnapshot(snapshot)), 0, 'the same bytes as the one-piece encoding');
  assert.ok(sliced.byteOffset === 0 && sliced.buffer.byteLength === sliced.byteLength, 'a buffer of its own, not a pool slice');
  assert.equal(stateHash(restoreSnapshot(decodeSnapshot(sliced))), stateHash(core.state));
  // The capture is a deep copy: the state moves on, the captured snapshot does not.
  const before = new TextDecoder().decode(encodeSnapshot(snapshot));
  for (let index = 0; index < 200; index++) {
    core.execute(randomCommand(prng, 100_000 + index, () => [...core.state.orders.keys()].slice(-40)), timestampMs++);
  }
  assert.equal(new TextDecoder().decode(encodeSnapshot(snapshot)), before);
});
