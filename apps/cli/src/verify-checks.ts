// The checks behind `verify`. Each returns a result instead of throwing, so one report lists every
// problem found, not only the first.

import { systemClock } from '@parite/kernel';
import { checkShardClearing, decodeSnapshot, restoreSnapshot, stateHash, type ExchangeState } from '@parite/exchange';
import { projectionNameOf } from '@parite/projections';
import { AuditLog, type Sql } from '@parite/platform';

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}

/** Differences listed in one check's detail; the count says how many more there were. */
const differencesShownMax = 5;

export async function checkAuditChain(sql: Sql): Promise<CheckResult> {
  const verification = await new AuditLog(sql, systemClock).verify();
  if (verification.ok) return { name: 'audit log', ok: true, detail: `${verification.entries} entries, hash chain intact` };
  return { name: 'audit log', ok: false,
    detail: `chain broken at sequence ${verification.brokenAtSequence}: ${verification.reason}` };
}

/** The projections at one checkpoint, read in one snapshot while the server may keep projecting. */
export interface ProjectionSnapshot {
  checkpoint: bigint;
  /** `owner/asset` -> [balance, held] units. */
  balances: Map<string, [bigint, bigint]>;
  sums: Map<number, bigint>;
  orderCount: number;
  /** Open orders: id -> filled lots. */
  openOrders: Map<number, number>;
}

/** One shard's rows (all rows when unsharded): its checkpoint, its balance rows, the orders whose ids it handed out. */
export async function readProjectionSnapshot(sql: Sql, shardIndex = 0, shardCount = 1): Promise<ProjectionSnapshot> {
  return await sql.begin('isolation level repeatable read read only', async (transaction) => {
    const checkpoints = await transaction<{ sequence: bigint }[]>`
      select sequence from projection_checkpoints where name = ${projectionNameOf(shardIndex)}`;
    const balances = await transaction<{ owner_id: bigint; asset_id: number; balance_units: bigint; held_units: bigint }[]>`
      select owner_id, asset_id, balance_units, held_units from balances where shard = ${shardIndex}`;
    const sums = await transaction<{ asset_id: number; total: string }[]>`
      select asset_id, sum(balance_units)::text as total from balances where shard = ${shardIndex} group by asset_id`;
    const counts = await transaction<{ count: bigint }[]>`
      select count(*) as count from orders where (order_id - 1) % ${shardCount} = ${shardIndex}`;
    const open = await transaction<{ order_id: bigint; filled_lots: bigint }[]>`
      select order_id, filled_lots from orders
      where status in ('open', 'partially_filled') and (order_id - 1) % ${shardCount} = ${shardIndex}`;
    return {
      checkpoint: checkpoints[0]?.sequence ?? 0n,
      balances: new Map(balances.map((row) => [`${row.owner_id}/${row.asset_id}`, [row.balance_units, row.held_units]])),
      sums: new Map(sums.map((row) => [row.asset_id, BigInt(row.total)])),
      orderCount: Number(counts[0]?.count ?? 0n),
      openOrders: new Map(open.map((row) => [Number(row.order_id), Number(row.filled_lots)])),
    };
  });
}

function listed(differences: readonly string[]): string {
  const shown = differences.slice(0, differencesShownMax).join('; ');
  return differences.length > differencesShownMax ? `${shown}; and ${differences.length - differencesShownMax} more` : shown;
}

/** The projections equal the replay at the projections' checkpoint. */
export function compareProjection(projection: ProjectionSnapshot, state: ExchangeState): CheckResult {
  const differences: string[] = [];
  const replayed = new Map(state.ledger.sortedAccounts()
    .map((account) => [`${account.ownerId}/${account.assetId}`, [account.balanceUnits, account.heldUnits]]));
  for (const key of new Set([...projection.balances.keys(), ...replayed.keys()])) {
    const [balance = 0n, held = 0n] = projection.balances.get(key) ?? [];
    const [expectedBalance = 0n, expectedHeld = 0n] = replayed.get(key) ?? [];
    if (balance !== expectedBalance || held !== expectedHeld) {
      differences.push(`account ${key} (owner/asset) is ${balance}/${held} held, replay says ${expectedBalance}/${expectedHeld}`);
    }
  }
  for (const [assetId, sum] of projection.sums) if (sum !== 0n) differences.push(`asset ${assetId} sums to ${sum}`);
  // Order ids start at the shard index + 1 and advance by the shard count.
  const accepted = (state.nextOrderId - 1 - state.shardIndex) / state.shardCount;
  if (projection.orderCount !== accepted) {
    differences.push(`${projection.orderCount} order rows, replay accepted ${accepted} orders`);
  }
  for (const [orderId, record] of state.orders) {
    const filled = projection.openOrders.get(orderId);
    if (filled !== record.view.filledLots) differences.push(`open order ${orderId}: projected ${filled ?? 'not open'}`);
  }
  for (const orderId of projection.openOrders.keys()) {
    if (!state.orders.has(orderId)) differences.push(`order ${orderId} is open in the projections only`);
  }
  const name = `projections at sequence ${projection.checkpoint}`;
  if (differences.length > 0) return { name, ok: false, detail: listed(differences) };
  return { name, ok: true, detail: `${projection.balances.size} balances and ${projection.openOrders.size} open orders ` +
    `equal the replay; every asset sums to zero` };
}

/** The ledger invariant over the replayed state: every asset sums to zero, system owners included. */
export function checkLedger(state: ExchangeState): CheckResult {
  const problems: string[] = [];
  for (const [assetId, sum] of state.ledger.sumByAsset()) {
    if (sum !== 0n) problems.push(`${state.assets.get(assetId)?.code ?? `asset ${assetId}`} sums to ${sum}`);
  }
  try {
    state.ledger.assertInvariants();
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  const accounts = state.ledger.sortedAccounts().length;
  if (problems.length > 0) return { name: 'ledger invariant', ok: false, detail: listed(problems) };
  return { name: 'ledger invariant', ok: true,
    detail: `${accounts} accounts over ${state.assets.size} assets; every asset sums to zero` };
}

/** Across shards: the clearing accounts of every pair of shards hold exactly what is in flight. */
export function checkClearing(states: readonly ExchangeState[]): CheckResult {
  const problems = checkShardClearing(states);
  if (problems.length > 0) return { name: 'cross-shard clearing', ok: false, detail: listed(problems) };
  return { name: 'cross-shard clearing', ok: true, detail: `${states.length} shards; clearing accounts match the transfers in flight` };
}

export function compareSnapshot(snapshot: { sequence: bigint; data: Uint8Array }, state: ExchangeState): CheckResult {
  const name = `snapshot at sequence ${snapshot.sequence}`;
  let stored: string;
  try {
    stored = stateHash(restoreSnapshot(decodeSnapshot(snapshot.data)));
  } catch (error) {
    return { name, ok: false, detail: `cannot be restored: ${error instanceof Error ? error.message : String(error)}` };
  }
  const replayed = stateHash(state);
  if (stored !== replayed) return { name, ok: false, detail: `state hash ${stored} but the replay gives ${replayed}` };
  return { name, ok: true, detail: `state hash equals the replay (${replayed.slice(0, 16)}…)` };
}
