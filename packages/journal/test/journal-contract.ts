// The Journal contract, run against every adapter by journal.test.ts. A harness owns one isolated
// store (a directory, a database, a stream); every journal() call opens a new Journal object over
// that same store, which is how a test simulates a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JournalOverloadError, type Journal, type JournalEntry, type JournalLimits, type JournalRecord } from '../src/index.ts';

export interface JournalHarness {
  journal(limits?: Partial<JournalLimits>): Journal;
  dispose(): Promise<void>;
}

export function entry(index: number): JournalEntry {
  return { timestampMs: 1_700_000_000_000 + index, payload: new TextEncoder().encode(`command-${index}-${'x'.repeat(index % 7)}`) };
}

export async function readAll(journal: Journal, afterSequence = 0n, batchMax?: number): Promise<JournalRecord[][]> {
  const batches: JournalRecord[][] = [];
  for await (const batch of journal.read(afterSequence, batchMax)) batches.push(batch);
  return batches;
}

export function assertRecords(records: readonly JournalRecord[], firstSequence: bigint, firstIndex: number): void {
  for (const [offset, record] of records.entries()) {
    const expected = entry(firstIndex + offset);
    assert.equal(record.sequence, firstSequence + BigInt(offset));
    assert.equal(record.timestampMs, expected.timestampMs);
    assert.deepEqual(Buffer.from(record.payload), Buffer.from(expected.payload));
  }
}

async function withJournal(
  createHarness: () => Promise<JournalHarness>,
  body: (harness: JournalHarness) => Promise<void>,
): Promise<void> {
  const harness = await createHarness();
  try {
    await body(harness);
  } finally {
    await harness.dispose();
  }
}

async function opened(harness: JournalHarness, limits?: Partial<JournalLimits>): Promise<Journal> {
  const journal = harness.journal(limits);
  await journal.open();
  return journal;
}

const nextMicrotask = (): Promise<void> => new Promise((resolve) => queueMicrotask(resolve));

