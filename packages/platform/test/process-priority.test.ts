// Lowering the CPU priority of background work (process-priority.ts), read back from /proc: a
// thread's nice value is its own on Linux, and a process tree is lowered parents and children.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { lowerCurrentThreadPriority, lowerProcessTreePriority } from '../src/process-priority.ts';

/** Field 19 of a /proc stat file (fields counted after the command name, which may hold spaces). */
function niceOf(statPath: string): number {
  const stat = readFileSync(statPath, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

/** A child of `parentPid`, from the parent pid field (4) of every /proc/<pid>/stat. */
function childOf(parentPid: number): number | undefined {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parentPid) return Number(name);
    } catch {
      // ended meanwhile
    }
  }
  return undefined;
}

test('a thread lowers its own priority only: the process\'s main thread keeps its own', async () => {
  const mainBefore = niceOf('/proc/thread-self/stat');
  const moduleUrl = new URL('../src/process-priority.ts', import.meta.url).href;
  // A worker does not inherit the TypeScript loader: it registers it, as the projector thread's boot does.
  const worker = new Worker(`
    const { parentPort, workerData } = require('node:worker_threads');
    const { readFileSync } = require('node:fs');
    (async () => {
      (await import('tsx/esm/api')).register();
      const { lowerCurrentThreadPriority } = await import(workerData.moduleUrl);
      const result = lowerCurrentThreadPriority(5);
      parentPort.postMessage({ result, stat: readFileSync('/proc/thread-self/stat', 'utf8') });
    })();`, { eval: true, workerData: { moduleUrl } });
  const [message] = await once(worker, 'message') as [{ result: { lowered: number; refusals: string[] }; stat: string }];
  await worker.terminate();
  assert.deepEqual(message.result, { lowered: 1, refusals: [] });
  assert.equal(Number(message.stat.slice(message.stat.lastIndexOf(')') + 2).split(' ')[16]), 5);
  assert.equal(niceOf('/proc/thread-self/stat'), mainBefore);
});

test('a process tree is lowered, parent and child', async () => {
  const parent = spawn('sh', ['-c', 'sleep 30 & wait'], { stdio: 'ignore' });
  try {
    assert.ok(parent.pid !== undefined);
    // The child exists once the shell has forked it: poll /proc briefly (bounded).
    let childPid: number | undefined;
    for (let attempt = 0; attempt < 100 && childPid === undefined; attempt++) {
      childPid = childOf(parent.pid);
      if (childPid === undefined) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.ok(childPid !== undefined, 'the shell forked its child');
    const result = lowerProcessTreePriority(parent.pid, 11);
    assert.deepEqual(result, { lowered: 2, refusals: [] });
    assert.equal(niceOf(`/proc/${parent.pid}/stat`), 11);
    assert.equal(niceOf(`/proc/${childPid}/stat`), 11);
  } finally {
    parent.kill('SIGKILL');
  }
});

test('a process that is gone is reported, not thrown; a value out of range is refused', async () => {
  const ended = spawn('true', { stdio: 'ignore' });
  await once(ended, 'exit');
  assert.ok(ended.pid !== undefined);
  const result = lowerProcessTreePriority(ended.pid, 3);
  assert.equal(result.lowered, 0);
  assert.equal(result.refusals.length, 1);
  assert.throws(() => lowerCurrentThreadPriority(20), RangeError);
  assert.throws(() => lowerCurrentThreadPriority(-1), RangeError);
});
