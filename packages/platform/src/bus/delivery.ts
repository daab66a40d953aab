// Handler invocation with bounded retries, shared by both bus adapters so they fail alike.
import { setTimeout as sleep } from 'node:timers/promises';
import type { BusHandler, BusMessage, RetryPolicy } from './event-bus.ts';

export type DeliveryResult =
  | { readonly outcome: 'handled' }
  | { readonly outcome: 'stopped' }
  | { readonly outcome: 'failed'; readonly error: unknown };

/**
 * Calls `handler` until it resolves, at most `policy.handlerAttemptsMax` times, waiting
 * attempt * retryDelayMs between tries. `signal` aborts the waiting (unsubscribe, close);
 * `onRetry` lets the NATS adapter tell the server the message is still being worked on.
 */
export async function deliver(
  handler: BusHandler,
  message: BusMessage,
  policy: RetryPolicy,
  signal: AbortSignal,
  onRetry: () => void = () => {},
): Promise<DeliveryResult> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= policy.handlerAttemptsMax; attempt++) {
    if (signal.aborted) return { outcome: 'stopped' };
    try {
      await handler(message);
      return { outcome: 'handled' };
    } catch (error) {
      lastError = error;
    }
    if (attempt === policy.handlerAttemptsMax) break;
    onRetry();
    try {
      await sleep(attempt * policy.retryDelayMs, undefined, { signal });
    } catch {
      return { outcome: 'stopped' };
    }
  }
  return { outcome: 'failed', error: lastError };
}