export function journalContract(adapter: string, createHarness: () => Promise<JournalHarness>): void {
  const contractTest = (name: string, body: (harness: JournalHarness) => Promise<void>): void => {
    test(`${adapter} journal: ${name}`, () => withJournal(createHarness, body));
  };

  contractTest('a new journal is empty', async (harness) => {
    const journal = await opened(harness);
    assert.equal(journal.lastSequence, 0n);
    assert.deepEqual(await readAll(journal), []);
    await journal.close();
  });

  contractTest('appends are read back in order with contiguous sequences', async (harness) => {
    const journal = await opened(harness);
    assert.equal(await journal.append([entry(0)]), 1n);
    assert.equal(await journal.append([entry(1), entry(2), entry(3)]), 4n);
    assert.equal(await journal.append([entry(4)]), 5n);
    assert.equal(journal.lastSequence, 5n);
    const records = (await readAll(journal)).flat();
    assert.equal(records.length, 5);
    assertRecords(records, 1n, 0);
    await journal.close();
  });

  contractTest('enqueue assigns sequences at call time, in call order', async (harness) => {
    const journal = await opened(harness);
    const first = journal.enqueue([entry(0), entry(1)]);
    const second = journal.enqueue([entry(2)]);
    assert.ok(first.status === 'enqueued' && second.status === 'enqueued');
    assert.deepEqual([first.firstSequence, first.lastSequence, second.firstSequence], [1n, 2n, 3n]);
    assert.equal(journal.lastEnqueuedSequence, 3n);
    assert.equal(journal.lastSequence, 0n, 'nothing is durable before the flush');
    assert.deepEqual(await Promise.all([first.durable, second.durable]), [2n, 3n]);
    assert.equal(journal.lastSequence, 3n);
    assertRecords((await readAll(journal)).flat(), 1n, 0);
    await journal.close();
  });

  contractTest('concurrent appends share far fewer flushes', async (harness) => {
    const journal = await opened(harness);
    const appendCount = 200;
    const lastSequences = await Promise.all(Array.from({ length: appendCount }, (_, index) => journal.append([entry(index)])));
    assert.deepEqual(lastSequences, Array.from({ length: appendCount }, (_, index) => BigInt(index + 1)));
    const metrics = journal.metrics();
    assert.equal(metrics.flushedEntryCount, appendCount);
    assert.ok(metrics.flushCount <= 2, `${metrics.flushCount} flushes for ${appendCount} appends`);
    assertRecords((await readAll(journal)).flat(), 1n, 0);
    await journal.close();
  });

  contractTest('appends made while a flush is in flight go out in the next single flush', async (harness) => {
    const journal = await opened(harness);
    const lone = journal.append([entry(0)]);
    await nextMicrotask(); // the first flush has started
    const waiting = Array.from({ length: 50 }, (_, index) => journal.append([entry(index + 1)]));
    assert.equal(journal.metrics().pendingEntryCount, 51);
    await Promise.all([lone, ...waiting]);
    assert.equal(journal.metrics().flushCount, 2);
    assertRecords((await readAll(journal)).flat(), 1n, 0);
    await journal.close();
  });

  contractTest('a flush never exceeds flushEntriesMax', async (harness) => {
    const journal = await opened(harness, { flushEntriesMax: 4, pendingEntriesMax: 16 });
    await Promise.all(Array.from({ length: 10 }, (_, index) => journal.append([entry(index)])));
    assert.equal(journal.metrics().flushCount, 3);
    await journal.close();
  });

  contractTest('enqueue beyond pendingEntriesMax reports overload, then recovers', async (harness) => {
    const journal = await opened(harness, { flushEntriesMax: 4, pendingEntriesMax: 8 });
    const accepted = Array.from({ length: 8 }, (_, index) => journal.enqueue([entry(index)]));
    assert.ok(accepted.every((result) => result.status === 'enqueued'));
    assert.equal(journal.enqueue([entry(8)]).status, 'overloaded');
    await assert.rejects(journal.append([entry(8)]), JournalOverloadError);
    assert.equal(journal.lastEnqueuedSequence, 8n, 'a refused call takes no sequence');
    await Promise.all(accepted.map((result) => (result.status === 'enqueued' ? result.durable : undefined)));
    assert.equal(await journal.append([entry(8)]), 9n);
    assertRecords((await readAll(journal)).flat(), 1n, 0);
    await journal.close();
  });

  contractTest('records survive close and reopen, and appends continue after them', async (harness) => {
    const journal = await opened(harness);
    await journal.append([entry(0), entry(1)]);
    await journal.append([entry(2)]);
    await journal.close();
    const reopened = await opened(harness);
    assert.equal(reopened.lastSequence, 3n);
    assert.equal(await reopened.append([entry(3)]), 4n);
    await reopened.close();
    const again = await opened(harness);
    assert.equal(again.lastSequence, 4n);
    assertRecords((await readAll(again)).flat(), 1n, 0);
    await again.close();
  });

  contractTest('close waits for pending entries to become durable', async (harness) => {
    const journal = await opened(harness);
    const result = journal.enqueue([entry(0), entry(1)]);
    assert.equal(result.status, 'enqueued');
    await journal.close();
    assert.equal(result.status === 'enqueued' ? await result.durable : undefined, 2n);
    const reopened = await opened(harness);
    assert.equal(reopened.lastSequence, 2n);
    await reopened.close();
  });

  contractTest('reads from a middle sequence in bounded batches', async (harness) => {
    const journal = await opened(harness);
    await journal.append(Array.from({ length: 25 }, (_, index) => entry(index)));
    const batches = await readAll(journal, 7n, 4);
    assert.deepEqual(batches.map((batch) => batch.length), [4, 4, 4, 4, 2]);
    assertRecords(batches.flat(), 8n, 7);
    assert.deepEqual(await readAll(journal, 25n, 4), []);
    await journal.close();
  });
}
