// verify: the platform's integrity, checked from its durable records alone.
//   - the audit log's hash chain (AuditLog.verify);
//   - the journal replayed into a fresh ExchangeCore: every record accepted again;
//   - the balances and open orders projections equal that replay at the projections' checkpoint;
//   - the latest snapshot's state hash equals the replay at the snapshot's sequence;
//   - the ledger invariant over the full replay: every asset sums to zero.
//   - with PARITE_SHARDS: each of the above per shard journal, then the clearing accounts across shards.
// Safe while the server runs (the journal is read without its lock; the projections from one snapshot).

import { ShardMap, type ExchangeState } from '@parite/exchange';
import { loadConfig, type Sql } from '@parite/platform';
import type { Snapshot } from '@parite/journal';
import { flag, type Command } from '../command.ts';
import { withDatabase } from '../database.ts';
import { ExitCode } from '../exit-codes.ts';
import { openJournalForReading, type JournalReading } from '../journal-reader.ts';
import { jsonText } from '../output.ts';
import { JournalReplay } from '../replay.ts';
import {
  checkAuditChain, checkClearing, checkLedger, compareProjection, compareSnapshot, readProjectionSnapshot, type CheckResult,
  type ProjectionSnapshot,
} from '../verify-checks.ts';

function failed(name: string, error: unknown): CheckResult {
  return { name, ok: false, detail: error instanceof Error ? error.message : String(error) };
}

interface ShardChecks {
  results: CheckResult[];
  /** The replayed state at the journal's end, when the replay completed. */
  state: ExchangeState | undefined;
}

async function replayChecks(reading: JournalReading, projection: ProjectionSnapshot | undefined): Promise<ShardChecks> {
  const results: CheckResult[] = [];
  const last = reading.journal.lastSequence;
  let snapshot: Snapshot | undefined;
  try {
    snapshot = await reading.snapshots.loadLatest();
  } catch (error) {
    results.push(failed('snapshot', error));
  }
  const stops = new Map<bigint, ((replay: JournalReplay) => CheckResult)[]>();
  const stopAt = (sequence: bigint, name: string, check: (replay: JournalReplay) => CheckResult) => {
    if (sequence > last) {
      results.push({ name, ok: false, detail: `at sequence ${sequence}, beyond the journal's last record ${last}` });
      return;
    }
    stops.set(sequence, [...(stops.get(sequence) ?? []), check]);
  };
  if (projection !== undefined) {
    stopAt(projection.checkpoint, 'projections', (replay) => compareProjection(projection, replay.state));
  }
  if (snapshot !== undefined) {
    const stored = snapshot;
    stopAt(stored.sequence, 'snapshot', (replay) => compareSnapshot(stored, replay.state));
  }
  const replay = new JournalReplay(reading.journal);
  try {
    for (const sequence of [...stops.keys()].sort((left, right) => (left < right ? -1 : left > right ? 1 : 0))) {
      await replay.advanceTo(sequence);
      for (const check of stops.get(sequence) ?? []) results.push(check(replay));
    }
    await replay.advanceTo(last);
  } catch (error) {
    results.push(failed('journal replay', error));
    return { results, state: undefined };
  }
  results.push({ name: 'journal replay', ok: true, detail: `${last} records replayed from the ${reading.source}` });
  results.push(checkLedger(replay.state));
  return { results, state: replay.state };
}

async function runChecks(sql: Sql, shardCount: number, openReading: (shardIndex: number) => Promise<JournalReading>):
  Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  results.push(await checkAuditChain(sql).catch((error: unknown) => failed('audit log', error)));
  const states: ExchangeState[] = [];
  for (let shardIndex = 0; shardIndex < shardCount; shardIndex++) {
    const named = (result: CheckResult) => (shardCount === 1 ? result : { ...result, name: `shard ${shardIndex} ${result.name}` });
    // Projections first, journal second: the journal read then holds everything projected.
    let projection: ProjectionSnapshot | undefined;
    try {
      projection = await readProjectionSnapshot(sql, shardIndex, shardCount);
    } catch (error) {
      results.push(named(failed('projections', error)));
    }
    const reading = await openReading(shardIndex);
    try {
      const checks = await replayChecks(reading, projection);
      results.push(...checks.results.map(named));
      if (checks.state !== undefined) states.push(checks.state);
    } finally {
      await reading.close();
    }
  }
  if (shardCount > 1 && states.length === shardCount) results.push(await clearingCheck(states, shardCount, openReading));
  return results;
}

/**
 * The shards' journals are read one after the other while the server may go on moving funds, so a
 * credit read on one shard can belong to a debit the other shard's read did not reach yet. When the
 * journals' ends disagree, the check is repeated on a cut: every shard replayed through the same
 * engine timestamp, just before the earliest of their last records. A credit is always stamped after
 * its debit was durable, so a cut never holds a credit without its debit.
 */
async function clearingCheck(states: readonly ExchangeState[], shardCount: number,
  openReading: (shardIndex: number) => Promise<JournalReading>): Promise<CheckResult> {
  const atEnds = checkClearing(states);
  if (atEnds.ok) return atEnds;
  const cutMs = Math.min(...states.map((state) => state.lastTimestampMs)) - 1;
  const cutStates: ExchangeState[] = [];
  for (let shardIndex = 0; shardIndex < shardCount; shardIndex++) {
    const reading = await openReading(shardIndex);
    try {
      const replay = new JournalReplay(reading.journal);
      await replay.advanceThroughTimestamp(cutMs);
      cutStates.push(replay.state);
    } catch (error) {
      return failed('cross-shard clearing', error);
    } finally {
      await reading.close();
    }
  }
  const atCut = checkClearing(cutStates);
  return { ...atCut, detail: `${atCut.detail} (at the common cut ${new Date(cutMs).toISOString()}; the journals' ends ` +
    'were read while funds moved)' };
}

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'Verify the audit chain, the journal, the projections and the ledger invariant.',
  details: 'Checks the audit log\'s hash chain; replays the journal into a fresh engine core; compares the\n' +
    'balances and open orders projections with the replay at their checkpoint and the latest snapshot with\n' +
    'the replay at its sequence; checks that every asset sums to zero. Prints one line per check and exits 1\n' +
    'when any check fails. Safe while the server runs (the file journal is read without taking its lock).',
  options: {},
  async run(values, { environment, output }) {
    const config = loadConfig(environment);
    const results = await withDatabase(config, (database) =>
      runChecks(database.sql, ShardMap.parse(config.shards).shardCount,
        (shardIndex) => openJournalForReading(config, database.sql, shardIndex)));
    const failures = results.filter((result) => !result.ok).length;
    if (flag(values, 'json')) {
      output.out(jsonText({ ok: failures === 0, checks: results }));
    } else {
      for (const result of results) output.out(`${result.ok ? 'ok  ' : 'FAIL'}  ${result.name}: ${result.detail}`);
      output.out(failures === 0 ? `verify: all ${results.length} checks passed`
        : `verify: ${failures} of ${results.length} checks FAILED`);
    }
    return failures === 0 ? ExitCode.Ok : ExitCode.Failed;
  },
};
