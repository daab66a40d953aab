// A sharded engine: markets spread over several engine shards, each with its own journal, core and
// ledger partition, presented to the rest of the platform as one ExchangeEngineApi. Each shard is an
// ExchangeEngine in this process or a ReplicaEngine following a shard engine in another process, so
// markets spread over processes with no code change, only configuration (PARITE_SHARDS and
// PARITE_ENGINE_SHARDS).
//
// Routing: order commands and market changes go to the market's shard (ShardMap); deposits,
// withdrawals and FX conversions to the funding shard (0); assets to shard 0 first and then to every
// other shard in the same id order; fee tiers and "cancel everything" to all shards. A command
// refused for insufficient funds that the user holds on other shards is retried once after moving
// the shortfall to its shard (ShardFunds).

import { assert } from '@parite/kernel';
import { ServiceError } from '@parite/contracts';
import { amendHoldIncrease } from '../domain/order-cancel-amend.ts';
import { placementHold } from '../domain/order-place.ts';
import { shardOfId, type ExchangeStateView } from '../domain/state.ts';
import type { CommandResult, ExchangeCommand } from '../domain/types.ts';
import type { CommittedCommand, CommittedListener, ExchangeEngineApi } from './engine-api.ts';
import { submitBatchMax } from './exchange-engine.ts';
import { ShardFunds, type ShardEngine } from './shard-funds.ts';
import { fundingShardIndex, type ShardMap } from './shard-map.ts';
import { ShardedStateView } from './sharded-state-view.ts';
import { submitWhenAvailable } from './submit-when-available.ts';

/** How often pending cross-shard transfers are checked for completion (crash recovery). */
export const shardRelayIntervalMsDefault = 5_000;

type Route = number | 'all' | 'assets';

export interface ShardedEngineOptions {
  /** One engine per shard, in shard order. */
  shards: readonly ShardEngine[];
  shardMap: ShardMap;
  /** Completes interrupted cross-shard transfers on this interval (0: only when asked). */
  relayIntervalMs?: number;
  onError?: (error: unknown) => void;
}

