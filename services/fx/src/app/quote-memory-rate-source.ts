// In-memory CurrentRateSource: tests and the benchmark set the "stored" current rates directly.

import { assert } from '@parite/kernel';
import type { CurrentPairRates, CurrentRateSource } from './quote-ports.ts';

/** Pair x segment entries kept; a test or benchmark never needs more. */
export const memoryCurrentRatesMax = 4_096;

export class MemoryCurrentRateSource implements CurrentRateSource {
  private readonly rates = new Map<string, CurrentPairRates>();

  set(rates: CurrentPairRates): void {
    assert(rates.tiers.length > 0 && rates.tiers[rates.tiers.length - 1]?.upToBaseUnits === null,
      'tiers must end with an open-ended tier');
    const key = `${rates.pair}|${rates.segment}`;
    assert(this.rates.has(key) || this.rates.size < memoryCurrentRatesMax, 'too many current rates');
    this.rates.set(key, structuredClone(rates));
  }

  delete(pair: string, segment: string): void {
    this.rates.delete(`${pair}|${segment}`);
  }

  async currentRates(pair: string, segment: string): Promise<CurrentPairRates | undefined> {
    const rates = this.rates.get(`${pair}|${segment}`);
    return rates === undefined ? undefined : structuredClone(rates);
  }
}
