// A batch of committed commands folded into the rows one transaction writes. Pure: no database, no
// clock. Events are applied in journal order; rows that many events touch (orders, balances, markets)
// are compressed to their final value, so the write cost follows the rows touched, not the events.

import { assert, unreachable } from '@parite/kernel';
import type { CommittedCommand, ExchangeEvent } from '@parite/exchange';
import { acceptedOrderRow, postingRows, tradeRow } from './event-rows.ts';
import { marketRow, type MarketCatalogue } from './market-catalogue.ts';
import {
  applyAmendCut, applyChangeToRow, applyFill, applyOrderEvent, emptyOrderChange, type OrderChange,
} from './order-change.ts';
import type {
  AssetRow, BalanceRow, EntryRow, EventOrigin, MarketRow, OrderRow, PostingRow, ProjectionShard, TradeRow,
  UserFeeTierRow,
} from './rows.ts';
import { unshardedProjection } from './rows.ts';

export class ProjectionChangeset {
  readonly assets: AssetRow[] = [];
  readonly userFeeTiers = new Map<number, UserFeeTierRow>();
  readonly trades: TradeRow[] = [];
  readonly postings: PostingRow[] = [];
  readonly entries: EntryRow[] = [];
  private readonly balanceRows = new Map<string, BalanceRow>();
  /** Orders accepted in this batch: inserted whole. */
  private readonly acceptedOrders = new Map<number, OrderRow>();
  /** Changes to orders, both accepted in this batch and stored before it. */
  private readonly orderChanges = new Map<number, OrderChange>();
  /**
   * Orders amended by the current command. order.amended comes first but carries the quantity after
   * the whole amend, so the order.reduced that a priority-keeping cut also reports for the same
   * order must not reduce it a second time.
   */
  private readonly amendedInCommand = new Set<number>();
  private first: bigint | undefined;
  private last: bigint | undefined;
  private count = 0;

  /** `markets` must be a fork of the projector's catalogue; the caller commits it after the write. */
  constructor(readonly markets: MarketCatalogue, readonly shard: ProjectionShard = unshardedProjection) {}

  get firstSequence(): bigint | undefined { return this.first; }
  get lastSequence(): bigint | undefined { return this.last; }
  get commandCount(): number { return this.count; }

  add(committed: CommittedCommand): void {
    assert(this.last === undefined || committed.sequence === this.last + 1n,
      `commands must be contiguous: ${committed.sequence} after ${this.last}`);
    assert(committed.result.code === 'OK' || committed.result.events.length === 0, 'a refused command has no events');
    this.first ??= committed.sequence;
    this.last = committed.sequence;
    this.count++;
    const origin: EventOrigin = { sequence: committed.sequence, timestampMs: committed.timestampMs };
    const reason = committed.command.kind === 'ledger.transfer' ? committed.command.reason : null;
    this.amendedInCommand.clear();
    for (const event of committed.result.events) this.apply(event, origin, reason);
  }

  private apply(event: ExchangeEvent, origin: EventOrigin, transferReason: string | null): void {
    switch (event.type) {
      case 'asset.created':
        this.assets.push({ ...event.asset, createdSequence: origin.sequence });
        return;
      case 'market.created':
      case 'market.updated':
        this.markets.set(marketRow(event.market, this.markets.get(event.market.marketId), origin.sequence));
        return;
      case 'market.reference-price-set':
        this.markets.set({ ...this.market(event.marketId), referencePriceTicks: event.priceTicks,
          updatedSequence: origin.sequence });
        return;
      case 'user.updated':
        // Every shard applies a fee tier change; the rows come from shard 0's journal alone.
        if (this.shard.shardIndex !== 0) return;
        this.userFeeTiers.set(event.ownerId, { ownerId: event.ownerId, feeTier: event.feeTier,
          updatedSequence: origin.sequence });
        return;
      case 'order.accepted':
        this.acceptOrder(event, origin);
        return;
      case 'order.amended':
        this.amendedInCommand.add(event.orderId);
        applyOrderEvent(this.orderChange(event.orderId, origin), event, origin);
        return;
      case 'order.reduced':
        if (this.amendedInCommand.has(event.orderId)) {
          applyAmendCut(this.orderChange(event.orderId, origin), event, origin);
        } else {
          applyOrderEvent(this.orderChange(event.orderId, origin), event, origin);
        }
        return;
      case 'order.rested':
      case 'order.done':
        applyOrderEvent(this.orderChange(event.orderId, origin), event, origin);
        return;
      case 'trade.executed':
        this.trade(event, origin);
        return;
      case 'ledger.posted': {
        const { posting, entries } = postingRows(event, transferReason, origin);
        this.postings.push(posting);
        this.entries.push(...entries);
        return;
      }
      case 'balance.changed':
        this.balanceRows.set(`${event.ownerId}:${event.assetId}`, {
          shard: this.shard.shardIndex, ownerId: event.ownerId, assetId: event.assetId, balanceUnits: event.balanceUnits,
          heldUnits: event.heldUnits, updatedSequence: origin.sequence,
        });
        return;
      case 'shard.configured':
      case 'ledger.shard-settled':
        // No rows: the shard identity is configuration, and a settlement moves no money.
        return;
      default:
        unreachable(event, 'unknown exchange event');
    }
  }

  private acceptOrder(event: Extract<ExchangeEvent, { type: 'order.accepted' }>, origin: EventOrigin): void {
    const orderId = event.order.orderId;
    assert(!this.acceptedOrders.has(orderId) && !this.orderChanges.has(orderId), `order ${orderId} accepted twice`);
    this.acceptedOrders.set(orderId, acceptedOrderRow(event, this.market(event.order.marketId), origin));
  }

  private trade(event: Extract<ExchangeEvent, { type: 'trade.executed' }>, origin: EventOrigin): void {
    this.trades.push(tradeRow(event, this.market(event.marketId), origin));
    applyFill(this.orderChange(event.makerOrderId, origin), event.quantityLots, event.quoteUnits,
      event.makerFeeUnits, origin);
    applyFill(this.orderChange(event.takerOrderId, origin), event.quantityLots, event.quoteUnits,
      event.takerFeeUnits, origin);
  }

  private orderChange(orderId: number, origin: EventOrigin): OrderChange {
    let change = this.orderChanges.get(orderId);
    if (change === undefined) {
      change = emptyOrderChange(orderId, origin);
      this.orderChanges.set(orderId, change);
    }
    return change;
  }

  private market(marketId: number): MarketRow {
    const row = this.markets.get(marketId);
    assert(row !== undefined, `event for unknown market ${marketId}`);
    return row;
  }

  /** Orders to insert: accepted in this batch, with everything later in the batch applied. */
  insertedOrders(): OrderRow[] {
    return [...this.acceptedOrders.values()].map((row) => {
      const change = this.orderChanges.get(row.orderId);
      return change === undefined ? row : applyChangeToRow(row, change);
    });
  }

  /** Changes to orders stored by an earlier batch. */
  updatedOrders(): OrderChange[] {
    return [...this.orderChanges.values()].filter((change) => !this.acceptedOrders.has(change.orderId));
  }

  balances(): BalanceRow[] {
    return [...this.balanceRows.values()];
  }

  changedMarkets(): MarketRow[] {
    return this.markets.changed();
  }
}
