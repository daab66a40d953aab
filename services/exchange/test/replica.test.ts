import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, Prng } from '@parite/kernel';
import { ServiceError } from '@parite/contracts';
import { SelfTradePrevention, Side, TimeInForce } from '@parite/matching';
import { MemoryJournal, MemoryJournalStorage, MemorySnapshotStore } from '@parite/journal';
import {
  decodeSubmission, defaultAssets, encodeSubmission, ExchangeEngine,
  LocalCommandTransport, ReplicaEngine, stateHash, type CommandTransport, type ExchangeCommand,
} from '../src/index.ts';
import { randomCommand, setupCommands } from './core-workload.ts';

const setup = setupCommands;

interface Pair {
  engine: ExchangeEngine;
  replica: ReplicaEngine;
  storage: MemoryJournalStorage;
  snapshots: MemorySnapshotStore;
}

async function startPair(snapshotEveryCommands = 0, transport?: (engine: ExchangeEngine) => CommandTransport): Promise<Pair> {
  const storage = new MemoryJournalStorage();
  const snapshots = new MemorySnapshotStore();
  const engine = new ExchangeEngine({ journal: new MemoryJournal({ storage }), snapshots,
    clock: new ManualClock(1_700_000_000_000), snapshotEveryCommands, checkInvariants: true });
  await engine.start();
  const replica = new ReplicaEngine({ journal: new MemoryJournal({ storage }), snapshots,
    transport: transport?.(engine) ?? new LocalCommandTransport(engine), followIntervalMs: 5 });
  await replica.start();
  return { engine, replica, storage, snapshots };
}

async function drive(target: ReplicaEngine | ExchangeEngine, seed: number, count: number): Promise<void> {
  const prng = new Prng(seed);
  const pending: Promise<unknown>[] = [];
  for (let index = 0; index < count; index++) {
    pending.push(target.submit(randomCommand(prng, index, () => [...target.state.orders.keys()].slice(-40))));
    if (pending.length >= 32) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
}

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

test('a replica that submits through the engine holds the engine state and reads its own writes', async () => {
  const { engine, replica } = await startPair();
  try {
    for (const command of setup()) assert.equal((await replica.submit(command)).result.code, 'OK');
    const placed = await replica.submit({ kind: 'order.place', ownerId: 1001, symbol: 'BTC/TRY', side: Side.Buy,
      type: 'limit', timeInForce: TimeInForce.GoodTillCancelled, priceUnits: 3_800_000_000_000n, quantityUnits: 1_000_000n,
      clientOrderId: 'replica-1', postOnly: false, selfTradePrevention: SelfTradePrevention.None });
    assert.equal(placed.result.code, 'OK');
    const orderId = placed.result.reply?.['orderId'];
    assert.equal(typeof orderId, 'number');
    assert.ok(replica.state.orders.has(orderId as number), 'the order is in the replica when submit resolves');
    await drive(replica, 5, 1_500);
    await drive(engine, 6, 500);
    await waitFor(() => replica.lastAppliedSequence === engine.lastAppliedSequence);
    assert.equal(stateHash(replica.state), stateHash(engine.state));
    replica.state.ledger.assertInvariants();
  } finally {
    await replica.stop();
    await engine.stop();
  }
});

test('a refusal travels back from the engine and takes no journal sequence', async () => {
  const { engine, replica, storage } = await startPair();
  try {
    const before = storage.records.length;
    const refused = await replica.submit({ kind: 'market.reference-price', symbol: 'NOPE/TRY', priceUnits: 1n });
    assert.equal(refused.result.code, 'MARKET_UNKNOWN');
    assert.equal(storage.records.length, before);
  } finally {
    await replica.stop();
    await engine.stop();
  }
});

test('a replica started late restores the snapshot, replays the tail and follows', async () => {
  const { engine, replica, storage, snapshots } = await startPair(200);
  await replica.stop();
  try {
    for (const command of setup()) await engine.submit(command);
    await drive(engine, 9, 1_200);
    const late = new ReplicaEngine({ journal: new MemoryJournal({ storage }), snapshots,
      transport: new LocalCommandTransport(engine), followIntervalMs: 5 });
    await late.start();
    assert.equal(stateHash(late.state), stateHash(engine.state));
    await drive(late, 10, 300);
    assert.equal(stateHash(late.state), stateHash(engine.state));
    await late.stop();
  } finally {
    await engine.stop();
  }
});

test('an unreachable engine is SERVICE_UNAVAILABLE; an engine-level refusal keeps its code', async () => {
  let reachable = false;
  const { engine, replica } = await startPair(0, (target) => ({
    submit: (payloads) => reachable ? new LocalCommandTransport(target).submit(payloads) : Promise.reject(new Error('no route')),
    close: async () => {},
  }));
  try {
    await assert.rejects(replica.submit(defaultAssets[0] as ExchangeCommand),
      (error: unknown) => error instanceof ServiceError && error.code === 'SERVICE_UNAVAILABLE');
    reachable = true;
    const tooMany = Array.from({ length: 101 }, () => defaultAssets[0] as ExchangeCommand);
    await assert.rejects(replica.submitMany(tooMany),
      (error: unknown) => error instanceof ServiceError && error.code === 'REQUEST_BATCH_TOO_LARGE');
    await engine.stop();
    await assert.rejects(replica.submit(defaultAssets[0] as ExchangeCommand),
      (error: unknown) => error instanceof ServiceError && error.code === 'SERVICE_NOT_READY');
  } finally {
    await replica.stop();
  }
});

test('submission frames round-trip and malformed frames are refused', () => {
  const payloads = [new Uint8Array([1, 2, 3]), new Uint8Array(0), new Uint8Array([9])];
  const framed = encodeSubmission(payloads);
  assert.deepEqual(decodeSubmission(framed, 10), payloads);
  assert.equal(decodeSubmission(framed, 2), undefined, 'more payloads than allowed');
  assert.equal(decodeSubmission(framed.subarray(0, framed.byteLength - 1), 10), undefined, 'truncated');
  assert.equal(decodeSubmission(new Uint8Array([0, 0, 0, 0, 7]), 10), undefined, 'trailing bytes');
  assert.equal(decodeSubmission(new Uint8Array([1]), 10), undefined, 'shorter than a count');
});
