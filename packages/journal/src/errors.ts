// Typed journal failures. Each carries the catalogue code the edge maps it to, so callers never
// have to match on messages. Programmer errors (broken invariants, misuse) are assertions instead.
import type { ErrorCode } from '@parite/contracts';

export abstract class JournalError extends Error {
  abstract readonly serviceErrorCode: ErrorCode;
}

/** The pending queue is full: the caller sheds load (SERVICE_OVERLOADED) and the client retries. */
export class JournalOverloadError extends JournalError {
  override readonly name = 'JournalOverloadError';
  readonly serviceErrorCode = 'SERVICE_OVERLOADED' as const;
  constructor(readonly pendingEntriesMax: number) {
    super(`the journal has ${pendingEntriesMax} entries pending durability (pendingEntriesMax)`);
  }
}

/**
 * Acknowledged data is damaged or missing (a bad record followed by a later flush, a gap in the
 * sequences, a segment that does not start where its name says). Never repaired automatically:
 * an operator restores from a replica or a backup.
 */
export class JournalCorruptError extends JournalError {
  override readonly name = 'JournalCorruptError';
  readonly serviceErrorCode = 'INTERNAL_ERROR' as const;
  constructor(
    message: string,
    readonly location: string,
  ) {
    super(`${message} (${location})`);
  }
}

/**
 * Another writer appended to a shared journal (PostgreSQL, JetStream): this node is no longer the
 * single writer. Its in-memory state may be behind; it must stop writing and recover as a follower.
 */
export class JournalWriterConflictError extends JournalError {
  override readonly name = 'JournalWriterConflictError';
  readonly serviceErrorCode = 'SERVICE_UNAVAILABLE' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A flush failed (write, fsync, commit or publish error). After a failed fsync the durable state
 * of the data is unknown, so the journal refuses every further append: the process recovers by
 * reopening (snapshot + replay), which is the only way back to a state that matches the journal.
 */
export class JournalFailedError extends JournalError {
  override readonly name = 'JournalFailedError';
  readonly serviceErrorCode = 'SERVICE_UNAVAILABLE' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Wraps any failure of a flush; typed journal errors (a writer conflict) pass through unchanged. */
export function asJournalFailure(error: unknown): JournalError {
  if (error instanceof JournalError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new JournalFailedError(`journal flush failed: ${detail}`, { cause: error });
}
