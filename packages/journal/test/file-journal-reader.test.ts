// The read-only file journal reader: it opens a directory a live writer holds, changes nothing in
// it (not even the lock), takes a torn tail as the end without cutting it, refuses damage before
// the tail, follows appends, and refuses to append itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { AssertionError } from '@parite/kernel';
import {
  FileJournal, FileJournalReader, JournalCorruptError, writerLockFileName, type JournalEntry, type JournalRecord,
} from '../src/index.ts';
import { SegmentCursor } from '../src/segment-files.ts';
import { crashEntry, crashJournalOptions } from './crash-workload.ts';
import { readAll } from './journal-contract.ts';

const payloadBytes = 40;
const recordBytes = 28 + payloadBytes;
const smallSegments = { limits: { payloadBytesMax: 64, flushBytesMax: 256 }, segmentBytesMax: 512 };

function fixedEntry(index: number): JournalEntry {
  const payload = Buffer.alloc(payloadBytes, index % 251);
  payload.write(`record-${index}`);
  return { timestampMs: 1_000 + index, payload };
}

function assertFixedRecords(records: readonly JournalRecord[], firstSequence: bigint): void {
  for (const [offset, record] of records.entries()) {
    const sequence = firstSequence + BigInt(offset);
    assert.equal(record.sequence, sequence);
    assert.equal(record.timestampMs, fixedEntry(Number(sequence) - 1).timestampMs);
    assert.deepEqual(Buffer.from(record.payload), fixedEntry(Number(sequence) - 1).payload);
  }
}

