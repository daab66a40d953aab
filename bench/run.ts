// `npm run bench [engine] [core] [pipeline] [shards] [e2e] [projections] [identity] [fx] [memory] [retention] [hub-writes] [fx-storage] [timestamps]`: runs each benchmark in its own process (a clean heap, GC flags
// of its own) and repeats the one-line JSON results at the end. The whole run stays within
// 10 minutes on the project's 2-core machine. Figures belong in docs/benchmarks.md with the
// command that produced them.

import { spawn } from 'node:child_process';

const benchmarks: Record<string, { script: string; flags: string[] }> = {
  engine: { script: 'bench/engine.ts', flags: ['--expose-gc'] },
  core: { script: 'bench/core.ts', flags: ['--expose-gc'] },
  pipeline: { script: 'bench/pipeline.ts', flags: [] },
  shards: { script: 'bench/shards.ts', flags: [] },
  e2e: { script: 'bench/e2e.ts', flags: [] },
  projections: { script: 'bench/projections.ts', flags: [] },
  identity: { script: 'bench/identity.ts', flags: [] },
  fx: { script: 'bench/fx.ts', flags: [] },
  memory: { script: 'bench/memory.ts', flags: ['--expose-gc'] },
  retention: { script: 'bench/retention.ts', flags: [] },
  'hub-writes': { script: 'bench/hub-writes.ts', flags: [] },
  'fx-storage': { script: 'bench/fx-storage.ts', flags: [] },
  timestamps: { script: 'bench/timestamps.ts', flags: [] },
};

const requested = process.argv.slice(2).filter((argument) => !argument.startsWith('-'));
const extra = process.argv.slice(2).filter((argument) => argument.startsWith('-'));
const names = requested.length > 0 ? requested : Object.keys(benchmarks);

function run(name: string): Promise<string | undefined> {
  const benchmark = benchmarks[name];
  if (benchmark === undefined) throw new Error(`unknown benchmark ${name}; known: ${Object.keys(benchmarks).join(', ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...benchmark.flags, '--import', 'tsx', benchmark.script, ...extra],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    let last: string | undefined;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      process.stdout.write(chunk);
      for (const line of chunk.split('\n')) if (line.startsWith('{"bench"')) last = line;
    });
    child.on('exit', (code) => (code === 0 ? resolve(last) : reject(new Error(`${name} exited with ${code}`))));
  });
}

const results: string[] = [];
for (const name of names) {
  const line = await run(name);
  if (line !== undefined) results.push(line);
}
console.log('\n--- results ---');
for (const line of results) console.log(line);
