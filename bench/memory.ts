// Memory bench (`npm run bench memory`, run with --expose-gc): heap bytes the core keeps per
// remembered client order id. Every accepted order's client order id (the client's, or one the
// trading service assigns) is remembered for idempotent retries and cancel-by-client-id, up to
// clientOrderIdsRetainedMax (two million) for up to a day: at that bound this figure times two
// million is what the engine process holds for them. The order flow is the end-to-end bench's
// (open orders bounded, the rest cancelled), with ids shaped as the trading service assigns them.
// It also encodes that state as a periodic snapshot is encoded (in slices, here without yielding),
// because the remembered ids are most of a large snapshot: its bytes and the encoding's time.
// Prints one JSON line: {"bench":"memory","orders":…,"rememberedClientOrderIds":…,"heapBytesPerRememberedClientOrderId":…,"snapshotBytes":…,"snapshotEncodeMs":…}

import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { assert } from '@parite/kernel';
import { encodeSnapshotInSlices, takeSnapshot } from '@parite/exchange';
import { fundedCore, placeOrderFlow } from './core-setup.ts';

const { values } = parseArgs({ options: { orders: { type: 'string', default: '200000' } } });
const ordersTotal = Number(values.orders);

function heapUsedBytes(): number {
  const collect = (globalThis as { gc?: () => void }).gc;
  assert(collect !== undefined, 'run with --expose-gc (npm run bench memory does)');
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}

const { core, run } = fundedCore(5);
// As services/exchange/src/app/trading-service.ts assigns them: a per-process prefix and a counter.
const prefix = `srv-${randomBytes(9).toString('base64url')}-`;
let counter = 0;
const before = heapUsedBytes();
placeOrderFlow(run, { orders: ordersTotal, users: 5, clientOrderId: () => `${prefix}${++counter}` });
const after = heapUsedBytes();
const remembered = core.state.clientOrderIds.size;
const encodeStarted = performance.now();
const snapshot = await encodeSnapshotInSlices(takeSnapshot(core.state), async () => {});
const snapshotEncodeMs = Math.round((performance.now() - encodeStarted) * 10) / 10;
console.log(JSON.stringify({
  bench: 'memory', orders: ordersTotal, rememberedClientOrderIds: remembered, openOrders: core.state.orders.size,
  heapBytesPerRememberedClientOrderId: Math.round((after - before) / remembered),
  snapshotBytes: snapshot.byteLength, snapshotEncodeMs,
}));
