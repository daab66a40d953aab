// In-memory adapter for unit tests of other packages. "Durable" means stored in a
// MemoryJournalStorage, which outlives the journal object: pass the same storage to a new
// MemoryJournal to simulate a restart. A flush completes on a later turn of the event loop, as
// real I/O does, so group commit batches exactly as it would with a disk.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { assert } from '@parite/kernel';
import { GroupCommitJournal } from './group-commit-journal.ts';
import type { JournalLimits, JournalRecord } from './journal-port.ts';

export class MemoryJournalStorage {
  readonly records: JournalRecord[] = [];
}

export interface MemoryJournalOptions {
  readonly storage?: MemoryJournalStorage;
  readonly limits?: Partial<JournalLimits>;
}

export class MemoryJournal extends GroupCommitJournal {
  readonly storage: MemoryJournalStorage;

  constructor(options: MemoryJournalOptions = {}) {
    super(options.limits);
    this.storage = options.storage ?? new MemoryJournalStorage();
  }

  protected async recover(): Promise<bigint> {
    for (const [index, record] of this.storage.records.entries()) {
      assert(record.sequence === BigInt(index + 1), 'memory journal sequences are contiguous from 1');
    }
    return BigInt(this.storage.records.length);
  }

  protected async flushRecords(records: readonly JournalRecord[]): Promise<void> {
    await nextTurn();
    for (const record of records) {
      assert(record.sequence === BigInt(this.storage.records.length + 1), 'contiguous append');
      // Copies, so neither a caller nor a reader can alter what is "on disk".
      this.storage.records.push({ ...record, payload: record.payload.slice() });
    }
  }

  protected async *readDurable(afterSequence: bigint, batchMax: number, writerEndSequence: bigint): AsyncIterable<JournalRecord[]> {
    // Like the shared adapters, a reader also sees what another journal on the same storage wrote.
    const stored = BigInt(this.storage.records.length);
    const endSequence = stored > writerEndSequence ? stored : writerEndSequence;
    let next = afterSequence + 1n;
    while (next <= endSequence) {
      const start = Number(next - 1n);
      const count = Math.min(batchMax, Number(endSequence - next) + 1);
      const batch = this.storage.records.slice(start, start + count);
      assert(batch.length === count, 'durable records are stored');
      next += BigInt(count);
      yield batch.map((record) => ({ ...record, payload: record.payload.slice() }));
    }
  }

  protected async release(): Promise<void> {}
}
