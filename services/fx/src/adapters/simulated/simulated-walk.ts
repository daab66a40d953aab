// A deterministic market for demo mode: a seeded random walk of a few base rates (EUR/USD, GBP/USD,
// USD/TRY, XAU/USD, USD/CHF) and the TRY crosses computed from them, so the demo's crosses agree the
// way real ones do. Integer arithmetic throughout (bigint for products); the PRNG only picks the step.
import { assert, Prng } from '@parite/kernel';
import { rateUnitsPerOne } from '../../domain/rate.ts';

const unitsPerOne = BigInt(rateUnitsPerOne);
const partsPerMillion = 1_000_000n;

export interface SimulatedQuote {
  readonly pair: string;
  readonly bidUnits: number;
  readonly askUnits: number;
}

interface BaseRate {
  readonly pair: string;
  readonly startMidUnits: bigint;
  /** Largest move per step, parts per million of the mid (uniform in [-x, x]). */
  readonly stepPpmMax: number;
}

interface QuotedPair {
  readonly pair: string;
  /** Fraction digits the pair is quoted with. */
  readonly decimals: number;
  readonly spreadUnits: bigint;
  /** The mid from the current base mids. */
  readonly mid: (mids: ReadonlyMap<string, bigint>) => bigint;
}

const baseRates: readonly BaseRate[] = [
  { pair: 'EUR/USD', startMidUnits: 116_000_000n, stepPpmMax: 20 },
  { pair: 'GBP/USD', startMidUnits: 133_000_000n, stepPpmMax: 25 },
  { pair: 'USD/TRY', startMidUnits: 4_220_000_000n, stepPpmMax: 15 },
  { pair: 'XAU/USD', startMidUnits: 400_000_000_000n, stepPpmMax: 40 },
  { pair: 'USD/CHF', startMidUnits: 80_000_000n, stepPpmMax: 20 },
];

function base(mids: ReadonlyMap<string, bigint>, pair: string): bigint {
  const mid = mids.get(pair);
  assert(mid !== undefined, `no base rate ${pair}`);
  return mid;
}

const times = (left: string, right: string) => (mids: ReadonlyMap<string, bigint>): bigint =>
  (base(mids, left) * base(mids, right)) / unitsPerOne;

/** Every pair the simulated source can quote, with plausible spreads (interbank-ish, TRY a bit wider). */
export const simulatedPairs: readonly QuotedPair[] = [
  { pair: 'USD/TRY', decimals: 4, spreadUnits: 1_000_000n, mid: (mids) => base(mids, 'USD/TRY') },
  { pair: 'EUR/TRY', decimals: 4, spreadUnits: 1_500_000n, mid: times('EUR/USD', 'USD/TRY') },
  { pair: 'GBP/TRY', decimals: 4, spreadUnits: 2_000_000n, mid: times('GBP/USD', 'USD/TRY') },
  { pair: 'CHF/TRY', decimals: 4, spreadUnits: 2_000_000n, mid: (mids) => (base(mids, 'USD/TRY') * unitsPerOne) / base(mids, 'USD/CHF') },
  { pair: 'XAU/TRY', decimals: 2, spreadUnits: 2_000_000_000n, mid: times('XAU/USD', 'USD/TRY') },
  { pair: 'EUR/USD', decimals: 5, spreadUnits: 10_000n, mid: (mids) => base(mids, 'EUR/USD') },
  { pair: 'GBP/USD', decimals: 5, spreadUnits: 15_000n, mid: (mids) => base(mids, 'GBP/USD') },
  { pair: 'USD/CHF', decimals: 5, spreadUnits: 20_000n, mid: (mids) => base(mids, 'USD/CHF') },
  { pair: 'XAU/USD', decimals: 2, spreadUnits: 50_000_000n, mid: (mids) => base(mids, 'XAU/USD') },
];

export const simulatedPairNames: readonly string[] = simulatedPairs.map((pair) => pair.pair);

function roundDownTo(units: bigint, decimals: number): bigint {
  const increment = 10n ** BigInt(8 - decimals);
  return (units / increment) * increment;
}

export class SimulatedWalk {
  private readonly prng: Prng;
  private readonly mids = new Map<string, bigint>();
  private readonly quoted: readonly QuotedPair[];
  private stepCount = 0;

  constructor(seed: number, pairs: readonly string[] = simulatedPairNames) {
    this.prng = new Prng(seed);
    for (const rate of baseRates) this.mids.set(rate.pair, rate.startMidUnits);
    this.quoted = pairs.map((name) => {
      const pair = simulatedPairs.find((candidate) => candidate.pair === name);
      assert(pair !== undefined, `SIMULATED does not quote ${name}`);
      return pair;
    });
  }

  steps(): number {
    return this.stepCount;
  }

  /** Advances every base rate one step and returns the quotes of the configured pairs. */
  step(): SimulatedQuote[] {
    this.stepCount += 1;
    for (const rate of baseRates) {
      const mid = base(this.mids, rate.pair);
      const movePpm = BigInt(this.prng.nextIntegerInclusive(-rate.stepPpmMax, rate.stepPpmMax));
      this.mids.set(rate.pair, mid + (mid * movePpm) / partsPerMillion);
    }
    return this.quoted.map((pair) => {
      const bid = roundDownTo(pair.mid(this.mids) - pair.spreadUnits / 2n, pair.decimals);
      return { pair: pair.pair, bidUnits: Number(bid), askUnits: Number(bid + pair.spreadUnits) };
    });
  }
}
