// The journal follower (the projector thread's engine) and the bounded journal: what is offered is
// delivered as the engine delivered it; a gap is read from the journal, never past what the engine
// declared durable; a start from a snapshot delivers what follows it.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { jsonStringifyWithBigint } from '@parite/kernel';
import {
  decodeSnapshot, encodeCommand, encodeSnapshot, ExchangeCore, restoreSnapshot, snapshotItems, stateHash, takeSnapshot,
  type CommittedCommand,
} from '@parite/exchange';
import { JournalFollower } from '../src/journal-follower.ts';
import { boundedJournal, type JournalRecordLike } from '../src/journal-source.ts';
import { FakeEngine } from './support/fake-engine.ts';

const engine = new FakeEngine();
engine.runWorkload(5, 300);
const records: JournalRecordLike[] = engine.journal.map((committed) => ({ sequence: committed.sequence,
  timestampMs: committed.timestampMs, payload: encodeCommand(committed.command) }));

/** The engine's journal as a reader that counts its reads. */
function countingJournal() {
  return {
    readFrom: [] as bigint[],
    async *read(afterSequence: bigint) {
      this.readFrom.push(afterSequence);
      const rest = records.filter((record) => record.sequence > afterSequence);
      for (let start = 0; start < rest.length; start += 40) yield rest.slice(start, start + 40);
    },
  };
}

function recordsBetween(first: number, last: number): JournalRecordLike[] {
  return records.slice(first - 1, last);
}

// JSON, because a journalled command has no keys for undefined fields.
const same = (left: unknown, right: unknown) => assert.equal(jsonStringifyWithBigint(left), jsonStringifyWithBigint(right));

function collecting(follower: JournalFollower): CommittedCommand[] {
  const delivered: CommittedCommand[] = [];
  follower.subscribe((batch) => delivered.push(...batch));
  return delivered;
}

