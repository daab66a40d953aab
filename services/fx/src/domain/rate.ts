// Rates are integers: a price of one unit of the base currency in the quote currency, times
// 10^rateScale. 34.12345678 TRY per USD is 3_412_345_678. Safe integers hold every real FX or gold
// rate at this scale (XAU/TRY near 10^5 is 10^13); products (rate x margin) are computed in bigint.

/** Fraction digits of every rate inside the FX engine. */
export const rateScale = 8;
export const rateUnitsPerOne = 100_000_000;

/** A currency pair as market convention writes it: base/quote, e.g. 'USD/TRY', 'XAU/TRY'. */
export type PairSymbol = string;

/** One quote from one source, as it arrived. */
export interface ProviderTick {
  /** The source's stable id, as in the source settings: 'INTEGRAL', 'T360', 'TRADAIR', 'TCMB', 'SIMULATED'. */
  readonly sourceId: string;
  readonly pair: PairSymbol;
  readonly bidUnits: number;
  readonly askUnits: number;
  /** When the source says it priced the quote (FIX SendingTime / MDEntryTime, TCMB bulletin date). */
  readonly sourceTimeMs: number;
  /** When Parite received it. */
  readonly receiveTimeMs: number;
  /**
   * The source's own identity for this quote (FIX session + MsgSeqNum, TCMB bulletin number), so a
   * resend of the same quote can be recognised and dropped.
   */
  readonly sourceReference: string;
}
