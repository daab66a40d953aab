// The consumer of published cycles that writes the rate history (one bulk insert per message). At
// least once: the insert is idempotent on (cycle, pair, segment, tier), so a redelivery writes
// nothing twice. A subscription that stops on a failure (database down for longer than the bus's
// retries) is started again after `restartDelayMs`, resuming at the first unacknowledged message.

import type { EventBus, Logger, Subscription } from '@parite/platform';
import type { RateHistoryStore } from '../../app/rate-history-port.ts';
import { decodeCyclePart } from './cycle-codec.ts';
import { fxCycleSubject, fxHistoryDurableName } from './fx-subjects.ts';

export const historyConsumerRestartDelayMsDefault = 1_000;

export interface RateHistoryConsumerOptions {
  readonly bus: EventBus;
  readonly history: RateHistoryStore;
  readonly logger: Logger;
  readonly durableName?: string;
  readonly restartDelayMs?: number;
}

export class RateHistoryConsumer {
  private subscription: Subscription | undefined;
  private stopped = true;
  private restartTimer: NodeJS.Timeout | undefined;
  partsWritten = 0;
  restarts = 0;
  lastCycleId: string | undefined;

  constructor(private readonly options: RateHistoryConsumerOptions) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.subscribe();
  }

  private async subscribe(): Promise<void> {
    const subscription = await this.options.bus.subscribe(fxCycleSubject, this.options.durableName ?? fxHistoryDurableName,
      async (message) => {
        const { cycle } = decodeCyclePart(message.data);
        await this.options.history.insertCycle(cycle);
        this.partsWritten++;
        this.lastCycleId = cycle.cycleId;
      }, { handlerAttemptsMax: 5, retryDelayMs: 200 });
    this.subscription = subscription;
    void subscription.ended.then((end) => {
      if (this.stopped || this.subscription !== subscription) return;
      this.options.logger.error({ reason: end.reason }, 'fx rate history consumer stopped; restarting');
      this.restarts++;
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        if (!this.stopped) this.subscribe().catch((error: unknown) =>
          this.options.logger.error({ error: String(error) }, 'fx rate history consumer could not resubscribe'));
      }, this.options.restartDelayMs ?? historyConsumerRestartDelayMsDefault);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    await this.subscription?.unsubscribe();
    this.subscription = undefined;
  }
}
