// Snapshot stores: the newest intact snapshot wins, a damaged one falls back to an older one, and
// only the last snapshotsRetainedMax are kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ensureJournalSchema,
  FileSnapshotStore,
  MemorySnapshotStore,
  PostgresSnapshotStore,
  type SnapshotStore,
} from '../src/index.ts';
import { decodeSnapshot, encodeSnapshotHeader, snapshotHashSliceBytes } from '../src/snapshot-format.ts';
import { freshDatabase, realServices } from './real-services.ts';

const state = (sequence: number): Uint8Array => new TextEncoder().encode(`state at ${sequence}: ${'s'.repeat(sequence)}`);

async function assertLatest(store: SnapshotStore, sequence: number): Promise<void> {
  const latest = await store.loadLatest();
  assert.equal(latest?.sequence, BigInt(sequence));
  assert.deepEqual(Buffer.from(latest?.data ?? []), Buffer.from(state(sequence)));
}

async function withDirectory(body: (directory: string) => Promise<void>): Promise<void> {
  const directory = await mkdtemp(join(tmpdir(), 'parite-snapshots-'));
  try {
    await body(join(directory, 'snapshots'));
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

const snapshotFile = (directory: string, sequence: number): string => join(directory, `${String(sequence).padStart(20, '0')}.snap`);

test('file snapshots: none at first, then the latest', () => withDirectory(async (directory) => {
  const store = new FileSnapshotStore({ directory });
  assert.equal(await store.loadLatest(), undefined);
  for (const sequence of [10, 20, 30]) await store.save(BigInt(sequence), state(sequence));
  await assertLatest(store, 30);
  await assertLatest(new FileSnapshotStore({ directory }), 30);
}));

test('file snapshots: a damaged or truncated newest snapshot falls back to the previous one', () => withDirectory(async (directory) => {
  const corrupt: string[] = [];
  const store = new FileSnapshotStore({ directory, onCorrupt: (location) => corrupt.push(location) });
  for (const sequence of [10, 20, 30]) await store.save(BigInt(sequence), state(sequence));
  const newest = await readFile(snapshotFile(directory, 30));
  newest[newest.byteLength - 3] = (newest[newest.byteLength - 3] ?? 0) ^ 0x10;
  await writeFile(snapshotFile(directory, 30), newest);
  await assertLatest(store, 20);
  assert.deepEqual(corrupt, [snapshotFile(directory, 30)]);
  const second = await readFile(snapshotFile(directory, 20));
  await writeFile(snapshotFile(directory, 20), second.subarray(0, second.byteLength - 1));
  await assertLatest(store, 10);
}));

test('file snapshots: only the last snapshotsRetainedMax are kept, and stale temporary files go', () => withDirectory(async (directory) => {
  const store = new FileSnapshotStore({ directory, snapshotsRetainedMax: 2 });
  await store.save(1n, state(1));
  await writeFile(join(directory, `${'9'.padStart(20, '0')}.snap.tmp`), 'a save that crashed before its rename');
  for (const sequence of [2, 3, 4, 5]) await store.save(BigInt(sequence), state(sequence));
  assert.deepEqual((await readdir(directory)).sort(), [4, 5].map((sequence) => `${String(sequence).padStart(20, '0')}.snap`));
  await assertLatest(store, 5);
}));

test('memory snapshots: latest and retention', async () => {
  const store = new MemorySnapshotStore(2);
  assert.equal(await store.loadLatest(), undefined);
  for (const sequence of [3, 1, 2]) await store.save(BigInt(sequence), state(sequence));
  await assertLatest(store, 3);
  assert.deepEqual(store.snapshots.map((snapshot) => snapshot.sequence), [2n, 3n]);
});

if (realServices) {
  const withDatabase = async (body: (sql: Awaited<ReturnType<typeof freshDatabase>>['sql']) => Promise<void>) => {
    const { sql, drop } = await freshDatabase();
    try {
      await ensureJournalSchema(sql);
      await body(sql);
    } finally {
      await drop();
    }
  };
  const chunkCount = async (sql: Awaited<ReturnType<typeof freshDatabase>>['sql']) =>
    Number((await sql`select count(*)::int as count from snapshots_chunks`)[0]?.count);

  test('postgres snapshots: latest, damaged newest falls back, retention (with their chunks)', () => withDatabase(async (sql) => {
    const corrupt: string[] = [];
    const store = new PostgresSnapshotStore({ sql, snapshotsRetainedMax: 3, chunkBytes: 4,
      onCorrupt: (location) => corrupt.push(location) });
    assert.equal(await store.loadLatest(), undefined);
    for (const sequence of [1, 2, 3, 4, 5]) await store.save(BigInt(sequence), state(sequence));
    await assertLatest(store, 5);
    const rows = await sql`select sequence::text as sequence_text from snapshots order by sequence`;
    assert.deepEqual(rows.map((row) => row.sequence_text), ['3', '4', '5']);
    const expectedChunks = [3, 4, 5].reduce((total, sequence) => total + Math.ceil(state(sequence).byteLength / 4), 0);
    assert.equal(await chunkCount(sql), expectedChunks, 'the dropped snapshots\' chunks went with them');
    await sql`update snapshots_chunks set data = ${Buffer.from([0xde, 0xad, 0xbe, 0xef])} where sequence = 5 and chunk_index = 2`;
    await assertLatest(store, 4);
    assert.deepEqual(corrupt, ['snapshots#5']);
  }));

  test('postgres snapshots: a snapshot of many chunks round-trips; a missing chunk falls back; a repeated save replaces', () =>
    withDatabase(async (sql) => {
      const reasons: string[] = [];
      const store = new PostgresSnapshotStore({ sql, chunkBytes: 1000, onCorrupt: (_, reason) => reasons.push(reason) });
      const big = (seed: number) => new Uint8Array(25_500).map((_, index) => (index * seed) % 251);
      await store.save(7n, big(3));
      await store.save(8n, big(5));
      assert.equal(await chunkCount(sql), 52, 'two snapshots of 26 chunks, the last one short');
      const latest = await store.loadLatest();
      assert.equal(latest?.sequence, 8n);
      assert.equal(Buffer.compare(Buffer.from(latest?.data ?? []), Buffer.from(big(5))), 0);
      await sql`delete from snapshots_chunks where sequence = 8 and chunk_index = 17`;
      const fallback = await store.loadLatest();
      assert.equal(fallback?.sequence, 7n);
      assert.equal(Buffer.compare(Buffer.from(fallback?.data ?? []), Buffer.from(big(3))), 0);
      assert.deepEqual(reasons, ['chunks 16-23: 7 of 8 present']);
      await store.save(8n, big(11));
      assert.equal(await chunkCount(sql), 52, 'the repeated save replaced the earlier one\'s chunks');
      assert.equal(Buffer.compare(Buffer.from((await store.loadLatest())?.data ?? []), Buffer.from(big(11))), 0);
      await store.save(9n, new Uint8Array(0));
      assert.equal((await store.loadLatest())?.data.byteLength, 0, 'an empty state is a snapshot of no chunks');
    }));

  test('postgres snapshots: a table from before chunks is migrated and its rows (the data inline) still load', async () => {
    const { sql, drop } = await freshDatabase();
    try {
      await sql`create table snapshots (sequence bigint primary key check (sequence >= 0), data bytea not null, checksum text not null)`;
      const data = Buffer.from(state(6));
      await sql`insert into snapshots (sequence, data, checksum) values (6, ${data}, ${createHash('sha256').update(data).digest('hex')})`;
      await ensureJournalSchema(sql);
      const store = new PostgresSnapshotStore({ sql, chunkBytes: 5 });
      await assertLatest(store, 6);
      await store.save(7n, state(7));
      await assertLatest(store, 7);
    } finally {
      await drop();
    }
  });
}

test('a large snapshot\'s digest is computed in slices, and the file is the same as one hashed at once', async () => {
  const data = new Uint8Array(2 * snapshotHashSliceBytes + 12_345).map((_, index) => index % 251);
  let yields = 0;
  const header = await encodeSnapshotHeader(77n, data, async () => {
    yields++;
  });
  assert.equal(yields, 3, 'one yield per slice');
  const expected = createHash('sha256').update(header.subarray(0, 24)).update(data).digest();
  assert.deepEqual(header.subarray(24), expected);
  const decoded = decodeSnapshot(Buffer.concat([header, data]));
  assert.ok(typeof decoded !== 'string', String(decoded));
  assert.equal(decoded.sequence, 77n);
  assert.equal(Buffer.compare(Buffer.from(decoded.data), Buffer.from(data)), 0);
});
