// The projector against PostgreSQL: agreement with the core, exactly-once across a crash, catch-up
// after an overflow or a restart from a snapshot, rebuild, and a checkpoint moved under its feet.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock, Prng } from '@parite/kernel';
import { ExchangeEngine, type ExchangeCommand, type ExchangeState } from '@parite/exchange';
import { MemoryJournal, MemoryJournalStorage, MemorySnapshotStore } from '@parite/journal';
import { committedFromJournal } from '../../src/journal-source.ts';
import { Projector, type ReadCommitted } from '../../src/projector.ts';
import { rebuildProjections } from '../../src/rebuild.ts';
import { CopyRefusedError } from '@parite/platform';
import type { Sql } from '../../src/storage/sql.ts';
import { checkOrdersAgainstCore, coreBalances } from './core-checks.ts';
import { dumpTables, freshDatabase, withDatabase, type TestServer } from './database.ts';
import { FakeEngine } from './fake-engine.ts';
import { MemoryTables } from './memory-tables.ts';
import { countRows, readBalances, readOrderRows } from './table-reads.ts';
import { randomCommand, setupCommands } from './workload.ts';

/** Submits the setup, then `count` random commands in group commits of 20, as clients would. */
async function drive(engine: ExchangeEngine, clock: ManualClock, seed: number, count: number, setup: boolean):
  Promise<void> {
  const prng = new Prng(seed);
  const commands: ExchangeCommand[] = setup ? setupCommands() : [];
  for (let start = 0; start < commands.length; start += 50) await engine.submitMany(commands.slice(start, start + 50));
  for (let index = 0; index < count; index += 20) {
    const group: ExchangeCommand[] = [];
    for (let step = 0; step < 20; step++) group.push(randomCommand(prng, seed * 100_000 + index + step, engine.state));
    clock.advanceMs(3);
    await engine.submitMany(group);
  }
}

/** The tables of a clean projection of `engine`'s journal, in a database of its own. */
async function cleanDump(server: TestServer, engine: FakeEngine): Promise<string> {
  const database = await freshDatabase(server);
  try {
    await rebuildProjections(database.sql, engine.readCommitted);
    return await dumpTables(database.sql);
  } finally {
    await database.drop();
  }
}

async function checkAgainstCore(sql: Sql, engine: { state: ExchangeState }): Promise<void> {
  const state = engine.state;
  assert.deepEqual(await readBalances(sql), coreBalances(state));
  const sums = await sql<{ total: bigint }[]>`select sum(balance_units)::int8 as total from balances group by asset_id`;
  assert.ok(sums.length > 0 && sums.every((row) => row.total === 0n),
    'every asset sums to zero, system accounts included');
  // Pair check: every balance is the sum of its ledger entries.
  const mismatches = await sql`
    with movements as (
      select credit_owner_id as owner_id, asset_id, amount_units as delta from ledger_entries
      union all select debit_owner_id, asset_id, -amount_units from ledger_entries)
    select b.owner_id from balances b
    left join (select owner_id, asset_id, sum(delta) as total from movements group by owner_id, asset_id) m
      using (owner_id, asset_id)
    where b.balance_units <> coalesce(m.total, 0)`;
  assert.equal(mismatches.length, 0, 'balances equal the sums of their entries');
  checkOrdersAgainstCore(state, await readOrderRows(sql));
  assert.equal(await countRows(sql, 'trades'), state.nextTradeId - 1);
  assert.equal(await countRows(sql, 'ledger_postings'), state.nextPostingId - 1);
}

