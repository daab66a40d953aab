// The messages between the platform's thread and the projector's thread (host.ts, worker.ts).
// Records cross as three typed arrays whose buffers are transferred, not copied: one flush's
// payloads concatenated, their end offsets and their timestamps.

import { assert } from '@parite/kernel';
import type { CommittedCommand } from '@parite/exchange';
import type { JournalRecordLike, ProjectorStatus } from '@parite/projections';

export interface ProjectorWorkerData {
  /** Credentials included: it stays in memory, handed from thread to thread. */
  readonly databaseUrl: string;
  readonly poolSize: number;
  readonly journalDirectory: string;
  readonly snapshotDirectory: string;
  readonly shardIndex: number;
  readonly sharded: boolean;
  readonly coalesceMs: number;
  /** The thread's nice value (PARITE_BACKGROUND_NICE): it yields the CPU to the engine's thread. */
  readonly backgroundNice: number;
  /** What the engine had made durable when the thread was started. */
  readonly durableSequence: bigint;
  /**
   * The engine's snapshots are taken here, from the follower's replica (wherever this thread runs,
   * the engine runs with snapshotsByFollower): every snapshotEveryCommands commands
   * (SnapshotScheduler's rule; 0: none), and a final one when the thread stops after draining.
   */
  readonly snapshotEveryCommands: number;
}

export interface PackedRecords {
  readonly kind: 'records';
  readonly firstSequence: bigint;
  readonly payloadBytes: Uint8Array;
  /** End offset of each payload in payloadBytes. */
  readonly payloadEnds: Uint32Array;
  readonly timestampsMs: Float64Array;
}

export type ToWorker =
  | PackedRecords
  /** Everything up to sequence is durable, but its payloads were not at hand: read them from the journal. */
  | { readonly kind: 'durable'; readonly sequence: bigint }
  /** Someone waits for the projection to reach sequence: write without the coalescing delay. */
  | { readonly kind: 'wait'; readonly sequence: bigint }
  | { readonly kind: 'stop'; readonly drain: boolean };

export type FromWorker =
  | { readonly kind: 'status'; readonly status: ProjectorStatus }
  | { readonly kind: 'error'; readonly message: string; readonly fatal: boolean }
  | { readonly kind: 'stopped' };

/** Packs contiguous committed commands that all carry their payload; undefined if one does not. */
export function packCommitted(batch: readonly CommittedCommand[]): PackedRecords | undefined {
  const first = batch[0];
  if (first === undefined) return undefined;
  let totalBytes = 0;
  for (const committed of batch) {
    if (committed.payload === undefined) return undefined;
    totalBytes += committed.payload.byteLength;
  }
  const payloadBytes = new Uint8Array(totalBytes);
  const payloadEnds = new Uint32Array(batch.length);
  const timestampsMs = new Float64Array(batch.length);
  let offset = 0;
  batch.forEach((committed, index) => {
    assert(committed.sequence === first.sequence + BigInt(index), 'packed records are contiguous');
    const payload = committed.payload as Uint8Array;
    payloadBytes.set(payload, offset);
    offset += payload.byteLength;
    payloadEnds[index] = offset;
    timestampsMs[index] = committed.timestampMs;
  });
  return { kind: 'records', firstSequence: first.sequence, payloadBytes, payloadEnds, timestampsMs };
}

export function unpackRecords(packed: PackedRecords): JournalRecordLike[] {
  const records: JournalRecordLike[] = [];
  let start = 0;
  for (let index = 0; index < packed.payloadEnds.length; index++) {
    const end = packed.payloadEnds[index] as number;
    records.push({ sequence: packed.firstSequence + BigInt(index), timestampMs: packed.timestampsMs[index] as number,
      payload: packed.payloadBytes.subarray(start, end) });
    start = end;
  }
  return records;
}
