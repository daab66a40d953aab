// A ReadCommitted source built from the journal: the engine's events are a pure function of the
// journal, so a private ExchangeCore replaying it produces exactly the events the engine produced.
// The replay starts from the engine's latest snapshot when that is not past the requested sequence
// (the usual case after a clean restart: the read is then short), otherwise from sequence 1. The
// core is kept between reads, so the next catch-up continues where the last one stopped.

import { assert } from '@parite/kernel';
import { coreFromSnapshot, ExchangeCore, replayJournalRecord, type CommittedCommand } from '@parite/exchange';
import type { ReadCommitted } from './projector.ts';

/** What the source needs of a journal (the @parite/journal Journal port has it). */
export interface JournalReader {
  read(afterSequence: bigint): AsyncIterable<readonly JournalRecordLike[]>;
}

export interface JournalRecordLike {
  readonly sequence: bigint;
  readonly timestampMs: number;
  readonly payload: Uint8Array;
}

/** What the source needs of the engine's snapshot store (EngineSnapshotStore has it). */
export interface SnapshotReader {
  loadLatest(): Promise<{ sequence: bigint; data: Uint8Array } | undefined>;
}

export interface JournalSourceOptions {
  bookKind?: 'fast' | 'naive';
  /** The engine's snapshots: a read may start from the latest one instead of sequence 1. */
  snapshots?: SnapshotReader;
}

export function committedFromJournal(journal: JournalReader, options: JournalSourceOptions = {}): ReadCommitted {
  const bookKind = options.bookKind ?? 'fast';
  const newCore = (): ExchangeCore => new ExchangeCore({ bookKind });
  let core = newCore();
  let applied = 0n;
  let reading = false;
  /** Jumps to the latest snapshot when it lies between the core's position and the read's start. */
  const skipAhead = async (afterSequence: bigint): Promise<void> => {
    const latest = await options.snapshots?.loadLatest();
    if (latest === undefined || latest.sequence <= applied || latest.sequence > afterSequence) return;
    core = coreFromSnapshot(latest.data, bookKind);
    applied = latest.sequence;
  };
  return async function* readCommitted(afterSequence: bigint): AsyncGenerator<CommittedCommand[]> {
    assert(!reading, 'one read at a time: the replaying core is shared between reads');
    reading = true;
    try {
      if (afterSequence < applied) {
        core = newCore();
        applied = 0n;
      }
      await skipAhead(afterSequence);
      for await (const records of journal.read(applied)) {
        const batch: CommittedCommand[] = [];
        for (const record of records) {
          assert(record.sequence === applied + 1n, `journal read skipped from ${applied} to ${record.sequence}`);
          const committed = replayJournalRecord(core, record);
          applied = record.sequence;
          if (record.sequence > afterSequence) batch.push(committed);
        }
        if (batch.length > 0) yield batch;
      }
    } finally {
      reading = false;
    }
  };
}

/**
 * The journal cut at `bound()` (read at every batch): a reader in another thread can see a record
 * shortly before the engine's write of it is durable, and nothing may be projected before that.
 */
export function boundedJournal(journal: JournalReader, bound: () => bigint): JournalReader {
  return {
    async *read(afterSequence: bigint): AsyncGenerator<readonly JournalRecordLike[]> {
      for await (const records of journal.read(afterSequence)) {
        const limit = bound();
        let end = 0;
        while (end < records.length && (records[end] as JournalRecordLike).sequence <= limit) end++;
        if (end > 0) yield end === records.length ? records : records.slice(0, end);
        if (end < records.length) return;
      }
    },
  };
}
