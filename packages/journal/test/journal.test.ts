// Runs the Journal contract against every adapter: memory and file always; PostgreSQL and NATS
// JetStream only when PARITE_TEST_REAL_SERVICES=1, each in its own fresh database or stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileJournal, JournalWriterConflictError, MemoryJournal, MemoryJournalStorage } from '../src/index.ts';
import { entry, journalContract } from './journal-contract.ts';
import { natsHarness, postgresHarness, realServices } from './real-services.ts';

journalContract('memory', async () => {
  const storage = new MemoryJournalStorage();
  return { journal: (limits) => new MemoryJournal({ storage, limits }), dispose: async () => {} };
});

journalContract('file', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'parite-journal-'));
  return {
    journal: (limits) => new FileJournal({ directory, limits }),
    dispose: () => rm(directory, { recursive: true, force: true }),
  };
});

if (realServices) {
  journalContract('postgres', postgresHarness);
  journalContract('nats', natsHarness);

  for (const [adapter, createHarness] of [['postgres', postgresHarness], ['nats', natsHarness]] as const) {
    test(`${adapter} journal: a second writer gets a typed conflict, the first keeps its records`, async () => {
      const harness = await createHarness();
      try {
        const first = harness.journal();
        const second = harness.journal();
        await first.open();
        await second.open();
        assert.equal(await first.append([entry(0)]), 1n);
        await assert.rejects(second.append([entry(1)]), JournalWriterConflictError);
        assert.equal(second.enqueue([entry(1)]).status, 'failed', 'a conflicted writer accepts nothing more');
        assert.equal(await first.append([entry(1)]), 2n);
        await first.close();
        await second.close();
      } finally {
        await harness.dispose();
      }
    });
  }
}
