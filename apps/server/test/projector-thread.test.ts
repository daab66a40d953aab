// The projector in its own thread (PARITE_PROJECTOR_THREAD=true): it follows the file journal
// from the engine's durable flushes, writes the same read models as the projector on the engine's
// thread, and after a restart resumes from its checkpoint.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as setTimeoutPromise } from 'node:timers/promises';
import { ProjectorThread } from '../src/projector-thread/host.ts';
import { platformStateHash, startTestPlatform, type TestPlatform } from './support/platform-harness.ts';

const threadEnvironment = { PARITE_PROJECTOR_THREAD: 'true' };

async function trade(harness: TestPlatform, clientOrderId: string): Promise<void> {
  const ask = await harness.request('alice', 'POST', '/v1/orders', { symbol: 'BTC-TRY', side: 'sell', type: 'limit',
    price: '3900000', quantity: '0.01', clientOrderId });
  assert.equal(ask.status, 201, JSON.stringify(ask.body));
  const bid = await harness.request('bob', 'POST', '/v1/orders', { symbol: 'BTC-TRY', side: 'buy', type: 'limit',
    price: '3900000', quantity: '0.01' });
  assert.equal(bid.status, 201, JSON.stringify(bid.body));
}

async function projectedState(harness: TestPlatform): Promise<{ trades: number; checkpoint: bigint; bobTry: bigint }> {
  const sql = harness.platform.database.sql;
  const [trades] = await sql<{ count: string }[]>`select count(*)::text as count from trades`;
  const [checkpoint] = await sql<{ sequence: bigint }[]>`
    select sequence from projection_checkpoints where name = 'exchange'`;
  const [balance] = await sql<{ units: bigint }[]>`
    select balance_units as units from balances where owner_id = ${harness.users['bob']?.userId ?? 0} and asset_id = 1`;
  return { trades: Number(trades?.count ?? 0), checkpoint: checkpoint?.sequence ?? 0n, bobTry: balance?.units ?? 0n };
}

test('the projector thread writes the read models from the journal and resumes after a restart', { timeout: 120_000 }, async () => {
  const first = await startTestPlatform({ environment: threadEnvironment });
  const dataDirectory = first.dataDirectory;
  try {
    assert.ok(first.platform.projector instanceof ProjectorThread, 'the projector runs in its own thread');
    await trade(first, 'thread-1');
    await first.platform.projectionsCaughtUp();
    const history = await first.request('bob', 'GET', '/v1/trades/history');
    assert.equal((history.body as { items: unknown[] }).items.length, 1);
    const projected = await projectedState(first);
    assert.equal(projected.trades, 1);
    assert.equal(projected.checkpoint, first.platform.engine.lastAppliedSequence);
    assert.equal(projected.bobTry, first.platform.engine.state.ledger.peek(first.users['bob']?.userId ?? 0, 1)?.balanceUnits);
    const ready = await first.request(undefined, 'GET', '/readyz');
    assert.equal((ready.body as { projections: string }).projections, 'ok');
  } finally {
    // Stopped, not removed: the second platform starts on the same journal and database.
    await first.platform.close();
  }
  // The same journal and the same database (on the real server, the first platform's own).
  const second = await startTestPlatform({ environment: { ...threadEnvironment, PARITE_DATA_DIR: dataDirectory,
    ...(process.env['DATABASE_URL'] === undefined ? {} : { DATABASE_URL: first.platform.database.url }) } });
  try {
    await trade(second, 'thread-2');
    await second.platform.projectionsCaughtUp();
    const projected = await projectedState(second);
    assert.equal(projected.trades, 2);
    assert.equal(projected.checkpoint, second.platform.engine.lastAppliedSequence);
    assert.equal(projected.bobTry, second.platform.engine.state.ledger.peek(second.users['bob']?.userId ?? 0, 1)?.balanceUnits);
    const orders = await second.request('alice', 'GET', '/v1/orders/history');
    const ids = (orders.body as { items: { clientOrderId?: string }[] }).items.map((order) => order.clientOrderId).sort();
    assert.deepEqual(ids.filter((id) => id?.startsWith('thread-')), ['thread-1', 'thread-2']);
  } finally {
    await second.stop();
    await first.dispose();
  }
});

