// The aggregated book of one market as the committed events describe it. Market data publishes
// depth from this, never from the engine's live book: the engine applies commands before they are
// durable and holds their events back until they are, so its live book can show orders that a
// crash would still lose. Folding the delivered events publishes only what is durable.
//
// Events in the order the core emits them: order.accepted (the side of a new order), then for each
// fill trade.executed (the maker shrinks), order.rested (the taker joins its level), order.done
// (an order leaves with what remained), order.reduced (a cut without a trade), and order.amended
// first for an amendment: a price change or a larger quantity takes the order out of its level
// before it re-enters like a new taker; a pure cut keeps it and the following order.reduced shrinks it.

import { assert } from '@parite/kernel';
import type { ExchangeEvent } from '@parite/exchange/domain';
import { Side } from '@parite/matching';
import type { LevelQuantity } from './depth.ts';

interface RestingEntry {
  side: Side;
  priceTicks: number;
  remainingLots: number;
}

/** Resting orders of one owner-agnostic market view, bounded by the engine's own order limits. */
export interface RestingOrderSource {
  forEachOrder(side: Side, visit: (order: { orderId: number; side: Side; priceTicks: number;
    remainingLots: number }) => void): void;
}

export class EventBook {
  private readonly resting = new Map<number, RestingEntry>();
  /** Accepted or re-entering orders not yet rested or done: their side, for order.rested. */
  private readonly entering = new Map<number, Side>();
  private readonly bids = new Map<number, number>();
  private readonly asks = new Map<number, number>();

  /** Starts from a book that is entirely durable (at start-up, after recovery). */
  static from(source: RestingOrderSource): EventBook {
    const book = new EventBook();
    for (const side of [Side.Buy, Side.Sell]) {
      source.forEachOrder(side, (order) => book.add(order.orderId, side, order.priceTicks, order.remainingLots));
    }
    return book;
  }

  apply(event: ExchangeEvent): void {
    switch (event.type) {
      case 'order.accepted': this.entering.set(event.order.orderId, event.order.side); break;
      case 'order.rested': {
        const side = this.entering.get(event.orderId);
        assert(side !== undefined, 'an order rests only after it was accepted or re-entered');
        this.entering.delete(event.orderId);
        this.add(event.orderId, side, event.priceTicks, event.remainingLots);
        break;
      }
      case 'trade.executed': this.shrink(event.makerOrderId, event.quantityLots); break;
      case 'order.reduced': this.shrink(event.orderId, event.reducedByLots); break;
      case 'order.done':
        this.entering.delete(event.orderId);
        this.remove(event.orderId);
        break;
      case 'order.amended':
        if (!event.priorityKept) this.reenter(event.orderId);
        break;
      default: break;
    }
  }

  /** Aggregated levels, best first, at most `levelsMax` per side. */
  depth(levelsMax: number): { bids: LevelQuantity[]; asks: LevelQuantity[] } {
    return { bids: topLevels(this.bids, levelsMax, true), asks: topLevels(this.asks, levelsMax, false) };
  }

  private levels(side: Side): Map<number, number> {
    return side === Side.Buy ? this.bids : this.asks;
  }

  private add(orderId: number, side: Side, priceTicks: number, remainingLots: number): void {
    assert(!this.resting.has(orderId), 'an order rests once');
    this.resting.set(orderId, { side, priceTicks, remainingLots });
    const levels = this.levels(side);
    levels.set(priceTicks, (levels.get(priceTicks) ?? 0) + remainingLots);
  }

  private shrink(orderId: number, lots: number): void {
    const entry = this.resting.get(orderId);
    if (entry === undefined) return; // a taker's own fills: it is not resting
    assert(lots <= entry.remainingLots, 'a resting order shrinks by at most what remains');
    entry.remainingLots -= lots;
    this.changeLevel(entry, -lots);
  }

  private remove(orderId: number): void {
    const entry = this.resting.get(orderId);
    if (entry === undefined) return;
    this.resting.delete(orderId);
    this.changeLevel(entry, -entry.remainingLots);
  }

  private reenter(orderId: number): void {
    const entry = this.resting.get(orderId);
    assert(entry !== undefined, 'only a resting order is amended');
    this.remove(orderId);
    this.entering.set(orderId, entry.side);
  }

  private changeLevel(entry: RestingEntry, deltaLots: number): void {
    const levels = this.levels(entry.side);
    const quantity = (levels.get(entry.priceTicks) ?? 0) + deltaLots;
    assert(quantity >= 0, 'a level never goes negative');
    if (quantity === 0) levels.delete(entry.priceTicks);
    else levels.set(entry.priceTicks, quantity);
  }
}

function topLevels(levels: ReadonlyMap<number, number>, levelsMax: number, descending: boolean): LevelQuantity[] {
  const prices = [...levels.keys()].sort((left, right) => (descending ? right - left : left - right));
  return prices.slice(0, levelsMax).map((priceTicks) => ({ priceTicks, quantityLots: levels.get(priceTicks) ?? 0 }));
}