/** Polls (bounded) until the projector's checkpoint reaches `sequence`, without asking it to hurry. */
async function waitForCheckpoint(projector: Projector, sequence: bigint): Promise<void> {
  for (let attempt = 0; attempt < 500 && projector.status().checkpoint < sequence; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.equal(projector.status().checkpoint, sequence);
}

/**
 * Runs a workload after a written batch: its commands wait in the queue for the coalescing window,
 * and a reader waiting for its own writes ends the window: all of it in one transaction.
 */
async function checkWindowHeldUntilReaderWaits(projector: Projector, engine: FakeEngine, seed: number,
  commands: number): Promise<void> {
  const transactionsBefore = projector.status().transactions;
  engine.runWorkload(seed, commands, false);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(projector.status().queuedCommands > 0, true, 'the commands wait for the window');
  assert.equal(projector.status().transactions, transactionsBefore);
  await projector.whenCaughtUp(engine.lastSequence);
  assert.equal(projector.status().transactions, transactionsBefore + 1);
}

/**
 * A real engine (memory journal and snapshots, shared across restarts) with a projector attached and
 * fed by the journal; `readCommitted` wraps the journal source (to count reads).
 */
function engineWithProjector(sql: Sql, stores: { storage: MemoryJournalStorage; snapshots: MemorySnapshotStore;
  clock: ManualClock }, wrap: (source: ReadCommitted) => ReadCommitted = (source) => source) {
  const journal = new MemoryJournal({ storage: stores.storage });
  const engine = new ExchangeEngine({ journal, snapshots: stores.snapshots, clock: stores.clock, snapshotEveryCommands: 150 });
  const projector = new Projector(sql, { readCommitted: wrap(committedFromJournal(journal, { snapshots: stores.snapshots })),
    batchMax: 100 });
  projector.attach(engine);
  return { engine, projector };
}

export function registerProjectorSuite(server: TestServer): void {
  describe('Projector', () => {
    test('projects a workload exactly as the core has it, and as the in-memory model does', async () => {
      await withDatabase(server, async ({ sql }) => {
        const engine = new FakeEngine();
        const projector = new Projector(sql, { readCommitted: engine.readCommitted, batchMax: 300 });
        projector.attach(engine);
        await projector.start();
        engine.runWorkload(21, 1_500);
        await projector.whenCaughtUp(engine.lastSequence);
        assert.equal(await projector.checkpoint(), engine.lastSequence);
        await checkAgainstCore(sql, engine);
        const model = new MemoryTables();
        model.project(engine.journal, 1_000);
        assert.deepEqual(await readOrderRows(sql), [...model.orders.values()].sort((l, r) => l.orderId - r.orderId),
          'the SQL update applies order changes exactly like applyChangeToRow');
        await projector.stop();
        // A rebuild in place gives identical tables.
        const before = await dumpTables(sql);
        const report = await rebuildProjections(sql, engine.readCommitted);
        assert.equal(report.sequence, engine.lastSequence);
        assert.equal(await dumpTables(sql), before);
      });
    });

    test('after a crash it resumes from its checkpoint and projects every command exactly once', async () => {
      await withDatabase(server, async ({ sql }) => {
        const first = new FakeEngine();
        const crashed = new Projector(sql, { readCommitted: first.readCommitted, batchMax: 40 });
        crashed.attach(first);
        await crashed.start();
        first.runWorkload(31, 600);
        const reached = first.lastSequence - 300n;
        await crashed.whenCaughtUp(reached);
        first.runWorkload(32, 300, false);
        await crashed.stop({ drain: false });
        const checkpoint = await crashed.checkpoint();
        // The writer stops after at most the one transaction in flight: the rest was never written.
        assert.ok(checkpoint >= reached && checkpoint < first.lastSequence, `crashed at ${checkpoint}`);
        // The restarted engine replays its whole journal from sequence 1, as after a crash.
        const second = FakeEngine.restarted(first.journal);
        const resumed = new Projector(sql, { readCommitted: second.readCommitted, batchMax: 40 });
        resumed.attach(second);
        await resumed.start();
        second.replay(0n);
        second.runWorkload(33, 400, false);
        await resumed.whenCaughtUp(second.lastSequence);
        await resumed.stop();
        await checkAgainstCore(sql, second);
        assert.equal(await dumpTables(sql), await cleanDump(server, second));
      });
    });

    test('an engine restarted from a snapshot beyond the checkpoint: the hole is read from the journal', async () => {
      await withDatabase(server, async ({ sql }) => {
        const first = new FakeEngine();
        first.runWorkload(41, 300);
        const second = FakeEngine.restarted(first.journal);
        const projector = new Projector(sql, { readCommitted: second.readCommitted, batchMax: 64 });
        projector.attach(second);
        await projector.start();
        second.replay(200n);
        second.runWorkload(42, 200, false);
        await projector.whenCaughtUp(second.lastSequence);
        await projector.stop();
        await checkAgainstCore(sql, second);
      });
    });

    test('an overflowing queue drops live batches and catches up from the journal', async () => {
      await withDatabase(server, async ({ sql }) => {
        const engine = new FakeEngine();
        const projector = new Projector(sql, { readCommitted: engine.readCommitted, queueMax: 30, batchMax: 25 });
        projector.attach(engine);
        await projector.start();
        // Every batch is delivered synchronously, before the writer runs once: the queue must overflow.
        engine.runWorkload(51, 800);
        assert.equal(projector.status().overflowed, true);
        await projector.whenCaughtUp(engine.lastSequence);
        engine.runWorkload(52, 100, false);
        await projector.whenCaughtUp(engine.lastSequence);
        await projector.stop();
        await checkAgainstCore(sql, engine);
      });
    });

    test('a failed transaction loses nothing: the batch is written again after the outage', async () => {
      await withDatabase(server, async ({ sql }) => {
        const engine = new FakeEngine();
        let failuresLeft = 0;
        // An outage at the moment a transaction begins, after the batch was taken from the queue and folded.
        const flaky = new Proxy(sql, {
          get(target, property) {
            if (property === 'begin' && failuresLeft > 0) {
              return () => {
                failuresLeft--;
                return Promise.reject(new Error('connection lost (test)'));
              };
            }
            return Reflect.get(target, property) as unknown;
          },
        });
        const errors: { error: unknown; fatal: boolean }[] = [];
        const projector = new Projector(flaky, { readCommitted: engine.readCommitted, batchMax: 40,
          onError: (error, fatal) => errors.push({ error, fatal }) });
        projector.attach(engine);
        await projector.start();
        engine.runWorkload(81, 200);
        await projector.whenCaughtUp(engine.lastSequence);
        const errorsBefore = errors.length;
        failuresLeft = 2;
        engine.runWorkload(82, 300, false);
        await projector.whenCaughtUp(engine.lastSequence);
        await projector.stop();
        assert.equal(failuresLeft, 0);
        assert.deepEqual(errors.slice(errorsBefore).map((entry) => [String(entry.error), entry.fatal]),
          [['Error: connection lost (test)', false], ['Error: connection lost (test)', false]], 'two outages, both retried');
        await checkAgainstCore(sql, engine);
        assert.equal(await dumpTables(sql), await cleanDump(server, engine));
      });
    });

    test('a row PostgreSQL refuses: one retry with insert statements, which stop the projector with the reason',
      async () => {
        await withDatabase(server, async ({ sql }) => {
          const engine = new FakeEngine();
          const errors: { error: unknown; fatal: boolean }[] = [];
          const projector = new Projector(sql, { readCommitted: engine.readCommitted, batchMax: 40,
            onError: (error, fatal) => errors.push({ error, fatal }) });
          projector.attach(engine);
          await projector.start();
          engine.runWorkload(91, 200);
          await projector.whenCaughtUp(engine.lastSequence);
          const errorsBefore = errors.length;
          // A manual edit: the row of the next order the engine accepts is there already.
          await sql`insert into orders select * from jsonb_populate_record(null::orders,
            (select to_jsonb(o) || jsonb_build_object('order_id', ${engine.state.nextOrderId}::int8) from orders o limit 1))`;
          engine.runWorkload(92, 300, false);
          const failure = await projector.whenCaughtUp(engine.lastSequence).then(() => undefined, (error: unknown) => error);
          await projector.stop();
          assert.equal((failure as { code?: string }).code, '23505', `PostgreSQL's reason: ${String(failure)}`);
          const last = errors[errors.length - 1];
          assert.equal(last?.fatal, true);
          assert.equal(last?.error, failure);
          // The COPY's refusal comes without a reason (sql.ts); the retry with insert statements gives it.
          const earlier = errors.slice(errorsBefore, -1);
          assert.ok(earlier.length <= 1 && earlier.every((entry) => entry.error instanceof CopyRefusedError && !entry.fatal),
            earlier.map((entry) => String(entry.error)).join('; '));
        });
      });

    test('under load it lets the next batch fill for the coalescing window; a waiting reader or a stop cuts it short',
      { timeout: 8_000 }, async () => {
        await withDatabase(server, async ({ sql }) => {
          const engine = new FakeEngine();
          // A window far longer than the test's timeout: only an interruption can end it in time.
          const projector = new Projector(sql, { readCommitted: engine.readCommitted, coalesceMs: 10_000,
            coalesceAfterCommands: 50 });
          projector.attach(engine);
          await projector.start();
          engine.runWorkload(55, 200);
          // Light load before: the first batch is written at once, without anyone waiting for it.
          await waitForCheckpoint(projector, engine.lastSequence);
          assert.ok(projector.status().transactions >= 1);
          // That batch held over 50 commands: load. The next commands wait in the queue for the window.
          await checkWindowHeldUntilReaderWaits(projector, engine, 56, 100);
          // Another window is open now (that batch was large too); a stop drains without waiting it out.
          engine.runWorkload(57, 100, false);
          await projector.stop();
          assert.equal(await projector.checkpoint(), engine.lastSequence);
          await checkAgainstCore(sql, engine);
        });
      });

    test('under light load the next batch waits for the short window; a waiting reader cuts it short',
      { timeout: 8_000 }, async () => {
        await withDatabase(server, async ({ sql }) => {
          const engine = new FakeEngine();
          // Light load throughout (no batch reaches 10,000 commands); a light-load window far longer
          // than the test's timeout, so only an interruption can end it in time.
          const projector = new Projector(sql, { readCommitted: engine.readCommitted, coalesceMs: 10_000,
            coalesceLightLoadMs: 9_000, coalesceAfterCommands: 10_000 });
          projector.attach(engine);
          await projector.start();
          // After a quiet spell the first batch is written at once, without anyone waiting for it.
          engine.runWorkload(58, 20);
          await waitForCheckpoint(projector, engine.lastSequence);
          await checkWindowHeldUntilReaderWaits(projector, engine, 59, 20);
          await projector.stop();
          await checkAgainstCore(sql, engine);
        });
      });

    test('a hole without a readCommitted source stops the projector and rejects its waiters', async () => {
      await withDatabase(server, async ({ sql }) => {
        const first = new FakeEngine();
        first.runWorkload(61, 50);
        const second = FakeEngine.restarted(first.journal);
        const errors: { error: unknown; fatal: boolean }[] = [];
        const projector = new Projector(sql, { onError: (error, fatal) => errors.push({ error, fatal }) });
        projector.attach(second);
        await projector.start();
        const waiting = projector.whenCaughtUp(second.lastSequence);
        second.replay(10n);
        await assert.rejects(waiting, /never arrived and no readCommitted source/);
        assert.equal(projector.status().failed, true);
        assert.equal(errors.length, 1);
        assert.equal(errors[0]?.fatal, true);
        assert.equal(await projector.checkpoint(), 0n);
        await projector.stop();
      });
    });

    test('a journal source that lags behind the engine is retried, not spun on and not fatal', async () => {
      await withDatabase(server, async ({ sql }) => {
        const first = new FakeEngine();
        first.runWorkload(65, 50);
        const second = FakeEngine.restarted(first.journal);
        let reported: (error: unknown) => void = () => {};
        const retried = new Promise<unknown>((resolve) => { reported = resolve; });
        const projector = new Projector(sql, {
          readCommitted: async function* lagging() { /* yields nothing: behind the engine */ },
          onError: (error, fatal) => { if (!fatal) reported(error); },
        });
        projector.attach(second);
        await projector.start();
        second.replay(10n);
        assert.match(String(await retried), /readCommitted returned nothing after 0/);
        assert.equal(projector.status().failed, false);
        await projector.stop();
        assert.equal(await projector.checkpoint(), 0n);
      });
    });

    test('with the real engine and journal: a restart from a snapshot past the checkpoint catches up', async () => {
      await withDatabase(server, async ({ sql }) => {
        const storage = new MemoryJournalStorage();
        const snapshots = new MemorySnapshotStore();
        const clock = new ManualClock(1_700_000_000_000);
        const open = () => engineWithProjector(sql, { storage, snapshots, clock });
        const first = open();
        await first.engine.start();
        await first.projector.start();
        await drive(first.engine, clock, 91, 400, true);
        await first.projector.whenCaughtUp(first.engine.lastAppliedSequence);
        // The projector crashes; the engine goes on, then stops with a final snapshot at its last sequence.
        await first.projector.stop({ drain: false });
        await drive(first.engine, clock, 92, 300, false);
        await first.engine.stop();
        const last = first.engine.lastAppliedSequence;
        assert.ok(await first.projector.checkpoint() < last);
        assert.equal(snapshots.snapshots.at(-1)?.sequence, last, 'the engine restarts past the checkpoint');
        // No command follows the restart: only the projector's own catch-up can close the hole.
        const second = open();
        await second.engine.start();
        await second.projector.start();
        await second.projector.whenCaughtUp(last);
        await second.projector.stop();
        await checkAgainstCore(sql, second.engine);
        await second.engine.stop();
      });
    });

    test('a restart whose start-up replay reaches back to the checkpoint reads nothing from the journal', async () => {
      await withDatabase(server, async ({ sql }) => {
        const storage = new MemoryJournalStorage();
        const snapshots = new MemorySnapshotStore();
        const clock = new ManualClock(1_700_000_000_000);
        let journalReads = 0;
        const open = () => engineWithProjector(sql, { storage, snapshots, clock }, (source) => (after) => {
          journalReads++;
          return source(after);
        });
        const first = open();
        await first.engine.start();
        await first.projector.start();
        await drive(first.engine, clock, 93, 400, true);
        await first.projector.whenCaughtUp(first.engine.lastAppliedSequence);
        // The projector stops behind the engine; the engine crashes (no final snapshot), so its
        // latest snapshot is at or before the checkpoint and its restart replays past it.
        await first.projector.stop({ drain: false });
        const checkpoint = await first.projector.checkpoint();
        await drive(first.engine, clock, 94, 120, false);
        const last = first.engine.lastAppliedSequence;
        const snapshot = snapshots.snapshots.at(-1)?.sequence ?? 0n;
        assert.ok(snapshot <= checkpoint && checkpoint < last, `snapshot ${snapshot}, checkpoint ${checkpoint}, last ${last}`);
        journalReads = 0;
        const second = open();
        await second.engine.start();
        await second.projector.start();
        await second.projector.whenCaughtUp(last);
        assert.equal(journalReads, 0, 'the queued start-up replay covers everything after the checkpoint');
        await second.projector.stop();
        await checkAgainstCore(sql, second.engine);
        await second.engine.stop();
      });
    });

    test('a rebuild under a running projector: it notices the moved checkpoint and continues from it', async () => {
      await withDatabase(server, async ({ sql }) => {
        const engine = new FakeEngine();
        const errors: unknown[] = [];
        const projector = new Projector(sql, { readCommitted: engine.readCommitted, batchMax: 50,
          onError: (error) => errors.push(error) });
        projector.attach(engine);
        await projector.start();
        engine.runWorkload(71, 300);
        await projector.whenCaughtUp(engine.lastSequence);
        // The rebuild sees commands the projector has not received yet, so it ends past its checkpoint.
        engine.paused = true;
        engine.runWorkload(72, 100, false);
        await rebuildProjections(sql, engine.readCommitted);
        engine.paused = false;
        engine.runWorkload(73, 100, false);
        await projector.whenCaughtUp(engine.lastSequence);
        await projector.stop();
        assert.ok(errors.some((error) => error instanceof Error && error.name === 'CheckpointMovedError'));
        await checkAgainstCore(sql, engine);
        assert.equal(await dumpTables(sql), await cleanDump(server, engine));
      });
    });
  });
}
