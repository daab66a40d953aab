// Sums a V8 CPU profile of the server (bench/e2e/server-profiler.mjs) by subsystem: each sample is
// charged to the deepest frame on its stack that belongs to a subsystem below (so the journal's
// encoding inside the engine's submit counts as journal encoding, not as engine), in ms and, with
// --orders N (the orders acknowledged in the profiled window), in µs per order.
// Usage: node --import tsx bench/e2e/profile-report.ts <file.cpuprofile> [--orders N]

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface CallFrame { functionName: string; url: string }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

/** Checked in order against each frame, from the sampled frame towards the root: the first match wins. */
const subsystems: readonly [name: string, matches: (frame: CallFrame) => boolean][] = [
  ['garbage collection', (frame) => frame.functionName === '(garbage collector)'],
  ['idle', (frame) => frame.functionName === '(idle)'],
  ['profiler itself', (frame) => frame.url.includes('inspector') || frame.url.includes('server-profiler')],
  ['V8 and native (program)', (frame) => frame.functionName === '(program)'],
  ['snapshots', (frame) => frame.url.includes('state-codec') || frame.url.includes('snapshot-scheduler')],
  ['projector (fold, statements, postgres.js)', (frame) => frame.url.includes('services/projections') || frame.url.includes('postgres/src')],
  ['journal encoding', (frame) => frame.url.includes('command-codec')],
  ['journal flush', (frame) => frame.url.includes('packages/journal')],
  ['order book', (frame) => frame.url.includes('packages/matching')],
  ['exchange core', (frame) => frame.url.includes('exchange/src/domain')],
  ['engine (submit, fan-out)', (frame) => frame.url.includes('exchange-engine') || frame.url.includes('committed-fan-out')],
  ['reply building', (frame) => frame.url.includes('http/edge.ts') || frame.functionName === 'placeReply' || frame.functionName === 'replyResult'],
  ['trading service', (frame) => frame.url.includes('trading-service')],
  ['market data', (frame) => frame.url.includes('market-data/src/app') || frame.url.includes('market-data/src/domain')],
  ['private streams', (frame) => frame.url.includes('websocket-private') && frame.functionName !== 'placeRequestOf'],
  ['parsing and validation', (frame) => frame.functionName === 'parseInbound' || frame.functionName === 'placeRequestOf' || frame.url.includes('kernel/src/decimal')],
  ['socket writes', (frame) => ['uncork', 'Writable.uncork', 'writev', 'writeBuffer'].includes(frame.functionName) || frame.url.includes('framed-socket') || frame.url.includes('ws/lib/sender')],
  ['WebSocket hub', (frame) => frame.url.includes('market-data/src/ws')],
  ['ws frame reading', (frame) => frame.url.includes('ws/lib/receiver') || frame.url.includes('ws/lib/websocket')],
  ['Node streams and sockets', (frame) => frame.url.includes('node:internal/streams') || frame.url.includes('node:net') || frame.url.includes('stream_base')],
];

const { values, positionals } = parseArgs({ allowPositionals: true, options: { orders: { type: 'string' } } });
const path = positionals[0];
if (path === undefined) throw new Error('usage: profile-report.ts <file.cpuprofile> [--orders N]');
const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

function subsystemOf(sampledId: number): string {
  for (let id: number | undefined = sampledId; id !== undefined; id = parents.get(id)) {
    const frame = (nodes.get(id) as ProfileNode).callFrame;
    for (const [name, matches] of subsystems) if (matches(frame)) return name;
  }
  return 'other';
}

const totals = new Map<string, number>();
let totalUs = 0;
profile.samples.forEach((sampledId, index) => {
  const deltaUs = profile.timeDeltas[index] ?? 0;
  totalUs += deltaUs;
  const name = subsystemOf(sampledId);
  totals.set(name, (totals.get(name) ?? 0) + deltaUs);
});
const orders = values.orders === undefined ? undefined : Number(values.orders);
console.log(`profiled ${(totalUs / 1000).toFixed(0)} ms`);
for (const [name, us] of [...totals].sort((left, right) => right[1] - left[1])) {
  const perOrder = orders === undefined ? '' : `${(us / orders).toFixed(1).padStart(7)} µs/order`;
  console.log(`${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / totalUs).toFixed(1).padStart(5)} % ${perOrder}  ${name}`);
}
