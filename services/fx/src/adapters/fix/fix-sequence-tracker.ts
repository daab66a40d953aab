// Which inbound MsgSeqNums this provider has already processed, so a resent message (PossDupFlag=Y)
// can be told apart as a duplicate of something seen or a replay of something missed. Market data is
// latest-wins: neither kind is delivered as a tick (a replay is older than the message that revealed
// the gap, and the subscription's fresh snapshot supersedes it), but they are counted separately.
//
// Sequence numbers restart on every sequence reset (a Logon with ResetSeqNumFlag=Y, a SequenceReset
// in reset mode that goes backwards, the daily session end), so they identify a message only within an
// epoch: the span between two resets. The epoch label (the time it started) is part of each tick's
// sourceReference, which therefore stays unique across resets.

/** Open gaps remembered; beyond this the oldest is forgotten (its replays then count as duplicates). */
export const sequenceGapsMax = 64;

export type SequenceVerdict = 'new' | 'duplicate' | 'replay' | 'out-of-order';

interface SequenceGap {
  first: number;
  last: number;
}

export class FixSequenceTracker {
  private highestSeqNum = 0;
  private gaps: SequenceGap[] = [];
  private epochStartMs: number | undefined = undefined;
  gapsDetected = 0;
  epochsStarted = 0;

  /** Starts a new epoch in which `firstSeqNum - 1` is the last number considered seen. */
  beginEpoch(startedAtMs: number, firstSeqNum = 1): void {
    this.epochStartMs = startedAtMs;
    this.highestSeqNum = firstSeqNum - 1;
    this.gaps = [];
    this.epochsStarted += 1;
  }

  hasEpoch(): boolean {
    return this.epochStartMs !== undefined;
  }

  epochStartedAtMs(): number | undefined {
    return this.epochStartMs;
  }

  highest(): number {
    return this.highestSeqNum;
  }

  openGaps(): number {
    return this.gaps.length;
  }

  /** Classifies one inbound message (admin messages included: they consume sequence numbers too). */
  observe(seqNum: number, possDup: boolean): SequenceVerdict {
    if (possDup) {
      if (this.fillGap(seqNum)) return 'replay';
      if (seqNum <= this.highestSeqNum) return 'duplicate';
      this.advanceTo(seqNum);
      return 'replay';
    }
    if (seqNum <= this.highestSeqNum) return this.fillGap(seqNum) ? 'new' : 'out-of-order';
    this.advanceTo(seqNum);
    return 'new';
  }

  /** SequenceReset (35=4). Gap-fill mode covers admin messages; reset mode may move backwards. */
  onSequenceReset(seqNum: number, newSeqNo: number, gapFill: boolean, atMs: number): void {
    if (gapFill) {
      if (newSeqNo > seqNum) this.fillRange(seqNum, newSeqNo - 1);
      if (newSeqNo - 1 > this.highestSeqNum) this.highestSeqNum = newSeqNo - 1;
      return;
    }
    if (newSeqNo - 1 < this.highestSeqNum) {
      this.beginEpoch(atMs, newSeqNo);
      return;
    }
    // A forward reset says the skipped numbers will never be sent: they are not a gap to wait for.
    this.gaps = this.gaps.filter((gap) => gap.first >= newSeqNo);
    this.highestSeqNum = newSeqNo - 1;
  }

  private advanceTo(seqNum: number): void {
    if (seqNum > this.highestSeqNum + 1) {
      this.gaps.push({ first: this.highestSeqNum + 1, last: seqNum - 1 });
      this.gapsDetected += 1;
      if (this.gaps.length > sequenceGapsMax) this.gaps.shift();
    }
    this.highestSeqNum = seqNum;
  }

  /** Removes `seqNum` from the open gaps; true if it was missing. */
  private fillGap(seqNum: number): boolean {
    return this.fillRange(seqNum, seqNum);
  }

  /** Removes [first, last] from the open gaps; true if any of it was missing. */
  private fillRange(first: number, last: number): boolean {
    let overlapped = false;
    const remaining: SequenceGap[] = [];
    for (const gap of this.gaps) {
      if (gap.last < first || gap.first > last) {
        remaining.push(gap);
        continue;
      }
      overlapped = true;
      if (gap.first < first) remaining.push({ first: gap.first, last: first - 1 });
      if (gap.last > last) remaining.push({ first: last + 1, last: gap.last });
    }
    this.gaps = remaining.length > sequenceGapsMax ? remaining.slice(remaining.length - sequenceGapsMax) : remaining;
    return overlapped;
  }
}
