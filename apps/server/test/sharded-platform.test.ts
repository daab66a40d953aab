// The whole platform with markets spread over two engine shards (PARITE_SHARDS): the same API, the
// same answers, funds that follow the orders between shards, read models fed by both journals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { shardOfId } from '@parite/exchange';
import { assertLedgerBalanced } from './support/api-checks.ts';
import { ledgerSumByAsset, startTestPlatform } from './support/platform-harness.ts';

const shards = 'BTC/TRY,BTC/USDT;ETH/TRY,ETH/USDT,USDT/TRY';

interface OrderBody { orderId: string; status: string; symbol: string }
interface BalanceBody { balances: { asset: string; total: string; available: string; held: string }[] }

test('two engine shards behave as one exchange', async () => {
  const harness = await startTestPlatform({ environment: { PARITE_SHARDS: shards } });
  try {
    const [fundingShard, otherShard] = harness.platform.shardStates();
    assert.ok(fundingShard !== undefined && otherShard !== undefined, 'two shards');
    assert.equal(otherShard.shardIndex, 1);
    if (process.env['DATABASE_URL'] === undefined) {
      assert.ok(existsSync(join(harness.dataDirectory, 'journal-shard-1')), 'shard 1 keeps its own journal');
    }
    assert.ok(fundingShard.marketBySymbol.has('BTC/TRY') && !fundingShard.marketBySymbol.has('ETH/TRY'));
    assert.ok(otherShard.marketBySymbol.has('ETH/TRY') && !otherShard.marketBySymbol.has('BTC/TRY'));
    const before = await harness.request('bob', 'GET', '/v1/balances');
    const tryBefore = (before.body as BalanceBody).balances.find((balance) => balance.asset === 'TRY');

    // A trade on each shard; bob's TRY sits on the funding shard and follows his ETH/TRY bid.
    const trades: [string, string, string][] = [['BTC-TRY', '3900000', '0.01'], ['ETH-TRY', '130000', '0.5']];
    const orderIds: string[] = [];
    for (const [symbol, price, quantity] of trades) {
      const ask = await harness.request('alice', 'POST', '/v1/orders', { symbol, side: 'sell', type: 'limit', price, quantity });
      assert.equal(ask.status, 201, JSON.stringify(ask.body));
      const bid = await harness.request('bob', 'POST', '/v1/orders', { symbol, side: 'buy', type: 'limit', price, quantity });
      assert.equal(bid.status, 201, JSON.stringify(bid.body));
      assert.equal((bid.body as OrderBody).status, 'filled');
      orderIds.push((bid.body as OrderBody).orderId);
    }
    assert.deepEqual(orderIds.map((orderId) => shardOfId(Number(orderId), 2)), [0, 1], 'each order id names its shard');

    // Resting orders on both shards: listed together, found and cancelled by id on their shard.
    const resting: string[] = [];
    for (const [symbol, price] of [['BTC-TRY', '3700000'], ['ETH-TRY', '125000']] as const) {
      const placed = await harness.request('bob', 'POST', '/v1/orders', { symbol, side: 'buy', type: 'limit', price, quantity: '0.01' });
      assert.equal(placed.status, 201, JSON.stringify(placed.body));
      resting.push((placed.body as OrderBody).orderId);
    }
    // Public market data follows both shards (their journal sequences are independent): trades and
    // the resting bids show on each market.
    for (const [symbol, price] of [['BTC-TRY', '3700000'], ['ETH-TRY', '125000']] as const) {
      const recent = await harness.request('bob', 'GET', `/v1/markets/${symbol}/trades`);
      assert.equal((recent.body as { trades: unknown[] }).trades.length, 1, `${symbol} trades: ${JSON.stringify(recent.body)}`);
      // Depth is published at most every 50 ms: wait (bounded) for the diff that carries the bid.
      let depth = await harness.request('bob', 'GET', `/v1/markets/${symbol}/depth`);
      const hasBid = () => (depth.body as { bids: [string, string][] }).bids.some(([level]) => level === price);
      for (let attempt = 0; attempt < 40 && !hasBid(); attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        depth = await harness.request('bob', 'GET', `/v1/markets/${symbol}/depth`);
      }
      assert.ok(hasBid(), `${symbol} depth shows the resting bid: ${JSON.stringify(depth.body)}`);
    }
    const open = await harness.request('bob', 'GET', '/v1/orders/open');
    assert.deepEqual((open.body as { orders: OrderBody[] }).orders.map((order) => order.orderId).sort(), [...resting].sort());
    const fetched = await harness.request('bob', 'GET', `/v1/orders/${resting[1]}`);
    assert.equal((fetched.body as OrderBody).symbol, 'ETH-TRY');
    const cancelled = await harness.request('bob', 'DELETE', `/v1/orders/${resting[1]}`);
    assert.equal((cancelled.body as OrderBody).status, 'cancelled');
    const cancelAll = await harness.request('bob', 'DELETE', '/v1/orders');
    assert.equal((cancelAll.body as { cancelled: number }).cancelled, 1);

    // One balance per asset over both shards: bob paid 39,000 + 65,000 TRY plus taker fees.
    const after = await harness.request('bob', 'GET', '/v1/balances');
    const balances = (after.body as BalanceBody).balances;
    const tryAfter = balances.find((balance) => balance.asset === 'TRY');
    assert.ok(tryBefore !== undefined && tryAfter !== undefined);
    assert.equal(balances.filter((balance) => balance.asset === 'TRY').length, 1);
    assert.equal(tryAfter.held, '0');
    const paidUnits = BigInt(tryBefore.total.replace('.', '')) - BigInt(tryAfter.total.replace('.', ''));
    assert.ok(paidUnits > 0n, 'bob paid TRY on both shards');
    assertLedgerBalanced(harness);
    for (const sum of ledgerSumByAsset(harness.platform).values()) assert.equal(sum, 0n, 'nothing in flight at rest');

    // The read models hold both shards' history; balance rows per shard add up to the engine's.
    await harness.platform.projectionsCaughtUp();
    const history = await harness.request('bob', 'GET', '/v1/trades/history');
    const symbols = (history.body as { items: { symbol: string }[] }).items.map((trade) => trade.symbol).sort();
    assert.deepEqual(symbols, ['BTC-TRY', 'ETH-TRY']);
    const sql = harness.platform.database.sql;
    const rows = await sql<{ shard: number; total: string }[]>`
      select shard, sum(balance_units)::text as total from balances
      where owner_id = ${harness.users['bob']?.userId ?? 0} and asset_id = 1 group by shard order by shard`;
    assert.equal(rows.length, 2, 'bob holds TRY on both shards');
    const projected = rows.reduce((total, row) => total + BigInt(row.total), 0n);
    assert.equal(projected, harness.platform.engine.state.ledger.peek(harness.users['bob']?.userId ?? 0, 1)?.balanceUnits);
    const checkpoints = await sql<{ name: string }[]>`select name from projection_checkpoints order by name`;
    assert.deepEqual(checkpoints.map((row) => row.name), ['exchange', 'exchange-shard-1']);

    // Operations see each shard: its markets, its sequence, nothing left unsettled.
    const status = await harness.request('operator', 'GET', '/v1/admin/engine/shards');
    assert.equal(status.status, 200, JSON.stringify(status.body));
    const body = status.body as { shardCount: number; shards: { markets: string[]; pendingTransfers: number; ready: boolean }[] };
    assert.equal(body.shardCount, 2);
    assert.deepEqual(body.shards.map((shard) => shard.markets), [['BTC-TRY', 'BTC-USDT'], ['ETH-TRY', 'ETH-USDT', 'USDT-TRY']]);
    assert.ok(body.shards.every((shard) => shard.ready && shard.pendingTransfers === 0));
    const refused = await harness.request('bob', 'GET', '/v1/admin/engine/shards');
    assert.equal(refused.status, 403);
  } finally {
    await harness.stop();
  }
});
