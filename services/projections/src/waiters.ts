// Promises waiting for the checkpoint to reach a sequence (whenCaughtUp). Few and short-lived:
// tests, the crash test, and callers that want to read their own writes.

/** Waiting callers at one time; more is a caller bug (a loop that never awaits). */
export const waitersMax = 10_000;

interface Waiter {
  sequence: bigint;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class Waiters {
  private waiting: Waiter[] = [];

  get size(): number {
    return this.waiting.length;
  }

  add(sequence: bigint): Promise<void> {
    if (this.waiting.length >= waitersMax) return Promise.reject(new Error('too many whenCaughtUp() waiters'));
    return new Promise((resolve, reject) => this.waiting.push({ sequence, resolve, reject }));
  }

  resolveUpTo(sequence: bigint): void {
    if (this.waiting.length === 0) return;
    const still: Waiter[] = [];
    for (const waiter of this.waiting) {
      if (waiter.sequence <= sequence) waiter.resolve();
      else still.push(waiter);
    }
    this.waiting = still;
  }

  rejectAll(error: unknown): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const waiter of waiting) waiter.reject(error);
  }
}
