// Replaying the journal outside the engine (replicas, the projector's followers and catch-up): a
// record through a core gives back exactly the committed command the engine delivered.

import { assert } from '@parite/kernel';
import { ExchangeCore } from '../domain/exchange-core.ts';
import { decodeSnapshot, restoreSnapshot } from '../domain/state-codec.ts';
import { decodeCommand } from './command-codec.ts';
import type { CommittedCommand } from './engine-api.ts';
import { isJournalled } from './exchange-engine.ts';

export interface ReplayRecord {
  readonly sequence: bigint;
  readonly timestampMs: number;
  readonly payload: Uint8Array;
}

/** Applies one record; only state changes are journalled, so any other result means the core diverged. */
export function replayJournalRecord(core: ExchangeCore, record: ReplayRecord, shardIndex?: number): CommittedCommand {
  const command = decodeCommand(record.payload);
  const result = core.execute(command, record.timestampMs);
  assert(isJournalled(result), `replay diverged at sequence ${record.sequence}: ${result.code}`);
  return { sequence: record.sequence, timestampMs: record.timestampMs, command, result, shardIndex };
}

/** A core holding the state of an engine snapshot (the bytes a snapshot store keeps). */
export function coreFromSnapshot(data: Uint8Array, bookKind: 'fast' | 'naive' = 'fast'): ExchangeCore {
  return new ExchangeCore({}, restoreSnapshot({ ...decodeSnapshot(data), bookKind }));
}
