// The counters behind RateProvider.status(), shared by every adapter so they all count alike.
import type { ProviderState, ProviderStatus } from '../app/provider-port.ts';

/** Error texts kept in status are truncated: they may quote venue text and must stay small. */
export const statusErrorLengthMax = 300;

export class ProviderStatusTracker {
  state: ProviderState = 'stopped';
  ticksReceived = 0;
  ticksDroppedAsDuplicate = 0;
  lastTickAtMs: number | undefined = undefined;
  lastError: string | undefined = undefined;

  constructor(readonly sourceId: string) {}

  recordTick(receiveTimeMs: number): void {
    this.ticksReceived += 1;
    this.lastTickAtMs = receiveTimeMs;
  }

  recordError(error: unknown): void {
    const text = error instanceof Error ? error.message : String(error);
    this.lastError = text.length > statusErrorLengthMax ? `${text.slice(0, statusErrorLengthMax)}...` : text;
  }

  snapshot(): ProviderStatus {
    return {
      sourceId: this.sourceId,
      state: this.state,
      ticksReceived: this.ticksReceived,
      ticksDroppedAsDuplicate: this.ticksDroppedAsDuplicate,
      lastTickAtMs: this.lastTickAtMs,
      lastError: this.lastError,
    };
  }
}
