// Cross rates for pairs no source quotes. The legs are chained from the target's base to its quote;
// a leg used the other way round is inverted (1/ask becomes the bid). The crossed bid is the product
// of the legs' bid sides and the crossed ask the product of their ask sides, so the cross is never
// tighter than its legs: e.g. EUR/TRY bid = EUR/USD bid x USD/TRY bid, ask = ask x ask, and
// EUR/GBP from EUR/USD and GBP/USD: bid = EUR/USD bid / GBP/USD ask. Each side is computed as one
// exact fraction in bigint and rounded once, the bid down and the ask up.

import { assert } from '@parite/kernel';
import type { PairSymbol } from './rate.ts';
import { rateUnitsPerOne } from './rate.ts';
import { ceilDivide } from './rate-math.ts';

export interface CrossLeg {
  readonly pair: PairSymbol;
  /** True when the leg is quoted quote/base relative to the chain and enters as its inverse. */
  readonly inverted: boolean;
}

/** How the legs chain from the target's base to its quote, or undefined when they do not. */
export function crossChain(target: PairSymbol, legs: readonly PairSymbol[]): CrossLeg[] | undefined {
  const [targetBase, targetQuote] = target.split('/');
  if (targetBase === undefined || targetQuote === undefined) return undefined;
  let current = targetBase;
  const chain: CrossLeg[] = [];
  for (const leg of legs) {
    const [base, quote] = leg.split('/');
    if (base === undefined || quote === undefined) return undefined;
    if (base === current) {
      chain.push({ pair: leg, inverted: false });
      current = quote;
    } else if (quote === current) {
      chain.push({ pair: leg, inverted: true });
      current = base;
    } else {
      return undefined;
    }
  }
  return current === targetQuote ? chain : undefined;
}

export interface LegQuote {
  readonly bidUnits: number;
  readonly askUnits: number;
}

/** The crossed bid and ask; the legs are in chain order and every side is positive. */
export function crossQuote(chain: readonly CrossLeg[], quotes: readonly LegQuote[]): LegQuote {
  assert(chain.length === quotes.length && chain.length >= 2, 'one quote per cross leg');
  const scale = BigInt(rateUnitsPerOne);
  // Real value of a side = product of (units / scale) for direct legs and (scale / units) for
  // inverted ones; in units that is scale x numerator / denominator below.
  let bidNumerator = scale;
  let bidDenominator = 1n;
  let askNumerator = scale;
  let askDenominator = 1n;
  chain.forEach((leg, index) => {
    const quote = quotes[index]!;
    assert(quote.bidUnits > 0 && quote.askUnits >= quote.bidUnits, 'cross legs are valid quotes');
    if (leg.inverted) {
      // Selling the leg's quote currency for its base: our bid side uses the leg's ask, inverted.
      bidNumerator *= scale;
      bidDenominator *= BigInt(quote.askUnits);
      askNumerator *= scale;
      askDenominator *= BigInt(quote.bidUnits);
    } else {
      bidNumerator *= BigInt(quote.bidUnits);
      bidDenominator *= scale;
      askNumerator *= BigInt(quote.askUnits);
      askDenominator *= scale;
    }
  });
  const bidUnits = Number(bidNumerator / bidDenominator);
  const askUnits = Number(ceilDivide(askNumerator, askDenominator));
  assert(bidUnits <= askUnits, 'a cross of valid quotes is never crossed');
  return { bidUnits, askUnits };
}
