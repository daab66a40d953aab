// In-process event bus for embedded mode and tests. It mirrors a JetStream stream: one ordered
// log of messages, and per durable name a position in it. Delivery is asynchronous (never inside
// the publish or subscribe call) and one message at a time per subscription.
//
// Bounded: the log holds at most `retainedMessagesMax` messages. Messages every durable has
// passed are dropped. When the log is full and some durable still needs its oldest message,
// publish() throws BusOverloadedError instead of dropping it (backpressure, never loss). With no
// durable registered at all, the oldest messages are dropped, as a JetStream limits stream would.
// A durable registered later starts at the oldest message still retained.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { assert } from '@parite/kernel';
import { deliver } from './delivery.ts';
import {
  assertPublishable,
  assertSubscribable,
  BusClosedError,
  BusOverloadedError,
  retryPolicy,
  type BusHandler,
  type BusMessageInput,
  type EventBus,
  type RetryPolicy,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionEnd,
} from './event-bus.ts';
import { MessageLog, type StoredMessage } from './message-log.ts';
import { subjectMatches } from './subject.ts';

export const memoryBusRetainedMessagesMaxDefault = 100_000;

export interface MemoryEventBusOptions {
  readonly retainedMessagesMax?: number;
}

interface Durable {
  readonly name: string;
  pattern: string;
  /** Next log sequence this durable has not yet handled or skipped. */
  position: number;
  active: MemorySubscription | undefined;
}

export class MemoryEventBus implements EventBus {
  private readonly log = new MessageLog();
  private readonly durables = new Map<string, Durable>();
  private readonly retainedMessagesMax: number;
  private closed = false;

  constructor(options: MemoryEventBusOptions = {}) {
    this.retainedMessagesMax = options.retainedMessagesMax ?? memoryBusRetainedMessagesMaxDefault;
    assert(Number.isSafeInteger(this.retainedMessagesMax), 'retainedMessagesMax must be an integer');
    assert(this.retainedMessagesMax >= 1, 'retainedMessagesMax must be positive');
  }

  async publish(subject: string, messages: readonly BusMessageInput[]): Promise<void> {
    if (this.closed) throw new BusClosedError('the bus is closed');
    assertPublishable(subject, messages);
    this.trim();
    const overflow = this.log.length + messages.length - this.retainedMessagesMax;
    if (overflow > 0) {
      if (this.durables.size > 0) {
        throw new BusOverloadedError(
          `in-process bus holds ${this.log.length} undelivered messages (max ${this.retainedMessagesMax})`,
        );
      }
      this.log.dropBefore(this.log.firstSequence + overflow);
    }
    // Copies, so a publisher reusing its buffer cannot change what subscribers receive.
    for (const message of messages) this.log.append(subject, message.id, message.data.slice());
    for (const durable of this.durables.values()) durable.active?.wake();
  }

  async subscribe(
    subject: string,
    durableName: string,
    handler: BusHandler,
    options?: SubscribeOptions,
  ): Promise<Subscription> {
    if (this.closed) throw new BusClosedError('the bus is closed');
    assertSubscribable(subject, durableName);
    const policy = retryPolicy(options);
    let durable = this.durables.get(durableName);
    if (durable === undefined) {
      durable = { name: durableName, pattern: subject, position: this.log.firstSequence, active: undefined };
      this.durables.set(durableName, durable);
    }
    assert(durable.active === undefined, `durable ${durableName} already has an active subscription`);
    durable.pattern = subject;
    const subscription = new MemorySubscription(this, durable, handler, policy);
    durable.active = subscription;
    return subscription;
  }

  async close(): Promise<void> {
    this.closed = true;
    const active: MemorySubscription[] = [];
    for (const durable of this.durables.values()) if (durable.active !== undefined) active.push(durable.active);
    await Promise.all(active.map((subscription) => subscription.stop('bus_closed')));
  }

  /** The next message for `durable`, skipping (and passing) messages its pattern does not match. */
  nextFor(durable: Durable): StoredMessage | undefined {
    durable.position = Math.max(durable.position, this.log.firstSequence);
    while (durable.position < this.log.nextSequence) {
      const message = this.log.get(durable.position);
      assert(message !== undefined, 'message log lost a message below its end');
      if (subjectMatches(durable.pattern, message.subject)) return message;
      durable.position++;
    }
    return undefined;
  }

  /** Drops messages every registered durable has passed. */
  trim(): void {
    if (this.durables.size === 0) return;
    let lowest = this.log.nextSequence;
    for (const durable of this.durables.values()) lowest = Math.min(lowest, durable.position);
    this.log.dropBefore(lowest);
  }
}

class MemorySubscription implements Subscription {
  readonly subject: string;
  readonly durableName: string;
  readonly ended: Promise<SubscriptionEnd>;
  private resolveEnded: (end: SubscriptionEnd) => void = () => {};
  private readonly abort = new AbortController();
  private stopReason: SubscriptionEnd = { reason: 'unsubscribed' };
  private wakeUp: (() => void) | undefined;
  private readonly loop: Promise<void>;

  constructor(
    private readonly bus: MemoryEventBus,
    private readonly durable: Durable,
    private readonly handler: BusHandler,
    private readonly policy: RetryPolicy,
  ) {
    this.subject = durable.pattern;
    this.durableName = durable.name;
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
    this.loop = this.run();
  }

  wake(): void {
    const wakeUp = this.wakeUp;
    this.wakeUp = undefined;
    wakeUp?.();
  }

  /** Do not await this from inside the handler: it waits for the handler to finish. */
  async unsubscribe(): Promise<void> {
    await this.stop('unsubscribed');
  }

  async stop(reason: 'unsubscribed' | 'bus_closed'): Promise<void> {
    if (!this.abort.signal.aborted) {
      this.stopReason = { reason };
      this.abort.abort();
      this.wake();
    }
    await this.loop;
  }

  private async run(): Promise<void> {
    // Never deliver inside subscribe() itself.
    await nextTurn();
    let end: SubscriptionEnd | undefined;
    while (end === undefined && !this.abort.signal.aborted) {
      const message = this.bus.nextFor(this.durable);
      if (message === undefined) {
        await new Promise<void>((resolve) => (this.wakeUp = resolve));
        continue;
      }
      const copy = { id: message.id, subject: message.subject, data: message.data.slice() };
      const result = await deliver(this.handler, copy, this.policy, this.abort.signal);
      if (result.outcome === 'handled') {
        this.durable.position = message.sequence + 1;
        this.bus.trim();
      } else if (result.outcome === 'failed') {
        end = { reason: 'handler_failed', messageId: message.id, error: result.error };
      }
    }
    this.durable.active = undefined;
    this.resolveEnded(end ?? this.stopReason);
  }
}
