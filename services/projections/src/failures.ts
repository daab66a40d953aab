// What the projector does when a write fails. Retrying is only right for outages: a broken
// invariant or data PostgreSQL refuses will fail the same way every time, so it stops the
// projector (the engine goes on; the operator repairs and restarts, or rebuilds).

import { AssertionError } from '@parite/kernel';
import postgres from 'postgres';
import { CopyRefusedError } from '@parite/platform';
import { CheckpointMovedError } from './storage/checkpoint.ts';

export type FailureKind =
  /** Another writer (or a rebuild) moved the checkpoint: re-read it and go on from there. */
  | 'resync'
  /** Connection lost, server restarting, serialization conflict...: wait and retry. */
  | 'transient'
  /** A bug or a schema problem: retrying cannot help. */
  | 'fatal';

/**
 * SQLSTATE classes that are properties of the data or the schema: 22 data exception (a value out
 * of range), 23 integrity constraint violation, 42 syntax error or access rule (missing table).
 */
const permanentSqlStateClasses: ReadonlySet<string> = new Set(['22', '23', '42']);

/** The readCommitted source failed (journal I/O, a journal not open yet): an outage of the source. */
export class SourceReadError extends Error {
  override readonly name = 'SourceReadError';
  constructor(readonly error: unknown) {
    super(`readCommitted failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Iterates a readCommitted source, marking its own failures as SourceReadError. */
export async function* sourceBatches<Batch>(source: AsyncIterable<Batch>): AsyncGenerator<Batch> {
  const iterator = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<Batch>;
      try {
        next = await iterator.next();
      } catch (error) {
        throw new SourceReadError(error);
      }
      if (next.done === true) return;
      yield next.value;
    }
  } finally {
    await iterator.return?.();
  }
}

export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof CheckpointMovedError) return 'resync';
  if (error instanceof SourceReadError) return 'transient';
  // The retry writes the batch with insert statements, which fail with the reason if it persists.
  if (error instanceof CopyRefusedError) return 'transient';
  if (error instanceof AssertionError) return 'fatal';
  // Programming errors, not outages.
  if (error instanceof TypeError || error instanceof RangeError || error instanceof ReferenceError) return 'fatal';
  if (error instanceof postgres.PostgresError) {
    return permanentSqlStateClasses.has(error.code.slice(0, 2)) ? 'fatal' : 'transient';
  }
  return 'transient';
}

/** Waits grow from the minimum to the maximum by doubling, so an outage is not hammered. */
export const retryDelayMsMin = 100;
export const retryDelayMsMax = 5_000;

export function retryDelayMs(attempt: number): number {
  return Math.min(retryDelayMsMax, retryDelayMsMin * 2 ** Math.min(attempt, 16));
}
