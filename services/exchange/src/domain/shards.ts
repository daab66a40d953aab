// A sharded engine: markets are spread over several cores ("shards"), each with its own journal.
// The ledger lives inside each core (a hold, a match and its settlement stay one synchronous step),
// so a user's funds are held per shard, like sub-accounts, and move between shards in three journalled
// steps through clearing accounts (one system account per peer shard on every shard):
//
//   1. `ledger.shard-out` on the sender:   user -> clearing(receiver); the transfer is now pending;
//   2. `ledger.shard-in` on the receiver:   clearing(sender) -> user; idempotent by transfer id;
//   3. `ledger.shard-settle` on the sender: the pending transfer is forgotten.
//
// Each step is a balanced posting inside one shard, so every shard sums to zero per asset on its
// own. Across shards, clearing(receiver) on the sender and clearing(sender) on the receiver cancel
// out once step 2 is done: the sum per asset over all shards is zero except for funds in flight,
// which are exactly the pending transfers (checkShardClearing). A crash between the steps leaves a
// pending transfer, which the router's relay completes (steps 2 and 3 are safe to repeat).

import { refuse } from './order-place.ts';
import { outboundShardTransfersMax, type ExchangeState } from './state.ts';
import { postTransferLeg, transferIdLengthMax } from './admin-commands.ts';
import {
  clearingOwnerId, type AssetSpec, type CommandResult, type LedgerLeg, type ShardConfigureCommand,
  type ShardTransferInCommand, type ShardTransferOutCommand, type ShardTransferSettleCommand,
} from './types.ts';

/** More shards than markets would be pointless; the bound keeps clearing owner ids in their range. */
export const shardCountMax = 64;

export function configureShard(state: ExchangeState, command: ShardConfigureCommand): CommandResult {
  const { shardIndex, shardCount } = command;
  if (!Number.isSafeInteger(shardCount) || shardCount < 1 || shardCount > shardCountMax ||
    !Number.isSafeInteger(shardIndex) || shardIndex < 0 || shardIndex >= shardCount) {
    return refuse('REQUEST_VALIDATION_FAILED');
  }
  if (state.shardIndex === shardIndex && state.shardCount === shardCount && isConfigured(state)) {
    return { code: 'OK', events: [], unchanged: true };
  }
  // Ids already handed out would not follow the new stride: only an empty core becomes a shard.
  if (isConfigured(state) || !isPristine(state)) return refuse('SHARD_CONFIGURATION_CONFLICT');
  state.shardIndex = shardIndex;
  state.shardCount = shardCount;
  const firstId = shardIndex + 1;
  state.nextOrderId = firstId;
  state.nextTradeId = firstId;
  state.nextPostingId = firstId;
  state.nextMarketId = firstId;
  return { code: 'OK', events: [{ type: 'shard.configured', shardIndex, shardCount }] };
}

function isConfigured(state: ExchangeState): boolean {
  return state.shardCount > 1 || state.shardIndex > 0;
}

function isPristine(state: ExchangeState): boolean {
  return state.assets.size === 0 && state.markets.size === 0 && state.orders.size === 0 &&
    state.users.size === 0 && state.lastTimestampMs === 0 && state.nextPostingId === 1 && state.nextOrderId === 1;
}

interface ShardLeg {
  asset: AssetSpec;
  leg: LedgerLeg;
}

/** Shared checks of both legs: id, peer, owner, asset, amount. */
function shardLeg(state: ExchangeState, command: ShardTransferOutCommand | ShardTransferInCommand,
  outbound: boolean): ShardLeg | CommandResult {
  if (typeof command.transferId !== 'string' || command.transferId.length === 0 ||
    command.transferId.length > transferIdLengthMax) return refuse('REQUEST_VALIDATION_FAILED');
  const peer = command.peerShardIndex;
  if (!Number.isSafeInteger(peer) || peer < 0 || peer >= state.shardCount || peer === state.shardIndex) {
    return refuse('LEDGER_SHARD_INVALID');
  }
  if (!Number.isSafeInteger(command.ownerId) || command.ownerId < 1) return refuse('LEDGER_ACCOUNT_UNKNOWN');
  const asset = state.assetByCode.get(command.assetCode);
  if (asset === undefined) return refuse('ASSET_UNKNOWN');
  if (typeof command.amountUnits !== 'bigint' || command.amountUnits <= 0n) return refuse('LEDGER_AMOUNT_INVALID');
  const clearing = clearingOwnerId(peer);
  const leg: LedgerLeg = outbound
    ? { debitOwnerId: command.ownerId, creditOwnerId: clearing, assetId: asset.assetId, amountUnits: command.amountUnits }
    : { debitOwnerId: clearing, creditOwnerId: command.ownerId, assetId: asset.assetId, amountUnits: command.amountUnits };
  return { asset, leg };
}

