// The built-in rate source for embedded demo mode (source 'SIMULATED'): a seeded walk ticking on an
// interval through the same RateProvider port as the real feeds. Same seed, same prices, so a demo or
// a test can be replayed.
import { assert, systemClock, type Clock } from '@parite/kernel';
import type { ProviderStatus, RateProvider, TickSink } from '../../app/provider-port.ts';
import { ProviderStatusTracker } from '../provider-status-tracker.ts';
import { SimulatedWalk, simulatedPairNames } from './simulated-walk.ts';

export const simulatedIntervalMsDefault = 250;
export const simulatedIntervalMsMin = 5;

export interface SimulatedProviderOptions {
  readonly sourceId?: string;
  readonly seed?: number;
  readonly intervalMs?: number;
  readonly pairs?: readonly string[];
  readonly clock?: Clock;
}

export class SimulatedRateProvider implements RateProvider {
  readonly sourceId: string;
  private readonly tracker: ProviderStatusTracker;
  private readonly walk: SimulatedWalk;
  private readonly clock: Clock;
  private readonly intervalMs: number;
  private readonly seed: number;
  private timer: NodeJS.Timeout | undefined = undefined;
  private sink: TickSink | undefined = undefined;

  constructor(options: SimulatedProviderOptions = {}) {
    this.sourceId = options.sourceId ?? 'SIMULATED';
    this.seed = options.seed ?? 1;
    this.intervalMs = options.intervalMs ?? simulatedIntervalMsDefault;
    assert(this.intervalMs >= simulatedIntervalMsMin, `intervalMs must be at least ${simulatedIntervalMsMin}`);
    this.clock = options.clock ?? systemClock;
    this.tracker = new ProviderStatusTracker(this.sourceId);
    this.walk = new SimulatedWalk(this.seed, options.pairs ?? simulatedPairNames);
  }

  start(sink: TickSink): Promise<void> {
    assert(this.timer === undefined, `${this.sourceId}: already started`);
    this.sink = sink;
    this.tracker.state = 'live';
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    return Promise.resolve();
  }

  stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.sink = undefined;
    this.tracker.state = 'stopped';
    return Promise.resolve();
  }

  status(): ProviderStatus {
    return this.tracker.snapshot();
  }

  /** One step of the walk, delivered now (what the interval timer calls). */
  tick(): void {
    if (this.sink === undefined) return;
    const nowMs = this.clock.nowMs();
    const quotes = this.walk.step();
    const step = this.walk.steps();
    for (const quote of quotes) {
      this.tracker.recordTick(nowMs);
      try {
        this.sink?.({
          sourceId: this.sourceId,
          pair: quote.pair,
          bidUnits: quote.bidUnits,
          askUnits: quote.askUnits,
          sourceTimeMs: nowMs,
          receiveTimeMs: nowMs,
          sourceReference: `SIMULATED;seed=${this.seed};step=${step};pair=${quote.pair}`,
        });
      } catch (error) {
        this.tracker.recordError(error);
      }
    }
  }
}
