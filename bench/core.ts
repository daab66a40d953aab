// Core bench (`npm run bench core`): the exchange core alone (validation, funds hold, book,
// settlement, client-order-id memory, events), synchronous, driven with the end-to-end bench's order
// flow (limit orders from five users across the markets, each user's oldest order cancelled once it
// holds too many). This is the engine thread's share of an order, without the journal, the API or
// the fan-out; `npm run bench engine` measures the order book alone against its peer.
// It then replays every command it applied from its journal payload into a fresh core (decode +
// execute), as a restart, the projector's catch-up and the projector thread do: the replay rate
// sets how long a restart takes for a given journal tail.
// Prints one JSON line: {"bench":"core","orders":…,"usPerOrder":…,"ordersPerSec":…,"replayedCommands":…,"replayUsPerCommand":…}

import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { assert } from '@parite/kernel';
import { decodeCommand, encodeCommand, ExchangeCore, stateHash } from '@parite/exchange';
import { fundedCore, placeOrderFlow } from './core-setup.ts';

const { values } = parseArgs({ options: { orders: { type: 'string', default: '200000' },
  'warmup-orders': { type: 'string', default: '50000' } } });
const orders = Number(values.orders);
const warmupOrders = Number(values['warmup-orders']);

/** The replay: the same flow once more, journalled, then replayed into a fresh core and timed. */
function measureReplay(): { replayedCommands: number; replayUsPerCommand: number } {
  const journal: { payload: Uint8Array; timestampMs: number }[] = [];
  const { core, run } = fundedCore(5, (command, _result, timestampMs) => {
    journal.push({ payload: encodeCommand(command), timestampMs });
  });
  placeOrderFlow(run, { orders: warmupOrders + orders, users: 5, clientOrderId: (number) => `order-${number}` });
  const replica = new ExchangeCore();
  const started = performance.now();
  for (const record of journal) replica.execute(decodeCommand(record.payload), record.timestampMs);
  const elapsedMs = performance.now() - started;
  assert(stateHash(replica.state) === stateHash(core.state), 'the replay rebuilds the same state');
  return { replayedCommands: journal.length, replayUsPerCommand: round((elapsedMs * 1000) / journal.length) };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function measureOrders(): { usPerOrder: number; ordersPerSec: number } {
  const { run } = fundedCore(5);
  // The warm-up compiles the hot paths; its orders stay remembered, as a running engine's would.
  placeOrderFlow(run, { orders: warmupOrders, users: 5, clientOrderId: (number) => `warm-${number}` });
  const started = performance.now();
  placeOrderFlow(run, { orders, users: 5, clientOrderId: (number) => `order-${number}` });
  const elapsedMs = performance.now() - started;
  return { usPerOrder: round((elapsedMs * 1000) / orders), ordersPerSec: Math.round(orders / (elapsedMs / 1000)) };
}

// Each phase on a collected heap (npm run bench passes --expose-gc), so neither pays for the other's garbage.
const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});
const flow = measureOrders();
collect();
const replay = measureReplay();
console.log(JSON.stringify({ bench: 'core', orders, ...flow, ...replay }));
