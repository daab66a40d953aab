// The in-process stream behind MemoryEventBus: a FIFO of messages with consecutive sequence
// numbers, trimmed from the front. Amortised O(1) append and trim.
import { assert } from '@parite/kernel';
import type { BusMessage } from './event-bus.ts';

export interface StoredMessage extends BusMessage {
  readonly sequence: number;
}

/** Compaction happens once the dead prefix is this long and at least half the array. */
const compactionThreshold = 1024;

export class MessageLog {
  private items: StoredMessage[] = [];
  private offset = 0;
  private nextSequenceValue = 1;

  get length(): number {
    return this.items.length - this.offset;
  }

  /** Sequence of the oldest retained message (equals nextSequence when empty). */
  get firstSequence(): number {
    return this.nextSequenceValue - this.length;
  }

  get nextSequence(): number {
    return this.nextSequenceValue;
  }

  append(subject: string, id: string, data: Uint8Array): void {
    this.items.push({ sequence: this.nextSequenceValue, subject, id, data });
    this.nextSequenceValue++;
  }

  get(sequence: number): StoredMessage | undefined {
    if (sequence < this.firstSequence || sequence >= this.nextSequenceValue) return undefined;
    const message = this.items[this.offset + (sequence - this.firstSequence)];
    assert(message !== undefined && message.sequence === sequence, 'message log index out of step');
    return message;
  }

  /** Drops every message with a sequence below `sequence`. */
  dropBefore(sequence: number): void {
    const count = Math.min(Math.max(sequence - this.firstSequence, 0), this.length);
    this.offset += count;
    if (this.offset >= compactionThreshold && this.offset * 2 >= this.items.length) {
      this.items = this.items.slice(this.offset);
      this.offset = 0;
    }
  }
}
