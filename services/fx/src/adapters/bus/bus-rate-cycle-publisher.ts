// The RateCyclePublisher over the EventBus port (NATS JetStream in production, MemoryEventBus
// embedded). Kafka stays out: an EventBus adapter over kafkajs would plug in here unchanged, because
// this file depends only on the port and the codec.

import type { EventBus } from '@parite/platform';
import type { RateCycle } from '../../domain/rate-cycle.ts';
import type { FxCyclePublisher } from '../../app/fx-service.ts';
import type { FxAlert } from '../../app/rate-history-port.ts';
import { encodeCycle } from './cycle-codec.ts';
import { fxAlertSubject, fxCycleSubject } from './fx-subjects.ts';

const encoder = new TextEncoder();

export class BusRateCyclePublisher implements FxCyclePublisher {
  constructor(private readonly bus: EventBus) {}

  async publish(cycle: RateCycle): Promise<void> {
    await this.bus.publish(fxCycleSubject, encodeCycle(cycle));
  }

  /** Alerts as events, one message each; ids are stable so a retried publish is deduplicated. */
  async publishAlerts(alerts: readonly FxAlert[], idPrefix: string): Promise<void> {
    if (alerts.length === 0) return;
    await this.bus.publish(fxAlertSubject, alerts.map((alert, index) => ({
      id: `${idPrefix}#alert${index}`, data: encoder.encode(JSON.stringify(alert)) })));
  }
}
