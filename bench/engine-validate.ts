// Correctness of the engine benchmark: the fast book's final state on the workload must equal the
// naive reference book's (order by order, through the shared state hash, and level by level).
// The naive book scans linearly (~20k ops/s on a 10k-order book), so it checks a prefix.
import { bookStateHash, type OrderBook } from '@parite/matching';
import { PariteAdapter } from './engine-parite.ts';
import type { Workload } from './engine-workload.ts';

export interface ValidationResult {
  operations: number;
  valid: boolean;
  fastStateHash: string;
  naiveStateHash: string;
  elapsedMs: number;
}

export function validateAgainstNaive(workload: Workload, operations: number): ValidationResult {
  const started = performance.now();
  const end = workload.options.prefillOrders + operations;
  const fast = new PariteAdapter(workload, 'fast');
  const naive = new PariteAdapter(workload, 'naive');
  fast.runRange(0, end);
  naive.runRange(0, end);
  const fastStateHash = bookStateHash(fast.book as OrderBook);
  const naiveStateHash = bookStateHash(naive.book as OrderBook);
  const sameDepth = depthEquals(fast.depthLevels(), naive.depthLevels());
  return {
    operations,
    valid: fastStateHash === naiveStateHash && sameDepth && fast.eventCount() === naive.eventCount(),
    fastStateHash, naiveStateHash,
    elapsedMs: performance.now() - started,
  };
}

export function depthEquals(left: Array<[number, number]>[], right: Array<[number, number]>[]): boolean {
  return JSON.stringify(left) === JSON.stringify(right);
}
