// What the rest of the platform sees of the exchange engine: submit a command and wait until it is
// durable and applied, or follow the stream of committed commands in journal order.

import type { CommandResult, ExchangeCommand } from '../domain/types.ts';
import type { ExchangeStateView } from '../domain/state.ts';

export interface CommittedCommand {
  /** Journal sequence: the total order of everything the engine ever did. */
  sequence: bigint;
  timestampMs: number;
  command: ExchangeCommand;
  result: CommandResult;
  /** The engine shard that executed it (sharded engines only; sequences are per shard). */
  shardIndex?: number;
  /**
   * The command as journalled (encodeCommand), when the engine that delivers it has the bytes at
   * hand: a follower in another thread replays these instead of receiving the events.
   */
  payload?: Uint8Array;
}

export type CommittedListener = (batch: readonly CommittedCommand[]) => void;

export interface ExchangeEngineApi {
  /** Resolves once the command is durable in the journal and applied; never before. */
  submit(command: ExchangeCommand): Promise<CommittedCommand>;
  /** Same, for many commands journalled in one group commit (batch place / cancel). */
  submitMany(commands: readonly ExchangeCommand[]): Promise<CommittedCommand[]>;
  /**
   * Listeners run synchronously after each applied batch, in journal order, including batches
   * replayed at start-up after `fromSequence`. They must not throw and must not block.
   */
  subscribe(listener: CommittedListener): () => void;
  /** Read-only view for queries (books, balances, open orders). Never mutate it. */
  readonly state: ExchangeStateView;
  readonly lastAppliedSequence: bigint;
  /**
   * The last applied sequence of the journal that holds `marketId` (with shards each journal counts
   * on its own; unsharded: lastAppliedSequence). Committed commands of that market carry sequences
   * of this journal.
   */
  appliedSequenceOfMarket(marketId: number): bigint;
  readonly ready: boolean;
}
