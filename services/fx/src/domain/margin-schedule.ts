// A margin schedule compiled for the cycle: base margins in flat arrays indexed by
// segment x tier, the additions per session kind, and the volatility steps.
// The total margin of a variation = base(segment, tier) + session addition + volatility widening
// + override extra, capped at marginPpmMax (50 %) so no combination can invert or zero a rate.

import type { FxEngineSettings, MarginPair, MarginSchedule } from './engine-settings.ts';
import type { MarketSessionKind } from './market-session.ts';
import { marginPpmMax } from './limits.ts';

const noAddition: MarginPair = { buyPpm: 0, sellPpm: 0 };

export class CompiledMargins {
  /** Index segmentIndex x tierCount + tierIndex. */
  readonly baseBuyPpm: number[] = [];
  readonly baseSellPpm: number[] = [];

  constructor(private readonly schedule: MarginSchedule, settings: FxEngineSettings) {
    for (const segment of settings.segments) {
      for (const tier of settings.tiers) {
        const margin = schedule.base[segment]?.[tier.tierId];
        if (margin === undefined) throw new Error(`margin ${segment}/${tier.tierId} missing (validated before compile)`);
        this.baseBuyPpm.push(margin.buyPpm);
        this.baseSellPpm.push(margin.sellPpm);
      }
    }
  }

  sessionAddition(kind: MarketSessionKind): MarginPair {
    return kind === 'business-hours' ? noAddition : this.schedule.sessionAdd[kind];
  }

  /** The addPpm of the highest step whose threshold the volatility reaches; 0 below the first. */
  wideningPpm(volatilityPpm: number): number {
    let widening = 0;
    for (const step of this.schedule.volatilitySteps) if (volatilityPpm >= step.volatilityPpmMin) widening = step.addPpm;
    return widening;
  }
}

export function cappedMarginPpm(basePpm: number, additionPpm: number): number {
  return Math.min(basePpm + additionPpm, marginPpmMax);
}
