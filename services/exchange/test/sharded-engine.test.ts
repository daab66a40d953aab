import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, Prng } from '@parite/kernel';
import { FileJournal, FileSnapshotStore } from '@parite/journal';
import { SelfTradePrevention, Side, TimeInForce } from '@parite/matching';
import {
  ExchangeCore, ExchangeEngine, ShardMap, ShardedEngine, SystemOwner, checkShardClearing, clearingOwnerId,
  defaultAssets, defaultMarkets, demoReferencePrices, restoreSnapshot, shardOfId, stateHash, takeSnapshot, type ExchangeCommand,
  type ExchangeState, type OrderPlaceCommand,
} from '../src/index.ts';

const trader = 1001;
const counterparty = 1002;
/** BTC/TRY and BTC/USDT on shard 0, the ETH and USDT/TRY markets on shard 1. */
const shardsText = 'BTC/TRY,BTC/USDT;ETH/TRY,ETH/USDT,USDT/TRY';

function shardEngine(directory: string, index: number, count: number): ExchangeEngine {
  return new ExchangeEngine({
    journal: new FileJournal({ directory: join(directory, `journal-${index}`) }),
    snapshots: new FileSnapshotStore({ directory: join(directory, `snapshots-${index}`) }),
    clock: new ManualClock(1_700_000_000_000), checkInvariants: true, shard: { index, count },
  });
}

async function openSharded(directory: string): Promise<{ engine: ShardedEngine; shards: ExchangeEngine[] }> {
  const shardMap = ShardMap.parse(shardsText);
  const shards = [0, 1].map((index) => shardEngine(directory, index, shardMap.shardCount));
  for (const shard of shards) await shard.start();
  const engine = new ShardedEngine({ shards, shardMap, relayIntervalMs: 0 });
  await engine.start();
  return { engine, shards };
}

async function ok(engine: ShardedEngine, command: ExchangeCommand) {
  const committed = await engine.submit(command);
  assert.equal(committed.result.code, 'OK', `${command.kind}: ${committed.result.code}`);
  return committed;
}

function limit(symbol: string, side: Side, price: bigint, quantity: bigint, clientOrderId: string,
  ownerId = trader): OrderPlaceCommand {
  return { kind: 'order.place', ownerId, symbol, clientOrderId, side, type: 'limit',
    timeInForce: TimeInForce.GoodTillCancelled, postOnly: false, priceUnits: price, quantityUnits: quantity,
    selfTradePrevention: SelfTradePrevention.CancelNewest };
}

async function seed(engine: ShardedEngine): Promise<void> {
  for (const command of [...defaultAssets, ...defaultMarkets]) await ok(engine, command);
  for (const [ownerId, asset, amount] of [[trader, 'TRY', 10_000_000_000_000n], [counterparty, 'ETH', 100_000_000_000n]] as const) {
    await ok(engine, { kind: 'ledger.transfer', transferId: `fund-${ownerId}-${asset}`, debitOwnerId: SystemOwner.External,
      creditOwnerId: ownerId, assetCode: asset, amountUnits: amount, reason: 'test funding' });
  }
}

/** Per shard every asset sums to zero; across shards the clearing accounts match what is in flight. */
function assertLedger(states: readonly ExchangeState[]): void {
  for (const state of states) state.ledger.assertInvariants();
  assert.deepEqual(checkShardClearing(states), []);
}

test('a shard takes its identity only while empty, and hands out ids no other shard uses', () => {
  const first = new ExchangeCore({ checkInvariants: true });
  const second = new ExchangeCore({ checkInvariants: true });
  assert.equal(first.execute({ kind: 'shard.configure', shardIndex: 0, shardCount: 2 }, 1).code, 'OK');
  assert.equal(second.execute({ kind: 'shard.configure', shardIndex: 1, shardCount: 2 }, 1).code, 'OK');
  assert.equal(second.execute({ kind: 'shard.configure', shardIndex: 1, shardCount: 2 }, 2).unchanged, true);
  assert.equal(second.execute({ kind: 'shard.configure', shardIndex: 0, shardCount: 2 }, 2).code, 'SHARD_CONFIGURATION_CONFLICT');
  assert.equal(first.execute({ kind: 'shard.configure', shardIndex: 2, shardCount: 2 }, 2).code, 'REQUEST_VALIDATION_FAILED');
  const used = new ExchangeCore();
  used.execute(defaultAssets[0] as ExchangeCommand, 1);
  assert.equal(used.execute({ kind: 'shard.configure', shardIndex: 1, shardCount: 2 }, 2).code, 'SHARD_CONFIGURATION_CONFLICT');
  for (const [core, index] of [[first, 0], [second, 1]] as const) {
    for (const command of [...defaultAssets, ...defaultMarkets]) assert.equal(core.execute(command, 3).code, 'OK');
    for (const market of core.state.markets.values()) assert.equal(shardOfId(market.spec.marketId, 2), index);
  }
});

