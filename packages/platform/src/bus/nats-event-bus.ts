// JetStream adapter of the event bus port.
//
// - One stream (created or widened on connect) holds every subject the process publishes.
// - publish() sends each message with msgID = message.id, so the stream drops a retried publish
//   within the duplicate window, and awaits each ack before sending the next: a failed publish
//   can then never be overtaken by a later one, which keeps subject order across retries.
// - subscribe() uses a durable pull consumer with explicit acks and max_ack_pending = 1: the
//   server hands out the next message only once the previous one is acknowledged, so even a
//   redelivery (after a crash or an unsubscribe mid-message) arrives in order.
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  PubHeaders,
  RetentionPolicy,
  StorageType,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { assert } from '@parite/kernel';
import { createSilentLogger, type Logger } from '../logger.ts';
import { deliver } from './delivery.ts';
import {
  assertPublishable,
  assertSubscribable,
  BusClosedError,
  retryPolicy,
  type BusHandler,
  type BusMessage,
  type BusMessageInput,
  type EventBus,
  type RetryPolicy,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionEnd,
} from './event-bus.ts';
import { isDurableName, isSubscribeSubject } from './subject.ts';

export interface NatsEventBusOptions {
  /** nats://127.0.0.1:4222 */
  readonly url: string;
  readonly streamName: string;
  /** Subjects the stream stores, e.g. ['market.>', 'ledger.>']; publishing outside them fails. */
  readonly streamSubjects: readonly string[];
  readonly connectionName?: string;
  /** How long the server waits for an ack before redelivering; default 30 s. */
  readonly ackWaitMs?: number;
  /** Window in which a repeated message id is dropped; default 2 min. */
  readonly duplicateWindowMs?: number;
  /** Age after which the stream discards messages; default 0 (kept until limits). */
  readonly maxAgeMs?: number;
  readonly logger?: Logger;
}

export const natsDefaultAckWaitMs = 30_000;
export const natsDefaultDuplicateWindowMs = 120_000;
export const natsStreamSubjectsMax = 64;
export const natsPublishTimeoutMs = 5_000;

export class NatsEventBus implements EventBus {
  private readonly subscriptions = new Set<NatsSubscription>();
  private closed = false;

  private constructor(
    private readonly connection: NatsConnection,
    private readonly client: JetStreamClient,
    private readonly manager: JetStreamManager,
    private readonly options: NatsEventBusOptions,
    private readonly logger: Logger,
  ) {}

  static async connect(options: NatsEventBusOptions): Promise<NatsEventBus> {
    assert(isDurableName(options.streamName), `invalid stream name: ${options.streamName}`);
    assert(options.streamSubjects.length >= 1, 'a stream needs at least one subject');
    assert(options.streamSubjects.length <= natsStreamSubjectsMax, 'too many stream subjects');
    for (const subject of options.streamSubjects) {
      assert(isSubscribeSubject(subject), `invalid stream subject: ${subject}`);
    }
    const connection = await connect({ servers: options.url, name: options.connectionName ?? 'parite' });
    try {
      const manager = await jetstreamManager(connection);
      await ensureStream(manager, options);
      const logger = options.logger ?? createSilentLogger();
      return new NatsEventBus(connection, jetstream(connection), manager, options, logger);
    } catch (error) {
      await connection.close();
      throw error;
    }
  }

  async publish(subject: string, messages: readonly BusMessageInput[]): Promise<void> {
    if (this.closed) throw new BusClosedError('the bus is closed');
    assertPublishable(subject, messages);
    for (const message of messages) {
      await this.client.publish(subject, message.data, { msgID: message.id, timeout: natsPublishTimeoutMs });
    }
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
    for (const existing of this.subscriptions) {
      assert(existing.durableName !== durableName, `durable ${durableName} already has an active subscription`);
    }
    await this.ensureConsumer(subject, durableName);
    const consumer = await this.client.consumers.get(this.options.streamName, durableName);
    const messages = await consumer.consume({ max_messages: 1 });
    const subscription = new NatsSubscription(subject, durableName, messages, handler, policy, this.logger, () =>
      this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop('bus_closed')));
    await this.connection.close();
  }

  /** Removes the stream and its consumers: for tests and decommissioning, never in normal runs. */
  async deleteStream(): Promise<void> {
    await this.manager.streams.delete(this.options.streamName);
  }

  private async ensureConsumer(subject: string, durableName: string): Promise<void> {
    const stream = this.options.streamName;
    const ackWait = nanos(this.options.ackWaitMs ?? natsDefaultAckWaitMs);
    try {
      const info = await this.manager.consumers.info(stream, durableName);
      if (info.config.filter_subject !== subject || info.config.ack_wait !== ackWait) {
        await this.manager.consumers.update(stream, durableName, { filter_subject: subject, ack_wait: ackWait });
      }
    } catch (error) {
      if (!isApiError(error, JetStreamApiCodes.ConsumerNotFound)) throw error;
      await this.manager.consumers.add(stream, {
        durable_name: durableName,
        filter_subject: subject,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: ackWait,
        max_ack_pending: 1,
      });
    }
  }
}

