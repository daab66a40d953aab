// Counters of the rate engine: ticks accepted and rejected by reason per source, cycles, alerts and
// port failures. Counters for sources outside the settings go to one shared bucket, so a stray or
// hostile sourceId cannot grow the map.

import type { TickOutcome, TickRejectReason } from '../domain/tick-filter.ts';
import { tickRejectReasons } from '../domain/tick-filter.ts';
import { sourcesMax } from '../domain/limits.ts';

export const unknownSourceBucket = '(unknown)';

export interface SourceTickCounters {
  accepted: number;
  rejected: Record<TickRejectReason, number>;
}

export interface RateEngineMetrics {
  readonly sources: Readonly<Record<string, SourceTickCounters>>;
  readonly cyclesComposed: number;
  readonly cyclesPublished: number;
  readonly cacheWriteFailures: number;
  readonly publishFailures: number;
  readonly alertsRaised: number;
}

export class EngineCounters {
  private readonly bySource = new Map<string, SourceTickCounters>();
  cyclesComposed = 0;
  cyclesPublished = 0;
  cacheWriteFailures = 0;
  publishFailures = 0;
  alertsRaised = 0;

  /** `known` is false for a sourceId absent from the settings. */
  countTick(sourceId: string, known: boolean, outcome: TickOutcome): void {
    const key = known && this.bySource.size < sourcesMax * 2 ? sourceId : unknownSourceBucket;
    let counters = this.bySource.get(key);
    if (counters === undefined) this.bySource.set(key, (counters = emptyCounters()));
    if (outcome === 'ACCEPTED') counters.accepted++;
    else counters.rejected[outcome]++;
  }

  snapshot(): RateEngineMetrics {
    const sources: Record<string, SourceTickCounters> = {};
    for (const [sourceId, counters] of [...this.bySource].sort(([left], [right]) => (left < right ? -1 : 1))) {
      sources[sourceId] = { accepted: counters.accepted, rejected: { ...counters.rejected } };
    }
    return { sources, cyclesComposed: this.cyclesComposed, cyclesPublished: this.cyclesPublished,
      cacheWriteFailures: this.cacheWriteFailures, publishFailures: this.publishFailures, alertsRaised: this.alertsRaised };
  }
}

function emptyCounters(): SourceTickCounters {
  const rejected = {} as Record<TickRejectReason, number>;
  for (const reason of tickRejectReasons) rejected[reason] = 0;
  return { accepted: 0, rejected };
}