test('the shard map names markets per shard and hashes the others stably', () => {
  const map = ShardMap.parse(shardsText);
  assert.equal(map.shardCount, 2);
  assert.equal(map.shardOfSymbol('BTC/TRY'), 0);
  assert.equal(map.shardOfSymbol('ETH/TRY'), 1);
  assert.equal(map.shardOfSymbol('XRP/TRY'), ShardMap.parse(shardsText).shardOfSymbol('XRP/TRY'));
  assert.equal(ShardMap.parse('BTC-TRY;ETH-TRY').shardOfSymbol('ETH/TRY'), 1);
  assert.equal(ShardMap.parse('').sharded, false);
  assert.equal(ShardMap.parse('4').shardCount, 4);
  assert.throws(() => ShardMap.parse('BTC/TRY;BTC/TRY'), /named twice/);
  assert.throws(() => ShardMap.parse('0'), /shard count/);
  assert.throws(() => ShardMap.parse('bitcoin'), /bad market symbol/);
});

test('orders on two shards: funds follow the order, ids stay disjoint, the ledger balances across shards', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'parite-shards-'));
  try {
    const { engine, shards } = await openSharded(directory);
    await seed(engine);
    const states = shards.map((shard) => shard.state);
    // Deposits land on the funding shard; the ETH/TRY bid needs TRY on shard 1 and gets it moved there.
    assert.equal(states[1]?.ledger.availableUnits(trader, 1), 0n);
    const bid = await ok(engine, limit('ETH/TRY', Side.Buy, 100_000_000_000n, 100_000_000n, 'eth-bid'));
    const bidId = bid.result.reply?.['orderId'] as number;
    assert.equal(shardOfId(bidId, 2), 1);
    const btcBid = await ok(engine, limit('BTC/TRY', Side.Buy, 2_000_000_000_000n, 1_000_000n, 'btc-bid'));
    assert.equal(shardOfId(btcBid.result.reply?.['orderId'] as number, 2), 0);
    assert.equal(states[0]?.outboundShardTransfers.size, 0, 'every move settled');
    // The merged view: one balance per asset, the sum over the shards; orders found by id on their shard.
    const tryAsset = engine.state.assetByCode.get('TRY');
    assert.ok(tryAsset !== undefined);
    const merged = engine.state.ledger.peek(trader, tryAsset.assetId);
    assert.equal(merged?.balanceUnits, 10_000_000_000_000n);
    assert.equal(engine.state.orders.get(bidId)?.view.symbol, 'ETH/TRY');
    assert.equal(engine.state.users.get(trader)?.openOrderIds.size, 2);
    // A trade on shard 1 settles there; its fee stays there.
    const ask = await ok(engine, limit('ETH/TRY', Side.Sell, 100_000_000_000n, 100_000_000n, 'eth-ask', counterparty));
    assert.ok(ask.result.events.some((event) => event.type === 'trade.executed'));
    assertLedger(states);
    // Cancel everything reaches both shards.
    const cancelAll = await ok(engine, { kind: 'order.cancel-all', ownerId: trader, symbol: undefined });
    assert.equal(cancelAll.result.reply?.['cancelled'], 1);
    // A withdrawal on the funding shard pulls back what the trader holds on shard 1.
    const available = engine.state.ledger.availableUnits(trader, tryAsset.assetId);
    await ok(engine, { kind: 'ledger.transfer', transferId: 'withdraw-all', debitOwnerId: trader,
      creditOwnerId: SystemOwner.External, assetCode: 'TRY', amountUnits: available, reason: 'test withdrawal' });
    assert.equal(engine.state.ledger.availableUnits(trader, tryAsset.assetId), 0n);
    assertLedger(states);
    const overdraw = await engine.submit(limit('ETH/TRY', Side.Buy, 100_000_000_000n, 100_000_000n, 'too-much'));
    assert.equal(overdraw.result.code, 'LEDGER_INSUFFICIENT_FUNDS');
    await assert.rejects(engine.submit({ kind: 'shard.configure', shardIndex: 0, shardCount: 2 }),
      (error: unknown) => (error as { code?: string }).code === 'REQUEST_VALIDATION_FAILED');
    const hashes = states.map((state) => stateHash(state as ExchangeState));
    for (const shard of shards) await shard.stop();
    // Each shard recovers from its own journal to the same state.
    const reopened = await openSharded(directory);
    assert.deepEqual(reopened.shards.map((shard) => stateHash(shard.state)), hashes);
    for (const shard of reopened.shards) await shard.stop();
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('a move interrupted after its first step is completed by the relay, exactly once', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'parite-shards-'));
  try {
    const { engine, shards } = await openSharded(directory);
    await seed(engine);
    const [zero, one] = shards as [ExchangeEngine, ExchangeEngine];
    // Step 1 only, as if the process died right after it was durable.
    const out = await zero.submit({ kind: 'ledger.shard-out', transferId: 'interrupted', ownerId: trader, assetCode: 'TRY',
      amountUnits: 5_000_000n, peerShardIndex: 1 });
    assert.equal(out.result.code, 'OK');
    assert.equal(zero.state.outboundShardTransfers.size, 1);
    assert.deepEqual(checkShardClearing([zero.state, one.state]), [], 'funds in flight are accounted for');
    const tryId = zero.state.assetByCode.get('TRY')?.assetId ?? 0;
    assert.equal(zero.state.ledger.peek(clearingOwnerId(1), tryId)?.balanceUnits, 5_000_000n);
    // The process restarts: recovery, then the relay completes the move.
    for (const shard of shards) await shard.stop();
    const reopened = await openSharded(directory);
    const [zeroAgain, oneAgain] = reopened.shards as [ExchangeEngine, ExchangeEngine];
    assert.equal(zeroAgain.state.outboundShardTransfers.size, 0, 'settled at start');
    assert.equal(oneAgain.state.ledger.availableUnits(trader, tryId), 5_000_000n);
    assert.equal(await reopened.engine.funds.relay(), 0, 'nothing left to do; a second pass moves nothing');
    const repeated = await oneAgain.submit({ kind: 'ledger.shard-in', transferId: 'interrupted', ownerId: trader,
      assetCode: 'TRY', amountUnits: 5_000_000n, peerShardIndex: 0 });
    assert.equal(repeated.result.unchanged, true, 'a repeated credit changes nothing');
    assertLedger([zeroAgain.state, oneAgain.state]);
    assert.equal(oneAgain.state.ledger.peek(clearingOwnerId(0), tryId)?.balanceUnits, -5_000_000n);
    for (const shard of reopened.shards) await shard.stop();
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('shard transfers refuse bad input and change nothing', () => {
  const core = new ExchangeCore({ checkInvariants: true });
  core.execute({ kind: 'shard.configure', shardIndex: 0, shardCount: 2 }, 1);
  for (const command of defaultAssets) core.execute(command, 2);
  core.execute({ kind: 'ledger.transfer', transferId: 'fund', debitOwnerId: SystemOwner.External, creditOwnerId: trader,
    assetCode: 'TRY', amountUnits: 100n, reason: 'test' }, 3);
  const hash = stateHash(core.state);
  const base = { kind: 'ledger.shard-out' as const, transferId: 'x', ownerId: trader, assetCode: 'TRY', amountUnits: 10n,
    peerShardIndex: 1 };
  const cases: [ExchangeCommand, string][] = [
    [{ ...base, peerShardIndex: 0 }, 'LEDGER_SHARD_INVALID'],
    [{ ...base, peerShardIndex: 2 }, 'LEDGER_SHARD_INVALID'],
    [{ ...base, ownerId: SystemOwner.Fees }, 'LEDGER_ACCOUNT_UNKNOWN'],
    [{ ...base, assetCode: 'DOGE' }, 'ASSET_UNKNOWN'],
    [{ ...base, amountUnits: 0n }, 'LEDGER_AMOUNT_INVALID'],
    [{ ...base, amountUnits: 101n }, 'LEDGER_INSUFFICIENT_FUNDS'],
    [{ ...base, transferId: '' }, 'REQUEST_VALIDATION_FAILED'],
  ];
  for (const [command, code] of cases) assert.equal(core.execute(command, 4).code, code, JSON.stringify(command, (_, value: unknown) =>
    typeof value === 'bigint' ? value.toString() : value));
  assert.equal(stateHash(core.state), hash);
  // Snapshots carry the shard identity and pending transfers.
  assert.equal(core.execute(base, 5).code, 'OK');
  const restored = restoreSnapshot(takeSnapshot(core.state));
  assert.equal(stateHash(restored), stateHash(core.state));
  assert.equal(restored.outboundShardTransfers.size, 1);
  assert.equal(restored.shardCount, 2);
});

/**
 * The sharded engine answers exactly like one engine: the same workload, command by command, gives
 * the same result codes, the same trades and the same balances per user (summed over the shards),
 * while funds start on the funding shard and must follow the orders.
 */
test('differential: two shards and one engine give the same results, trades and balances', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'parite-shards-'));
  try {
    const { engine: sharded, shards } = await openSharded(directory);
    const single = new ExchangeEngine({
      journal: new FileJournal({ directory: join(directory, 'single-journal') }),
      snapshots: new FileSnapshotStore({ directory: join(directory, 'single-snapshots') }),
      clock: new ManualClock(1_700_000_000_000), checkInvariants: true,
    });
    await single.start();
    const owners = [2001, 2002, 2003, 2004];
    const setup: ExchangeCommand[] = [...defaultAssets, ...defaultMarkets,
      ...Object.entries(demoReferencePrices).map(([symbol, priceUnits]): ExchangeCommand => ({ kind: 'market.reference-price', symbol, priceUnits }))];
    for (const ownerId of owners) {
      for (const [assetCode, amountUnits] of [['TRY', 5n * 10n ** 10n], ['BTC', 3n * 10n ** 6n], ['ETH', 10n ** 8n], ['USDT', 10n ** 9n]] as const) {
        setup.push({ kind: 'ledger.transfer', transferId: `seed-${ownerId}-${assetCode}`, debitOwnerId: SystemOwner.External,
          creditOwnerId: ownerId, assetCode, amountUnits, reason: 'seed' });
      }
    }
    for (const command of setup) {
      assert.equal((await single.submit(command)).result.code, 'OK');
      assert.equal((await sharded.submit(command)).result.code, 'OK');
    }
    const prng = new Prng(7);
    const placed: PlacedOrder[] = [];
    let trades = [0, 0];
    let shortOfFunds = 0;
    let amends = 0;
    for (let index = 0; index < 1_500; index++) {
      const { command, forSharded } = differentialCommand(prng, index, owners, placed);
      const [one, many] = [await single.submit(command), await sharded.submit(forSharded ?? command)];
      if (command.kind === 'order.place') {
        const order = placed[placed.length - 1] as PlacedOrder;
        order.singleOrderId = one.result.reply?.['orderId'] as number | undefined;
        order.shardedOrderId = many.result.reply?.['orderId'] as number | undefined;
      }
      if (command.kind === 'order.amend') amends++;
      assert.equal(many.result.code, one.result.code, `command ${index} (${command.kind})`);
      if (one.result.code === 'LEDGER_INSUFFICIENT_FUNDS') shortOfFunds++;
      const traded = (committed: typeof one) => committed.result.events.filter((event) => event.type === 'trade.executed').length;
      trades = [(trades[0] ?? 0) + traded(one), (trades[1] ?? 0) + traded(many)];
    }
    assert.equal(trades[0], trades[1]);
    assert.ok((trades[0] ?? 0) > 100, `the workload trades (${trades[0]})`);
    assert.ok(shortOfFunds > 20, `funds run short often enough to matter (${shortOfFunds})`);
    assert.ok(amends > 50, `the workload amends (${amends})`);
    for (const ownerId of owners) {
      for (const asset of single.state.assets.values()) {
        const expected = single.state.ledger.peek(ownerId, asset.assetId);
        const actual = sharded.state.ledger.peek(ownerId, asset.assetId);
        assert.equal(actual?.balanceUnits ?? 0n, expected?.balanceUnits ?? 0n, `${ownerId} ${asset.code} balance`);
        assert.equal(actual?.heldUnits ?? 0n, expected?.heldUnits ?? 0n, `${ownerId} ${asset.code} held`);
      }
    }
    assert.ok((shards[1]?.state.ledger.accountsOf(owners[0] ?? 0).length ?? 0) > 0, 'funds moved to shard 1');
    assertLedger(shards.map((shard) => shard.state));
    await single.stop();
    for (const shard of shards) await shard.stop();
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

interface PlacedOrder {
  ownerId: number;
  symbol: string;
  clientOrderId: string;
  /** The same order has a different id in each engine. */
  singleOrderId?: number;
  shardedOrderId?: number;
}

/** One command for both engines, or (an amend, which names an order id) one for each. */
function differentialCommand(prng: Prng, index: number, owners: readonly number[], placed: PlacedOrder[]):
  { command: ExchangeCommand; forSharded?: ExchangeCommand } {
  const roll = prng.nextUnit();
  if (roll < 0.2 && placed.length > 0) {
    const order = prng.pick(placed);
    return { command: { kind: 'order.cancel', ownerId: order.ownerId, symbol: order.symbol, orderId: undefined,
      clientOrderId: order.clientOrderId } };
  }
  const recent = placed.slice(-30).filter((order) => order.singleOrderId !== undefined && order.shardedOrderId !== undefined);
  if (roll < 0.3 && recent.length > 0) {
    const order = prng.pick(recent);
    const market = defaultMarkets.find((candidate) => candidate.symbol === order.symbol);
    const tick = market?.parameters.tickSizeUnits ?? 1n;
    const referenceTicks = (demoReferencePrices[order.symbol] ?? tick * 1_000n) / tick;
    const amend = { kind: 'order.amend' as const, ownerId: order.ownerId, symbol: order.symbol, orderId: order.singleOrderId ?? 0,
      priceUnits: prng.nextUnit() < 0.5 ? (referenceTicks + BigInt(prng.nextIntegerInclusive(-20, 20))) * tick : undefined,
      quantityUnits: BigInt(prng.nextIntegerInclusive(1, 800)) * (market?.parameters.lotSizeUnits ?? 1n) };
    return { command: amend, forSharded: { ...amend, orderId: order.shardedOrderId ?? 0 } };
  }
  const ownerId = prng.pick(owners);
  if (roll < 0.33) return { command: { kind: 'order.cancel-all', ownerId, symbol: undefined } };
  if (roll < 0.37) {
    return { command: { kind: 'ledger.transfer', transferId: `w-${index}`, debitOwnerId: ownerId, creditOwnerId: SystemOwner.External,
      assetCode: prng.pick(['TRY', 'BTC', 'ETH', 'USDT']), amountUnits: BigInt(prng.nextIntegerInclusive(1, 50_000_000)),
      reason: 'withdrawal' } };
  }
  const market = prng.pick(defaultMarkets);
  const tick = market.parameters.tickSizeUnits;
  const referenceTicks = (demoReferencePrices[market.symbol] ?? tick * 1_000n) / tick;
  const isMarket = roll > 0.95;
  const clientOrderId = `d-${index}`;
  placed.push({ ownerId, symbol: market.symbol, clientOrderId });
  return { command: {
    kind: 'order.place', ownerId, symbol: market.symbol, clientOrderId, side: prng.nextUnit() < 0.5 ? Side.Buy : Side.Sell,
    type: isMarket ? 'market' : 'limit',
    timeInForce: isMarket ? TimeInForce.ImmediateOrCancel : prng.pick([TimeInForce.GoodTillCancelled, TimeInForce.GoodTillCancelled,
      TimeInForce.ImmediateOrCancel]),
    postOnly: false,
    priceUnits: isMarket ? undefined : (referenceTicks + BigInt(prng.nextIntegerInclusive(-20, 20))) * tick,
    quantityUnits: BigInt(prng.nextIntegerInclusive(market.parameters.quantityMinLots, market.parameters.quantityMinLots + 400)) *
      market.parameters.lotSizeUnits,
    selfTradePrevention: SelfTradePrevention.CancelNewest,
  } };
}
