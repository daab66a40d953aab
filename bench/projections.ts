// Projections benchmark (`npm run bench projections`): the CPU one committed command costs the
// projector (this process: folding events into rows, building the statements, the driver) and
// PostgreSQL (the backend serving the projector's connection, read from /proc), on the order flow of
// the end-to-end bench (limit orders around the reference price, the oldest open order cancelled
// when a user holds too many). The commands come from the real core, executed up front; the
// projector is the live one (queue, writer loop, one transaction per batch). Without DATABASE_URL
// an embedded PostgreSQL is started, as `npm start` does.
// Prints one JSON line: {"bench":"projections","commands":…,"results":[{"batch":…,"commandsPerSec":…,
// "projectorCpuUsPerCommand":…,"databaseCpuUsPerCommand":…},…],…}

import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { assert } from '@parite/kernel';
import type { CommittedCommand } from '@parite/exchange';
import { freePort, openDatabase, runMigrations } from '@parite/platform';
import { Projector, projectionsMigrations } from '@parite/projections';
import { fundedCore, placeOrderFlow } from './core-setup.ts';
import { processCpuMs } from './e2e/server-process.ts';

const { values } = parseArgs({ options: {
  orders: { type: 'string', default: '60000' },
  // Commands per transaction, one measurement each: about 2,000 is what queued during one write at
  // 8,000 orders/s without coalescing; about 10,000 what the live projector's one-second window
  // gathers at that rate (projector.ts, coalesceMs).
  batch: { type: 'string', default: '2000,10000' },
  users: { type: 'string', default: '5' },
} });
const ordersTotal = Number(values.orders);
const batchSizes = String(values.batch).split(',').map(Number);
const userCount = Number(values.users);
/** Commands the core delivers together: one group commit's worth. */
const deliveryBatch = 64;

/** Setup, funding and the order flow, executed by the real core: the committed stream a journal would hold. */
function committedStream(): CommittedCommand[] {
  const committed: CommittedCommand[] = [];
  const { run } = fundedCore(userCount, (command, result, timestampMs) => {
    committed.push({ sequence: BigInt(committed.length + 1), timestampMs, command, result, shardIndex: undefined });
  });
  placeOrderFlow(run, { orders: ordersTotal, users: userCount, clientOrderId: (number) => `b${number}` });
  return committed;
}

function backendCpuMs(processId: number): number {
  const cpuMs = processCpuMs(`/proc/${processId}/stat`);
  assert(cpuMs !== undefined, 'the bench reads the PostgreSQL backend from /proc (Linux)');
  return cpuMs;
}

async function main(): Promise<void> {
  const stream = committedStream();
  const results = [];
  for (const batchMax of batchSizes) results.push(await measure(stream, batchMax));
  const kinds = new Map<string, number>();
  for (const entry of stream) kinds.set(entry.command.kind, (kinds.get(entry.command.kind) ?? 0) + 1);
  console.log(JSON.stringify({ bench: 'projections', commands: stream.length, results, commandKinds: Object.fromEntries(kinds) }));
}

async function measure(stream: readonly CommittedCommand[], batchMax: number) {
  const dataDirectory = mkdtempSync(join(tmpdir(), 'parite-bench-projections-'));
  // As root, the embedded server runs as the postgres user, which must reach its directory.
  chmodSync(dataDirectory, 0o755);
  const database = await openDatabase({ dataDirectory, databaseUrl: process.env['DATABASE_URL'], databasePoolSize: 1,
    embeddedPostgresPort: await freePort() });
  try {
    await runMigrations(database.sql, [projectionsMigrations]);
    const [backend] = await database.sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
    assert(backend !== undefined, 'no backend id');
    const listeners: ((batch: readonly CommittedCommand[]) => void)[] = [];
    // The batch size is the variable measured: no coalescing window (the wait below would end it anyway).
    const projector = new Projector(database.sql, { batchMax, queueMax: stream.length + 1, coalesceMs: 0 });
    projector.attach({ subscribe: (listener) => {
      listeners.push(listener);
      return () => undefined;
    } });
    await projector.start();
    const deliver = listeners[0];
    assert(deliver !== undefined, 'the projector subscribed');
    const databaseBeforeMs = backendCpuMs(backend.pid);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    for (let start = 0; start < stream.length; start += deliveryBatch) deliver(stream.slice(start, start + deliveryBatch));
    await projector.whenCaughtUp(BigInt(stream.length));
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const databaseMs = backendCpuMs(backend.pid) - databaseBeforeMs;
    await projector.stop();
    const perCommandUs = (ms: number) => Math.round((ms * 1000 * 10) / stream.length) / 10;
    return { batch: batchMax, commandsPerSec: Math.round(stream.length / seconds),
      projectorCpuUsPerCommand: perCommandUs((cpu.user + cpu.system) / 1000), databaseCpuUsPerCommand: perCommandUs(databaseMs),
      database: database.embedded ? 'embedded' : 'external' };
  } finally {
    await database.close();
    rmSync(dataDirectory, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
