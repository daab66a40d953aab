// Rebuild: empty the projection tables and project the whole journal again, in ONE transaction.
// Readers see the old tables until the commit and the new ones after it, never a half-built state,
// and a failure leaves the old tables untouched. The audit log is not a projection and is never
// touched. A projector still running against the database notices that its checkpoint moved
// (compare and set) and continues from the rebuilt one.

import { assert } from '@parite/kernel';
import type { CommittedCommand } from '@parite/exchange';
import { MarketCatalogue } from './mapping/market-catalogue.ts';
import type { ReadCommitted } from './projector.ts';
import { exchangeProjectionName, setCheckpoint } from './storage/checkpoint.ts';
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
  const name = options.name ?? exchangeProjectionName;
  return await sql.begin(async (transaction) => {
    // Locks the checkpoint row first, so a running projector waits instead of interleaving.
    await setCheckpoint(transaction, name, 0n);
    await transaction.unsafe(`truncate table ${projectionTables.join(', ')}`);
    return await projectAll(transaction, name, readCommitted);
  });
}

async function projectAll(transaction: TransactionSql, name: string, readCommitted: ReadCommitted):
  Promise<RebuildReport> {
  const catalogue = new MarketCatalogue();
  let sequence = 0n;
  let commands = 0;
  let pending: CommittedCommand[] = [];
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const changeset = buildChangeset(catalogue, sequence, pending);
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