export class ShardedEngine implements ExchangeEngineApi {
  readonly state: ExchangeStateView;
  readonly funds: ShardFunds;
  private readonly shards: readonly ShardEngine[];
  /** Asset creations run one at a time: every shard must hand out the same id for each asset. */
  private assetChain: Promise<unknown> = Promise.resolve();
  private relayTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ShardedEngineOptions) {
    this.shards = options.shards;
    assert(this.shards.length === options.shardMap.shardCount, 'one engine per shard');
    this.state = new ShardedStateView(() => this.shards.map((shard) => shard.state), options.shardMap);
    this.funds = new ShardFunds(this.shards, options.onError ?? (() => {}));
  }

  get shardEngines(): readonly ShardEngine[] {
    return this.shards;
  }

  get ready(): boolean {
    return this.shards.every((shard) => shard.ready);
  }

  /** The sum of the shards' sequences: it moves whenever any shard applies a command. */
  get lastAppliedSequence(): bigint {
    let total = 0n;
    for (const shard of this.shards) total += shard.lastAppliedSequence;
    return total;
  }

  /** A market lives on one shard, and its id names it (disjoint id spaces, as for orders). */
  appliedSequenceOfMarket(marketId: number): bigint {
    return this.shard(shardOfId(marketId, this.shards.length)).lastAppliedSequence;
  }

  subscribe(listener: CommittedListener): () => void {
    const unsubscribers = this.shards.map((shard) => shard.subscribe(listener));
    return () => {
      for (const unsubscribe of unsubscribers) unsubscribe();
    };
  }

  /** Once every shard has started: repairs the asset catalogue and interrupted transfers, then keeps relaying. */
  async start(): Promise<void> {
    await this.synchroniseAssets();
    await this.funds.relay();
    const intervalMs = this.options.relayIntervalMs ?? shardRelayIntervalMsDefault;
    if (intervalMs > 0) {
      this.relayTimer = setInterval(() => {
        this.funds.relay().catch((error: unknown) => this.options.onError?.(error));
      }, intervalMs);
      this.relayTimer.unref();
    }
  }

  stop(): void {
    if (this.relayTimer !== undefined) clearInterval(this.relayTimer);
    this.relayTimer = undefined;
  }

  async submit(command: ExchangeCommand): Promise<CommittedCommand> {
    const [committed] = await this.submitMany([command]);
    assert(committed !== undefined, 'one command gives one result');
    return committed;
  }

  async submitMany(commands: readonly ExchangeCommand[]): Promise<CommittedCommand[]> {
    if (commands.length === 0) return [];
    if (commands.length > submitBatchMax) throw new ServiceError('REQUEST_BATCH_TOO_LARGE');
    const routes = commands.map((command) => this.route(command));
    const outcomes = new Array<Promise<CommittedCommand>>(commands.length);
    // Commands for one shard go in one submitMany (one group commit), in their order.
    const byShard = new Map<number, number[]>();
    routes.forEach((route, index) => {
      if (typeof route !== 'number') return;
      const indexes = byShard.get(route) ?? [];
      indexes.push(index);
      byShard.set(route, indexes);
    });
    for (const [shardIndex, indexes] of byShard) {
      const shard = this.shard(shardIndex);
      const submitted = shard.submitMany(indexes.map((index) => commands[index] as ExchangeCommand));
      indexes.forEach((commandIndex, position) => {
        outcomes[commandIndex] = submitted.then((results) => results[position] as CommittedCommand);
      });
    }
    routes.forEach((route, index) => {
      const command = commands[index] as ExchangeCommand;
      if (route === 'all') outcomes[index] = this.broadcast(command);
      if (route === 'assets') outcomes[index] = this.createAsset(command);
    });
    const settled = await Promise.all(outcomes);
    return await Promise.all(settled.map((committed, index) => {
      const route = routes[index];
      return typeof route === 'number' ? this.retryWithFunds(committed, route) : committed;
    }));
  }

  private shard(shardIndex: number): ShardEngine {
    const shard = this.shards[shardIndex];
    assert(shard !== undefined, `no shard ${shardIndex}`);
    return shard;
  }

  private route(command: ExchangeCommand): Route {
    const map = this.options.shardMap;
    switch (command.kind) {
      case 'order.place':
      case 'order.cancel':
      case 'order.amend':
      case 'market.create':
      case 'market.update':
      case 'market.reference-price':
        return map.shardOfSymbol(command.symbol);
      case 'order.cancel-all':
        return command.symbol === undefined ? 'all' : map.shardOfSymbol(command.symbol);
      case 'ledger.transfer':
      case 'fx.convert':
        return fundingShardIndex;
      case 'user.set':
        return 'all';
      case 'asset.create':
        return 'assets';
      case 'shard.configure':
      case 'ledger.shard-out':
      case 'ledger.shard-in':
      case 'ledger.shard-settle':
        // Shard identity and cross-shard moves belong to the engine itself, never to callers.
        throw new ServiceError('REQUEST_VALIDATION_FAILED');
    }
  }

  /** Every shard runs the command; the answer is shard 0's, with the others' events and counts added. */
  private async broadcast(command: ExchangeCommand): Promise<CommittedCommand> {
    const results = await Promise.all(this.shards.map((shard) => shard.submit(command)));
    const first = results[0] as CommittedCommand;
    const refused = results.find((committed) => committed.result.code !== 'OK');
    if (refused !== undefined) return refused;
    const result: CommandResult = { code: 'OK', events: results.flatMap((committed) => committed.result.events) };
    if (first.result.reply !== undefined) result.reply = { ...first.result.reply };
    if (command.kind === 'order.cancel-all') {
      const cancelled = results.reduce((total, committed) => total + Number(committed.result.reply?.['cancelled'] ?? 0), 0);
      result.reply = { ...result.reply, cancelled };
    }
    if (results.every((committed) => committed.result.unchanged === true)) result.unchanged = true;
    return { ...first, result };
  }

  /** Shard 0 assigns the asset id; every other shard then creates the assets it lacks, in id order. */
  private createAsset(command: ExchangeCommand): Promise<CommittedCommand> {
    const created = this.assetChain.then(async () => {
      const committed = await this.shard(fundingShardIndex).submit(command);
      if (committed.result.code === 'OK') await this.synchroniseAssetsNow();
      return committed;
    });
    this.assetChain = created.catch(() => undefined);
    return created;
  }

  private synchroniseAssets(): Promise<void> {
    const synchronised = this.assetChain.then(() => this.synchroniseAssetsNow());
    this.assetChain = synchronised.catch(() => undefined);
    return synchronised;
  }

  /**
   * A crash between shard 0's asset creation and the others' leaves them behind; creating the missing
   * assets in shard 0's id order gives every shard the same ids again.
   */
  private async synchroniseAssetsNow(): Promise<void> {
    const reference = [...this.shard(fundingShardIndex).state.assets.values()].sort((left, right) => left.assetId - right.assetId);
    for (const shard of this.shards.slice(1)) {
      for (const asset of reference) {
        if (shard.state.assetByCode.has(asset.code)) continue;
        // At start the shard's engine process may still be starting: retried for a while.
        const committed = await submitWhenAvailable(shard, { kind: 'asset.create', code: asset.code, scale: asset.scale });
        // The reply names the asset, also when another process created it a moment earlier (split
        // deployments start several sharded engines at once): this process's replica of the shard
        // may not have applied that creation yet, so its state cannot be asked.
        if (committed.result.code !== 'OK' || committed.result.reply?.['assetId'] !== asset.assetId) {
          throw new Error(`a shard diverged from shard 0's asset catalogue at ${asset.code}`);
        }
      }
    }
  }

  /**
   * A command refused for insufficient funds on its shard runs once more after the owner's
   * shortfall was moved there from other shards. Refused commands changed nothing, so retrying is safe.
   */
  private async retryWithFunds(committed: CommittedCommand, shardIndex: number): Promise<CommittedCommand> {
    if (committed.result.code !== 'LEDGER_INSUFFICIENT_FUNDS') return committed;
    const shard = this.shard(shardIndex);
    const need = fundsNeeded(shard.state, committed.command);
    if (need === undefined) return committed;
    const shortfallUnits = need.units - shard.state.ledger.availableUnits(need.ownerId, need.assetId);
    if (shortfallUnits <= 0n) return committed;
    const moved = await this.funds.gather(need.ownerId, need.assetId, shortfallUnits, shardIndex);
    if (moved === 0n) return committed;
    return await shard.submit(committed.command);
  }
}

