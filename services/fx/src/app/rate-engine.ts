// The rate engine use case: providers push ticks into `ingest` (a TickSink), a scheduler calls
// `runCycle(nowMs)` every cycle. The pure core filters and composes; this layer numbers the cycles,
// counts, and hands the cycle to the cache and then to the publisher.

import { assert } from '@parite/kernel';
import type { PairSymbol, ProviderTick } from '../domain/rate.ts';
import type { FxEngineSettings } from '../domain/engine-settings.ts';
import { FxRateCore } from '../domain/rate-core.ts';
import type { RateCycle } from '../domain/rate-cycle.ts';
import type { TickOutcome } from '../domain/tick-filter.ts';
import type { OverrideProblem, RateOverride } from '../domain/rate-override.ts';
import type { RateCachePort, RateCyclePublisher } from './rate-cycle-ports.ts';
import type { RateEngineMetrics } from './engine-metrics.ts';
import { EngineCounters } from './engine-metrics.ts';

export interface RateEngineOptions {
  readonly settings: FxEngineSettings;
  readonly cache: RateCachePort;
  readonly publisher: RateCyclePublisher;
  /** Distinguishes this engine's cycle ids from another instance's (e.g. the node name). */
  readonly engineId: string;
}

export class RateEngine {
  private readonly core: FxRateCore;
  private readonly counters = new EngineCounters();
  private sequence = 0;
  private cycleInFlight = false;

  constructor(private readonly options: RateEngineOptions) {
    this.core = new FxRateCore(options.settings);
  }

  /** A TickSink: pass `engine.ingest` straight to `provider.start`. */
  readonly ingest = (tick: ProviderTick): TickOutcome => {
    const outcome = this.core.ingest(tick);
    this.counters.countTick(tick.sourceId, outcome !== 'TICK_UNKNOWN_SOURCE' && outcome !== 'TICK_MALFORMED', outcome);
    return outcome;
  };

  /** Composes a cycle without writing or publishing it (previews, benchmarks, tests). */
  composeCycle(nowMs: number): RateCycle {
    this.sequence++;
    const cycle = this.core.composeCycle(nowMs, this.sequence, `${this.options.engineId}:${this.sequence}`);
    this.counters.cyclesComposed++;
    this.counters.alertsRaised += cycle.alerts.length;
    return cycle;
  }

  /**
   * Composes, writes the cache, then publishes. A failed cache write is counted and thrown, and the
   * cycle is not published: subscribers must never hear of rates they cannot read.
   */
  async runCycle(nowMs: number): Promise<RateCycle> {
    assert(!this.cycleInFlight, 'runCycle must not overlap: the scheduler awaits each cycle');
    this.cycleInFlight = true;
    try {
      const cycle = this.composeCycle(nowMs);
      try {
        await this.options.cache.writeCycle(cycle);
      } catch (error) {
        this.counters.cacheWriteFailures++;
        throw error;
      }
      try {
        await this.options.publisher.publish(cycle);
      } catch (error) {
        this.counters.publishFailures++;
        throw error;
      }
      this.counters.cyclesPublished++;
      return cycle;
    } finally {
      this.cycleInFlight = false;
    }
  }

  /** Replaces the settings when valid (histories are kept); returns the problems otherwise. */
  replaceSettings(settings: FxEngineSettings): string[] {
    return this.core.replaceSettings(settings);
  }

  get settings(): FxEngineSettings {
    return this.core.settings;
  }

  setOverride(override: RateOverride, nowMs: number): OverrideProblem | undefined {
    return this.core.setOverride(override, nowMs);
  }

  clearOverride(pair: PairSymbol): boolean {
    return this.core.clearOverride(pair);
  }

  overrides(): RateOverride[] {
    return this.core.overrides();
  }

  metrics(): RateEngineMetrics {
    return this.counters.snapshot();
  }
}
