// Measurement passes of the engine benchmark: a throughput pass with no per-operation timers
// (GC pauses observed meanwhile), and a separate closed-loop latency pass with hrtime around each
// operation. Every pass starts from a fresh engine and an untimed prefill.
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Workload } from './engine-workload.ts';

export interface EngineAdapter {
  readonly name: string;
  /** Applies operations [from, to) of the workload. */
  runRange(from: number, to: number): void;
  /** The same, writing each operation's service time in ns to latenciesNs[index - from]. */
  runRangeTimed(from: number, to: number, latenciesNs: Float64Array): void;
  /** Aggregated book, [bids best first, asks best first] as [priceTicks, lots] pairs. */
  depthLevels(): Array<[number, number]>[];
  /** Output the engine produced (events, or done orders for the peer): proof the work was done. */
  eventCount(): number;
}

export type AdapterFactory = (workload: Workload) => EngineAdapter;

export interface ThroughputResult {
  operations: number;
  elapsedMs: number;
  opsPerSecond: number;
  gcCount: number;
  gcMaxPauseMs: number;
  gcTotalMs: number;
  events: number;
  depth: Array<[number, number]>[];
}

export interface LatencyResult {
  p50Us: number;
  p99Us: number;
  p999Us: number;
  maxUs: number;
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) gc();
}

export async function throughputPass(
  factory: AdapterFactory, workload: Workload, operations: number,
): Promise<ThroughputResult> {
  const prefill = workload.options.prefillOrders;
  const adapter = factory(workload);
  adapter.runRange(0, prefill);
  collectGarbage();
  const pauses: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) pauses.push(entry.startTime, entry.duration);
  });
  observer.observe({ entryTypes: ['gc'] });
  const startedMs = performance.now();
  adapter.runRange(prefill, prefill + operations);
  const endedMs = performance.now();
  // GC entries are delivered asynchronously: give the observer a moment before reading them.
  await sleep(20);
  for (const entry of observer.takeRecords()) pauses.push(entry.startTime, entry.duration);
  observer.disconnect();
  let gcCount = 0;
  let gcMaxPauseMs = 0;
  let gcTotalMs = 0;
  for (let index = 0; index < pauses.length; index += 2) {
    const startTime = pauses[index]!;
    const duration = pauses[index + 1]!;
    if (startTime < startedMs || startTime > endedMs) continue;
    gcCount += 1;
    gcTotalMs += duration;
    gcMaxPauseMs = Math.max(gcMaxPauseMs, duration);
  }
  const elapsedMs = endedMs - startedMs;
  return {
    operations, elapsedMs, opsPerSecond: (operations / elapsedMs) * 1000,
    gcCount, gcMaxPauseMs, gcTotalMs, events: adapter.eventCount(), depth: adapter.depthLevels(),
  };
}

export function latencyPass(factory: AdapterFactory, workload: Workload, operations: number): LatencyResult {
  const prefill = workload.options.prefillOrders;
  const adapter = factory(workload);
  adapter.runRange(0, prefill);
  const latenciesNs = new Float64Array(operations);
  collectGarbage();
  adapter.runRangeTimed(prefill, prefill + operations, latenciesNs);
  latenciesNs.sort();
  return {
    p50Us: percentileUs(latenciesNs, 0.5),
    p99Us: percentileUs(latenciesNs, 0.99),
    p999Us: percentileUs(latenciesNs, 0.999),
    maxUs: latenciesNs[latenciesNs.length - 1]! / 1000,
  };
}

function percentileUs(sortedNs: Float64Array, fraction: number): number {
  const index = Math.min(sortedNs.length - 1, Math.floor(fraction * sortedNs.length));
  return sortedNs[index]! / 1000;
}

/**
 * Runs a throwaway engine over the prefill and the first operations, untimed, so the JIT has
 * compiled the hot paths before the measured passes (the same for every engine).
 */
export function warmUp(factory: AdapterFactory, workload: Workload, operations: number): void {
  factory(workload).runRange(0, workload.options.prefillOrders + operations);
}

/** Applies a prefix of the workload untimed and returns the resulting depth. */
export function depthAfter(
  factory: AdapterFactory, workload: Workload, operations: number,
): Array<[number, number]>[] {
  const adapter = factory(workload);
  adapter.runRange(0, workload.options.prefillOrders + operations);
  return adapter.depthLevels();
}
