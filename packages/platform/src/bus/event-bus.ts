// The event bus port. Two adapters implement it: MemoryEventBus (one process, embedded mode) and
// NatsEventBus (JetStream). Both give the same guarantees, pinned by one contract test suite:
//
// - Order: a durable subscription sees the messages matching its subject in publish order, and
//   a message is delivered only after the previous one was handled (one handler call at a time).
// - At least once: a message is acknowledged only after its handler resolves. A crash or an
//   unsubscribe before that means it is delivered again, so handlers dedupe on `message.id`.
// - Failure stops, never skips: a handler that keeps throwing is retried `handlerAttemptsMax`
//   times, then the subscription ends with reason 'handler_failed' and the message stays
//   unacknowledged. Skipping a message (a trade, a ledger event) would silently corrupt the
//   consumer's state; a stopped consumer is loud and resumes where it stopped.
// - Durable: a subscription is named; subscribing again under the same name resumes after the
//   last acknowledged message. A durable should have one subscriber at a time (a second one in
//   the same process is refused; across processes it would break ordering).
import { assert } from '@parite/kernel';
import { durableNameLengthMax, isDurableName, isPublishSubject, isSubscribeSubject } from './subject.ts';

export interface BusMessage {
  /** Unique per logical event; publishers reuse it on retry, consumers dedupe on it. */
  readonly id: string;
  readonly subject: string;
  readonly data: Uint8Array;
}

export interface BusMessageInput {
  readonly id: string;
  readonly data: Uint8Array;
  /** Optional; when present it must equal the subject passed to publish(). */
  readonly subject?: string;
}

export type BusHandler = (message: BusMessage) => Promise<void>;

export type SubscriptionEnd =
  | { readonly reason: 'unsubscribed' }
  | { readonly reason: 'bus_closed' }
  | { readonly reason: 'handler_failed'; readonly messageId: string; readonly error: unknown }
  | { readonly reason: 'transport_failed'; readonly error: unknown };

export interface Subscription {
  readonly subject: string;
  readonly durableName: string;
  /** Resolves (never rejects) when the subscription stops, and says why. */
  readonly ended: Promise<SubscriptionEnd>;
  /** Stops delivery; a message being handled is left unacknowledged and comes back next time. */
  unsubscribe(): Promise<void>;
}

export interface SubscribeOptions {
  /** Handler calls per message before the subscription gives up; default 5. */
  readonly handlerAttemptsMax?: number;
  /** Delay before retry n is n * retryDelayMs; default 100. */
  readonly retryDelayMs?: number;
}

export interface EventBus {
  /** Publishes in order; resolves once every message is stored by the bus. Same subject for all. */
  publish(subject: string, messages: readonly BusMessageInput[]): Promise<void>;
  /** `subject` may use wildcards: `market.*.trades`, `ledger.>`. */
  subscribe(
    subject: string,
    durableName: string,
    handler: BusHandler,
    options?: SubscribeOptions,
  ): Promise<Subscription>;
  /** Ends every subscription (reason 'bus_closed') and releases connections. */
  close(): Promise<void>;
}

export const publishBatchMax = 1000;
export const messageSizeBytesMax = 1024 * 1024;
export const messageIdLengthMax = 128;
export const defaultHandlerAttemptsMax = 5;
export const handlerAttemptsLimit = 100;
export const defaultRetryDelayMs = 100;

/** Thrown by publish() when the bus cannot take more without dropping undelivered messages. */
export class BusOverloadedError extends Error {
  override readonly name = 'BusOverloadedError';
}

export class BusClosedError extends Error {
  override readonly name = 'BusClosedError';
}

/** Input checks shared by the adapters; violations are programmer errors. */
export function assertPublishable(subject: string, messages: readonly BusMessageInput[]): void {
  assert(isPublishSubject(subject), `invalid publish subject: ${subject}`);
  assert(messages.length <= publishBatchMax, `publish batch of ${messages.length} exceeds ${publishBatchMax}`);
  for (const message of messages) {
    assert(message.id.length > 0 && message.id.length <= messageIdLengthMax, 'message id must be 1..128 characters');
    assert(message.subject === undefined || message.subject === subject, 'message subject differs from publish subject');
    assert(message.data.byteLength <= messageSizeBytesMax, `message ${message.id} exceeds ${messageSizeBytesMax} bytes`);
  }
}

export function assertSubscribable(subject: string, durableName: string): void {
  assert(isSubscribeSubject(subject), `invalid subscribe subject: ${subject}`);
  assert(isDurableName(durableName), `durable name must be 1..${durableNameLengthMax} of [A-Za-z0-9_-]: ${durableName}`);
}

export interface RetryPolicy {
  readonly handlerAttemptsMax: number;
  readonly retryDelayMs: number;
}

export function retryPolicy(options: SubscribeOptions | undefined): RetryPolicy {
  const handlerAttemptsMax = options?.handlerAttemptsMax ?? defaultHandlerAttemptsMax;
  const retryDelayMs = options?.retryDelayMs ?? defaultRetryDelayMs;
  assert(Number.isSafeInteger(handlerAttemptsMax), 'handlerAttemptsMax must be an integer');
  assert(handlerAttemptsMax >= 1 && handlerAttemptsMax <= handlerAttemptsLimit, 'handlerAttemptsMax out of range');
  assert(Number.isSafeInteger(retryDelayMs) && retryDelayMs >= 0, 'retryDelayMs must be a non-negative integer');
  return { handlerAttemptsMax, retryDelayMs };
}
