// The bounded hand-off between the engine's listener (synchronous, must never block) and the
// projector's writer loop. When a batch would exceed the bound, the queue drops it and every later
// one and says so (overflowed): nothing is lost, because every delivered command is already in the
// journal, and the writer catches up from there before it takes live batches again.

import { assert } from '@parite/kernel';
import type { CommittedCommand } from '@parite/exchange';

/** Taken batches kept before the array is compacted. */
const compactAfterBatches = 1_024;

export class CommittedQueue {
  private batches: (readonly CommittedCommand[])[] = [];
  /** batches[head] is the oldest batch still queued: taking never shifts the array (an O(n) move). */
  private head = 0;
  /** Commands of batches[head] already taken. */
  private offset = 0;
  private size = 0;
  private dropping = false;
  /** Highest sequence accepted; later batches at or below it (a replay) are ignored. */
  private lastSequence = 0n;
  private highestSequence = 0n;
  /** The first sequence the source ever offered, and whether any batch was ever dropped since. */
  private streamFirst: bigint | undefined;
  private droppedAny = false;

  constructor(readonly commandsMax: number) {
    assert(Number.isSafeInteger(commandsMax) && commandsMax > 0, 'queue bound must be a positive integer');
  }

  get length(): number { return this.size; }
  /** Highest sequence ever offered, queued or dropped: the engine has delivered (so journalled) it. */
  get highestOffered(): bigint { return this.highestSequence; }
  get overflowed(): boolean { return this.dropping; }

  /**
   * Whether no command after `sequence` can be missing from what the source delivers: the source's
   * stream (contiguous by the listener contract) began no later than `sequence` + 1, nothing was
   * ever dropped, and every command it delivered after `sequence` is still queued. Then a catch-up
   * from `sequence` has nothing to read from the journal: at start, the engine's (or the
   * follower's) start-up replay is queued here, and reading it again would replay it twice.
   */
  coversAfter(sequence: bigint): boolean {
    if (this.droppedAny || this.streamFirst === undefined || this.streamFirst > sequence + 1n) return false;
    const first = this.batches[this.head]?.[this.offset]?.sequence;
    return first === undefined ? this.highestSequence <= sequence : first <= sequence + 1n;
  }

  /** Appends what is new in `batch`; false when it had to drop it (the queue is full or was). */
  offer(batch: readonly CommittedCommand[]): boolean {
    const last = batch[batch.length - 1];
    if (last !== undefined && last.sequence > this.highestSequence) this.highestSequence = last.sequence;
    this.streamFirst ??= batch[0]?.sequence;
    let start = 0;
    while (start < batch.length && (batch[start] as CommittedCommand).sequence <= this.lastSequence) start++;
    if (start === batch.length) return true;
    if (this.dropping) return false;
    const fresh = start === 0 ? batch : batch.slice(start);
    if (this.size + fresh.length > this.commandsMax) {
      this.dropping = true;
      this.droppedAny = true;
      return false;
    }
    this.batches.push(fresh);
    this.size += fresh.length;
    this.lastSequence = (fresh[fresh.length - 1] as CommittedCommand).sequence;
    return true;
  }

  /** Removes and returns up to `countMax` commands in order. */
  take(countMax: number): CommittedCommand[] {
    assert(countMax > 0, 'take at least one command');
    const taken: CommittedCommand[] = [];
    while (taken.length < countMax && this.head < this.batches.length) {
      const batch = this.batches[this.head] as readonly CommittedCommand[];
      const end = Math.min(batch.length, this.offset + countMax - taken.length);
      for (let index = this.offset; index < end; index++) taken.push(batch[index] as CommittedCommand);
      if (end === batch.length) {
        this.batches[this.head] = [];
        this.head++;
        this.offset = 0;
      } else {
        this.offset = end;
      }
    }
    // Drop the taken prefix now and then: amortised O(1) per batch.
    if (this.head === this.batches.length) this.clearBatches();
    else if (this.head >= compactAfterBatches && this.head * 2 >= this.batches.length) {
      this.batches = this.batches.slice(this.head);
      this.head = 0;
    }
    this.size -= taken.length;
    assert(this.size >= 0, 'queue size went negative');
    return taken;
  }

  /**
   * Accepts batches again, ignoring anything at or below `sequence`. Called by the writer before it
   * reads the journal to catch up: whatever is delivered from now on is either in that read or
   * queued here, so the two meet without a hole (a hole would only cost another catch-up).
   */
  resume(sequence: bigint): void {
    this.dropping = false;
    this.ignoreUpTo(sequence);
  }

  /** Later batches at or below `sequence` are ignored (they are projected already). */
  ignoreUpTo(sequence: bigint): void {
    if (sequence > this.lastSequence) this.lastSequence = sequence;
  }

  /** Forgets everything queued, keeping the dropping state. */
  clear(): void {
    this.clearBatches();
    this.size = 0;
  }

  private clearBatches(): void {
    this.batches = [];
    this.head = 0;
    this.offset = 0;
  }
}
