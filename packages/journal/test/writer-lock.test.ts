// One writer per file journal directory, across processes: a live holder refuses a second
// writer; a holder killed with SIGKILL leaves a stale lock that the next writer takes over.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { FileJournal, JournalLockedError, writerLockFileName } from '../src/index.ts';

const journalIndex = fileURLToPath(new URL('../src/index.ts', import.meta.url));

function holdInChild(directory: string) {
  const script = `import { FileJournal } from ${JSON.stringify(journalIndex)};
    const journal = new FileJournal({ directory: ${JSON.stringify(directory)} });
    await journal.open();
    await journal.append([{ timestampMs: 1, payload: new Uint8Array([1]) }]);
    process.stdout.write('open\\n');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const opened = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => { if (chunk.toString().includes('open')) resolve(); });
    child.once('exit', (code) => reject(new Error(`holder exited early (${code})`)));
  });
  return { child, opened };
}

test('a second process cannot open a journal another live process holds; after SIGKILL it can', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'parite-lock-'));
  const { child, opened } = holdInChild(directory);
  try {
    await opened;
    await assert.rejects(new FileJournal({ directory }).open(), (error: unknown) =>
      error instanceof JournalLockedError && error.message.includes(`pid ${child.pid}`));
    child.kill('SIGKILL');
    await once(child, 'exit');
    const journal = new FileJournal({ directory });
    await journal.open();
    assert.equal(journal.lastSequence, 1n, 'the stale lock was taken over; the acknowledged record is there');
    await journal.close();
    assert.equal(existsSync(join(directory, writerLockFileName)), false, 'close releases the lock');
  } finally {
    child.kill('SIGKILL');
    rmSync(directory, { recursive: true, force: true });
  }
});

test('a lock written by another host is refused; an unreadable one is stale', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'parite-lock-'));
  try {
    writeFileSync(join(directory, writerLockFileName), JSON.stringify({ pid: 1, host: 'another-host', startedAtMs: 0 }));
    await assert.rejects(new FileJournal({ directory }).open(), JournalLockedError);
    writeFileSync(join(directory, writerLockFileName), '');
    const journal = new FileJournal({ directory });
    await journal.open();
    await journal.close();
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
