// The CLI as child processes against an installation whose server is not running: one database for
// the whole file (embedded PostgreSQL started here once, which the CLI finds running and connects
// to; or a fresh database when DATABASE_URL is set), and a journal written by a real engine.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock } from '@parite/kernel';
import {
  defaultAssets, defaultMarkets, demoReferencePrices, ExchangeEngine, SystemOwner, type ExchangeCommand,
} from '@parite/exchange';
import { FileJournal, FileSnapshotStore } from '@parite/journal';
import { SelfTradePrevention, Side, TimeInForce } from '@parite/matching';
import { openDatabase, type Database } from '@parite/platform';
import { operatorMigrationModules } from '../src/migrations.ts';
import { createInstallation, jsonOutput, type Installation } from './support/cli-harness.ts';

let installation: Installation;
let database: Database;

before(async () => {
  installation = await createInstallation();
  database = await openDatabase(installation.config);
});

after(async () => {
  await database?.close();
  await installation?.remove();
});

test('migrate applies every module once; a second run applies nothing', async () => {
  const first = await installation.cli('migrate', '--json');
  assert.equal(first.code, 0, first.stderr);
  const applied = jsonOutput<{ applied: { module: string }[]; alreadyApplied: number }>(first);
  // One entry per migration file of every module, in module order.
  const expected = operatorMigrationModules.flatMap((module) =>
    readdirSync(module.directory).filter((file) => file.endsWith('.sql')).map(() => module.module));
  assert.deepEqual(applied.applied.map((file) => file.module), expected);
  const second = await installation.cli('migrate');
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, new RegExp(`^0 migrations applied, ${expected.length} already applied$`, 'm'));
  const rows = await database.sql`select module from schema_migrations`;
  assert.equal(rows.length, expected.length);
});

test('verify passes on a fresh installation', async () => {
  const result = await installation.cli('verify');
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /^ok {4}audit log: 0 entries, hash chain intact$/m);
  assert.match(result.stdout, /^verify: all \d+ checks passed$/m);
});

test('create-user and create-api-key are audited; the secret is printed once and stored sealed', async () => {
  const user = await installation.cli('create-user', '--email', 'Dana@Example.com', '--json');
  assert.equal(user.code, 0, user.stderr);
  const created = jsonOutput<{ userId: string; email: string; roles: string[] }>(user);
  assert.deepEqual([created.email, created.roles], ['dana@example.com', ['customer']]);
  const again = await installation.cli('create-user', '--email', 'dana@example.com');
  assert.equal(again.code, 1);
  assert.match(again.stderr, /USER_ALREADY_EXISTS/);
  const key = await installation.cli('create-api-key', '--user', created.userId, '--scopes', 'read,trade',
    '--ip', '127.0.0.1', '--expires-days', '30');
  assert.equal(key.code, 0, key.stderr);
  const keyId = /^key id: +(pk_\S+)$/m.exec(key.stdout)?.[1];
  const secret = /^secret: +(\S+)$/m.exec(key.stdout)?.[1];
  assert.ok(keyId !== undefined && secret !== undefined, key.stdout);
  assert.equal(key.stdout.split(secret).length, 2, 'the secret is printed exactly once');
  assert.doesNotMatch(key.stderr, new RegExp(secret));
  const stored = await database.sql<{ sealed_secret: Buffer; scopes: string[] }[]>`
    select sealed_secret, scopes from identity_api_keys where key_id = ${keyId}`;
  assert.deepEqual(stored[0]?.scopes, ['read', 'trade']);
  assert.equal(stored[0]?.sealed_secret.includes(Buffer.from(secret, 'base64url')), false, 'stored sealed');
  const audit = await installation.cli('audit-log', '--limit', '5', '--json');
  const entries = jsonOutput<{ entries: { action: string; actorKind: string; details: unknown }[] }>(audit).entries;
  assert.deepEqual(entries.map((entry) => entry.action), ['api_key.create', 'user.create']);
  assert.ok(entries.every((entry) => entry.actorKind === 'operator'));
  assert.doesNotMatch(JSON.stringify(entries), new RegExp(secret));
});

