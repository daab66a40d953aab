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
import { ExchangeEngine, SystemOwner, defaultAssets, defaultMarkets } from '@parite/exchange';
import { SelfTradePrevention, Side, TimeInForce } from '@parite/matching';
import { percentile } from './e2e/orders.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '4' },
  'in-flight': { type: 'string', default: '1,16,64,256' } } });
const phaseMs = Number(values.seconds) * 1000;

async function measure(inFlight: number) {
  const directory = mkdtempSync(join(tmpdir(), 'parite-pipeline-'));
  const journal = new FileJournal({ directory: join(directory, 'journal') });
  const engine = new ExchangeEngine({ journal, snapshots: new FileSnapshotStore({ directory: join(directory, 'snap') }),
    clock: systemClock, snapshotEveryCommands: 0 });
  await engine.start();
  for (const command of [...defaultAssets, ...defaultMarkets]) await engine.submit(command);
  for (const ownerId of [1, 2]) {
    for (const [assetCode, amountUnits] of [['TRY', 10n ** 17n], ['BTC', 10n ** 13n]] as const) {
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
      // IOC limit orders crossing around 3,900,000 TRY: about half trade, none rest.
      await engine.submit({ kind: 'order.place', ownerId: (worker % 2) + 1, symbol: 'BTC/TRY',
        clientOrderId: `p${number}`, side: number % 2 === 0 ? Side.Buy : Side.Sell, type: 'limit',
        timeInForce: TimeInForce.ImmediateOrCancel, postOnly: false,
        priceUnits: 3_900_000_000_000n + BigInt((number % 21) - 10) * 1_000_000n, quantityUnits: 100_000n,
        selfTradePrevention: SelfTradePrevention.CancelNewest });
      latencies.push(performance.now() - sentAt);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  const after = journal.metrics();
  await engine.stop();
  rmSync(directory, { recursive: true, force: true });
  latencies.sort((left, right) => left - right);
  const flushes = after.flushCount - before.flushCount;
  return { inFlight, ordersPerSec: Math.round(latencies.length / seconds), p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    entriesPerFlush: Math.round(((after.flushedEntryCount - before.flushedEntryCount) / flushes) * 10) / 10 };
}

const results = [];
for (const inFlight of String(values['in-flight']).split(',').map(Number)) results.push(await measure(inFlight));
for (const result of results) console.log(`in flight ${result.inFlight}: ${JSON.stringify(result)}`);
console.log(JSON.stringify({ bench: 'pipeline', results }));
