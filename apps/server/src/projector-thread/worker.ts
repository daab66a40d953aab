// The projector's own thread: it follows the engine's file journal and writes the projections,
// so folding a second of commands into rows and building the statements (tens to hundreds of
// milliseconds a second under load) never runs between two orders on the engine's thread, and the
// commands it holds while a batch fills are not in the engine's heap (its young-generation
// collections stay short). The engine's thread hands over each durable flush's payloads
// (protocol.ts); this thread replays them through its own core (journal-follower.ts).

import { parentPort, workerData } from 'node:worker_threads';
import { FileJournalReader, FileSnapshotStore } from '@parite/journal';
import { connectSql, lowerCurrentThreadPriority } from '@parite/platform';
import {
  boundedJournal, committedFromJournal, JournalFollower, Projector, type ProjectorStatus,
} from '@parite/projections';
import { unpackRecords, type FromWorker, type ProjectorWorkerData, type ToWorker } from './protocol.ts';

if (parentPort === null) throw new Error('projector-thread/worker.ts runs as a worker thread');
const port = parentPort;
const data = workerData as ProjectorWorkerData;
const post = (message: FromWorker): void => port.postMessage(message);

const sql = connectSql(data.databaseUrl, { poolSize: data.poolSize, applicationName: 'parite-projector' });
const reader = new FileJournalReader({ directory: data.journalDirectory });
const snapshots = new FileSnapshotStore({ directory: data.snapshotDirectory });
const follower = new JournalFollower({
  journal: reader, snapshots, snapshotting: { store: snapshots, everyCommands: data.snapshotEveryCommands }, shardIndex: data.sharded ? data.shardIndex : undefined,
  onListenerError: (error) => post({ kind: 'error', message: String(error), fatal: false }),
});
const projector = new Projector(sql, {
  readCommitted: committedFromJournal(boundedJournal(reader, () => follower.durableSequence), { snapshots }),
  shard: { shardIndex: data.shardIndex, sharded: data.sharded },
  coalesceMs: data.coalesceMs,
  onError: (error, fatal) => post({ kind: 'error', message: String(error), fatal }),
  onProgress: (status: ProjectorStatus) => post({ kind: 'status', status }),
});

let stopping = false;
/** Messages that arrive before the follower stands at its snapshot wait here. */
const early: ToWorker[] = [];
let following = false;
port.on('message', (message: ToWorker) => {
  if (following) handle(message);
  else early.push(message);
});

function handle(message: ToWorker): void {
  switch (message.kind) {
    case 'records':
      follower.offer(unpackRecords(message));
      return;
    case 'durable':
      follower.advanceTo(message.sequence);
      return;
    case 'wait':
      // The host keeps its own waiters; this only ends the coalescing delay.
      projector.whenCaughtUp(message.sequence).catch(() => undefined);
      return;
    case 'stop':
      void stop(message.drain);
  }
}

async function stop(drain: boolean): Promise<void> {
  if (stopping) return;
  stopping = true;
  await starting.catch(() => undefined);
  if (drain) {
    await follower.idle().catch((error: unknown) => post({ kind: 'error', message: String(error), fatal: true }));
    // The engine stopped first and took no final snapshot of its own: this one saves its replay at the next start.
    await follower.snapshotNow().catch((error: unknown) => post({ kind: 'error', message: `final snapshot: ${String(error)}`, fatal: false }));
  }
  await follower.snapshotsIdle();
  await projector.stop({ drain });
  await sql.end({ timeout: 5 });
  await reader.close();
  post({ kind: 'stopped' });
  port.close();
}

async function start(): Promise<void> {
  await reader.open();
  await follower.start();
  projector.attach(follower);
  follower.advanceTo(data.durableSequence);
  following = true;
  for (const message of early.splice(0)) handle(message);
  // The follower's start-up replay (its snapshot to the engine's durable head) is queued in the
  // projector before it starts, so its catch-up reads from the journal only what that replay does
  // not cover (Projector: CommittedQueue.coversAfter), instead of replaying the same commands again.
  await follower.idle();
  await projector.start();
}

// Before any work: the projector's batch must not take a core from the engine's thread.
const priority = data.backgroundNice > 0 ? lowerCurrentThreadPriority(data.backgroundNice) : undefined;
if (priority !== undefined && priority.refusals.length > 0) {
  post({ kind: 'error', message: `could not lower the projector thread's priority: ${priority.refusals.join(', ')}`, fatal: false });
}
const starting = start();
starting.catch((error: unknown) => {
  post({ kind: 'error', message: String(error), fatal: true });
  post({ kind: 'status', status: { ...projector.status(), failed: true } });
});