/** What a command needs available on its shard: the owner, the asset and the units. */
function fundsNeeded(state: ExchangeStateView, command: ExchangeCommand):
  { ownerId: number; assetId: number; units: bigint } | undefined {
  switch (command.kind) {
    case 'order.place': {
      const hold = placementHold(state, command);
      return hold === undefined ? undefined : { ownerId: command.ownerId, assetId: hold.assetId, units: hold.units };
    }
    case 'order.amend': {
      const increase = amendHoldIncrease(state, command);
      return increase === undefined ? undefined : { ownerId: command.ownerId, assetId: increase.assetId, units: increase.units };
    }
    case 'ledger.transfer': {
      const asset = state.assetByCode.get(command.assetCode);
      if (asset === undefined || command.debitOwnerId < 1) return undefined;
      return { ownerId: command.debitOwnerId, assetId: asset.assetId, units: command.amountUnits };
    }
    case 'fx.convert': {
      const paid = state.assetByCode.get(command.side === 'buy' ? command.quoteAssetCode : command.baseAssetCode);
      if (paid === undefined) return undefined;
      return { ownerId: command.ownerId, assetId: paid.assetId,
        units: command.side === 'buy' ? command.quoteAmountUnits : command.baseAmountUnits };
    }
    default:
      return undefined;
  }
}
