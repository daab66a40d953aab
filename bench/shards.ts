// Shard scaling (`npm run bench shards`): markets spread over engine shards scale with processes.
// Runs the pipeline benchmark (engine + durable file journal, 256 orders in flight, IOC orders that
// half trade) once as a single engine, then as N shard engines in N processes at the same time, each
// shard with its own journal and its own market (so no funds move between shards), and reports the
// summed throughput. The processes share this machine's cores and its disk (each its own fdatasync).
// Prints one JSON line: {"bench":"shards","singleOrdersPerSec":…,"shards":N,"shardedOrdersPerSec":…,"perShard":[…]}

import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '4' },
  shards: { type: 'string', default: String(Math.max(2, cpus().length)) }, 'in-flight': { type: 'string', default: '256' } } });
const shardCount = Number(values.shards);

interface PipelineResult { inFlight: number; symbol: string; ordersPerSec: number; p50Ms: number; p99Ms: number }

function pipeline(shardIndex: number, count: number): Promise<PipelineResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/pipeline.ts', '--seconds', String(values.seconds),
      '--in-flight', String(values['in-flight']), '--shard', String(shardIndex), '--shard-count', String(count)],
    { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('exit', (code) => {
      const line = output.split('\n').find((candidate) => candidate.startsWith('{"bench":"pipeline"'));
      const result = line === undefined ? undefined : (JSON.parse(line) as { results: PipelineResult[] }).results[0];
      if (code !== 0 || result === undefined) reject(new Error(`pipeline shard ${shardIndex} exited with ${code}`));
      else resolve(result);
    });
  });
}

const single = await pipeline(0, 1);
console.log(`single engine: ${JSON.stringify(single)}`);
const perShard = await Promise.all(Array.from({ length: shardCount }, (_, index) => pipeline(index, shardCount)));
for (const [index, result] of perShard.entries()) console.log(`shard ${index} of ${shardCount}: ${JSON.stringify(result)}`);
const shardedOrdersPerSec = perShard.reduce((total, result) => total + result.ordersPerSec, 0);
console.log(JSON.stringify({ bench: 'shards', inFlight: Number(values['in-flight']), singleOrdersPerSec: single.ordersPerSec,
  shards: shardCount, shardedOrdersPerSec, scaling: Math.round((shardedOrdersPerSec / single.ordersPerSec) * 100) / 100,
  perShard: perShard.map((result) => ({ symbol: result.symbol, ordersPerSec: result.ordersPerSec, p99Ms: result.p99Ms })) }));
