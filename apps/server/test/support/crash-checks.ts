// What must hold after every restart of the crash test:
// 1. every acknowledged order is present, at least as far along as it was acknowledged;
// 2. the running server's books and balances equal a fresh replay of the journal, and so do the
//    projections at their checkpoint;
// 3. the ledger invariant: every asset sums to zero over all accounts, system owners included, in
//    the replayed state and in the balances projection.

import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { formatDecimal } from '@parite/kernel';
import type { ExchangeState } from '@parite/exchange';
import type { SignedClient } from './crash-client.ts';
import type { ProjectionView } from './crash-database.ts';
import type { LoadRecord } from './crash-load.ts';
import { JournalReplay } from './crash-replay.ts';

const liveOrders = new Set(['open', 'partially_filled']);
/** Attempts to catch the live server between two market-maker rounds (its state must not move). */
const liveCompareAttemptsMax = 40;
const depthLevels = 100;

function statusRank(status: string): number {
  if (status === 'open') return 0;
  if (status === 'partially_filled') return 1;
  return 2;
}

export interface AcknowledgedReport {
  checked: number;
  cancelsChecked: number;
  /** Place requests whose answer never came (in flight at a kill) that did reach the journal. */
  unknownPresent: number;
  unknownAbsent: number;
}

export function checkAcknowledged(view: ProjectionView, record: LoadRecord, ownerIds: ReadonlyMap<string, number>):
  AcknowledgedReport {
  const ownerOf = (user: string): number => {
    const ownerId = ownerIds.get(user);
    assert.ok(ownerId !== undefined, `owner id of ${user}`);
    return ownerId;
  };
  for (const ack of record.acknowledged.values()) {
    const row = view.orders.get(ack.orderId);
    const where = `acknowledged order ${ack.orderId} (${ack.clientOrderId}, run ${ack.run}, ${ack.status})`;
    assert.ok(row !== undefined, `${where} is missing after the restart`);
    assert.equal(row.clientOrderId, ack.clientOrderId, `${where}: client order id`);
    assert.equal(row.ownerId, ownerOf(ack.user), `${where}: owner`);
    const filledUnits = BigInt(row.filledLots) * row.lotSizeUnits;
    assert.ok(filledUnits >= ack.filledBaseUnits, `${where}: filled ${filledUnits} < acknowledged ${ack.filledBaseUnits}`);
    assert.ok(statusRank(row.status) >= statusRank(ack.status), `${where}: now ${row.status}`);
    if (statusRank(ack.status) === 2) {
      assert.equal(row.status, ack.status, `${where}: a finished order does not change`);
      assert.equal(filledUnits, ack.filledBaseUnits, `${where}: a finished order's fills do not change`);
    }
  }
  for (const [orderId, user] of record.cancelled) {
    const row = view.orders.get(orderId);
    assert.equal(row?.status, 'cancelled', `acknowledged cancel of order ${orderId} (${user}) is lost`);
  }
  const placed = new Set([...view.orders.values()].map((row) => `${row.ownerId}/${row.clientOrderId}`));
  let unknownPresent = 0;
  for (const request of record.unknown) {
    if (placed.has(`${ownerOf(request.user)}/${request.clientOrderId}`)) unknownPresent++;
  }
  return { checked: record.acknowledged.size, cancelsChecked: record.cancelled.size, unknownPresent,
    unknownAbsent: record.unknown.length - unknownPresent };
}

