// Per source and pair: the last accepted quotes (the latest and its previous four) in a fixed ring,
// the recent sourceReferences for de-duplication, and the run of held ticks the spike guard is
// watching. Fixed-size arrays: ingesting a tick allocates nothing here but the remembered reference.

import { assert } from '@parite/kernel';
import { referencesRememberedMax, smoothingDepthMax } from './limits.ts';
import { midOf } from './rate-math.ts';

/** A ring of the last `smoothingDepthMax` bid/ask pairs. */
export class QuoteRing {
  private readonly bids: number[] = new Array<number>(smoothingDepthMax).fill(0);
  private readonly asks: number[] = new Array<number>(smoothingDepthMax).fill(0);
  private next = 0;
  count = 0;

  push(bidUnits: number, askUnits: number): void {
    this.bids[this.next] = bidUnits;
    this.asks[this.next] = askUnits;
    this.next = (this.next + 1) % smoothingDepthMax;
    if (this.count < smoothingDepthMax) this.count++;
  }

  clear(): void {
    this.count = 0;
    this.next = 0;
  }

  copyFrom(other: QuoteRing): void {
    this.clear();
    const oldest = (other.next - other.count + smoothingDepthMax) % smoothingDepthMax;
    for (let offset = 0; offset < other.count; offset++) {
      const slot = (oldest + offset) % smoothingDepthMax;
      this.push(other.bids[slot]!, other.asks[slot]!);
    }
  }

  /**
   * The mean bid and ask of the latest `depth` quotes (fewer while the ring fills), each rounded
   * half up. Sums stay safe integers because every rate is at most rateUnitsMax.
   */
  smoothInto(depth: number, target: SmoothedQuote): void {
    assert(this.count > 0, 'smoothing an empty ring');
    const used = Math.min(depth, this.count);
    let bidSum = 0;
    let askSum = 0;
    for (let back = 1; back <= used; back++) {
      const slot = (this.next - back + smoothingDepthMax) % smoothingDepthMax;
      bidSum += this.bids[slot]!;
      askSum += this.asks[slot]!;
    }
    target.bidUnits = Math.floor((bidSum * 2 + used) / (2 * used));
    target.askUnits = Math.floor((askSum * 2 + used) / (2 * used));
    target.midUnits = midOf(target.bidUnits, target.askUnits);
  }
}

export interface SmoothedQuote {
  bidUnits: number;
  askUnits: number;
  midUnits: number;
}

/** The last `capacity` references seen, forgotten oldest first: bounded memory, exact membership. */
export class ReferenceWindow {
  private readonly ring: (string | undefined)[];
  private readonly members = new Set<string>();
  private next = 0;

  constructor(private readonly capacity = referencesRememberedMax) {
    this.ring = new Array<string | undefined>(capacity).fill(undefined);
  }

  /** True when the reference was seen recently; otherwise remembers it and returns false. */
  seenBefore(reference: string): boolean {
    if (this.members.has(reference)) return true;
    const evicted = this.ring[this.next];
    if (evicted !== undefined) this.members.delete(evicted);
    this.ring[this.next] = reference;
    this.members.add(reference);
    this.next = (this.next + 1) % this.capacity;
    return false;
  }
}

export class SourcePairState {
  /** Accepted quotes: the source's price is their smoothed value. */
  readonly accepted = new QuoteRing();
  readonly smoothed: SmoothedQuote = { bidUnits: 0, askUnits: 0, midUnits: 0 };
  /** Ticks held by the spike guard (or a cold start) until they confirm one another. */
  readonly held = new QuoteRing();
  heldAnchorMidUnits = 0;
  readonly references = new ReferenceWindow();
  /** Source time of the latest accepted tick; -Infinity before any. */
  latestSourceTimeMs = Number.NEGATIVE_INFINITY;

  constructor(readonly sourceId: string, readonly pair: string) {}
}
