// The projection tables as Maps, written by the same changesets as PostgreSQL and with the same rules
// (insert must be new, an update must find a live order): a database-free model to test the mapping
// against the core, and to test the SQL against.

import assert from 'node:assert/strict';
import type { CommittedCommand } from '@parite/exchange';
import { MarketCatalogue } from '../../src/mapping/market-catalogue.ts';
import { applyChangeToRow } from '../../src/mapping/order-change.ts';
import type {
  AssetRow, BalanceRow, EntryRow, MarketRow, OrderRow, PostingRow, TradeRow, UserFeeTierRow,
} from '../../src/mapping/rows.ts';
import { buildChangeset } from '../../src/storage/project-commands.ts';

export class MemoryTables {
  readonly catalogue = new MarketCatalogue();
  readonly assets = new Map<number, AssetRow>();
  readonly markets = new Map<number, MarketRow>();
  readonly userFeeTiers = new Map<number, UserFeeTierRow>();
  readonly orders = new Map<number, OrderRow>();
  readonly trades = new Map<number, TradeRow>();
  readonly postings = new Map<number, PostingRow>();
  readonly entries = new Map<string, EntryRow>();
  readonly balances = new Map<string, BalanceRow>();
  checkpoint = 0n;

  /** Projects `commands` in batches of `batchMax`, as the projector would. */
  project(commands: readonly CommittedCommand[], batchMax: number): void {
    for (let start = 0; start < commands.length; start += batchMax) this.write(commands.slice(start, start + batchMax));
  }

  write(commands: readonly CommittedCommand[]): void {
    const changeset = buildChangeset(this.catalogue, this.checkpoint, commands);
    for (const row of changeset.assets) insert(this.assets, row.assetId, row);
    for (const row of changeset.changedMarkets()) this.markets.set(row.marketId, row);
    for (const row of changeset.userFeeTiers.values()) this.userFeeTiers.set(row.ownerId, row);
    for (const row of changeset.insertedOrders()) insert(this.orders, row.orderId, row);
    for (const change of changeset.updatedOrders()) {
      const row = this.orders.get(change.orderId);
      assert.ok(row !== undefined && (row.status === 'open' || row.status === 'partially_filled'),
        `update of order ${change.orderId} that is not live`);
      this.orders.set(change.orderId, applyChangeToRow(row, change));
    }
    for (const row of changeset.trades) insert(this.trades, row.tradeId, row);
    for (const row of changeset.postings) insert(this.postings, row.postingId, row);
    for (const row of changeset.entries) insert(this.entries, `${row.postingId}:${row.legIndex}`, row);
    for (const row of changeset.balances()) this.balances.set(`${row.ownerId}:${row.assetId}`, row);
    changeset.markets.commit();
    this.checkpoint = changeset.lastSequence ?? this.checkpoint;
  }
}

function insert<Key, Row>(table: Map<Key, Row>, key: Key, row: Row): void {
  assert.ok(!table.has(key), `duplicate key ${String(key)}`);
  table.set(key, row);
}
