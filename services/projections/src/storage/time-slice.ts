// The projector's long loops (folding a batch, building its statements) run on the engine's thread
// when the projector does: they give the event loop back whenever they have run for sliceBudgetMs,
// so an order's reply waits behind them for at most about that long, on any machine and batch size.

import { performance } from 'node:perf_hooks';
import { setImmediate as setImmediatePromise } from 'node:timers/promises';
import { assert } from '@parite/kernel';

/** The longest stretch a projector loop runs before it yields to the event loop. */
export const sliceBudgetMs = 1;
/** Items between two readings of the clock (reading it for every item would cost more than the item). */
export const itemsPerClockReading = 16;

export class TimeSlice {
  private startedMs = performance.now();
  private items = 0;

  /** `budgetMs` 0 yields at every clock reading (tests use it to force many slices). */
  constructor(private readonly budgetMs = sliceBudgetMs) {
    assert(budgetMs >= 0, 'a slice budget is not negative');
  }

  /** Counts one item; true when the slice has used its budget and the loop should `pause()`. */
  due(): boolean {
    this.items++;
    if (this.items % itemsPerClockReading !== 0) return false;
    return performance.now() - this.startedMs >= this.budgetMs;
  }

  /** Yields to the event loop (everything already queued runs first), then starts a new slice. */
  async pause(): Promise<void> {
    await setImmediatePromise();
    this.startedMs = performance.now();
  }
}