export function transferToShard(state: ExchangeState, command: ShardTransferOutCommand): CommandResult {
  const checked = shardLeg(state, command, true);
  if ('code' in checked) return checked;
  const existing = state.transferIds.get(command.transferId);
  if (existing !== undefined) return { code: 'OK', events: [], reply: { postingId: existing, duplicate: true }, unchanged: true };
  if (state.outboundShardTransfers.size >= outboundShardTransfersMax) return refuse('SERVICE_OVERLOADED');
  const result = postTransferLeg(state, command.transferId, checked.leg, `shard-out:${command.transferId}`);
  if (result.code !== 'OK') return result;
  state.outboundShardTransfers.set(command.transferId, {
    transferId: command.transferId, ownerId: command.ownerId, assetId: checked.asset.assetId,
    amountUnits: command.amountUnits, peerShardIndex: command.peerShardIndex,
  });
  return result;
}

export function transferFromShard(state: ExchangeState, command: ShardTransferInCommand): CommandResult {
  const checked = shardLeg(state, command, false);
  if ('code' in checked) return checked;
  // The relay may deliver step 2 again after a crash: the first delivery's posting stands.
  const existing = state.transferIds.get(command.transferId);
  if (existing !== undefined) return { code: 'OK', events: [], reply: { postingId: existing, duplicate: true }, unchanged: true };
  return postTransferLeg(state, command.transferId, checked.leg, `shard-in:${command.transferId}`);
}

export function settleShardTransfer(state: ExchangeState, command: ShardTransferSettleCommand): CommandResult {
  const pending = state.outboundShardTransfers.get(command.transferId);
  if (pending === undefined) return { code: 'OK', events: [], unchanged: true };
  state.outboundShardTransfers.delete(command.transferId);
  return {
    code: 'OK',
    events: [{ type: 'ledger.shard-settled', transferId: command.transferId, peerShardIndex: pending.peerShardIndex }],
  };
}

/**
 * The cross-shard invariant, over the states of all shards of one engine. For each pair of shards
 * A and B and each asset, clearing(B) on A holds A->B step-1 amounts minus B->A step-2 amounts, and
 * clearing(A) on B the reverse; their sum is therefore exactly what is in flight between them (step
 * 1 done, step 2 not). Returns the violations (none when the engine is consistent).
 */
export function checkShardClearing(states: readonly ExchangeState[]): string[] {
  const problems: string[] = [];
  for (const first of states) {
    for (const second of states) {
      if (first.shardIndex >= second.shardIndex) continue;
      for (const asset of first.assets.values()) {
        const onFirst = first.ledger.peek(clearingOwnerId(second.shardIndex), asset.assetId)?.balanceUnits ?? 0n;
        const onSecond = second.ledger.peek(clearingOwnerId(first.shardIndex), asset.assetId)?.balanceUnits ?? 0n;
        const inFlight = inFlightBetween(first, second, asset.assetId) + inFlightBetween(second, first, asset.assetId);
        if (onFirst + onSecond !== inFlight) {
          problems.push(`clearing between shards ${first.shardIndex} and ${second.shardIndex} in ${asset.code}: ` +
            `${onFirst + onSecond} units, but ${inFlight} in flight`);
        }
      }
    }
  }
  return problems;
}

/** Pending transfers from sender to receiver that the receiver has not credited yet. */
function inFlightBetween(sender: ExchangeState, receiver: ExchangeState, assetId: number): bigint {
  let total = 0n;
  for (const pending of sender.outboundShardTransfers.values()) {
    if (pending.peerShardIndex === receiver.shardIndex && pending.assetId === assetId &&
      !receiver.transferIds.has(pending.transferId)) total += pending.amountUnits;
  }
  return total;
}
