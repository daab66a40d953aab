// Publishes every committed batch on the event bus (NATS JetStream in production), one message per
// command with its events, id = journal sequence so JetStream drops re-publications after a replay
// (with shards: shard and sequence, since each shard's journal counts on its own).
// Publication is asynchronous and bounded: the engine never waits for the bus.

import { jsonStringifyWithBigint } from '@parite/kernel';
import type { CommittedCommand } from '@parite/exchange';
import type { EventBus, Logger } from '@parite/platform';
import { eventSubjectPrefix } from './infrastructure.ts';

/** Commands waiting for the bus; beyond it the oldest waiting batch is dropped and logged. */
export const publishQueueMax = 100_000;
export const publishBatchMax = 500;

export class EventPublisher {
  private readonly queue: CommittedCommand[] = [];
  private draining = false;
  private dropped = 0;

  constructor(private readonly bus: EventBus, private readonly logger: Logger) {}

  readonly listener = (batch: readonly CommittedCommand[]): void => {
    for (const committed of batch) {
      if (committed.result.events.length === 0) continue;
      if (this.queue.length >= publishQueueMax) {
        // A whole batch at once: shifting one command off a full queue moves all the others, on the
        // engine's thread, for every command while the bus is down.
        this.queue.splice(0, publishBatchMax);
        this.dropped += publishBatchMax;
        this.logger.warn({ dropped: this.dropped }, 'event bus behind: the oldest waiting events were dropped');
      }
      this.queue.push(committed);
    }
    if (!this.draining) void this.drain();
  };

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, publishBatchMax);
        const messages = batch.map((committed) => ({
          id: committed.shardIndex === undefined ? committed.sequence.toString() : `${committed.shardIndex}:${committed.sequence}`,
          data: Buffer.from(jsonStringifyWithBigint({
            shard: committed.shardIndex ?? 0,
            sequence: committed.sequence, timestampMs: committed.timestampMs, kind: committed.command.kind,
            events: committed.result.events,
          }), 'utf8'),
        }));
        await this.bus.publish(`${eventSubjectPrefix}.committed`, messages);
      }
    } catch (error) {
      this.logger.error({ error: String(error), dropped: this.dropped }, 'event publication failed');
    } finally {
      this.draining = false;
    }
  }
}
