// Bounds the inbound work done in one event-loop turn. One socket read can carry hundreds of frames
// (a client's burst, or whatever piled up while the loop was busy), and `ws` emits them all in one
// synchronous pass: every order in it is validated, run through the engine and journalled before the
// journal's flush can even start (it starts when the pass ends), and the replies of flushes that
// finished meanwhile wait behind it too. Past `budgetMs` the rest waits in a FIFO queue drained by
// setImmediate in slices of the same budget: the journal writes the first slice while the next is
// handled, and finished flushes answer between slices. Arrival order is kept: while anything is
// queued, new frames queue behind it. On this 2-core machine, six alternating pairs at 6,000 orders/s
// gave a median p99 of 29.6 against 43.0 ms (docs/benchmarks.md §2, session 9).

import { performance } from 'node:perf_hooks';
import { assert } from '@parite/kernel';

/** What a queued item costs besides its frame's bytes (so that empty frames are bounded too). */
export const queuedItemOverheadBytes = 64;
/** Handled items left at the queue's front before they are cut off (a shift per item is O(n²)). */
const compactAfterItems = 1_024;

export class InboundTurns<Item> {
  private readonly queue: Item[] = [];
  private readonly queueBytes: number[] = [];
  /** Index of the next queued item. */
  private head = 0;
  private queuedBytes = 0;
  private turnStartedMs: number | undefined = undefined;
  private drainScheduled = false;
  private readonly endTurn = (): void => {
    this.turnStartedMs = undefined;
  };
  private readonly drain = (): void => this.drainSlice();

  /**
   * `handle` must not throw (the hub's receive never does). `queuedBytesMax` bounds what waits:
   * frame bytes plus queuedItemOverheadBytes per item; offer() refuses beyond it. `budgetMs`: the
   * longest stretch of handling in one turn (the hub's inboundTurnBudgetMs, 1 ms by default).
   */
  constructor(private readonly handle: (item: Item) => void, readonly queuedBytesMax: number,
    private readonly budgetMs: number) {
    assert(Number.isSafeInteger(queuedBytesMax) && queuedBytesMax >= queuedItemOverheadBytes,
      'the inbound queue holds at least one empty item');
    assert(budgetMs >= 0, 'a turn budget is not negative');
  }

  get queuedCount(): number {
    return this.queue.length - this.head;
  }

  /** Handles the item now if the turn has budget left and nothing waits, else queues it; false: full. */
  offer(item: Item, frameBytes: number): boolean {
    if (this.queuedCount === 0 && this.withinTurn()) {
      this.handle(item);
      return true;
    }
    const costBytes = frameBytes + queuedItemOverheadBytes;
    if (this.queuedBytes + costBytes > this.queuedBytesMax) return false;
    this.queue.push(item);
    this.queueBytes.push(costBytes);
    this.queuedBytes += costBytes;
    if (!this.drainScheduled) {
      this.drainScheduled = true;
      setImmediate(this.drain);
    }
    return true;
  }

  /** Starts the turn's clock on its first item; a microtask (run when the turn's stack unwinds) ends it. */
  private withinTurn(): boolean {
    const nowMs = performance.now();
    if (this.turnStartedMs === undefined) {
      this.turnStartedMs = nowMs;
      queueMicrotask(this.endTurn);
      return true;
    }
    return nowMs - this.turnStartedMs < this.budgetMs;
  }

  /** Handles queued items for one budget (at least one item), then yields again if any are left. */
  private drainSlice(): void {
    this.drainScheduled = false;
    const startedMs = performance.now();
    while (this.head < this.queue.length) {
      const item = this.queue[this.head] as Item;
      this.queuedBytes -= this.queueBytes[this.head] as number;
      this.queue[this.head] = undefined as Item; // the frame is released for the collector at once
      this.head++;
      this.handle(item);
      if (performance.now() - startedMs >= this.budgetMs) break;
    }
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.queueBytes.length = 0;
      this.head = 0;
      assert(this.queuedBytes === 0, 'an empty queue holds no bytes');
      return;
    }
    if (this.head >= compactAfterItems) {
      this.queue.splice(0, this.head);
      this.queueBytes.splice(0, this.head);
      this.head = 0;
    }
    this.drainScheduled = true;
    setImmediate(this.drain);
  }
}
