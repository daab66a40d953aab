import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, Prng, jsonStringifyWithBigint } from '@parite/kernel';
import { FileJournal, FileSnapshotStore, MemoryJournal, MemorySnapshotStore } from '@parite/journal';
import {
  encodeCommand, encodeSnapshot, ExchangeEngine, stateHash, takeSnapshot, type CommittedCommand, type ExchangeCommand,
} from '../src/index.ts';
import { randomCommand, setupCommands } from './core-workload.ts';
import { SelfTradePrevention, Side, TimeInForce } from '@parite/matching';

const setup = setupCommands;

function fileEngine(directory: string, snapshotEveryCommands: number): ExchangeEngine {
  return new ExchangeEngine({
    journal: new FileJournal({ directory: join(directory, 'journal') }),
    snapshots: new FileSnapshotStore({ directory: join(directory, 'snapshots') }),
    clock: new ManualClock(1_700_000_000_000), snapshotEveryCommands, checkInvariants: true,
  });
}

async function drive(engine: ExchangeEngine, seed: number, count: number): Promise<void> {
  const prng = new Prng(seed);
  for (const command of setup()) await engine.submit(command);
  const pending: Promise<unknown>[] = [];
  for (let index = 0; index < count; index++) {
    const command = randomCommand(prng, index, () => [...engine.state.orders.keys()].slice(-40));
    // Many in flight at once, as under load: they share group commits.
    pending.push(engine.submit(command));
    if (pending.length >= 64) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
}

test('acknowledged commands survive a restart; refused ones are not journalled', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'parite-engine-'));
  try {
    const engine = fileEngine(directory, 0);
    await engine.start();
    await drive(engine, 11, 2_000);
    const before = stateHash(engine.state);
    const applied = engine.lastAppliedSequence;
    const refused = await engine.submit({ kind: 'market.reference-price', symbol: 'NOPE/TRY', priceUnits: 1n });
    assert.equal(refused.result.code, 'MARKET_UNKNOWN');
    assert.equal(engine.lastAppliedSequence, applied, 'a refused command takes no journal sequence');
    await engine.stop();
    const restarted = fileEngine(directory, 0);
    await restarted.start();
    assert.equal(stateHash(restarted.state), before);
    await restarted.stop();
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('recovery from a snapshot plus the journal tail gives the same state as a full replay', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'parite-engine-'));
  try {
    const engine = fileEngine(directory, 500);
    await engine.start();
    await drive(engine, 12, 2_500);
    const expected = stateHash(engine.state);
    // No final snapshot: simulate a crash by abandoning the engine after its journal is durable.
    await (engine as unknown as { options: { journal: FileJournal } }).options.journal.close();
    const recovered = fileEngine(directory, 500);
    const replayed: bigint[] = [];
    recovered.subscribe((batch) => replayed.push(...batch.map((item) => item.sequence)));
    await recovered.start();
    assert.equal(stateHash(recovered.state), expected);
    assert.ok(replayed.length > 0 && replayed.length < Number(recovered.lastAppliedSequence),
      'only the tail after the snapshot was replayed');
    await recovered.stop();
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('with snapshotsByFollower the engine takes no snapshot, periodic or final, and still recovers from one', async () => {
  const saved: bigint[] = [];
  const memory = new MemorySnapshotStore();
  const snapshots = { save: async (sequence: bigint, data: Uint8Array) => {
    saved.push(sequence);
    await memory.save(sequence, data);
  }, loadLatest: () => memory.loadLatest() };
  const journal = new MemoryJournal();
  const engine = new ExchangeEngine({ journal, snapshots, clock: new ManualClock(1), snapshotEveryCommands: 10,
    snapshotsByFollower: true });
  await engine.start();
  await drive(engine, 4, 300);
  const expected = stateHash(engine.state);
  const sequence = engine.lastAppliedSequence;
  await engine.stop();
  assert.deepEqual(saved, [], 'the follower takes them');
  // What a follower saves (its replica's state at a sequence) is what the next start recovers from.
  await memory.save(sequence, encodeSnapshot(takeSnapshot(engine.state)));
  const recovered = new ExchangeEngine({ journal: new MemoryJournal(), snapshots, clock: new ManualClock(1), snapshotsByFollower: true });
  await recovered.start();
  assert.equal(stateHash(recovered.state), expected);
  assert.equal(recovered.lastAppliedSequence, sequence);
  await recovered.stop();
});

test('listeners see every committed command once, in journal order, only after it is durable', async () => {
  const journal = new MemoryJournal();
  const engine = new ExchangeEngine({ journal, snapshots: new MemorySnapshotStore(), clock: new ManualClock(1) });
  await engine.start();
  const seen: CommittedCommand[] = [];
  engine.subscribe((batch) => {
    for (const item of batch) assert.ok(journal.lastSequence >= item.sequence, 'delivered before durable');
    seen.push(...batch);
  });
  await Promise.all(setup().map((command) => engine.submit(command)));
  assert.deepEqual(seen.map((item) => item.sequence), seen.map((_, index) => BigInt(index + 1)));
  assert.equal(seen.length, setup().length);
});

test('the journal codec round-trips every command kind exactly', async () => {
  const { decodeCommand, encodeCommand } = await import('../src/index.ts');
  const prng = new Prng(5);
  const commands = [...setup()];
  for (let index = 0; index < 500; index++) commands.push(randomCommand(prng, index, () => [1, 2, 3]));
  // Text that JSON must escape, absent optional fields, and the extremes of the amounts.
  commands.push({ kind: 'order.place', ownerId: 7, symbol: 'BTC/TRY', clientOrderId: 'q"\\\u2028é\n',
    side: Side.Sell, type: 'market', timeInForce: TimeInForce.ImmediateOrCancel, postOnly: false,
    priceUnits: undefined, quantityUnits: 2n ** 63n - 1n, selfTradePrevention: SelfTradePrevention.Decrement });
  commands.push({ kind: 'order.cancel', ownerId: 7, symbol: 'BTC/TRY', orderId: undefined, clientOrderId: 'c"1' });
  commands.push({ kind: 'order.amend', ownerId: 7, symbol: 'BTC/TRY', orderId: 3, priceUnits: 1n, quantityUnits: undefined });
  // JSON drops undefined fields; the core reads an absent field exactly like an undefined one.
  const withoutUndefined = (command: ExchangeCommand) =>
    Object.fromEntries(Object.entries(command).filter(([, value]) => value !== undefined));
  for (const command of commands) {
    assert.deepEqual(decodeCommand(encodeCommand(command)), withoutUndefined(command));
    // The hot commands are written field by field: still the journal's one JSON form.
    assert.deepEqual(JSON.parse(new TextDecoder().decode(encodeCommand(command))),
      JSON.parse(jsonStringifyWithBigint(command)));
  }
  const kinds = new Set(commands.map((command) => command.kind));
  for (const kind of ['order.place', 'order.cancel', 'order.amend'] as const) assert.ok(kinds.has(kind), kind);
  // An order command's only objects are its bigints: anything else in a payload is refused, loudly.
  const bytes = (text: string) => new TextEncoder().encode(text);
  assert.throws(() => decodeCommand(bytes('{"kind":"order.amend","ownerId":7,"symbol":"BTC/TRY","orderId":3,' +
    '"priceUnits":{"$bigint":"1","extra":1}}')), /priceUnits is an object but not a bigint/);
  assert.throws(() => decodeCommand(bytes('{"kind":"order.cancel","ownerId":7,"symbol":"BTC/TRY","orderId":[1]}')),
    /orderId is an object but not a bigint/);
});

test('an identical retry is answered OK but not journalled, and leaves the state hash alone', async () => {
  const engine = new ExchangeEngine({ journal: new MemoryJournal(), snapshots: new MemorySnapshotStore(),
    clock: new ManualClock(1_700_000_000_000), checkInvariants: true });
  await engine.start();
  try {
    for (const command of setup()) await engine.submit(command);
    const transfer: ExchangeCommand = { kind: 'ledger.transfer', transferId: 'retry-1', debitOwnerId: 1001,
      creditOwnerId: 1002, assetCode: 'TRY', amountUnits: 5n, reason: 'retry test' };
    const first = await engine.submit(transfer);
    assert.equal(first.result.code, 'OK');
    const hash = stateHash(engine.state);
    const sequence = engine.lastAppliedSequence;
    const retry = await engine.submit(transfer);
    assert.equal(retry.result.code, 'OK');
    assert.equal(retry.result.unchanged, true);
    assert.equal(retry.result.reply?.['duplicate'], true);
    assert.equal(engine.lastAppliedSequence, sequence, 'the retry takes no journal sequence');
    assert.equal(stateHash(engine.state), hash, 'not even the core clock moved');
    // An asset created again answers with the asset it names (a sharded engine's catalogue repair
    // relies on it when another process created the asset first).
    const again = await engine.submit({ kind: 'asset.create', code: 'TRY', scale: 6 });
    assert.equal(again.result.unchanged, true);
    assert.equal(again.result.reply?.['assetId'], engine.state.assetByCode.get('TRY')?.assetId);
    assert.equal(engine.lastAppliedSequence, sequence, 'nor does an asset created again');
  } finally {
    await engine.stop();
  }
});

test('deliverPayloads hands listeners each command as journalled; without it nothing is kept', async () => {
  for (const deliverPayloads of [true, false]) {
    const journal = new MemoryJournal();
    const engine = new ExchangeEngine({ journal, snapshots: new MemorySnapshotStore(),
      clock: new ManualClock(1_700_000_000_000), deliverPayloads });
    const delivered: CommittedCommand[] = [];
    engine.subscribe((batch) => delivered.push(...batch));
    await engine.start();
    for (const command of setup()) await engine.submit(command);
    assert.ok(delivered.length > 0);
    for (const committed of delivered) {
      if (!deliverPayloads) {
        assert.equal(committed.payload, undefined);
        continue;
      }
      assert.deepEqual(committed.payload, encodeCommand(committed.command));
      const record = journal.storage.records.find((entry) => entry.sequence === committed.sequence);
      assert.deepEqual(committed.payload, record?.payload, 'the bytes the journal holds');
    }
    await engine.stop();
  }
});
