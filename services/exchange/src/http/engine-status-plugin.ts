// GET /v1/admin/engine/shards: what the operations team needs to see of the engine: each shard's
// journal sequence, readiness, the markets it holds and the cross-shard transfers it has not settled
// (a count that stays above zero means the relay cannot reach a peer shard). One entry when the
// engine is not sharded.

import { Type } from '@sinclair/typebox';
import type { HttpPlugin } from '@parite/http';
import type { ExchangeEngineApi } from '../app/engine-api.ts';
import { ShardedEngine } from '../app/sharded-engine.ts';
import { ExchangeState } from '../domain/state.ts';
import { publicSymbol } from './edge.ts';

const ShardStatus = Type.Object({
  shard: Type.Integer(),
  ready: Type.Boolean(),
  sequence: Type.String(),
  markets: Type.Array(Type.String()),
  pendingTransfers: Type.Integer(),
}, { additionalProperties: false });

const ShardsResponse = Type.Object({ shardCount: Type.Integer(), shards: Type.Array(ShardStatus) },
  { additionalProperties: false });

export interface EngineStatusPluginOptions {
  engine: ExchangeEngineApi;
}

function shardStatus(engine: ExchangeEngineApi, index: number) {
  const state = engine.state;
  return {
    shard: index, ready: engine.ready, sequence: engine.lastAppliedSequence.toString(),
    markets: [...state.markets.values()].map((market) => publicSymbol(market.spec.symbol)).sort(),
    pendingTransfers: state instanceof ExchangeState ? state.outboundShardTransfers.size : 0,
  };
}

export const engineStatusPlugin: HttpPlugin<EngineStatusPluginOptions> = async (app, { engine }) => {
  app.get('/v1/admin/engine/shards', {
    config: { permission: 'market:admin' },
    schema: { tags: ['admin'], summary: 'Engine shards: sequence, readiness, markets, unsettled cross-shard transfers',
      response: { 200: ShardsResponse } },
  }, async () => {
    const shards = engine instanceof ShardedEngine ? engine.shardEngines : [engine];
    return { shardCount: shards.length, shards: shards.map((shard, index) => shardStatus(shard, index)) };
  });
};
