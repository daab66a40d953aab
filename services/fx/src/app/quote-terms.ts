// The arithmetic of a customer quote, without I/O: which tier prices an amount, the base and quote
// amounts (the exchange core's own functions, so the quote shows exactly what the core will post),
// the TRY equivalent a daily limit counts, the last-look tolerance, the limit's calendar day and
// quote ids. Every figure is an integer; every division says which way it rounds.

import { Buffer } from 'node:buffer';
import { pow10 } from '@parite/kernel';
import { fxBaseUnitsForQuote, fxQuoteUnits, fxRateScale, type AssetSpec, type FxSide } from '@parite/exchange/domain';
import type { CurrentPairRates, CurrentTierRate, QuoteRandomSource } from './quote-ports.ts';

/** 'USD/TRY': base and quote asset codes as the exchange catalogue names them. */
export const fxPairPattern = /^([A-Z0-9]{2,12})\/([A-Z0-9]{2,12})$/;
/** Daily limits are counted in this currency (the bank's home currency). */
export const limitAssetCode = 'TRY';
/** The largest amount stored anywhere: PostgreSQL int8, like every ledger amount at the edge. */
export const amountUnitsMax = 2n ** 63n - 1n;
export const quoteIdPattern = /^fxq_[A-Za-z0-9_-]{22}$/;
const quoteIdRandomBytes = 16;
const ppmPerOne = 1_000_000n;
const dayMs = 86_400_000;

export type NamedLeg = 'base' | 'quote';

export function splitPair(pair: string): { base: string; quote: string } | undefined {
  const match = fxPairPattern.exec(pair);
  if (match === null || match[1] === match[2]) return undefined;
  return { base: match[1] as string, quote: match[2] as string };
}

/**
 * The tier whose range holds the amount, in whole units of the base currency. A quote-currency
 * amount is turned into base at the mid for this choice only (rounded down).
 */
export function tierFor(rates: CurrentPairRates, named: NamedLeg, namedUnits: bigint, base: AssetSpec,
  quote: AssetSpec): CurrentTierRate | undefined {
  const wholeBase = named === 'base'
    ? namedUnits / pow10(base.scale)
    : namedUnits * pow10(fxRateScale) / (BigInt(rates.midUnits) * pow10(quote.scale));
  for (const tier of rates.tiers) {
    if (tier.upToBaseUnits === null || wholeBase <= BigInt(tier.upToBaseUnits)) return tier;
  }
  return undefined;
}

export interface PricedQuote {
  readonly tier: CurrentTierRate;
  readonly rateUnits: bigint;
  readonly baseAmountUnits: bigint;
  readonly quoteAmountUnits: bigint;
}

export type PriceFailure = 'FX_QUOTE_AMOUNT_TOO_SMALL' | 'DECIMAL_TOO_LARGE' | 'FX_RATE_UNAVAILABLE';

/**
 * Prices a named amount. Naming base fixes the base amount; naming quote gives the most base that
 * amount buys (buy) or the least base that fetches it (sell). The quote amount is then always
 * derived from the base amount with fxQuoteUnits, exactly as the exchange core re-derives it.
 */
export function priceQuote(rates: CurrentPairRates, side: FxSide, named: NamedLeg, namedUnits: bigint,
  base: AssetSpec, quote: AssetSpec): PricedQuote | PriceFailure {
  if (rates.midUnits <= 0) return 'FX_RATE_UNAVAILABLE';
  const tier = tierFor(rates, named, namedUnits, base, quote);
  if (tier === undefined) return 'FX_RATE_UNAVAILABLE';
  const rateUnits = BigInt(side === 'buy' ? tier.buyUnits : tier.sellUnits);
  if (rateUnits <= 0n) return 'FX_RATE_UNAVAILABLE';
  const baseAmountUnits = named === 'base'
    ? namedUnits
    : fxBaseUnitsForQuote(side, namedUnits, rateUnits, base.scale, quote.scale);
  if (baseAmountUnits <= 0n) return 'FX_QUOTE_AMOUNT_TOO_SMALL';
  const quoteAmountUnits = fxQuoteUnits(side, baseAmountUnits, rateUnits, base.scale, quote.scale);
  if (quoteAmountUnits <= 0n) return 'FX_QUOTE_AMOUNT_TOO_SMALL';
  if (baseAmountUnits > amountUnitsMax || quoteAmountUnits > amountUnitsMax) return 'DECIMAL_TOO_LARGE';
  return { tier, rateUnits, baseAmountUnits, quoteAmountUnits };
}

/** `units` of an asset in TRY at a mid rate (asset/TRY), rounded up: a limit never undercounts. */
export function tryUnitsAtMid(units: bigint, asset: AssetSpec, midUnits: number, tryAsset: AssetSpec): bigint {
  const numerator = units * BigInt(midUnits) * pow10(tryAsset.scale);
  const denominator = pow10(fxRateScale + asset.scale);
  const quotient = numerator / denominator;
  return quotient * denominator === numerator ? quotient : quotient + 1n;
}

/**
 * Last look, symmetric: the current rate may differ from the quoted one by at most `tolerancePpm`
 * of the quoted rate, whichever way it moved. A move in the customer's favour beyond it is refused
 * exactly like a move against them (FX Global Code, Principle 17).
 */
export function movedBeyondTolerance(quotedUnits: bigint, currentUnits: bigint, tolerancePpm: number): boolean {
  const distance = currentUnits > quotedUnits ? currentUnits - quotedUnits : quotedUnits - currentUnits;
  return distance * ppmPerOne > BigInt(tolerancePpm) * quotedUnits;
}

/** The calendar day a daily limit counts on, at a fixed offset from UTC (Türkiye: +03:00, no DST). */
export function limitDay(nowMs: number, offsetMinutes: number): string {
  const shifted = nowMs + offsetMinutes * 60_000;
  return new Date(Math.floor(shifted / dayMs) * dayMs).toISOString().slice(0, 10);
}

/** 16 random bytes: 128 bits, so a quote id cannot be guessed; the primary key is the backstop. */
export function newQuoteId(random: QuoteRandomSource): string {
  return `fxq_${Buffer.from(random.bytes(quoteIdRandomBytes)).toString('base64url')}`;
}
