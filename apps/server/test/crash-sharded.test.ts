// Crash test of a sharded installation (PARITE_SHARDS, two engine shards in one server process). The
// load trades BTC-TRY (shard 0) and ETH-TRY (shard 1) while the users' funds start on the funding
// shard, so funds move between shards all the time; the server is SIGKILLed at seeded moments. After
// every restart, with the load halted:
//   1. every acknowledged order is present and every acknowledged cancel holds (the read models,
//      written by both shards' projectors);
//   2. `verify` passes: each shard's journal replays, its projections and snapshot equal the replay,
//      its ledger sums to zero, and across shards the clearing accounts hold exactly what is in flight
//      (moves cut by a kill are completed by the relay at start).
// At the end the server stops gracefully and verify passes once more.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { Prng } from '@parite/kernel';
import { createTestDatabase, type Sql, type TestDatabase } from '@parite/platform';
import { runCli } from '../../cli/test/support/cli-harness.ts';
import { checkAcknowledged } from './support/crash-checks.ts';
import { readDemoUsers, SignedClient } from './support/crash-client.ts';
import { connectServerDatabase, ownerIdsByEmail, readProjection } from './support/crash-database.ts';
import { LoadGenerator, LoadRecord, loadMarkets } from './support/crash-load.ts';
import {
  awaitClusterGone, awaitKilled, crashDataDirectory, freePort, killEverything, killGroup, startServer, stopGracefully, waitReady, type ServerProcess,
} from './support/crash-server.ts';

const seed = Number(process.env['PARITE_CRASH_SEED'] ?? 0x5eed_5a4d);
const killCount = 3;
const shards = 'BTC/TRY,BTC/USDT;ETH/TRY,ETH/USDT,USDT/TRY';
const loadUsers = ['alice', 'bob', 'taker'];
const markets = loadMarkets(['BTC-TRY', 'ETH-TRY']);
const runMsMin = 700;
const runMsMax = 2_000;
const settleWaitMsMax = 30_000;

interface VerifyReport { ok: boolean; checks: { name: string; ok: boolean; detail: string }[] }

/** The operator's verify, as a child process with the server's configuration. */
async function verify(environment: Record<string, string>): Promise<VerifyReport> {
  const result = await runCli(['verify', '--json'], { ...environment, LOG_LEVEL: 'silent' });
  try {
    return JSON.parse(result.stdout) as VerifyReport;
  } catch {
    throw new Error(`verify printed no report: ${result.stdout}\n${result.stderr}`);
  }
}

/** Both shards' projectors have written everything (readiness says so) and nothing moves any more. */
async function settled(client: SignedClient): Promise<void> {
  const deadline = Date.now() + settleWaitMsMax;
  let last = '';
  for (;;) {
    const ready = await client.get<{ sequence: string; projections: string }>(undefined, '/readyz');
    if (ready.projections === 'ok' && ready.sequence === last) return;
    last = ready.sequence;
    if (Date.now() > deadline) throw new Error(`projections ${ready.projections} at ${ready.sequence}`);
    await delay(200);
  }
}

test('SIGKILL of a sharded server while funds move between shards: nothing acknowledged is lost, every shard verifies',
  { timeout: 240_000 }, async (t) => {
    const prng = new Prng(seed);
    const dataDirectory = crashDataDirectory('parite-crash-shards-');
    let database: TestDatabase | undefined;
    let server: ServerProcess | undefined;
    let sql: Sql | undefined;
    const record = new LoadRecord();
    try {
      const environment: Record<string, string> = { PARITE_SHARDS: shards };
      if (process.env['DATABASE_URL'] !== undefined) {
        database = await createTestDatabase({ adminUrl: process.env['DATABASE_URL'] });
        Object.assign(environment, { DATABASE_URL: database.url, PARITE_MASTER_KEY: 'ab'.repeat(32) });
      }
      const options = { dataDirectory, httpPort: await freePort(), embeddedPostgresPort: await freePort(), environment };
      const cliEnvironment = { ...environment, PARITE_DATA_DIR: dataDirectory,
        PARITE_EMBEDDED_PG_PORT: String(options.embeddedPostgresPort), PARITE_DEMO: 'true' };
      for (let run = 0; run <= killCount; run++) {
        server = startServer(options);
        await waitReady(server);
        const client = new SignedClient(server.baseUrl, readDemoUsers(dataDirectory));
        sql = connectServerDatabase(dataDirectory, database?.url);
        const byEmail = await ownerIdsByEmail(sql);
        const ownerIds = new Map([...readDemoUsers(dataDirectory)].map(([name, user]) => [name, byEmail.get(user.email) ?? 0]));
        await settled(client);
        const acknowledged = checkAcknowledged(await readProjection(sql), record, ownerIds);
        const report = await verify(cliEnvironment);
        assert.equal(report.ok, true, JSON.stringify(report.checks.filter((check) => !check.ok)));
        assert.ok(report.checks.some((check) => check.name === 'cross-shard clearing'));
        t.diagnostic(`run ${run}: ${acknowledged.checked} acknowledged orders and ${acknowledged.cancelsChecked} cancels present; ` +
          `verify: ${report.checks.length} checks passed`);
        if (run === killCount) break;
        const load = new LoadGenerator(client, record, { users: loadUsers, loopsPerUser: 2, markets, run, seed });
        load.start();
        await delay(prng.nextIntegerInclusive(runMsMin, runMsMax));
        await sql.end({ timeout: 1 });
        sql = undefined;
        killGroup(server);
        load.halt();
        await load.settled();
        assert.equal((await awaitKilled(server)).signal, 'SIGKILL');
        await awaitClusterGone(dataDirectory);
      }
      await sql?.end({ timeout: 1 });
      sql = undefined;
      assert.ok(server !== undefined);
      assert.deepEqual(await stopGracefully(server), { code: 0, signal: null }, server.output());
      await awaitClusterGone(dataDirectory);
      const final = await verify(cliEnvironment);
      assert.equal(final.ok, true, JSON.stringify(final.checks.filter((check) => !check.ok)));
      assert.deepEqual(record.unexpected, [], 'no server error and no network failure outside a kill');
      assert.ok(record.acknowledged.size > 0 && record.cancelled.size > 0, 'the load placed and cancelled orders');
    } finally {
      await sql?.end({ timeout: 1 });
      await killEverything(server, dataDirectory);
      if (database !== undefined) await database.drop();
      rmSync(dataDirectory, { recursive: true, force: true });
    }
  });
