// The checkpoint: the last journal sequence whose events are in the tables. It moves only inside the
// transaction that writes those events, and only from the value the writer last saw (compare and
// set), so two projectors on one database can never both apply the same batch: the second one's
// update finds nothing to change, rolls back and re-reads where the tables really are.

import { assert } from '@parite/kernel';
import { decodeMarketSpec, MarketCatalogue } from '../mapping/market-catalogue.ts';
import type { AnySql, TransactionSql } from './sql.ts';

/** The checkpoint name of the exchange projections. */
export const exchangeProjectionName = 'exchange';

/** One checkpoint per shard journal: shard 0 keeps the unsharded name. */
export function projectionNameOf(shardIndex: number): string {
  return shardIndex === 0 ? exchangeProjectionName : `${exchangeProjectionName}-shard-${shardIndex}`;
}

/** Raised when the stored checkpoint is not the one this writer started from. */
export class CheckpointMovedError extends Error {
  override readonly name = 'CheckpointMovedError';
}

export async function readCheckpoint(sql: AnySql, name: string): Promise<bigint> {
  const rows = await sql<{ sequence: bigint }[]>`select sequence from projection_checkpoints where name = ${name}`;
  const sequence = rows[0]?.sequence ?? 0n;
  assert(typeof sequence === 'bigint', 'open the pool with types: { bigint: postgres.BigInt }');
  return sequence;
}

/** Creates the checkpoint row at 0 unless it exists. */
export async function ensureCheckpoint(sql: AnySql, name: string): Promise<void> {
  await sql`insert into projection_checkpoints (name, sequence) values (${name}, 0) on conflict (name) do nothing`;
}

/** Moves the checkpoint from `previous` to `next`; locks the row until the transaction ends. */
export async function advanceCheckpoint(sql: TransactionSql, name: string, previous: bigint, next: bigint):
  Promise<void> {
  assert(next > previous, 'the checkpoint only moves forward');
  const rows = await sql`
    update projection_checkpoints set sequence = ${next}, updated_at = now()
    where name = ${name} and sequence = ${previous}
    returning sequence`;
  if (rows.length !== 1) {
    throw new CheckpointMovedError(`projection ${name} is no longer at sequence ${previous}`);
  }
}

export async function setCheckpoint(sql: TransactionSql, name: string, sequence: bigint): Promise<void> {
  await sql`
    insert into projection_checkpoints (name, sequence) values (${name}, ${sequence})
    on conflict (name) do update set sequence = excluded.sequence, updated_at = now()`;
}

interface MarketRecord {
  market_id: number;
  symbol: string;
  base_asset_id: number;
  quote_asset_id: number;
  status: string;
  version: number;
  tick_size_units: bigint;
  lot_size_units: bigint;
  spec: unknown;
  reference_price_ticks: bigint | null;
  updated_sequence: bigint;
}

/** The markets as stored: what the projector knows at its checkpoint. */
export async function readMarketCatalogue(sql: AnySql): Promise<MarketCatalogue> {
  const catalogue = new MarketCatalogue();
  const rows = await sql<MarketRecord[]>`select * from markets order by market_id`;
  for (const row of rows) {
    catalogue.set({
      marketId: row.market_id, symbol: row.symbol, baseAssetId: row.base_asset_id,
      quoteAssetId: row.quote_asset_id, status: row.status, version: row.version,
      tickSizeUnits: row.tick_size_units, lotSizeUnits: row.lot_size_units, spec: decodeMarketSpec(row.spec),
      referencePriceTicks: row.reference_price_ticks === null ? null : Number(row.reference_price_ticks),
      updatedSequence: row.updated_sequence,
    });
  }
  return catalogue;
}
