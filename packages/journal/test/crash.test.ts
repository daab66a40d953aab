// Crash test with real processes: a child appends in a loop and prints each acknowledged sequence;
// it is SIGKILLed at seeded random moments, several times over the same directory. Every
// acknowledged record must survive each restart, intact and contiguous.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Prng } from '@parite/kernel';
import { FileJournal } from '../src/index.ts';
import { crashEntry, crashJournalOptions } from './crash-workload.ts';
import { readAll } from './journal-contract.ts';

const seed = 0x5eed_2024;
const killCount = 5;
const childPath = fileURLToPath(new URL('./crash-child.ts', import.meta.url));

interface ChildRun {
  readonly recoveredSequence: bigint;
  readonly ackedSequenceMax: bigint;
}

/** Runs the child until it is ready, lets it append for `runMs`, then SIGKILLs it. */
function runChildUntilKilled(directory: string, runMs: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', childPath, directory], { stdio: ['ignore', 'pipe', 'inherit'] });
    let pending = '';
    let recoveredSequence: bigint | undefined;
    let ackedSequenceMax = 0n;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const [kind, value] = line.split(' ');
        if (kind === 'ready' && value !== undefined) {
          recoveredSequence = BigInt(value);
          setTimeout(() => child.kill('SIGKILL'), runMs);
        } else if (kind === 'acked' && value !== undefined && BigInt(value) > ackedSequenceMax) {
          ackedSequenceMax = BigInt(value);
        }
      }
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (recoveredSequence === undefined || signal !== 'SIGKILL') reject(new Error(`child ended before it was killed (${signal})`));
      else resolve({ recoveredSequence, ackedSequenceMax });
    });
  });
}

test('file journal: acknowledged records survive SIGKILL at random moments', { timeout: 20_000 }, async () => {
  const prng = new Prng(seed);
  const directory = await mkdtemp(join(tmpdir(), 'parite-crash-'));
  try {
    let ackedSequenceMax = 0n;
    for (let kill = 0; kill < killCount; kill++) {
      const run = await runChildUntilKilled(directory, prng.nextIntegerInclusive(30, 250));
      assert.ok(run.recoveredSequence >= ackedSequenceMax, `seed ${seed}, run ${kill}: recovery lost acknowledged records`);
      if (run.ackedSequenceMax > ackedSequenceMax) ackedSequenceMax = run.ackedSequenceMax;
      await delay(1);
    }
    assert.ok(ackedSequenceMax > 0n, 'the child acknowledged something');
    const journal = new FileJournal({ directory, ...crashJournalOptions });
    await journal.open();
    assert.ok(journal.lastSequence >= ackedSequenceMax, `seed ${seed}: last ${journal.lastSequence} < acked ${ackedSequenceMax}`);
    assert.ok(journal.segmentCount > 1, 'the runs rolled segments');
    let expected = 1n;
    for (const record of (await readAll(journal)).flat()) {
      const written = crashEntry(record.sequence);
      assert.equal(record.sequence, expected++);
      assert.equal(record.timestampMs, written.timestampMs);
      assert.deepEqual(Buffer.from(record.payload), Buffer.from(written.payload), `seed ${seed}: record ${record.sequence}`);
    }
    await journal.close();
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});
