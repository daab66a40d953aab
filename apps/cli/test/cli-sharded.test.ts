// The operator CLI against a sharded installation (PARITE_SHARDS): verify replays every shard's
// journal and checks the clearing accounts across shards, alongside the running server; the rebuild
// projects every shard's journal again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SelfTradePrevention, Side, TimeInForce } from '@parite/matching';
import { createSilentLogger } from '@parite/platform';
import { requireService, startPlatform } from '@parite/server';
import { createInstallation, jsonOutput } from './support/cli-harness.ts';

interface VerifyReport { ok: boolean; checks: { name: string; ok: boolean; detail: string }[] }

test('verify and rebuild-projections cover every shard and the clearing between them', async () => {
  const installation = await createInstallation({ PARITE_DEMO: 'true', PARITE_SHARDS: 'BTC/TRY;ETH/TRY,ETH/USDT,USDT/TRY,BTC/USDT' });
  try {
    const platform = await startPlatform(installation.config, { logger: createSilentLogger(), marketMaker: false });
    try {
      const identity = requireService(platform.identity, 'api');
      const alice = await identity.findUserByEmail('alice@demo.parite.local');
      const bob = await identity.findUserByEmail('bob@demo.parite.local');
      assert.ok(alice !== undefined && bob !== undefined);
      // An ETH/TRY trade on shard 1: both sides' funds move there from the funding shard first.
      for (const [ownerId, side] of [[alice.id, Side.Sell], [bob.id, Side.Buy]] as const) {
        const committed = await platform.engine.submit({ kind: 'order.place', ownerId, symbol: 'ETH/TRY',
          clientOrderId: `cli-${ownerId}`, side, type: 'limit', timeInForce: TimeInForce.GoodTillCancelled, postOnly: false,
          priceUnits: 130_000_000_000n, quantityUnits: 50_000_000n, selfTradePrevention: SelfTradePrevention.CancelNewest });
        assert.equal(committed.result.code, 'OK');
      }
      await platform.projectionsCaughtUp();
      const running = jsonOutput<VerifyReport>(await installation.cli('verify', '--json'));
      assert.equal(running.ok, true, JSON.stringify(running.checks.filter((check) => !check.ok)));
      const names = running.checks.map((check) => check.name);
      assert.ok(names.some((name) => name.startsWith('shard 1 projections')), names.join(', '));
      assert.ok(names.includes('cross-shard clearing'));
    } finally {
      await platform.close();
    }
    const rebuilt = await installation.cli('rebuild-projections', '--json');
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    assert.equal(jsonOutput<{ shards: unknown[] }>(rebuilt).shards.length, 2);
    const after = jsonOutput<VerifyReport>(await installation.cli('verify', '--json'));
    assert.equal(after.ok, true, JSON.stringify(after.checks.filter((check) => !check.ok)));
  } finally {
    await installation.remove();
  }
});
