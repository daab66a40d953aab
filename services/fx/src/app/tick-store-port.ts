// The raw tick store port: every tick a provider delivered, with the filter's decision, appended in
// batches; and the latest accepted quotes per source and pair (the latest and its previous four).

import type { ProviderTick } from '../domain/rate.ts';
import type { TickOutcome } from '../domain/tick-filter.ts';

export interface RecordedTick {
  readonly tick: ProviderTick;
  readonly decision: TickOutcome;
}

/** One slot of a source-pair's window: depth 0 is the latest accepted quote, 4 the oldest kept. */
export interface LatestQuoteRow {
  readonly sourceId: string;
  readonly pair: string;
  readonly depth: number;
  readonly tick: ProviderTick;
}

export interface RawTickStore {
  /** Appends the batch and replaces the latest-quote windows of the source-pairs it touched, atomically. */
  append(batch: readonly RecordedTick[], latest: readonly LatestQuoteRow[]): Promise<void>;
}
