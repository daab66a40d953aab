// A fixed-capacity ring: once full, each push overwrites the oldest item. Histories (trades,
// candles) live in rings so their memory never grows with load.
import { assert } from '@parite/kernel';

export class BoundedRing<Item> {
  private readonly items: (Item | undefined)[];
  /** Index of the oldest item. */
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    assert(Number.isSafeInteger(capacity) && capacity > 0, 'ring capacity must be a positive integer');
    this.items = new Array<Item | undefined>(capacity).fill(undefined);
  }

  get length(): number {
    return this.count;
  }

  push(item: Item): void {
    if (this.count < this.capacity) {
      this.items[(this.start + this.count) % this.capacity] = item;
      this.count++;
      return;
    }
    this.items[this.start] = item;
    this.start = (this.start + 1) % this.capacity;
  }

  /** 0 is the oldest item, length - 1 the newest. */
  at(index: number): Item {
    assert(Number.isSafeInteger(index) && index >= 0 && index < this.count, 'ring index out of range');
    const item = this.items[(this.start + index) % this.capacity];
    assert(item !== undefined, 'ring slot within length must be filled');
    return item;
  }

  newest(): Item | undefined {
    return this.count === 0 ? undefined : this.at(this.count - 1);
  }

  /** The newest `limit` items, oldest first. */
  newestItems(limit: number): Item[] {
    const taken = Math.min(Math.max(limit, 0), this.count);
    const result: Item[] = [];
    for (let index = this.count - taken; index < this.count; index++) result.push(this.at(index));
    return result;
  }
}