async function withDirectory(body: (directory: string) => Promise<void>): Promise<void> {
  const directory = await mkdtemp(join(tmpdir(), 'parite-journal-reader-'));
  try {
    await body(directory);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

function segmentPath(directory: string, firstSequence: bigint): string {
  return join(directory, 'segments', `${firstSequence.toString().padStart(20, '0')}.seg`);
}

/** Appends `count` fixed entries, one flush each, closes, and returns the bytes of the only segment. */
async function writeSeparateFlushes(directory: string, count: number): Promise<Buffer> {
  const journal = new FileJournal({ directory });
  await journal.open();
  for (let index = 0; index < count; index++) await journal.append([fixedEntry(index)]);
  await journal.close();
  return readFile(segmentPath(directory, 1n));
}

async function openReader(directory: string, limits?: FileJournalReaderLimits): Promise<FileJournalReader> {
  const reader = new FileJournalReader({ directory, limits });
  await reader.open();
  return reader;
}
type FileJournalReaderLimits = ConstructorParameters<typeof FileJournalReader>[0]['limits'];

/** Every file and directory under `directory` with its size, mtime and ctime: what a write would change. */
async function directoryState(directory: string): Promise<Map<string, string>> {
  const state = new Map<string, string>();
  const pending = [directory];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    for (const entry of await readdir(next, { withFileTypes: true })) {
      const path = join(next, entry.name);
      const { size, mtimeMs, ctimeMs, ino } = await stat(path);
      state.set(path.slice(directory.length), `ino ${ino} size ${size} mtime ${mtimeMs} ctime ${ctimeMs}`);
      if (entry.isDirectory()) pending.push(path);
    }
  }
  const top = await stat(directory);
  state.set('.', `mtime ${top.mtimeMs} ctime ${top.ctimeMs}`);
  return state;
}

test('reader: opens a directory whose writer is open and holds the lock, and changes nothing in it', () => withDirectory(async (directory) => {
  const writer = new FileJournal({ directory });
  await writer.open();
  for (let index = 0; index < 10; index += 2) await writer.append([fixedEntry(index), fixedEntry(index + 1)]);
  const lock = await readFile(join(directory, writerLockFileName), 'utf8');
  const before = await directoryState(directory);

  const reader = await openReader(directory);
  assert.equal(reader.lastSequence, 10n);
  const records = (await readAll(reader)).flat();
  assert.equal(records.length, 10);
  assertFixedRecords(records, 1n);
  assertFixedRecords((await readAll(reader, 7n, 2)).flat(), 8n);
  assert.equal(await reader.refresh(), 10n);
  assert.deepEqual(reader.metrics(), { flushCount: 0, flushedEntryCount: 0, pendingEntryCount: 0, lastEnqueuedSequence: 10n, lastSequence: 10n });
  await reader.close();

  assert.deepEqual(await directoryState(directory), before, 'no file was created, written, truncated or removed');
  assert.equal(await readFile(join(directory, writerLockFileName), 'utf8'), lock, 'the writer still holds its lock');
  assert.equal(await writer.append([fixedEntry(10)]), 11n, 'the writer goes on');
  await writer.close();
}));

test('reader: a lock of any owner is ignored, and a writer can open while a reader is open', () => withDirectory(async (directory) => {
  await writeSeparateFlushes(directory, 3);
  await writeFile(join(directory, writerLockFileName), JSON.stringify({ pid: 1, host: 'another-host', startedAtMs: 0 }));
  const reader = await openReader(directory);
  assert.equal(reader.lastSequence, 3n);
  await rm(join(directory, writerLockFileName));
  const writer = new FileJournal({ directory });
  await writer.open();
  assert.equal(await writer.append([fixedEntry(3)]), 4n);
  assertFixedRecords((await readAll(reader)).flat(), 1n);
  assert.equal(reader.lastSequence, 4n);
  await writer.close();
  await reader.close();
}));

test('reader: refuses enqueue and append with a clear error', () => withDirectory(async (directory) => {
  await writeSeparateFlushes(directory, 1);
  const before = await directoryState(directory);
  const reader = await openReader(directory);
  assert.throws(() => reader.enqueue([fixedEntry(1)]), (error: unknown) => error instanceof AssertionError && /read-only/.test(error.message));
  await assert.rejects(reader.append([fixedEntry(1)]), (error: unknown) => error instanceof AssertionError && /read-only/.test(error.message));
  assert.equal(reader.lastSequence, 1n);
  assert.equal(reader.lastEnqueuedSequence, 1n);
  await reader.close();
  assert.deepEqual(await directoryState(directory), before);
}));

test('reader: a directory no writer has opened yet is an empty journal, and nothing is created', () => withDirectory(async (directory) => {
  const missing = join(directory, 'journal');
  const reader = await openReader(missing);
  assert.equal(reader.lastSequence, 0n);
  assert.deepEqual(await readAll(reader), []);
  assert.equal(existsSync(missing), false);
  const writer = new FileJournal({ directory: missing });
  await writer.open();
  await writer.append([fixedEntry(0), fixedEntry(1)]);
  assertFixedRecords((await readAll(reader)).flat(), 1n);
  await writer.close();
  await reader.close();
}));

test('reader: a tail torn at any byte of the last record is the end, and is left as it is', () => withDirectory(async (directory) => {
  const original = await writeSeparateFlushes(directory, 5);
  const path = segmentPath(directory, 1n);
  await writeFile(path, original.subarray(0, 4 * recordBytes));
  const follower = await openReader(directory); // one reader watching the last flush "being written" byte by byte
  for (let cut = 4 * recordBytes; cut < original.byteLength; cut++) {
    await writeFile(path, original.subarray(0, cut));
    const before = await directoryState(directory);
    const reader = await openReader(directory);
    assert.equal(reader.lastSequence, 4n, `cut at ${cut}`);
    assertFixedRecords((await readAll(reader)).flat(), 1n);
    await reader.close();
    assert.equal(await follower.refresh(), 4n, `cut at ${cut}`);
    assert.deepEqual(await directoryState(directory), before, `cut at ${cut}: the torn tail was not cut`);
  }
  await writeFile(path, original);
  const records = (await readAll(follower)).flat();
  assert.equal(records.length, 5, 'the completed flush is read on the next read');
  assertFixedRecords(records, 1n);
  await follower.close();
}));

test('reader: a damaged last record or zeros after it are the end', () => withDirectory(async (directory) => {
  const original = await writeSeparateFlushes(directory, 5);
  const path = segmentPath(directory, 1n);
  for (let position = 4 * recordBytes; position < original.byteLength; position += 7) {
    const damaged = Buffer.from(original);
    damaged[position] = (damaged[position] ?? 0) ^ 0x40;
    await writeFile(path, damaged);
    const reader = await openReader(directory);
    assert.equal(reader.lastSequence, 4n, `byte ${position}`);
    await reader.close();
  }
  await writeFile(path, Buffer.concat([original, Buffer.alloc(4096)]));
  const reader = await openReader(directory);
  assert.equal(reader.lastSequence, 5n);
  await reader.close();
  assert.equal((await stat(path)).size, original.byteLength + 4096, 'the zeros are still there');
}));

test('reader: damage inside a torn last flush is the end even when later records of that flush are intact', () => withDirectory(async (directory) => {
  const writer = new FileJournal({ directory });
  await writer.open();
  await writer.append([fixedEntry(0)]);
  await writer.append([fixedEntry(1)]);
  await writer.append([2, 3, 4, 5].map(fixedEntry));
  await writer.close();
  const damaged = await readFile(segmentPath(directory, 1n));
  const position = 3 * recordBytes + 30; // record 4 of 6, inside the last flush
  damaged[position] = (damaged[position] ?? 0) ^ 0xff;
  await writeFile(segmentPath(directory, 1n), damaged);
  const reader = await openReader(directory);
  assert.equal(reader.lastSequence, 3n);
  assertFixedRecords((await readAll(reader)).flat(), 1n);
  await reader.close();
}));

test('reader: damage to an acknowledged record before the tail is JournalCorruptError', () => withDirectory(async (directory) => {
  const original = await writeSeparateFlushes(directory, 5);
  for (let position = 2 * recordBytes; position < 3 * recordBytes; position += 5) {
    const damaged = Buffer.from(original);
    damaged[position] = (damaged[position] ?? 0) ^ 0x01;
    await writeFile(segmentPath(directory, 1n), damaged);
    await assert.rejects(new FileJournalReader({ directory }).open(), JournalCorruptError, `byte ${position}`);
  }
}));

test('reader: damage that appears after open is refused by the next read', () => withDirectory(async (directory) => {
  const original = await writeSeparateFlushes(directory, 4);
  const path = segmentPath(directory, 1n);
  // A record already verified is damaged later: read() checks every checksum again.
  const reader = await openReader(directory);
  const damagedEarly = Buffer.from(original);
  damagedEarly[recordBytes + 40] = (damagedEarly[recordBytes + 40] ?? 0) ^ 0x01;
  await writeFile(path, damagedEarly);
  await assert.rejects(readAll(reader), JournalCorruptError);
  await reader.close();
  // New bytes: a damaged record 3 followed by record 4 of a later flush.
  await writeFile(path, original.subarray(0, 2 * recordBytes));
  const follower = await openReader(directory);
  assert.equal(follower.lastSequence, 2n);
  const damagedLate = Buffer.from(original);
  damagedLate[2 * recordBytes + 40] = (damagedLate[2 * recordBytes + 40] ?? 0) ^ 0x01;
  await writeFile(path, damagedLate);
  await assert.rejects(readAll(follower, 2n), (error: unknown) => error instanceof JournalCorruptError && /later flush/.test(error.message));
  await follower.close();
}));

test('reader: damage at the end of a segment that is not the last, or a missing segment, is JournalCorruptError', () => withDirectory(async (directory) => {
  const writer = new FileJournal({ directory, ...smallSegments });
  await writer.open();
  for (let index = 0; index < 30; index++) await writer.append([fixedEntry(index)]);
  await writer.close();
  const names = (await readdir(join(directory, 'segments'))).sort();
  assert.ok(names.length >= 3);
  const firstSegment = join(directory, 'segments', names[0] ?? '');
  const bytes = await readFile(firstSegment);
  await writeFile(firstSegment, bytes.subarray(0, bytes.byteLength - 1));
  await assert.rejects(new FileJournalReader({ directory, limits: smallSegments.limits }).open(), JournalCorruptError);
  await writeFile(firstSegment, bytes);
  await rm(join(directory, 'segments', names[1] ?? ''));
  await assert.rejects(new FileJournalReader({ directory, limits: smallSegments.limits }).open(), JournalCorruptError);
}));

test('reader: follows a writer in the same process across segment rolls', () => withDirectory(async (directory) => {
  const writer = new FileJournal({ directory, ...smallSegments });
  await writer.open();
  const reader = await openReader(directory, smallSegments.limits);
  let lastRead = 0n;
  const readNew = async (): Promise<void> => {
    const records = (await readAll(reader, lastRead, 3)).flat();
    assertFixedRecords(records, lastRead + 1n);
    lastRead += BigInt(records.length);
  };
  for (let index = 0; index < 60; index += 2) {
    const appended = writer.append([fixedEntry(index), fixedEntry(index + 1)]);
    await readNew(); // races the flush: sees it or not, never a part of a record
    assert.equal(await appended, BigInt(index + 2));
    await readNew();
    assert.equal(lastRead, BigInt(index + 2), 'an acknowledged record is visible on the next read');
  }
  assert.equal(reader.segmentCount, writer.segmentCount);
  assert.ok(reader.segmentCount >= 5, `${reader.segmentCount} segments`);
  assertFixedRecords((await readAll(reader, 0n)).flat(), 1n);
  await writer.close();
  await reader.close();
}));

test('reader: concurrent reads and refreshes share scans and each sees what was acknowledged before it began', () => withDirectory(async (directory) => {
  const writer = new FileJournal({ directory, ...smallSegments });
  await writer.open();
  const reader = await openReader(directory, smallSegments.limits);
  for (let index = 0; index < 40; index += 2) {
    const acknowledged = await writer.append([fixedEntry(index)]);
    const appending = writer.append([fixedEntry(index + 1)]); // in flight during the reads
    const [all, fromMiddle, refreshed] = await Promise.all([readAll(reader), readAll(reader, acknowledged - 1n, 1), reader.refresh()]);
    assert.ok(refreshed >= acknowledged);
    assert.ok(all.flat().length >= Number(acknowledged));
    assertFixedRecords(all.flat(), 1n);
    assertFixedRecords(fromMiddle.flat(), acknowledged);
    assert.ok(fromMiddle.every((batch) => batch.length === 1), 'batchMax is honoured');
    assert.equal(await appending, acknowledged + 1n);
  }
  assert.equal(await reader.refresh(), 40n);
  await writer.close();
  await reader.close();
}));

test('segment cursor: a file that ends before the expected end is the end, when it may shrink', () => withDirectory(async (directory) => {
  const original = await writeSeparateFlushes(directory, 3);
  const path = segmentPath(directory, 1n);
  await writeFile(path, original.subarray(0, 2 * recordBytes + 10)); // a writer's recovery cut it after it was stat'ed
  const handle = await open(path, 'r');
  try {
    const range = { startOffset: 0, endOffset: original.byteLength, firstSequence: 1n, fileMayShrink: true };
    const cursor = new SegmentCursor(handle, path, range, 1024);
    const sequences: bigint[] = [];
    for (let chunk = await cursor.nextChunk(); chunk !== undefined; chunk = await cursor.nextChunk()) {
      for (const { record } of chunk) sequences.push(record.sequence);
    }
    assert.deepEqual(sequences, [1n, 2n]);
    assert.equal(cursor.failure?.kind, 'damaged');
    assert.equal(cursor.failure?.offset, 2 * recordBytes);
    const strict = new SegmentCursor(handle, path, { ...range, fileMayShrink: false }, 1024);
    await assert.rejects(strict.nextChunk(), JournalCorruptError, 'a writer\'s own recovery still treats a short file as corrupt');
  } finally {
    await handle.close();
  }
}));

interface WriterChild {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  /** Highest sequence the child has reported durable so far. */
  ackedSequenceMax(): bigint;
}

/** crash-child.ts in its own process: opens the journal (taking the lock) and appends until killed. */
function startWriterChild(directory: string): WriterChild {
  const childPath = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', childPath, directory], { stdio: ['ignore', 'pipe', 'inherit'] });
  let acked = 0n;
  let pending = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const [kind, value] = line.split(' ');
        if (kind === 'ready') resolve();
        else if (kind === 'acked' && value !== undefined && BigInt(value) > acked) acked = BigInt(value);
      }
    });
    child.once('exit', (code, signal) => reject(new Error(`writer child exited early (${code ?? signal})`)));
  });
  return { child, ready, ackedSequenceMax: () => acked };
}

