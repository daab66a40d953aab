// The active price levels of one side, kept as a sorted array with the best price at the END.
//
// Why a sorted array (and not a tick-offset array + bitmap, or a tree):
// - Nearly all traffic is at or near the touch. With the best level last, taking out the best
//   level is a pop, and inserting or removing a level near the touch moves only the few entries
//   between it and the end (copyWithin over a contiguous Float64Array: a memmove).
// - Finding the level of a price (every resting order does it) is one probe of an IntegerMap
//   price -> level; the binary search (~9 steps for ~300 levels) is only needed to place or take
//   out a level, and taking out the best level needs none.
// - It needs no configured price range. A tick-offset window is faster at the touch but needs a
//   band, re-centring when the market moves and a second structure for far prices; prices here are
//   arbitrary safe integers per market, so the simpler structure wins until a profile says otherwise.
// - Zero allocation: both arrays are preallocated and only grow (doubling) with the order store.
//
// Entries are sorted by "rank": priceTicks for bids and -priceTicks for asks, ascending, so the
// best price of either side has the highest rank and one code path serves both sides.
import { assert } from '@parite/kernel';
import { growFloat64, growInt32, nextCapacity } from './growth.ts';
import { IntegerMap } from './integer-map.ts';
import { handleNone } from './order-store.ts';
import { Side } from '../types.ts';

/** handleNone as a literal for the hot paths (fast/order-store.ts says why). */
const enum Handle { None = -1 }
assert(Handle.None === handleNone, 'price ladder: Handle.None differs from handleNone');

export class PriceLadder {
  /** +1 for bids, -1 for asks: rank = priceTicks * direction. */
  readonly direction: number;
  readonly capacityMax: number;
  length = 0;
  private ranks: Float64Array;
  private levels: Int32Array;
  private readonly levelByPriceTicks: IntegerMap;

  constructor(side: Side, capacityInitial: number, capacityMax: number) {
    this.direction = side === Side.Buy ? 1 : -1;
    this.capacityMax = capacityMax;
    this.ranks = new Float64Array(capacityInitial);
    this.levels = new Int32Array(capacityInitial);
    this.levelByPriceTicks = new IntegerMap(capacityInitial);
  }

  /** The level with the best price, or handleNone. */
  bestLevel(): number {
    return this.length === 0 ? Handle.None : this.levels[this.length - 1]!;
  }

  /** The level `distance` steps behind the best (0 = best), or handleNone past the end. */
  levelFromBest(distance: number): number {
    const index = this.length - 1 - distance;
    return index < 0 ? Handle.None : this.levels[index]!;
  }

  /** The level at exactly priceTicks, or handleNone. */
  find(priceTicks: number): number {
    return this.levelByPriceTicks.get(priceTicks);
  }

  insert(priceTicks: number, level: number): void {
    const rank = priceTicks * this.direction;
    if (this.length === this.ranks.length) this.grow();
    const index = this.lowerBound(rank);
    assert(index === this.length || this.ranks[index] !== rank, 'price ladder: level exists');
    if (index < this.length) {
      this.ranks.copyWithin(index + 1, index, this.length);
      this.levels.copyWithin(index + 1, index, this.length);
    }
    this.ranks[index] = rank;
    this.levels[index] = level;
    this.length += 1;
    this.levelByPriceTicks.insert(priceTicks, level);
  }

  remove(priceTicks: number): void {
    const rank = priceTicks * this.direction;
    const last = this.length - 1;
    // The best level is the one most often emptied (by fills), and it needs no search.
    const index = last >= 0 && this.ranks[last] === rank ? last : this.lowerBound(rank);
    assert(index < this.length && this.ranks[index] === rank, 'price ladder: no such level');
    if (index < last) {
      this.ranks.copyWithin(index, index + 1, this.length);
      this.levels.copyWithin(index, index + 1, this.length);
    }
    this.length = last;
    this.levelByPriceTicks.remove(priceTicks);
  }

  /** Checks the ladder is strictly sorted; used by FastOrderBook.validateInternalState. */
  assertSorted(): void {
    for (let index = 1; index < this.length; index++) {
      assert(this.ranks[index - 1]! < this.ranks[index]!, 'price ladder: not strictly sorted');
    }
    assert(this.levelByPriceTicks.size === this.length, 'price ladder: map size differs');
    for (let index = 0; index < this.length; index++) {
      const priceTicks = this.ranks[index]! * this.direction;
      assert(this.levelByPriceTicks.get(priceTicks) === this.levels[index], 'price ladder: map disagrees');
    }
  }

  /** First index whose rank is >= rank (length when none). */
  private lowerBound(rank: number): number {
    let low = 0;
    let high = this.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.ranks[middle]! < rank) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private grow(): void {
    const capacity = nextCapacity(this.ranks.length, this.capacityMax);
    assert(capacity > this.ranks.length, 'price ladder: cannot grow');
    this.ranks = growFloat64(this.ranks, capacity);
    this.levels = growInt32(this.levels, capacity);
    this.levelByPriceTicks.resize(capacity);
  }
}
