// One batch of commands into the tables, inside the caller's transaction: fold the events, move the
// checkpoint (compare and set), write the rows. The live projector and the rebuild share this path.

import { assert } from '@parite/kernel';
import type { CommittedCommand } from '@parite/exchange';
import { ProjectionChangeset } from '../mapping/changeset.ts';
import type { MarketCatalogue } from '../mapping/market-catalogue.ts';
import { unshardedProjection, type ProjectionShard } from '../mapping/rows.ts';
import { advanceCheckpoint } from './checkpoint.ts';
import type { TransactionSql } from './sql.ts';
import { TimeSlice } from './time-slice.ts';
import { writeChangeset, type RowsForm, type WriteCounts } from './write-changeset.ts';

/** Folds `commands` (contiguous, starting right after `previous`) on a fork of `catalogue`. */
export function buildChangeset(catalogue: MarketCatalogue, previous: bigint,
  commands: readonly CommittedCommand[], shard: ProjectionShard = unshardedProjection): ProjectionChangeset {
  const changeset = emptyChangeset(catalogue, commands, shard);
  for (const command of commands) changeset.add(command);
  return checkedStart(changeset, previous);
}

function emptyChangeset(catalogue: MarketCatalogue, commands: readonly CommittedCommand[],
  shard: ProjectionShard): ProjectionChangeset {
  assert(commands.length > 0, 'a batch has at least one command');
  return new ProjectionChangeset(catalogue.fork(), shard);
}

function checkedStart(changeset: ProjectionChangeset, previous: bigint): ProjectionChangeset {
  assert(changeset.firstSequence === previous + 1n,
    `batch starts at ${changeset.firstSequence}, checkpoint is ${previous}`);
  return changeset;
}

/**
 * buildChangeset for the live projector: the same changeset, folded in slices of about
 * sliceBudgetMs with a yield to the event loop between them, so a large batch does not stall the
 * engine's replies while it is folded.
 */
export async function buildChangesetInSlices(catalogue: MarketCatalogue, previous: bigint,
  commands: readonly CommittedCommand[], shard: ProjectionShard = unshardedProjection,
  slice = new TimeSlice()): Promise<ProjectionChangeset> {
  const changeset = emptyChangeset(catalogue, commands, shard);
  for (let index = 0; index < commands.length; index++) {
    changeset.add(commands[index] as CommittedCommand);
    if (slice.due()) await slice.pause();
  }
  return checkedStart(changeset, previous);
}

/**
 * Writes the changeset and moves the checkpoint to its last sequence. The caller commits the
 * changeset's market fork (changeset.markets.commit()) once the transaction has committed.
 */
export async function writeBatch(sql: TransactionSql, name: string, previous: bigint,
  changeset: ProjectionChangeset, form: RowsForm = 'copy'): Promise<WriteCounts> {
  const last = changeset.lastSequence;
  assert(last !== undefined, 'an empty changeset has nothing to write');
  await advanceCheckpoint(sql, name, previous, last);
  return await writeChangeset(sql, changeset, form);
}
