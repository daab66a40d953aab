// Moves a user's funds between engine shards (domain/shards.ts explains the three steps) and
// completes moves a crash interrupted. Used by the sharded engine when a command on one shard is
// refused for insufficient funds that the user holds on other shards.

import { randomUUID } from 'node:crypto';
import { ServiceError } from '@parite/contracts';
import type { ExchangeState } from '../domain/state.ts';
import type { ExchangeCommand } from '../domain/types.ts';
import type { CommittedCommand, ExchangeEngineApi } from './engine-api.ts';

/** A shard as the sharded engine holds it: the engine (or its replica) and its core state. */
export interface ShardEngine extends ExchangeEngineApi {
  readonly state: ExchangeState;
}

/** Pending transfers completed per relay pass; the rest wait for the next pass. */
export const relayTransfersPerPassMax = 1_000;

export class ShardFunds {
  private relaying = false;

  constructor(private readonly shards: readonly ShardEngine[],
    private readonly onError: (error: unknown) => void) {}

  /**
   * Moves up to `shortfallUnits` of the owner's available funds from other shards to `targetShard`,
   * richest shard first. Returns what was moved (possibly less, possibly 0).
   */
  async gather(ownerId: number, assetId: number, shortfallUnits: bigint, targetShard: number): Promise<bigint> {
    const asset = this.shards[targetShard]?.state.assets.get(assetId);
    if (asset === undefined || shortfallUnits <= 0n) return 0n;
    const sources = this.shards.map((shard, index) => ({ index, availableUnits: shard.state.ledger.availableUnits(ownerId, assetId) }))
      .filter((source) => source.index !== targetShard && source.availableUnits > 0n)
      .sort((left, right) => (right.availableUnits > left.availableUnits ? 1 : right.availableUnits < left.availableUnits ? -1 : 0));
    let moved = 0n;
    for (const source of sources) {
      if (moved >= shortfallUnits) break;
      const amountUnits = source.availableUnits < shortfallUnits - moved ? source.availableUnits : shortfallUnits - moved;
      if (await this.move(ownerId, asset.code, amountUnits, source.index, targetShard)) moved += amountUnits;
    }
    return moved;
  }

  /** One move, all three steps; false when the source refused (the funds were taken meanwhile). */
  private async move(ownerId: number, assetCode: string, amountUnits: bigint, from: number, to: number): Promise<boolean> {
    const transferId = `shard-${from}-${to}-${randomUUID()}`;
    const out = await this.submit(from, { kind: 'ledger.shard-out', transferId, ownerId, assetCode, amountUnits,
      peerShardIndex: to });
    if (out.result.code !== 'OK') return false;
    await this.complete(transferId, ownerId, assetCode, amountUnits, from, to);
    return true;
  }

  /** Steps 2 and 3; both are idempotent, so the relay may repeat them after a crash. */
  private async complete(transferId: string, ownerId: number, assetCode: string, amountUnits: bigint, from: number,
    to: number): Promise<void> {
    const credited = await this.submit(to, { kind: 'ledger.shard-in', transferId, ownerId, assetCode, amountUnits,
      peerShardIndex: from });
    // Step 2 can only fail for a reason step 1 already ruled out; never settle what was not credited.
    if (credited.result.code !== 'OK') throw new Error(`shard ${to} refused the credit of ${transferId}: ${credited.result.code}`);
    await this.submit(from, { kind: 'ledger.shard-settle', transferId });
  }

  private async submit(shardIndex: number, command: ExchangeCommand): Promise<CommittedCommand> {
    const shard = this.shards[shardIndex];
    if (shard === undefined) throw new ServiceError('INTERNAL_ERROR');
    return await shard.submit(command);
  }

  /**
   * Completes every transfer whose first step is durable but whose settlement is not (a process died
   * between the steps). Safe to run at any time and from several processes: the steps are idempotent.
   */
  async relay(): Promise<number> {
    if (this.relaying) return 0;
    this.relaying = true;
    let completed = 0;
    try {
      for (const [from, shard] of this.shards.entries()) {
        if (!shard.ready) continue;
        const pending = [...shard.state.outboundShardTransfers.values()].slice(0, relayTransfersPerPassMax);
        for (const transfer of pending) {
          const asset = shard.state.assets.get(transfer.assetId);
          if (asset === undefined || this.shards[transfer.peerShardIndex]?.ready !== true) continue;
          try {
            await this.complete(transfer.transferId, transfer.ownerId, asset.code, transfer.amountUnits, from,
              transfer.peerShardIndex);
            completed++;
          } catch (error) {
            this.onError(error);
          }
        }
      }
    } finally {
      this.relaying = false;
    }
    return completed;
  }
}
