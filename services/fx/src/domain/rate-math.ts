// Integer arithmetic shared by the filter and the composition. Every division states its rounding.
// Rates are safe integers at scale 10^-8; any product of a rate with a ppm or another rate goes
// through bigint so it is exact.

import { assert } from '@parite/kernel';
import { ppmPerOne, rateUnitsMax } from './limits.ts';

/** Below this, |a - b| x 10^6 and tolerance x reference are both safe integers (2^53 is about 9.007e15). */
const exactNumberLimit = 9_000_000_000;

/** True when `valueUnits` differs from `referenceUnits` by more than `tolerancePpm` of the reference. */
export function deviationExceedsPpm(valueUnits: number, referenceUnits: number, tolerancePpm: number): boolean {
  assert(referenceUnits > 0, 'deviation reference must be positive');
  const difference = valueUnits > referenceUnits ? valueUnits - referenceUnits : referenceUnits - valueUnits;
  if (difference <= exactNumberLimit && referenceUnits <= exactNumberLimit) {
    return difference * ppmPerOne > tolerancePpm * referenceUnits;
  }
  return BigInt(difference) * BigInt(ppmPerOne) > BigInt(tolerancePpm) * BigInt(referenceUnits);
}

/** |value - reference| / reference in ppm, rounded down, for reports only (never for decisions). */
export function deviationPpm(valueUnits: number, referenceUnits: number): number {
  assert(referenceUnits > 0, 'deviation reference must be positive');
  const difference = valueUnits > referenceUnits ? valueUnits - referenceUnits : referenceUnits - valueUnits;
  return Number((BigInt(difference) * BigInt(ppmPerOne)) / BigInt(referenceUnits));
}

/** The mid of a quote, rounded down: the error is under 10^-8 and the customer rounding that follows is directional. */
export function midOf(bidUnits: number, askUnits: number): number {
  return Math.floor((bidUnits + askUnits) / 2);
}

/** The median of a sample: one value for an odd count, the two middle values for an even count. */
export interface MedianBounds {
  lowerUnits: number;
  upperUnits: number;
}

/**
 * Sorts `values` in place (a scratch array the caller owns) and writes its median bounds: every
 * value between lowerUnits and upperUnits is a median. Keeping both ends, instead of averaging
 * them, stops one outlier among two others from dragging "the median" halfway towards itself.
 */
export function medianBoundsInPlace(values: number[], into: MedianBounds): MedianBounds {
  assert(values.length > 0, 'median of nothing');
  values.sort(compareNumbers);
  const middle = values.length >> 1;
  into.upperUnits = values[middle]!;
  into.lowerUnits = values.length % 2 === 1 ? into.upperUnits : values[middle - 1]!;
  return into;
}

/** The median bound nearest to `valueUnits` (the value itself is not a bound). */
export function nearestMedianBound(valueUnits: number, bounds: MedianBounds): number {
  if (valueUnits <= bounds.lowerUnits) return bounds.lowerUnits;
  if (valueUnits >= bounds.upperUnits) return bounds.upperUnits;
  return valueUnits;
}

function compareNumbers(left: number, right: number): number {
  return left - right;
}

export function isRateUnits(value: number): boolean {
  return Number.isSafeInteger(value) && value > 0 && value <= rateUnitsMax;
}

export function isPpm(value: number, maximum = ppmPerOne): boolean {
  return Number.isSafeInteger(value) && value >= 0 && value <= maximum;
}

export function ceilDivide(numerator: bigint, denominator: bigint): bigint {
  assert(numerator >= 0n && denominator > 0n, 'ceilDivide takes a non-negative numerator');
  return (numerator + denominator - 1n) / denominator;
}

/** Units of one step of the pair's display precision: 4 digits -> 10^4 units (0.0001). */
export function precisionStepUnits(precisionDigits: number): number {
  assert(Number.isSafeInteger(precisionDigits) && precisionDigits >= 0 && precisionDigits <= 8, 'precision digits');
  return 10 ** (8 - precisionDigits);
}