/** The projections at their checkpoint equal the replay at that sequence; both conserve money. */
export function checkProjectionAgainstReplay(view: ProjectionView, state: ExchangeState): void {
  assert.equal(view.orders.size, state.nextOrderId - 1, 'one order row per accepted order');
  for (const row of view.orders.values()) {
    const record = state.orders.get(row.orderId);
    if (record === undefined) {
      assert.ok(!liveOrders.has(row.status), `order ${row.orderId} is ${row.status} but finished in the replay`);
      continue;
    }
    assert.ok(liveOrders.has(row.status), `order ${row.orderId} is ${row.status} but open in the replay`);
    assert.equal(row.filledLots, record.view.filledLots, `order ${row.orderId}: filled lots`);
  }
  const key = (ownerId: number, assetId: number) => `${ownerId}/${assetId}`;
  const projected = new Map(view.balances.map((row) => [key(row.ownerId, row.assetId), row]));
  const replayed = new Map(state.ledger.sortedAccounts().map((account) => [key(account.ownerId, account.assetId), account]));
  for (const name of new Set([...projected.keys(), ...replayed.keys()])) {
    const left = projected.get(name);
    const right = replayed.get(name);
    assert.deepEqual([left?.balanceUnits ?? 0n, left?.heldUnits ?? 0n], [right?.balanceUnits ?? 0n, right?.heldUnits ?? 0n],
      `balance ${name} (owner/asset): projection vs replay at ${view.checkpoint}`);
  }
  for (const [assetId, sum] of view.sums) assert.equal(sum, 0n, `balances projection: asset ${assetId} sums to ${sum}`);
  for (const [assetId, sum] of state.ledger.sumByAsset()) assert.equal(sum, 0n, `replay: asset ${assetId} sums to ${sum}`);
  state.ledger.assertInvariants();
}

interface LiveView {
  balances: Map<string, unknown>;
  depth: Map<string, unknown>;
}

function expectedView(state: ExchangeState, ownerIds: ReadonlyMap<string, number>): LiveView {
  const balances = new Map<string, unknown>();
  for (const [user, ownerId] of ownerIds) {
    balances.set(user, [...state.ledger.accountsOf(ownerId)].sort((left, right) => left.assetId - right.assetId)
      .flatMap((account) => {
        const asset = state.assets.get(account.assetId);
        if (asset === undefined) return [];
        return [{ asset: asset.code, total: formatDecimal(account.balanceUnits, asset.scale),
          available: formatDecimal(account.balanceUnits - account.heldUnits, asset.scale),
          held: formatDecimal(account.heldUnits, asset.scale) }];
      }));
  }
  const depth = new Map<string, unknown>();
  for (const market of state.markets.values()) {
    const levels = market.book.depth(depthLevels);
    const text = (side: typeof levels.bids) => side.map((level) => [
      formatDecimal(BigInt(level.priceTicks) * market.spec.tickSizeUnits, market.quote.scale),
      formatDecimal(BigInt(level.quantityLots) * market.spec.lotSizeUnits, market.base.scale)]);
    depth.set(market.spec.symbol.replace('/', '-'), { bids: text(levels.bids), asks: text(levels.asks) });
  }
  return { balances, depth };
}

async function liveView(client: SignedClient, users: readonly string[], symbols: readonly string[]): Promise<LiveView> {
  const balances = new Map<string, unknown>();
  for (const user of users) balances.set(user, (await client.get<{ balances: unknown }>(user, '/v1/balances')).balances);
  const depth = new Map<string, unknown>();
  for (const symbol of symbols) {
    const body = await client.get<{ bids: unknown; asks: unknown }>(undefined, `/v1/markets/${symbol}/depth?levels=${depthLevels}`);
    depth.set(symbol, { bids: body.bids, asks: body.asks });
  }
  return { balances, depth };
}

async function engineSequence(client: SignedClient): Promise<bigint> {
  return BigInt((await client.get<{ sequence: string }>(undefined, '/readyz')).sequence);
}

/**
 * Balances of every demo user and the depth of every market, as the running server reports them,
 * equal the replay at the engine's sequence. The demo market maker keeps trading, so the view is
 * read between two of its rounds: the engine's sequence must be the same before and after it.
 */
export async function checkLiveAgainstReplay(client: SignedClient, replay: JournalReplay,
  ownerIds: ReadonlyMap<string, number>): Promise<bigint> {
  const users = [...ownerIds.keys()];
  let lastDifference = 'the engine never stood still';
  for (let attempt = 0; attempt < liveCompareAttemptsMax; attempt++) {
    const before = await engineSequence(client);
    await replay.advanceTo(before);
    const expected = expectedView(replay.state, ownerIds);
    const live = await liveView(client, users, [...expected.depth.keys()]);
    if ((await engineSequence(client)) !== before) continue;
    try {
      assert.deepEqual(live, expected);
      return before;
    } catch (error) {
      // Depth follows durability, balances follow execution: a read between the two differs.
      lastDifference = String(error);
      await delay(50);
    }
  }
  throw new Error(`live state never matched the replay: ${lastDifference}`);
}
