// Delivery of committed batches to listeners, shared by the engine and its replicas: in journal
// order, synchronously, and a throwing listener never stops the others or the engine.

import type { CommittedCommand, CommittedListener } from './engine-api.ts';

export class CommittedFanOut {
  private readonly listeners = new Set<CommittedListener>();

  constructor(private readonly onListenerError?: (error: unknown) => void) {}

  subscribe(listener: CommittedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  deliver(batch: readonly CommittedCommand[]): void {
    if (batch.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(batch);
      } catch (error) {
        // A listener bug must not stop the engine; the listener's own owner logs and repairs it.
        this.onListenerError?.(error);
      }
    }
  }
}
