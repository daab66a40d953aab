// Customer FX benchmark (`node --import tsx bench/fx-quote.ts [--seconds 8] [--clients 16]`):
// request a quote then accept it, over real HTTP on loopback, as fast as `clients` keep-alive
// clients can. Behind the routes: the Fastify app from createHttpApp with the customer FX plugin,
// the quote service on PostgreSQL (embedded unless DATABASE_URL is set), and a real exchange engine
// with a durable file journal (group-committed fdatasync). Each pair is one quote insert, one
// last-look read, one claim transaction (quote row + daily usage upsert), one journalled fx.convert
// and one completion update.
// Callers are identified by a fixed-principal authenticator on purpose: this measures the FX path;
// request signatures are measured by bench/identity.ts and bench/e2e.ts.
// Prints one JSON line: {"bench":"fx-quote","quoteAcceptPerSec":…,"p50Ms":…,"p99Ms":…,…}

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MemoryAuditRecorder } from '@parite/contracts';
import { systemClock } from '@parite/kernel';
import { FileJournal, FileSnapshotStore } from '@parite/journal';
import { anonymousPrincipal, createHttpApp, type Authenticator, type Permission } from '@parite/http';
import { createTestDatabase, runMigrations, startTestPostgres } from '@parite/platform';
import { defaultAssets, ExchangeEngine, SystemOwner, type ExchangeCommand } from '@parite/exchange';
import {
  customerFxPlugin, fixedCustomerSegment, MemoryCurrentRateSource, PostgresQuoteStore, QuoteService,
} from '../services/fx/src/index.ts';

export interface FxQuoteBenchOptions {
  readonly seconds?: number;
  readonly clients?: number;
}

export interface FxQuoteBenchResult {
  readonly quoteAcceptPerSec: number;
  readonly pairs: number;
  readonly failures: number;
  readonly clients: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Customers the clients act for (round robin), each funded with plenty of TRY. */
const customersMax = 64;
const firstOwnerId = 5_000;
/** Latency samples kept; a run of a few seconds stays far below it. */
const samplesMax = 1_000_000;

const benchAuthenticator: Authenticator = {
  authenticate: (request) => {
    const header = request.headers['x-bench-user'];
    if (typeof header !== 'string') return Promise.resolve(anonymousPrincipal);
    return Promise.resolve({ kind: 'user', userId: Number(header), userPublicId: `usr_bench${header}`,
      permissions: new Set<Permission>(['order:write', 'account:read']), roles: ['customer'] });
  },
};

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, index)] ?? 0) * 100) / 100;
}

function usdTryRates(): MemoryCurrentRateSource {
  const rates = new MemoryCurrentRateSource();
  const atMs = Date.now();
  rates.set({ cycleId: 'bench:1', pair: 'USD/TRY', segment: 'retail', atMs, validUntilMs: atMs + 3_600_000,
    midUnits: 4_210_000_000, tiers: [
      { tierId: 'T1', upToBaseUnits: 10_000, buyUnits: 4_212_340_000, sellUnits: 4_200_120_000 },
      { tierId: 'T2', upToBaseUnits: null, buyUnits: 4_211_000_000, sellUnits: 4_205_000_000 },
    ] });
  return rates;
}

async function post(base: string, path: string, ownerId: number, body: unknown): Promise<{ status: number; json: Record<string, string> }> {
  const response = await fetch(base + path, { method: 'POST', body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', 'x-bench-user': String(ownerId) } });
  return { status: response.status, json: await response.json() as Record<string, string> };
}

export async function runFxQuoteBench(options: FxQuoteBenchOptions = {}): Promise<FxQuoteBenchResult> {
  const seconds = options.seconds ?? 8;
  const clients = options.clients ?? 16;
  const directory = mkdtempSync(join(tmpdir(), 'parite-fx-quote-bench-'));
  const server = await startTestPostgres();
  const database = await createTestDatabase({ adminUrl: server.adminUrl, poolSize: 10 });
  const engine = new ExchangeEngine({ journal: new FileJournal({ directory: join(directory, 'journal') }),
    snapshots: new FileSnapshotStore({ directory: join(directory, 'snapshots') }), clock: systemClock,
    snapshotEveryCommands: 0 });
  const app = createHttpApp({ authenticator: benchAuthenticator, openApi: { title: 'bench', version: '0' },
    rateLimit: false });
  try {
    await runMigrations(database.sql, [{ module: 'fx', directory: fileURLToPath(new URL('../services/fx/migrations', import.meta.url)) }]);
    await engine.start();
    const setup: ExchangeCommand[] = [...defaultAssets];
    for (let index = 0; index < customersMax; index++) {
      setup.push({ kind: 'ledger.transfer', transferId: `bench-fund-${index}`, debitOwnerId: SystemOwner.External,
        creditOwnerId: firstOwnerId + index, assetCode: 'TRY', amountUnits: 10n ** 15n, reason: 'bench funding' });
    }
    for (const command of setup) await engine.submit(command);
    const quotes = new QuoteService({
      store: new PostgresQuoteStore(database.sql), engine, rates: usdTryRates(), segments: fixedCustomerSegment('retail'),
      audit: new MemoryAuditRecorder(), clock: systemClock, random: { bytes: (length) => randomBytes(length) },
      dailyLimitTryUnits: { retail: 10n ** 18n },
    });
    await app.register(customerFxPlugin, { quotes });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const latencies: number[] = [];
    let pairs = 0;
    let failures = 0;
    const deadline = performance.now() + seconds * 1_000;
    const started = performance.now();
    await Promise.all(Array.from({ length: clients }, async (_, client) => {
      const ownerId = firstOwnerId + (client % customersMax);
      while (performance.now() < deadline) {
        const begin = performance.now();
        const quote = await post(address, '/v1/fx/quotes', ownerId, { pair: 'USD-TRY', side: 'buy', amount: '100', currency: 'USD' });
        const accepted = quote.status === 201
          ? await post(address, `/v1/fx/quotes/${quote.json['quoteId']}/accept`, ownerId, { pair: 'USD-TRY', side: 'buy',
            rate: quote.json['rate'], baseAmount: quote.json['baseAmount'], quoteAmount: quote.json['quoteAmount'] })
          : quote;
        if (accepted.status === 200) {
          pairs++;
          if (latencies.length < samplesMax) latencies.push(performance.now() - begin);
        } else {
          failures++;
        }
      }
    }));
    const elapsedSeconds = (performance.now() - started) / 1_000;
    latencies.sort((left, right) => left - right);
    return {
      quoteAcceptPerSec: Math.round(pairs / elapsedSeconds), pairs, failures, clients,
      p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99), maxMs: percentile(latencies, 1),
    };
  } finally {
    await app.close();
    if (engine.ready) await engine.stop();
    await database.drop();
    await server.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '8' }, clients: { type: 'string', default: '16' } } });
  const result = await runFxQuoteBench({ seconds: Number(values.seconds), clients: Number(values.clients) });
  console.log(JSON.stringify({ bench: 'fx-quote', ...result }));
}
