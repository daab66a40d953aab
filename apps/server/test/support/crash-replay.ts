// "A fresh replay of the journal": a private ExchangeCore fed the journal's records from sequence 1,
// exactly as recovery does, but outside the server. The live journal is never opened here (open()
// recovers, and may cut a tail the server is still writing): its segments are copied first and the
// copy is opened, so a flush caught half-written is just a torn tail of the copy.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  decodeCommand, decodeSnapshot, ExchangeCore, restoreSnapshot, stateHash, type ExchangeState,
} from '@parite/exchange';
import { copyJournalDirectory, FileJournal, FileSnapshotStore } from '@parite/journal';

/** How long to wait for the journal on disk to reach a sequence the server has applied. */
const durableWaitMsMax = 5_000;

export class JournalReplay {
  private readonly core = new ExchangeCore({ bookKind: 'fast' });
  private applied = 0n;

  constructor(private readonly dataDirectory: string) {}

  get state(): ExchangeState {
    return this.core.state;
  }

  get sequence(): bigint {
    return this.applied;
  }

  /** Replays up to exactly `target` (waiting for the journal to hold it); returns the journal's last sequence. */
  async advanceTo(target: bigint): Promise<bigint> {
    assert.ok(target >= this.applied, `replay cannot go back from ${this.applied} to ${target}`);
    const deadline = Date.now() + durableWaitMsMax;
    for (;;) {
      const last = await this.withCopy(async (journal) => {
        if (journal.lastSequence >= target) await this.apply(journal, target);
        return journal.lastSequence;
      });
      if (last >= target) return last;
      if (Date.now() > deadline) throw new Error(`the journal holds ${last}, the server applied ${target}`);
      await delay(20);
    }
  }

  /** Replays everything the journal holds. */
  async advanceToEnd(): Promise<bigint> {
    return await this.withCopy(async (journal) => {
      await this.apply(journal, journal.lastSequence);
      return journal.lastSequence;
    });
  }

  private async apply(journal: FileJournal, target: bigint): Promise<void> {
    if (target === this.applied) return;
    for await (const records of journal.read(this.applied)) {
      for (const record of records) {
        if (record.sequence > target) return;
        assert.equal(record.sequence, this.applied + 1n, 'the journal is contiguous');
        const result = this.core.execute(decodeCommand(record.payload), record.timestampMs);
        // Only accepted commands are journalled: a refusal on replay means the core diverged.
        assert.equal(result.code, 'OK', `journal record ${record.sequence} replayed as ${result.code}`);
        this.applied = record.sequence;
      }
    }
    assert.equal(this.applied, target, 'the replay reached its target');
  }

  private async withCopy<Value>(use: (journal: FileJournal) => Promise<Value>): Promise<Value> {
    const copy = await mkdtemp(join(tmpdir(), 'parite-journal-copy-'));
    try {
      await copyJournalDirectory(join(this.dataDirectory, 'journal'), copy);
      const journal = new FileJournal({ directory: copy });
      await journal.open();
      try {
        return await use(journal);
      } finally {
        await journal.close();
      }
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  }
}

/** The newest snapshot on disk, restored, with its sequence and state hash. */
export async function latestSnapshot(dataDirectory: string): Promise<{ sequence: bigint; hash: string } | undefined> {
  const store = new FileSnapshotStore({ directory: join(dataDirectory, 'snapshots') });
  const latest = await store.loadLatest();
  if (latest === undefined) return undefined;
  return { sequence: latest.sequence, hash: stateHash(restoreSnapshot(decodeSnapshot(latest.data))) };
}
