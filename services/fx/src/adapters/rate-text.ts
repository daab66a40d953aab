// Wire prices are decimal strings ("42.2149", "1.15925"). They become integers at the engine's rate
// scale digit by digit, never through a float: a float would turn 1.15925 into 1.1592499999.
import { parseDecimal } from '@parite/kernel';
import { rateScale } from '../domain/rate.ts';

export type RateTextFailure = 'RATE_EMPTY' | 'RATE_MALFORMED' | 'RATE_NEGATIVE' | 'RATE_TOO_PRECISE' | 'RATE_TOO_LARGE';

export type RateTextResult = { ok: true; units: number } | { ok: false; reason: RateTextFailure };

/** Longest price text accepted: bounds the work on hostile input (a rate needs far fewer digits). */
export const rateTextLengthMax = 32;

const trailingFractionZeros = /(\.\d*?)0+$/;

/**
 * Parses a price such as "42.2149" into units of 10^-rateScale. Accepts plain decimals only: no sign,
 * exponent, spaces or thousands separators. More than `rateScale` fraction digits are refused unless
 * the extra digits are zeros (exact, so nothing is rounded). The result must be a safe integer.
 */
export function parseRateText(text: string | null | undefined): RateTextResult {
  if (text === null || text === undefined || text.length === 0) return { ok: false, reason: 'RATE_EMPTY' };
  if (text.length > rateTextLengthMax) return { ok: false, reason: 'RATE_MALFORMED' };
  if (text.startsWith('-')) return { ok: false, reason: 'RATE_NEGATIVE' };
  // A leading-zero integer part such as "042.1" is ambiguous on the wire and refused by parseDecimal.
  const trimmed = text.includes('.') ? text.replace(trailingFractionZeros, '$1').replace(/\.$/, '') : text;
  if (text.endsWith('.')) return { ok: false, reason: 'RATE_MALFORMED' };
  const parsed = parseDecimal(trimmed, rateScale);
  if (!parsed.ok) {
    if (parsed.reason === 'DECIMAL_TOO_PRECISE') return { ok: false, reason: 'RATE_TOO_PRECISE' };
    return { ok: false, reason: 'RATE_MALFORMED' };
  }
  if (parsed.value > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, reason: 'RATE_TOO_LARGE' };
  return { ok: true, units: Number(parsed.value) };
}