test('past its lag bound the thread is handed only the durable sequence and reads the records from the journal',
  { timeout: 120_000 }, async () => {
    // A bound of 0: every hand-over after the first status (checkpoint behind the engine) carries no payloads.
    const harness = await startTestPlatform({ environment: threadEnvironment, projectorHandoffLagCommandsMax: 0 });
    try {
      const thread = harness.platform.projector;
      assert.ok(thread instanceof ProjectorThread);
      for (let index = 0; index < 5; index++) await trade(harness, `lagging-${index}`);
      await harness.platform.projectionsCaughtUp();
      const counts = thread.handoffCounts();
      assert.ok(counts.durableOnly > 0, JSON.stringify(counts));
      assert.equal(counts.records, 0, 'no hand-over carried payloads');
      const projected = await projectedState(harness);
      assert.equal(projected.trades, 5);
      assert.equal(projected.checkpoint, harness.platform.engine.lastAppliedSequence);
      assert.equal(projected.bobTry, harness.platform.engine.state.ledger.peek(harness.users['bob']?.userId ?? 0, 1)?.balanceUnits);
    } finally {
      await harness.stop();
    }
  });

test('within its lag bound the thread is handed the payloads', { timeout: 120_000 }, async () => {
  const harness = await startTestPlatform({ environment: threadEnvironment });
  try {
    const thread = harness.platform.projector;
    assert.ok(thread instanceof ProjectorThread);
    await trade(harness, 'close-behind');
    await harness.platform.projectionsCaughtUp();
    const counts = thread.handoffCounts();
    assert.ok(counts.records > 0, JSON.stringify(counts));
    assert.equal(counts.durableOnly, 0);
    assert.equal((await projectedState(harness)).trades, 1);
  } finally {
    await harness.stop();
  }
});

/** Sequences of the snapshots on disk (FileSnapshotStore's <sequence>.snap names), ascending. */
function snapshotSequences(dataDirectory: string): bigint[] {
  const directory = join(dataDirectory, 'snapshots');
  if (!existsSync(directory)) return [];
  return readdirSync(directory).filter((name) => name.endsWith('.snap')).map((name) => BigInt(name.slice(0, -'.snap'.length)))
    .sort((left, right) => (left < right ? -1 : left > right ? 1 : 0));
}

test('the thread takes the engine\'s snapshots from its replica, and a restart recovers from them', { timeout: 120_000 }, async () => {
  // The engine runs with snapshotsByFollower: every snapshot on disk is the thread's.
  const first = await startTestPlatform({ environment: threadEnvironment, snapshotEveryCommands: 5 });
  const dataDirectory = first.dataDirectory;
  let expectedHash: string;
  let expectedSequence: bigint;
  try {
    for (let index = 0; index < 6; index++) await trade(first, `snap-${index}`);
    await first.platform.projectionsCaughtUp();
    // Periodic ones while running (the thread writes them after its batch, asynchronously).
    const deadline = Date.now() + 10_000;
    while (snapshotSequences(dataDirectory).length === 0 && Date.now() < deadline) await setTimeoutPromise(20);
    const running = snapshotSequences(dataDirectory);
    assert.ok(running.length > 0, 'a periodic snapshot was written while running');
    assert.ok((running.at(-1) as bigint) <= first.platform.engine.lastAppliedSequence);
    expectedHash = platformStateHash(first.platform);
    expectedSequence = first.platform.engine.lastAppliedSequence;
  } finally {
    await first.platform.close();
  }
  // The final one, written by the thread after it drained: at the engine's last command.
  assert.equal(snapshotSequences(dataDirectory).at(-1), expectedSequence);
  const second = await startTestPlatform({ environment: { ...threadEnvironment, PARITE_DATA_DIR: dataDirectory,
    ...(process.env['DATABASE_URL'] === undefined ? {} : { DATABASE_URL: first.platform.database.url }) } });
  try {
    assert.equal(second.platform.engine.lastAppliedSequence, expectedSequence);
    assert.equal(platformStateHash(second.platform), expectedHash);
    await trade(second, 'snap-after');
    await second.platform.projectionsCaughtUp();
    assert.equal((await projectedState(second)).trades, 7);
  } finally {
    await second.stop();
    await first.dispose();
  }
});