test('reader: follows a writer appending in another process, without touching its lock', { timeout: 30_000 }, () => withDirectory(async (directory) => {
  const writer = startWriterChild(directory);
  try {
    await writer.ready;
    const lockPath = join(directory, writerLockFileName);
    const lock = await readFile(lockPath, 'utf8');
    assert.equal(JSON.parse(lock).pid, writer.child.pid);
    const reader = await openReader(directory, crashJournalOptions.limits);
    let lastRead = 0n;
    // Reads back to back, so some scans catch a flush half-written (a torn tail for a moment).
    const readRounds = 5_000; // bounds the test; it stops earlier once the reader has crossed rolls
    for (let round = 0; round < readRounds && reader.segmentCount < 10; round++) {
      const ackedBefore = writer.ackedSequenceMax();
      for await (const batch of reader.read(lastRead)) {
        for (const record of batch) {
          assert.equal(record.sequence, lastRead + 1n, 'contiguous');
          const written = crashEntry(record.sequence);
          assert.equal(record.timestampMs, written.timestampMs);
          assert.deepEqual(Buffer.from(record.payload), Buffer.from(written.payload), `record ${record.sequence}`);
          lastRead = record.sequence;
        }
      }
      assert.ok(lastRead >= ackedBefore, `round ${round}: read up to ${lastRead}, ${ackedBefore} was acknowledged before`);
      await delay(0);
    }
    assert.ok(reader.segmentCount >= 3, `the reader followed across rolls (${reader.segmentCount} segments, ${lastRead} records)`);
    assert.equal(await readFile(lockPath, 'utf8'), lock, 'the lock is untouched');

    writer.child.kill('SIGKILL');
    await once(writer.child, 'exit');
    const ackedMax = writer.ackedSequenceMax();
    assert.ok(await reader.refresh() >= ackedMax, 'every acknowledged record is visible after the writer died');
    assert.equal(await readFile(lockPath, 'utf8'), lock, 'the dead writer\'s lock is still there: only a writer takes it over');
    const recovered = new FileJournal({ directory, ...crashJournalOptions });
    await recovered.open();
    assert.equal(await reader.refresh(), recovered.lastSequence, 'the reader and the writer\'s recovery agree on the end');
    await recovered.close();
    await reader.close();
  } finally {
    writer.child.kill('SIGKILL');
  }
}));
