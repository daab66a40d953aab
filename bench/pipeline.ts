// Pipeline benchmark (`npm run bench pipeline`): the exchange engine with its durable file journal,
// in one process, without HTTP, WebSocket, projections or market data. N concurrent submitters
// each wait for the durable acknowledgement before sending the next order, so throughput shows how
// well group commit amortises fdatasync, and latency is submit-to-durable-ack.
// Prints one JSON line: {"bench":"pipeline","results":[{"inFlight":…,"ordersPerSec":…,"p50Ms":…,"p99Ms":…,"entriesPerFlush":…}]}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { systemClock } from '@parite/kernel';
import { FileJournal, FileSnapshotStore } from '@parite/journal';
import { ExchangeEngine, SystemOwner, defaultAssets, defaultMarkets, demoReferencePrices } from '@parite/exchange';
import { SelfTradePrevention, Side, TimeInForce } from '@parite/matching';
import { percentile } from './e2e/orders.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '4' },
  'in-flight': { type: 'string', default: '1,16,64,256' },
  // One shard of a sharded engine (bench/shards.ts runs one process per shard): its journal, its market.
  shard: { type: 'string', default: '0' }, 'shard-count': { type: 'string', default: '1' } } });
const phaseMs = Number(values.seconds) * 1000;
const shardIndex = Number(values.shard);
const shardCount = Number(values['shard-count']);
/** Each shard trades a market of its own, so shards never need each other's funds. */
const shardSymbols = ['BTC/TRY', 'ETH/TRY', 'BTC/USDT', 'ETH/USDT'] as const;
const symbol = shardSymbols[shardIndex % shardSymbols.length] ?? 'BTC/TRY';

async function measure(inFlight: number) {
  const directory = mkdtempSync(join(tmpdir(), 'parite-pipeline-'));
  const journal = new FileJournal({ directory: join(directory, 'journal') });
  const engine = new ExchangeEngine({ journal, snapshots: new FileSnapshotStore({ directory: join(directory, 'snap') }),
    clock: systemClock, snapshotEveryCommands: 0, shard: shardCount > 1 ? { index: shardIndex, count: shardCount } : undefined });
  await engine.start();
  for (const command of [...defaultAssets, ...defaultMarkets]) await engine.submit(command);
  const market = defaultMarkets.find((candidate) => candidate.symbol === symbol);
  const reference = demoReferencePrices[symbol];
  if (market === undefined || reference === undefined) throw new Error(`no market ${symbol}`);
  const tick = market.parameters.tickSizeUnits;
  // 100 lots: 0.001 BTC on BTC/TRY (the bench's order size since session 1), 0.01 ETH on ETH/TRY.
  const quantityUnits = market.parameters.lotSizeUnits * 100n;
  for (const ownerId of [1, 2]) {
    for (const [assetCode, amountUnits] of [['TRY', 10n ** 17n], ['BTC', 10n ** 13n], ['ETH', 10n ** 14n], ['USDT', 10n ** 16n]] as const) {
      await engine.submit({ kind: 'ledger.transfer', transferId: `fund-${ownerId}-${assetCode}`,
        debitOwnerId: SystemOwner.External, creditOwnerId: ownerId, assetCode, amountUnits, reason: 'bench' });
    }
  }
  const before = journal.metrics();
  const latencies: number[] = [];
  let sequence = 0;
  const deadline = performance.now() + phaseMs;
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, async (_, worker) => {
    while (performance.now() < deadline) {
      const number = sequence++;
      const sentAt = performance.now();
      // IOC limit orders crossing around the reference price (BTC/TRY: 3,900,000 TRY): about half
      // trade, none rest.
      const committed = await engine.submit({ kind: 'order.place', ownerId: (worker % 2) + 1, symbol,
        clientOrderId: `p${number}`, side: number % 2 === 0 ? Side.Buy : Side.Sell, type: 'limit',
        timeInForce: TimeInForce.ImmediateOrCancel, postOnly: false,
        priceUnits: reference + BigInt((number % 21) - 10) * tick, quantityUnits,
        selfTradePrevention: SelfTradePrevention.CancelNewest });
      if (committed.result.code !== 'OK') throw new Error(`the bench order was refused: ${committed.result.code}`);
      latencies.push(performance.now() - sentAt);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  const after = journal.metrics();
  await engine.stop();
  rmSync(directory, { recursive: true, force: true });
  latencies.sort((left, right) => left - right);
  const flushes = after.flushCount - before.flushCount;
  return { inFlight, symbol, ordersPerSec: Math.round(latencies.length / seconds), p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    entriesPerFlush: Math.round(((after.flushedEntryCount - before.flushedEntryCount) / flushes) * 10) / 10 };
}

const results = [];
for (const inFlight of String(values['in-flight']).split(',').map(Number)) results.push(await measure(inFlight));
for (const result of results) console.log(`in flight ${result.inFlight}: ${JSON.stringify(result)}`);
console.log(JSON.stringify({ bench: 'pipeline', results }));
