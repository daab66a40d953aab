// FX raw-tick storage (`npm run bench fx-storage`): rows per second of PostgresRawTickStore.append,
// its insert option (one INSERT ... SELECT FROM unnest of array parameters per batch) against its
// COPY (the default since session 12), at several batch sizes, on embedded PostgreSQL (or
// DATABASE_URL). Ticks of ~130-byte FIX-style references, no latest-quote rows (the raw insert
// alone); the two methods alternate, three rounds each, the median kept. Re-measured
// services/fx/README.md "Storage decisions", which predated TCP_NODELAY on the platform's connections.
// Prints one JSON line: {"bench":"fx-storage","results":[{"batch":…,"unnestRowsPerSec":…,"copyRowsPerSec":…},…]}

import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createTestDatabase, runMigrations, startTestPostgres } from '@parite/platform';
import { fxMigrations, PostgresRawTickStore, type RawTickInsertMethod, type RecordedTick } from '@parite/fx';

const { values } = parseArgs({ options: {
  batch: { type: 'string', default: '1000,5000,10000' },
  rows: { type: 'string', default: '100000' },
} });
const batchSizes = String(values.batch).split(',').map(Number);
const rowsPerRound = Number(values.rows);
const rounds = 3;

let sequence = 0;
function batchOf(size: number): RecordedTick[] {
  return Array.from({ length: size }, () => {
    sequence++;
    const timeMs = 1_764_900_000_000 + sequence;
    return { decision: 'ACCEPTED', tick: { sourceId: `bank-${sequence % 3}`, pair: 'USD/TRY',
      bidUnits: 42_100_000 + (sequence % 1000), askUnits: 42_120_000 + (sequence % 1000),
      sourceTimeMs: timeMs, receiveTimeMs: timeMs,
      sourceReference: `FIX.4.4:BANKFEED->PARITE:MDReqID=md-${sequence}:QuoteEntryID=q-${sequence}`.padEnd(130, '.') } };
  });
}

const server = await startTestPostgres();
const database = await createTestDatabase({ adminUrl: server.adminUrl, poolSize: 2 });
try {
  await runMigrations(database.sql, [fxMigrations]);
  const rowsPerSec = async (method: RawTickInsertMethod, batch: number): Promise<number> => {
    const store = new PostgresRawTickStore(database.sql, method);
    const batches = Array.from({ length: Math.max(1, Math.round(rowsPerRound / batch)) }, () => batchOf(batch));
    const startedMs = performance.now();
    for (const recorded of batches) await store.append(recorded, []);
    return Math.round((batches.length * batch * 1000) / (performance.now() - startedMs));
  };
  const median = (runs: number[]) => [...runs].sort((left, right) => left - right)[Math.floor(runs.length / 2)] as number;
  const results = [];
  for (const batch of batchSizes) {
    await rowsPerSec('unnest', batch);
    await rowsPerSec('copy', batch);
    const unnest: number[] = [];
    const copy: number[] = [];
    for (let round = 0; round < rounds; round++) {
      unnest.push(await rowsPerSec('unnest', batch));
      copy.push(await rowsPerSec('copy', batch));
    }
    results.push({ batch, unnestRowsPerSec: median(unnest), copyRowsPerSec: median(copy) });
  }
  console.log(JSON.stringify({ bench: 'fx-storage', rowsPerRound, results }));
} finally {
  await database.drop();
  await server.close();
}
