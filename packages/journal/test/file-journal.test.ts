// File journal recovery: every way the tail of the last segment can be torn is recovered to the
// acknowledged prefix, and damage to acknowledged records is refused, never skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants } from 'node:fs';
import { mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileJournal, JournalCorruptError, type JournalEntry, type JournalLimits } from '../src/index.ts';
import { readAll } from './journal-contract.ts';

const payloadBytes = 40;
const recordBytes = 28 + payloadBytes;

function fixedEntry(index: number): JournalEntry {
  const payload = Buffer.alloc(payloadBytes, index % 251);
  payload.write(`record-${index}`);
  return { timestampMs: 1_000 + index, payload };
}

async function withDirectory(body: (directory: string) => Promise<void>): Promise<void> {
  const directory = await mkdtemp(join(tmpdir(), 'parite-file-journal-'));
  try {
    await body(directory);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** Appends `count` fixed entries, one flush each, and returns the bytes of the only segment. */
async function writeSeparateFlushes(directory: string, count: number): Promise<Buffer> {
  const journal = new FileJournal({ directory });
  await journal.open();
  for (let index = 0; index < count; index++) await journal.append([fixedEntry(index)]);
  await journal.close();
  return readFile(segmentPath(directory, 1n));
}

function segmentPath(directory: string, firstSequence: bigint): string {
  return join(directory, 'segments', `${firstSequence.toString().padStart(20, '0')}.seg`);
}

async function reopenAndCheck(directory: string, expectedLast: bigint, limits?: Partial<JournalLimits>): Promise<void> {
  const journal = new FileJournal({ directory, limits });
  await journal.open();
  assert.equal(journal.lastSequence, expectedLast);
  const records = (await readAll(journal)).flat();
  assert.equal(records.length, Number(expectedLast));
  for (const [index, record] of records.entries()) {
    assert.deepEqual(Buffer.from(record.payload), fixedEntry(index).payload);
  }
  assert.equal(await journal.append([fixedEntry(Number(expectedLast))]), expectedLast + 1n, 'appends continue after recovery');
  await journal.close();
}

test('file journal: a tail torn at any byte of the last record recovers the previous records', () => withDirectory(async (directory) => {
  const original = await writeSeparateFlushes(directory, 5);
  assert.equal(original.byteLength, 5 * recordBytes);
  const lastRecordOffset = 4 * recordBytes;
  for (let cut = lastRecordOffset; cut < original.byteLength; cut++) {
    await writeFile(segmentPath(directory, 1n), original.subarray(0, cut));
    await reopenAndCheck(directory, 4n);
  }
}));

test('file journal: zeros after the last record (a size extended before its data) are truncated', () => withDirectory(async (directory) => {
  const original = await writeSeparateFlushes(directory, 3);
  await writeFile(segmentPath(directory, 1n), Buffer.concat([original, Buffer.alloc(4096)]));
  await reopenAndCheck(directory, 3n);
}));

test('file journal: a flipped byte anywhere in the last record truncates that record', () => withDirectory(async (directory) => {
  const original = await writeSeparateFlushes(directory, 5);
  for (let position = 4 * recordBytes; position < original.byteLength; position++) {
    const damaged = Buffer.from(original);
    damaged[position] = (damaged[position] ?? 0) ^ 0x40;
    await writeFile(segmentPath(directory, 1n), damaged);
    await reopenAndCheck(directory, 4n);
  }
}));

test('file journal: a flipped byte anywhere in an acknowledged middle record is fatal', () => withDirectory(async (directory) => {
  const original = await writeSeparateFlushes(directory, 5);
  for (let position = 2 * recordBytes; position < 3 * recordBytes; position++) {
    const damaged = Buffer.from(original);
    damaged[position] = (damaged[position] ?? 0) ^ 0x01;
    await writeFile(segmentPath(directory, 1n), damaged);
    const journal = new FileJournal({ directory });
    await assert.rejects(journal.open(), JournalCorruptError, `byte ${position}`);
    await journal.close();
  }
}));

const tornFlushName = 'file journal: damage inside a torn last flush is truncated even when later records of it are intact';
test(tornFlushName, () => withDirectory(async (directory) => {
  const journal = new FileJournal({ directory });
  await journal.open();
  await journal.append([fixedEntry(0)]);
  await journal.append([fixedEntry(1)]);
  await journal.append([2, 3, 4, 5].map(fixedEntry)); // one flush; its pages may land in any order
  await journal.close();
  const damaged = await readFile(segmentPath(directory, 1n));
  const position = 3 * recordBytes + 30; // record 4 of 6, inside the last flush
  damaged[position] = (damaged[position] ?? 0) ^ 0xff;
  await writeFile(segmentPath(directory, 1n), damaged);
  await reopenAndCheck(directory, 3n);
}));

const smallSegments = { limits: { payloadBytesMax: 64, flushBytesMax: 256 }, segmentBytesMax: 512 };

test('file journal: segments roll at segmentBytesMax and reads cross them', () => withDirectory(async (directory) => {
  const journal = new FileJournal({ directory, ...smallSegments });
  await journal.open();
  for (let index = 0; index < 40; index += 2) await journal.append([fixedEntry(index), fixedEntry(index + 1)]);
  assert.ok(journal.segmentCount >= 5, `${journal.segmentCount} segments`);
  const batches = await readAll(journal, 5n, 7);
  assert.deepEqual(batches.map((batch) => batch.length), [7, 7, 7, 7, 7]);
  assert.deepEqual(batches.flat().map((record) => record.sequence), Array.from({ length: 35 }, (_, index) => BigInt(index + 6)));
  await journal.close();
  for (const name of await readdir(join(directory, 'segments'))) {
    assert.ok((await readFile(join(directory, 'segments', name))).byteLength <= smallSegments.segmentBytesMax);
  }
  await reopenAndCheck(directory, 40n, smallSegments.limits);
}));

test('file journal: damage at the end of a segment that is not the last is fatal', () => withDirectory(async (directory) => {
  const journal = new FileJournal({ directory, ...smallSegments });
  await journal.open();
  for (let index = 0; index < 20; index++) await journal.append([fixedEntry(index)]);
  await journal.close();
  const names = (await readdir(join(directory, 'segments'))).sort();
  const firstSegment = join(directory, 'segments', names[0] ?? '');
  const bytes = await readFile(firstSegment);
  await writeFile(firstSegment, bytes.subarray(0, bytes.byteLength - 1));
  await assert.rejects(new FileJournal({ directory, ...smallSegments }).open(), JournalCorruptError);
}));

test('file journal: a missing middle segment is fatal', () => withDirectory(async (directory) => {
  const journal = new FileJournal({ directory, ...smallSegments });
  await journal.open();
  for (let index = 0; index < 30; index++) await journal.append([fixedEntry(index)]);
  await journal.close();
  const names = (await readdir(join(directory, 'segments'))).sort();
  assert.ok(names.length >= 3);
  await rm(join(directory, 'segments', names[1] ?? ''));
  await assert.rejects(new FileJournal({ directory, ...smallSegments }).open(), JournalCorruptError);
}));

test('file journal: reads that start deep inside a large segment begin at the right record', () => withDirectory(async (directory) => {
  const journal = new FileJournal({ directory });
  await journal.open();
  for (let start = 0; start < 5000; start += 1000) {
    await journal.append(Array.from({ length: 1000 }, (_, offset) => fixedEntry(start + offset)));
  }
  const records = (await readAll(journal, 3071n, 1000)).flat();
  assert.equal(records.length, 5000 - 3071);
  assert.equal(records[0]?.sequence, 3072n);
  assert.deepEqual(Buffer.from(records[0]?.payload ?? []), fixedEntry(3071).payload);
  await journal.close();
  await reopenAndCheck(directory, 5000n);
}));

/** The open flags (octal, from /proc/self/fdinfo) of this process's descriptors on `path`. */
async function openFlagsOf(path: string): Promise<number[]> {
  const flags: number[] = [];
  for (const descriptor of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${descriptor}`).catch(() => undefined);
    if (target !== path) continue;
    const info = await readFile(`/proc/self/fdinfo/${descriptor}`, 'utf8').catch(() => '');
    const match = /^flags:\s+([0-7]+)$/m.exec(info);
    if (match?.[1] !== undefined) flags.push(Number.parseInt(match[1], 8));
  }
  return flags;
}

test('segments are written with O_DSYNC: a flush is durable when its write returns, new and reopened segments alike',
  { skip: process.platform !== 'linux' && 'reads /proc/self/fdinfo' }, async () => {
    await withDirectory(async (directory) => {
      const journal = new FileJournal({ directory });
      await journal.open();
      await journal.append([fixedEntry(0)]);
      const created = await openFlagsOf(segmentPath(directory, 1n));
      assert.equal(created.length, 1, 'the writer holds the segment open once');
      assert.equal((created[0] as number) & constants.O_DSYNC, constants.O_DSYNC);
      await journal.close();
      const reopened = new FileJournal({ directory });
      await reopened.open();
      await reopened.append([fixedEntry(1)]);
      const flags = await openFlagsOf(segmentPath(directory, 1n));
      assert.equal(flags.length, 1);
      assert.equal((flags[0] as number) & constants.O_DSYNC, constants.O_DSYNC);
      await reopened.close();
      await reopenAndCheck(directory, 2n);
    });
  });
