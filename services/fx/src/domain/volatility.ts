// Short-term volatility of a pair's mid: the high-low range of the mids sampled at each cycle within
// the window, in ppm of the latest mid. A range is integer-only, needs no square roots, and reacts
// within one cycle to a jump, which is what widening must do in a crisis; it falls back as soon as
// the jump leaves the window. Samples live in a fixed ring.

import { ppmPerOne, volatilitySamplesMax } from './limits.ts';

export class VolatilityWindow {
  private readonly mids: number[] = new Array<number>(volatilitySamplesMax).fill(0);
  private readonly times: number[] = new Array<number>(volatilitySamplesMax).fill(0);
  private next = 0;
  private count = 0;

  record(atMs: number, midUnits: number): void {
    this.mids[this.next] = midUnits;
    this.times[this.next] = atMs;
    this.next = (this.next + 1) % volatilitySamplesMax;
    if (this.count < volatilitySamplesMax) this.count++;
  }

  /** (max - min) / latest over the samples no older than windowMs, in ppm; 0 with fewer than two. */
  rangePpm(nowMs: number, windowMs: number): number {
    let high = 0;
    let low = Number.MAX_SAFE_INTEGER;
    let latest = 0;
    let used = 0;
    for (let back = 1; back <= this.count; back++) {
      const slot = (this.next - back + volatilitySamplesMax) % volatilitySamplesMax;
      if (nowMs - this.times[slot]! > windowMs) break;
      const mid = this.mids[slot]!;
      if (used === 0) latest = mid;
      if (mid > high) high = mid;
      if (mid < low) low = mid;
      used++;
    }
    if (used < 2) return 0;
    return Number((BigInt(high - low) * BigInt(ppmPerOne)) / BigInt(latest));
  }
}
