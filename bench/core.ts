// Core bench (`npm run bench core`): the exchange core alone (validation, funds hold, book,
// settlement, client-order-id memory, events), synchronous, driven with the end-to-end bench's order
// flow (limit orders from five users across the markets, each user's oldest order cancelled once it
// holds too many). This is the engine thread's share of an order, without the journal, the API or
// the fan-out; `npm run bench engine` measures the order book alone against its peer.
// Prints one JSON line: {"bench":"core","orders":…,"usPerOrder":…,"ordersPerSec":…}

import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { fundedCore, placeOrderFlow } from './core-setup.ts';

const { values } = parseArgs({ options: { orders: { type: 'string', default: '200000' },
  'warmup-orders': { type: 'string', default: '50000' } } });
const orders = Number(values.orders);

const { run } = fundedCore(5);
// The warm-up compiles the hot paths; its orders stay remembered, as a running engine's would.
placeOrderFlow(run, { orders: Number(values['warmup-orders']), users: 5, clientOrderId: (number) => `warm-${number}` });
const started = performance.now();
placeOrderFlow(run, { orders, users: 5, clientOrderId: (number) => `order-${number}` });
const elapsedMs = performance.now() - started;
console.log(JSON.stringify({ bench: 'core', orders, usPerOrder: Math.round((elapsedMs * 1000 / orders) * 100) / 100,
  ordersPerSec: Math.round(orders / (elapsedMs / 1000)) }));
