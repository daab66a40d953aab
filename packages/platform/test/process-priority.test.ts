// Lowering the CPU priority of background work (process-priority.ts), read back from /proc: a
// thread's nice value is its own on Linux, and a process tree is lowered parents and children.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import {
  lowerCurrentThreadPriority, lowerProcessTreePriority, processTree, ProcStatIndex, procStatFields,
} from '../src/process-priority.ts';

function niceOf(statPath: string): number {
  return Number(procStatFields(readFileSync(statPath, 'utf8'))[ProcStatIndex.Nice]);
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
  assert.equal(Number(procStatFields(message.stat)[ProcStatIndex.Nice]), 5);
  assert.equal(niceOf('/proc/thread-self/stat'), mainBefore);
});

test('a process tree is lowered, parent and child', async () => {
  const parent = spawn('sh', ['-c', 'sleep 30 & wait'], { stdio: 'ignore' });
  try {
    assert.ok(parent.pid !== undefined);
    // The child exists once the shell has forked it: poll /proc briefly (bounded).
    let childPid: number | undefined;
    for (let attempt = 0; attempt < 100 && childPid === undefined; attempt++) {
      childPid = processTree(parent.pid)[1];
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