async function ensureStream(manager: JetStreamManager, options: NatsEventBusOptions): Promise<void> {
  try {
    const info = await manager.streams.info(options.streamName);
    const missing = options.streamSubjects.filter((subject) => !info.config.subjects.includes(subject));
    if (missing.length > 0) {
      await manager.streams.update(options.streamName, { subjects: [...info.config.subjects, ...missing] });
    }
  } catch (error) {
    if (!isApiError(error, JetStreamApiCodes.StreamNotFound)) throw error;
    await manager.streams.add({
      name: options.streamName,
      subjects: [...options.streamSubjects],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      duplicate_window: nanos(options.duplicateWindowMs ?? natsDefaultDuplicateWindowMs),
      max_age: nanos(options.maxAgeMs ?? 0),
    });
  }
}

function isApiError(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}

class NatsSubscription implements Subscription {
  readonly ended: Promise<SubscriptionEnd>;
  private readonly abort = new AbortController();
  private stopReason: SubscriptionEnd = { reason: 'unsubscribed' };
  private readonly loop: Promise<SubscriptionEnd>;

  constructor(
    readonly subject: string,
    readonly durableName: string,
    private readonly messages: ConsumerMessages,
    private readonly handler: BusHandler,
    private readonly policy: RetryPolicy,
    private readonly logger: Logger,
    private readonly onEnd: () => void,
  ) {
    this.loop = this.run();
    this.ended = this.loop;
  }

  /** Do not await this from inside the handler: it waits for the handler to finish. */
  async unsubscribe(): Promise<void> {
    await this.stop('unsubscribed');
  }

  async stop(reason: 'unsubscribed' | 'bus_closed'): Promise<void> {
    if (!this.abort.signal.aborted) {
      this.stopReason = { reason };
      this.abort.abort();
      // stop(), not close(): close() waits for the iteration to finish, which may be inside a handler.
      this.messages.stop();
    }
    await this.loop;
  }

  private async run(): Promise<SubscriptionEnd> {
    let end: SubscriptionEnd;
    try {
      end = await this.consume();
    } catch (error) {
      this.logger.error({ err: error, durableName: this.durableName }, 'event bus subscription failed');
      end = { reason: 'transport_failed', error };
    }
    this.onEnd();
    return end;
  }

  private async consume(): Promise<SubscriptionEnd> {
    for await (const jsMessage of this.messages) {
      if (this.abort.signal.aborted) {
        jsMessage.nak();
        this.messages.stop();
        break;
      }
      const message = toBusMessage(jsMessage);
      const result = await deliver(this.handler, message, this.policy, this.abort.signal, () => jsMessage.working());
      if (result.outcome === 'handled') {
        await jsMessage.ackAck();
        continue;
      }
      // Not handled: hand it back now so the next subscriber gets it first, without waiting ack_wait.
      jsMessage.nak();
      this.messages.stop();
      if (result.outcome === 'failed') return { reason: 'handler_failed', messageId: message.id, error: result.error };
      break;
    }
    return this.stopReason;
  }
}

function toBusMessage(jsMessage: JsMsg): BusMessage {
  // Messages published by other tools may lack the id header; the stream sequence is unique too.
  const id = jsMessage.headers?.get(PubHeaders.MsgIdHdr) || `nats-sequence-${jsMessage.seq}`;
  return { id, subject: jsMessage.subject, data: jsMessage.data };
}