/** A journal as the server writes it: the demo catalogue, two funded users, a trade, a resting order. */
async function writeJournal(dataDirectory: string): Promise<bigint> {
  const engine = new ExchangeEngine({ journal: new FileJournal({ directory: join(dataDirectory, 'journal') }),
    snapshots: new FileSnapshotStore({ directory: join(dataDirectory, 'snapshots') }), clock: systemClock });
  await engine.start();
  const order = (ownerId: number, side: Side, clientOrderId: string, quantityUnits: bigint): ExchangeCommand => ({
    kind: 'order.place', ownerId, symbol: 'BTC/TRY', clientOrderId, side, type: 'limit',
    timeInForce: TimeInForce.GoodTillCancelled, postOnly: false, priceUnits: 3_900_000_000_000n, quantityUnits,
    selfTradePrevention: SelfTradePrevention.CancelNewest,
  });
  const commands: ExchangeCommand[] = [
    ...defaultAssets, ...defaultMarkets,
    ...Object.entries(demoReferencePrices).map(([symbol, priceUnits]): ExchangeCommand =>
      ({ kind: 'market.reference-price', symbol, priceUnits })),
    { kind: 'ledger.transfer', transferId: 'fund-101', debitOwnerId: SystemOwner.External, creditOwnerId: 101,
      assetCode: 'TRY', amountUnits: 100_000_000_000n, reason: 'test funding' },
    { kind: 'ledger.transfer', transferId: 'fund-102', debitOwnerId: SystemOwner.External, creditOwnerId: 102,
      assetCode: 'BTC', amountUnits: 100_000_000n, reason: 'test funding' },
    order(102, Side.Sell, 'ask-1', 3_000_000n), order(101, Side.Buy, 'bid-1', 1_000_000n),
  ];
  for (const command of commands) assert.equal((await engine.submit(command)).result.code, 'OK', command.kind);
  const sequence = engine.lastAppliedSequence;
  await engine.stop();
  return sequence;
}

test('rebuild-projections projects the journal; verify then passes, snapshot included', async () => {
  const lastSequence = await writeJournal(installation.dataDirectory);
  const rebuild = await installation.cli('rebuild-projections', '--json');
  assert.equal(rebuild.code, 0, rebuild.stderr);
  assert.deepEqual(jsonOutput(rebuild), { sequence: lastSequence.toString(), commands: Number(lastSequence) });
  const orders = await database.sql<{ status: string }[]>`select status from orders order by order_id`;
  assert.deepEqual(orders.map((row) => row.status), ['partially_filled', 'filled']);
  const verify = await installation.cli('verify', '--json');
  assert.equal(verify.code, 0, verify.stdout);
  const checks = jsonOutput<{ ok: boolean; checks: { name: string; ok: boolean }[] }>(verify).checks;
  assert.deepEqual(checks.map((check) => [check.name, check.ok]), [
    ['audit log', true], [`projections at sequence ${lastSequence}`, true], [`snapshot at sequence ${lastSequence}`, true],
    ['journal replay', true], ['ledger invariant', true]]);
});

test('verify fails after the audit log or the balances projection is tampered with', async () => {
  // Only a superuser can do this: the audit log's triggers refuse updates to everyone else.
  await database.sql.begin(async (transaction) => {
    await transaction`alter table audit_log disable trigger user`;
    await transaction`update audit_log set details = '{"email":"mallory@example.com"}' where sequence = 1`;
    await transaction`alter table audit_log enable trigger user`;
  });
  const audit = await installation.cli('verify');
  assert.equal(audit.code, 1, audit.stdout);
  assert.match(audit.stdout, /^FAIL {2}audit log: chain broken at sequence 1: entry_hash_mismatch$/m);
  assert.match(audit.stdout, /^verify: 1 of \d+ checks FAILED$/m);
  await database.sql`update balances set balance_units = balance_units + 1 where owner_id = 101 and asset_id = 1`;
  const balances = await installation.cli('verify');
  assert.equal(balances.code, 1, balances.stdout);
  assert.match(balances.stdout, /^FAIL {2}projections at sequence \d+: account 101\/1 \(owner\/asset\) is /m);
  assert.match(balances.stdout, /^verify: 2 of \d+ checks FAILED$/m);
});
