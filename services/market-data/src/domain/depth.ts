// Published depth of one market: the aggregated top levels last sent to clients and the per-market
// depth sequence. update() diffs the book's current top levels against the published ones and,
// when something changed, bumps the sequence by one and returns the changes (quantity 0 = delete).
// Applying every change in order to a snapshot therefore reproduces the next snapshot exactly,
// including levels that enter or leave the top-N window.
import { assert } from '@parite/kernel';

export interface LevelQuantity {
  readonly priceTicks: number;
  readonly quantityLots: number;
}

export type BookSide = 'bids' | 'asks';

export interface DepthChange {
  sequence: number;
  bids: LevelQuantity[];
  asks: LevelQuantity[];
}

export interface DepthState {
  sequence: number;
  bids: readonly LevelQuantity[];
  asks: readonly LevelQuantity[];
}

/** True when price `a` comes before price `b` in the side's book order (best first). */
function before(side: BookSide, a: number, b: number): boolean {
  return side === 'bids' ? a > b : a < b;
}

export function assertBookOrder(side: BookSide, levels: readonly LevelQuantity[]): void {
  for (let index = 0; index < levels.length; index++) {
    const level = levels[index] as LevelQuantity;
    assert(Number.isSafeInteger(level.priceTicks) && level.priceTicks > 0, 'depth price must be positive ticks');
    assert(Number.isSafeInteger(level.quantityLots) && level.quantityLots > 0, 'depth level must hold lots');
    const previous = levels[index - 1];
    if (previous === undefined) continue;
    assert(before(side, previous.priceTicks, level.priceTicks), 'depth must be in book order');
  }
}

/**
 * The changes that turn `previous` into `next`, in book order. Both are in book order; a merge
 * walk keeps it linear in the number of levels.
 */
export function diffLevels(side: BookSide, previous: readonly LevelQuantity[], next: readonly LevelQuantity[]):
  LevelQuantity[] {
  const changes: LevelQuantity[] = [];
  let previousIndex = 0;
  let nextIndex = 0;
  while (previousIndex < previous.length || nextIndex < next.length) {
    const old = previous[previousIndex];
    const now = next[nextIndex];
    if (old !== undefined && now !== undefined && old.priceTicks === now.priceTicks) {
      if (old.quantityLots !== now.quantityLots) {
        changes.push({ priceTicks: now.priceTicks, quantityLots: now.quantityLots });
      }
      previousIndex++;
      nextIndex++;
    } else if (old !== undefined && (now === undefined || before(side, old.priceTicks, now.priceTicks))) {
      changes.push({ priceTicks: old.priceTicks, quantityLots: 0 });
      previousIndex++;
    } else {
      assert(now !== undefined, 'merge walk: one side must remain');
      changes.push({ priceTicks: now.priceTicks, quantityLots: now.quantityLots });
      nextIndex++;
    }
  }
  return changes;
}

/** Applies changes (quantity 0 deletes) to levels; used by clients and by the tests as the model. */
export function applyLevelChanges(side: BookSide, levels: readonly LevelQuantity[], changes: readonly LevelQuantity[]):
  LevelQuantity[] {
  const byPrice = new Map<number, number>();
  for (const level of levels) byPrice.set(level.priceTicks, level.quantityLots);
  for (const change of changes) {
    if (change.quantityLots === 0) byPrice.delete(change.priceTicks);
    else byPrice.set(change.priceTicks, change.quantityLots);
  }
  const result = [...byPrice].map(([priceTicks, quantityLots]) => ({ priceTicks, quantityLots }));
  return result.sort((a, b) => (side === 'bids' ? b.priceTicks - a.priceTicks : a.priceTicks - b.priceTicks));
}

export class DepthTracker {
  private state: DepthState;

  /** Starts at sequence 0 with the given levels (the book as first seen). */
  constructor(readonly levelsMax: number, initial: { bids: readonly LevelQuantity[]; asks: readonly LevelQuantity[] }) {
    assert(Number.isSafeInteger(levelsMax) && levelsMax > 0, 'depth levelsMax must be a positive integer');
    this.state = {
      sequence: 0,
      bids: copyLevels('bids', initial.bids, levelsMax),
      asks: copyLevels('asks', initial.asks, levelsMax),
    };
  }

  get sequence(): number {
    return this.state.sequence;
  }

  /** The published state; levels are immutable copies, safe to hold while updates continue. */
  current(): DepthState {
    return this.state;
  }

  /** Publishes the book's current top levels; undefined when the published levels did not change. */
  update(book: { bids: readonly LevelQuantity[]; asks: readonly LevelQuantity[] }): DepthChange | undefined {
    const bids = copyLevels('bids', book.bids, this.levelsMax);
    const asks = copyLevels('asks', book.asks, this.levelsMax);
    const bidChanges = diffLevels('bids', this.state.bids, bids);
    const askChanges = diffLevels('asks', this.state.asks, asks);
    if (bidChanges.length === 0 && askChanges.length === 0) return undefined;
    const sequence = this.state.sequence + 1;
    this.state = { sequence, bids, asks };
    return { sequence, bids: bidChanges, asks: askChanges };
  }
}

function copyLevels(side: BookSide, levels: readonly LevelQuantity[], levelsMax: number): LevelQuantity[] {
  const copy = levels.slice(0, levelsMax)
    .map((level) => ({ priceTicks: level.priceTicks, quantityLots: level.quantityLots }));
  assertBookOrder(side, copy);
  return copy;
}
