import type { SecurityEvent, SecurityEventSink } from '../app/ports.ts';

/** Keeps security events in memory: for tests and demos. Production wires the event bus or a notifier. */
export class MemorySecurityEventSink implements SecurityEventSink {
  readonly events: SecurityEvent[] = [];

  async publish(event: SecurityEvent): Promise<void> {
    this.events.push(structuredClone(event));
  }
}
