// Rebuild: empty the projection tables and project the whole journal again, in ONE transaction.
// Readers see the old tables until the commit and the new ones after it, never a half-built state,
// and a failure leaves the old tables untouched. The audit log is not a projection and is never
// touched. A projector still running against the database notices that its checkpoint moved
// (compare and set) and continues from the rebuilt one.

import { assert } from '@parite/kernel';
import type { CommittedCommand } from '@parite/exchange';
import { MarketCatalogue } from './mapping/market-catalogue.ts';
import type { ReadCommitted } from './projector.ts';
import { exchangeProjectionName, projectionNameOf, setCheckpoint } from './storage/checkpoint.ts';
import { unshardedProjection, type ProjectionShard } from './mapping/rows.ts';
import { buildChangeset, writeBatch } from './storage/project-commands.ts';
import type { Sql, TransactionSql } from './storage/sql.ts';

/** Every table the projector writes, and nothing else. */
export const projectionTables = [
  'orders', 'trades', 'ledger_entries', 'ledger_postings', 'balances', 'user_fee_tiers', 'markets', 'assets',
] as const;

/** Commands per changeset during a rebuild (all in one transaction, so this only bounds memory). */
export const rebuildBatchMax = 10_000;

export interface RebuildReport {
  /** The checkpoint after the rebuild: the last journal sequence projected. */
  sequence: bigint;
  commands: number;
}

export async function rebuildProjections(sql: Sql, readCommitted: ReadCommitted,
  options: { name?: string } = {}): Promise<RebuildReport> {
  const [report] = await rebuildShardedProjections(sql, [{ readCommitted, shard: unshardedProjection,
    name: options.name ?? exchangeProjectionName }]);
  assert(report !== undefined, 'one source gives one report');
  return report;
}

/** One shard journal to project: its committed commands, its shard, its checkpoint name. */
export interface ProjectionSource {
  readCommitted: ReadCommitted;
  shard: ProjectionShard;
  /** Default: projectionNameOf(shard.shardIndex). */
  name?: string;
}

/**
 * Rebuilds from every shard's journal in one transaction: the tables are shared (ids are disjoint
 * between shards), so they are emptied once and each journal is projected after the other. Shard 0
 * goes first: it creates the assets the other shards' markets refer to.
 */
export async function rebuildShardedProjections(sql: Sql, sources: readonly ProjectionSource[]):
  Promise<RebuildReport[]> {
  const ordered = [...sources].sort((left, right) => left.shard.shardIndex - right.shard.shardIndex);
  return await sql.begin(async (transaction) => {
    // Locks the checkpoint rows first, so running projectors wait instead of interleaving.
    for (const source of ordered) await setCheckpoint(transaction, nameOf(source), 0n);
    await transaction.unsafe(`truncate table ${projectionTables.join(', ')}`);
    const catalogue = new MarketCatalogue();
    const reports: RebuildReport[] = [];
    for (const source of ordered) {
      reports.push(await projectAll(transaction, nameOf(source), source, catalogue));
    }
    return reports;
  });
}

function nameOf(source: ProjectionSource): string {
  return source.name ?? projectionNameOf(source.shard.shardIndex);
}

async function projectAll(transaction: TransactionSql, name: string, source: ProjectionSource,
  catalogue: MarketCatalogue): Promise<RebuildReport> {
  const { readCommitted, shard } = source;
  let sequence = 0n;
  let commands = 0;
  let pending: CommittedCommand[] = [];
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const changeset = buildChangeset(catalogue, sequence, pending, shard);
    await writeBatch(transaction, name, sequence, changeset);
    changeset.markets.commit();
    sequence = changeset.lastSequence ?? sequence;
    commands += pending.length;
    pending = [];
  };
  for await (const batch of readCommitted(0n)) {
    for (const command of batch) {
      const tip = sequence + BigInt(pending.length);
      assert(command.sequence === tip + 1n, `readCommitted skipped from ${tip} to ${command.sequence}`);
      pending.push(command);
      if (pending.length >= rebuildBatchMax) await flush();
    }
  }
  await flush();
  return { sequence, commands };
}