describe('JournalFollower', () => {
  test('delivers offered records as the engine delivered them, without reading the journal', async () => {
    const journal = countingJournal();
    const follower = new JournalFollower({ journal });
    const delivered = collecting(follower);
    await follower.start();
    for (let first = 1; first <= records.length; first += 30) follower.offer(recordsBetween(first, first + 29));
    await follower.idle();
    same(delivered, engine.journal);
    assert.deepEqual(journal.readFrom, []);
    assert.equal(follower.appliedSequence, BigInt(records.length));
  });

  test('reads a gap from the journal, never past what the engine declared durable', async () => {
    const journal = countingJournal();
    const follower = new JournalFollower({ journal });
    const delivered = collecting(follower);
    await follower.start();
    follower.offer(recordsBetween(101, 150));
    await follower.idle();
    same(delivered, engine.journal.slice(0, 150));
    assert.deepEqual(journal.readFrom, [0n]);
    // Declared durable without the records at hand: read, up to there and no further.
    follower.advanceTo(200n);
    await follower.idle();
    same(delivered, engine.journal.slice(0, 200));
    assert.equal(follower.durableSequence, 200n);
    // Records already applied are ignored when offered again.
    follower.offer(recordsBetween(190, 210));
    await follower.idle();
    same(delivered, engine.journal.slice(0, 210));
  });

  test('starts at the latest snapshot and delivers what follows it', async () => {
    const core = new ExchangeCore({ bookKind: 'fast' });
    for (const committed of engine.journal.slice(0, 200)) core.execute(committed.command, committed.timestampMs);
    const snapshots = { loadLatest: async () => ({ sequence: 200n, data: encodeSnapshot(takeSnapshot(core.state)) }) };
    const journal = countingJournal();
    const follower = new JournalFollower({ journal, snapshots, shardIndex: undefined });
    const delivered = collecting(follower);
    await follower.start();
    assert.equal(follower.appliedSequence, 200n);
    follower.offer(recordsBetween(180, records.length));
    await follower.idle();
    same(delivered, engine.journal.slice(200));
    assert.deepEqual(journal.readFrom, []);
  });

  test('takes the engine\'s snapshots from its replica: each one equals the engine\'s state at its sequence', async () => {
    const saved: { sequence: bigint; data: Uint8Array }[] = [];
    const store = { save: async (sequence: bigint, data: Uint8Array) => void saved.push({ sequence, data }),
      loadLatest: async () => saved.at(-1) };
    const follower = new JournalFollower({ journal: countingJournal(), snapshots: store,
      snapshotting: { store, everyCommands: 40 } });
    await follower.start();
    for (let first = 1; first <= records.length; first += 30) {
      follower.offer(recordsBetween(first, first + 29));
      await follower.idle();
      await follower.snapshotsIdle();
    }
    assert.ok(saved.length >= 2, `${saved.length} periodic snapshots`);
    for (const snapshot of saved) {
      // The engine's own core at the same sequence.
      const core = new ExchangeCore({ bookKind: 'fast' });
      for (const committed of engine.journal.slice(0, Number(snapshot.sequence))) core.execute(committed.command, committed.timestampMs);
      assert.equal(stateHash(restoreSnapshot(decodeSnapshot(snapshot.data))), stateHash(core.state), `snapshot at ${snapshot.sequence}`);
    }
    // Periodic ones at least everyCommands apart; a final one at everything applied; none twice.
    const periodic = saved.map((snapshot) => snapshot.sequence);
    for (let index = 1; index < periodic.length; index++) assert.ok(Number(periodic[index]) - Number(periodic[index - 1]) >= 40);
    await follower.snapshotNow();
    assert.equal(saved.at(-1)?.sequence, BigInt(records.length));
    const count = saved.length;
    await follower.snapshotNow();
    assert.equal(saved.length, count, 'no second snapshot of the same sequence');
  });

  test('after a start from a snapshot, the next periodic one is due from its sequence', async () => {
    const core = new ExchangeCore({ bookKind: 'fast' });
    for (const committed of engine.journal.slice(0, 50)) core.execute(committed.command, committed.timestampMs);
    const itemsAtStart = snapshotItems(core.state);
    assert.ok(itemsAtStart > 25, 'the state holds more items than the commands offered first');
    const saved: bigint[] = [];
    const store = { save: async (sequence: bigint) => void saved.push(sequence),
      loadLatest: async () => ({ sequence: 50n, data: encodeSnapshot(takeSnapshot(core.state)) }) };
    const follower = new JournalFollower({ journal: countingJournal(), snapshots: store,
      snapshotting: { store, everyCommands: 40 } });
    await follower.start();
    follower.offer(recordsBetween(51, 75));
    await follower.idle();
    await follower.snapshotsIdle();
    assert.deepEqual(saved, [], '25 commands after the snapshot at 50: none due yet');
    follower.offer(recordsBetween(76, records.length));
    await follower.idle();
    await follower.snapshotsIdle();
    assert.equal(saved.length, 1);
    assert.ok(Number(saved[0]) - 50 >= itemsAtStart);
  });

  test('a failed follower saves no final snapshot', async () => {
    const saved: bigint[] = [];
    const store = { save: async (sequence: bigint) => void saved.push(sequence), loadLatest: async () => undefined };
    const follower = new JournalFollower({ journal: countingJournal(), snapshotting: { store, everyCommands: 0 } });
    await follower.start();
    follower.offer(recordsBetween(1, 20));
    await follower.idle();
    follower.advanceTo(BigInt(records.length + 5));
    await assert.rejects(follower.idle(), /declared/);
    await follower.snapshotNow();
    assert.deepEqual(saved, []);
  });

  test('fails when the journal does not hold what the engine declared durable', async () => {
    const follower = new JournalFollower({ journal: countingJournal() });
    await follower.start();
    follower.advanceTo(BigInt(records.length + 5));
    await assert.rejects(follower.idle(), /declared/);
    // A failed follower takes nothing more.
    follower.offer(recordsBetween(1, 10));
    await assert.rejects(follower.idle(), /declared/);
  });
});

describe('boundedJournal', () => {
  test('yields nothing past the bound, read at every batch', async () => {
    let bound = 95n;
    const bounded = boundedJournal(countingJournal(), () => bound);
    const read: bigint[] = [];
    for await (const batch of bounded.read(10n)) for (const record of batch) read.push(record.sequence);
    assert.deepEqual(read, records.slice(10, 95).map((record) => record.sequence));
    bound = BigInt(records.length);
    let count = 0;
    for await (const batch of bounded.read(250n)) count += batch.length;
    assert.equal(count, records.length - 250);
  });
});
