// Strict decimal strings <-> integer minor units. Floats never touch money: the API edge hands us
// strings, we parse them digit by digit into bigint at a fixed scale and refuse anything ambiguous.

export type DecimalParseFailure =
  | 'DECIMAL_NOT_A_STRING'
  | 'DECIMAL_MALFORMED'
  | 'DECIMAL_TOO_PRECISE'
  | 'DECIMAL_NEGATIVE'
  | 'DECIMAL_TOO_LARGE';

export type DecimalParseResult =
  | { ok: true; value: bigint }
  | { ok: false; reason: DecimalParseFailure };

/** Longest accepted decimal string; bounds parsing work on hostile input. */
export const decimalLengthMax = 40;

const decimalPattern = /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

/**
 * Parses "123.45" at `scale` into minor units (12345n at scale 2). No exponent, no leading '+',
 * no leading zeros, no trailing dot, no whitespace, and no more fraction digits than `scale`
 * (trailing zeros beyond the scale are refused too: "1.10" at scale 1 is excess precision).
 */
export function parseDecimal(input: unknown, scale: number, options: { allowNegative?: boolean } = {}): DecimalParseResult {
  if (typeof input !== 'string') return { ok: false, reason: 'DECIMAL_NOT_A_STRING' };
  if (input.length === 0 || input.length > decimalLengthMax) return { ok: false, reason: 'DECIMAL_MALFORMED' };
  const match = decimalPattern.exec(input);
  if (match === null) return { ok: false, reason: 'DECIMAL_MALFORMED' };
  const negative = match[1] === '-';
  const whole = match[2] ?? '0';
  const fraction = match[3] ?? '';
  if (fraction.length > scale) return { ok: false, reason: 'DECIMAL_TOO_PRECISE' };
  const value = BigInt(whole + fraction.padEnd(scale, '0'));
  if (negative && value !== 0n && options.allowNegative !== true) return { ok: false, reason: 'DECIMAL_NEGATIVE' };
  if (negative && value === 0n) return { ok: false, reason: 'DECIMAL_MALFORMED' };
  return { ok: true, value: negative ? -value : value };
}

/** Formats minor units back to a canonical decimal string (no trailing zeros beyond what is needed). */
export function formatDecimal(value: bigint, scale: number): string {
  // Every order reply formats five amounts, several of them zero (nothing filled, no fee yet).
  if (value === 0n) return '0';
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const wholeEnd = digits.length - scale;
  // Trailing zeros of the fraction are dropped; a loop, not a regular expression (a hot path).
  let end = digits.length;
  while (end > wholeEnd && digits.charCodeAt(end - 1) === zeroCharCode) end--;
  const text = end > wholeEnd ? `${digits.slice(0, wholeEnd)}.${digits.slice(wholeEnd, end)}` : digits.slice(0, wholeEnd);
  return negative ? `-${text}` : text;
}

const zeroCharCode = 48;

/** Formats with exactly `scale` fraction digits (for fixed-width displays). */
export function formatDecimalFixed(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  return (negative ? '-' : '') + whole + (scale > 0 ? '.' + fraction : '');
}

export function pow10(exponent: number): bigint {
  let result = 1n;
  for (let index = 0; index < exponent; index++) result *= 10n;
  return result;
}
