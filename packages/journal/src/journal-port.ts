// The journal port. The exchange core is a deterministic state machine: every accepted command is
// journalled before it is acknowledged, and recovery is the latest snapshot plus a replay of the
// journal after the snapshot's sequence. Adapters: file (one node), PostgreSQL and NATS JetStream
// (shared by several nodes, one writer), memory (unit tests of other packages).
import { assert, assertSafeInteger } from '@parite/kernel';
import type { JournalError } from './errors.ts';

export interface JournalEntry {
  /** Time the command was accepted; an input of the deterministic core, stored for replay. */
  readonly timestampMs: number;
  /** The encoded command; opaque to the journal. Not to be mutated after enqueue (no copy is made). */
  readonly payload: Uint8Array;
}

export interface JournalRecord extends JournalEntry {
  readonly sequence: bigint;
}

/**
 * The outcome of `enqueue`. Sequences are assigned synchronously, in the exact order of the calls,
 * so the engine knows the order of commands at enqueue time and may start executing them while the
 * flush is in flight; it acknowledges a command to its client only after `durable` resolves.
 * `durable` rejects with a JournalError when the flush fails; the journal is then failed for good.
 * The caller must always handle `durable` (await it or attach a handler), or a failure becomes an
 * unhandled rejection.
 */
export type JournalEnqueueResult =
  | {
      readonly status: 'enqueued';
      readonly firstSequence: bigint;
      readonly lastSequence: bigint;
      /** Resolves with `lastSequence` once every entry of this call is durable. */
      readonly durable: Promise<bigint>;
    }
  /** More than `pendingEntriesMax` entries would be pending: shed load (SERVICE_OVERLOADED). */
  | { readonly status: 'overloaded' }
  /** An earlier flush failed; nothing more is accepted until the process recovers. */
  | { readonly status: 'failed'; readonly error: JournalError };

export interface JournalMetrics {
  /** Flushes (one write + fsync, one transaction, one pipelined publish) completed so far. */
  readonly flushCount: number;
  readonly flushedEntryCount: number;
  /** Entries enqueued and not yet durable (waiting plus in flight). */
  readonly pendingEntryCount: number;
  readonly lastEnqueuedSequence: bigint;
  readonly lastSequence: bigint;
}

export interface Journal {
  /** Highest durable sequence (0n when empty). Known after open(). */
  readonly lastSequence: bigint;
  /** Highest sequence handed out by enqueue; equals lastSequence when nothing is pending. */
  readonly lastEnqueuedSequence: bigint;
  /** Recovers: verifies what is stored, truncates a torn tail (never acknowledged), learns lastSequence. */
  open(): Promise<void>;
  /**
   * Assigns consecutive sequences to the entries now and queues them for the next group commit:
   * calls made while a flush is in flight are batched into the next single flush. One call's
   * entries always go into one flush (assert: at most flushEntriesMax entries, flushBytesMax bytes).
   */
  enqueue(entries: readonly JournalEntry[]): JournalEnqueueResult;
  /** enqueue + wait for durability. Rejects with JournalOverloadError or the journal's failure. */
  append(entries: readonly JournalEntry[]): Promise<bigint>;
  /**
   * Yields, in order and in batches of at most batchMax (default and bound: readBatchMax), every
   * durable record with sequence > afterSequence, up to at least the lastSequence seen when the
   * iteration starts. Shared adapters also yield what other writers committed meanwhile.
   */
  read(afterSequence: bigint, batchMax?: number): AsyncIterable<JournalRecord[]>;
  metrics(): JournalMetrics;
  /** Waits for pending entries to become durable (or fail), then releases resources. Idempotent. */
  close(): Promise<void>;
}

export interface JournalLimits {
  /** Bytes of one encoded command. */
  readonly payloadBytesMax: number;
  /** Entries in one flush (group commit batch). */
  readonly flushEntriesMax: number;
  /** Bytes in one flush, counted as payload + recordOverheadBytes per entry. */
  readonly flushBytesMax: number;
  /** Entries enqueued and not yet durable; beyond it enqueue reports 'overloaded'. */
  readonly pendingEntriesMax: number;
  /** Records per batch yielded by read(); also its default. */
  readonly readBatchMax: number;
}

/** Per-entry overhead counted against flushBytesMax: the file record header (see record-format.ts). */
export const recordOverheadBytes = 28;

export const defaultJournalLimits: JournalLimits = {
  payloadBytesMax: 256 * 1024,
  flushEntriesMax: 4096,
  flushBytesMax: 4 * 1024 * 1024,
  pendingEntriesMax: 65_536,
  readBatchMax: 1024,
};

export function resolveJournalLimits(overrides: Partial<JournalLimits> = {}): JournalLimits {
  const limits: JournalLimits = { ...defaultJournalLimits, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    assertSafeInteger(value, name);
    assert(value > 0, `${name} must be positive`);
  }
  assert(limits.flushBytesMax >= limits.payloadBytesMax + recordOverheadBytes, 'one record must fit in a flush');
  assert(limits.pendingEntriesMax >= limits.flushEntriesMax, 'one flush must fit in the pending queue');
  return limits;
}

export function entryBytes(entry: JournalEntry): number {
  return entry.payload.byteLength + recordOverheadBytes;
}

export function assertEntry(entry: JournalEntry, limits: JournalLimits): void {
  assertSafeInteger(entry.timestampMs, 'timestampMs');
  assert(entry.timestampMs >= 0, 'timestampMs must not be negative');
  assert(entry.payload instanceof Uint8Array, 'payload must be a Uint8Array');
  assert(entry.payload.byteLength <= limits.payloadBytesMax, 'payload exceeds payloadBytesMax');
}
