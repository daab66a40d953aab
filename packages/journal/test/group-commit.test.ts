// Group commit failure semantics: a failed flush fails every pending call and the journal for good,
// because after a failed fsync nobody knows what is on disk; recovery is a reopen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { setImmediate as nextTurn } from 'node:timers/promises';
import fc from 'fast-check';
import {
  GroupCommitJournal, JournalFailedError, journalFlushChannelName, MemoryJournal, type JournalFlushMessage, type JournalRecord,
} from '../src/index.ts';
import { entry, readAll } from './journal-contract.ts';

class FailingJournal extends GroupCommitJournal {
  readonly flushed: JournalRecord[] = [];
  failuresLeft = 0;

  protected async recover(): Promise<bigint> {
    return 0n;
  }

  protected async flushRecords(records: readonly JournalRecord[]): Promise<void> {
    await nextTurn();
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw new Error('EIO: fdatasync failed');
    }
    this.flushed.push(...records);
  }

  protected async *readDurable(): AsyncIterable<JournalRecord[]> {
    yield this.flushed;
  }

  protected async release(): Promise<void> {}
}

test('group commit: a failed flush rejects its calls and everything queued behind it, then refuses more', async () => {
  const journal = new FailingJournal();
  await journal.open();
  assert.equal(await journal.append([entry(0)]), 1n);
  journal.failuresLeft = 1;
  const inFlight = journal.append([entry(1)]);
  await new Promise<void>((resolve) => queueMicrotask(resolve));
  const queued = journal.append([entry(2)]);
  await assert.rejects(inFlight, JournalFailedError);
  await assert.rejects(queued, JournalFailedError);
  const after = journal.enqueue([entry(3)]);
  assert.equal(after.status, 'failed');
  assert.ok(after.status === 'failed' && after.error instanceof JournalFailedError && after.error.cause instanceof Error);
  assert.equal(journal.lastSequence, 1n, 'nothing after the failure is durable');
  assert.equal(journal.metrics().pendingEntryCount, 0);
  await journal.close();
});

test('group commit: any interleaving of enqueues and turns yields contiguous, call-ordered sequences', async () => {
  await fc.assert(fc.asyncProperty(
    fc.array(fc.record({ size: fc.integer({ min: 1, max: 5 }), yieldAfter: fc.boolean() }), { minLength: 1, maxLength: 30 }),
    async (calls) => {
      const journal = new MemoryJournal({ limits: { flushEntriesMax: 8, pendingEntriesMax: 64 } });
      await journal.open();
      let index = 0;
      const durable: Promise<bigint>[] = [];
      for (const call of calls) {
        const entries = Array.from({ length: call.size }, () => entry(index++));
        const result = journal.enqueue(entries);
        assert.ok(result.status === 'enqueued');
        assert.equal(result.firstSequence, BigInt(index - call.size + 1));
        durable.push(result.durable);
        if (call.yieldAfter) await nextTurn();
      }
      await Promise.all(durable);
      const records = (await readAll(journal)).flat();
      assert.deepEqual(records.map((record) => record.sequence), Array.from({ length: index }, (_, offset) => BigInt(offset + 1)));
      assert.ok(journal.metrics().flushCount <= calls.length);
      await journal.close();
    },
  ), { numRuns: 50 });
});

test('group commit: each flush is published on the diagnostics channel while someone subscribes', async () => {
  const journal = new FailingJournal();
  await journal.open();
  const seen: JournalFlushMessage[] = [];
  const listener = (message: unknown) => seen.push(message as JournalFlushMessage);
  await journal.append([entry(0)]);
  assert.equal(seen.length, 0, 'nobody listened yet');
  subscribe(journalFlushChannelName, listener);
  try {
    await Promise.all([journal.append([entry(1), entry(2)]), journal.append([entry(3)])]);
    await journal.append([entry(4)]);
  } finally {
    unsubscribe(journalFlushChannelName, listener);
  }
  assert.deepEqual(seen.map((message) => message.records), [3, 1], 'calls of one tick share a flush');
  for (const message of seen) assert.ok(message.durationMs >= 0 && message.startedMs > 0);
  await journal.append([entry(5)]);
  assert.equal(seen.length, 2, 'nothing after the last subscriber left');
  await journal.close();
});
