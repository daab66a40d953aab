// Customer FX conversion by quote: request a quote, accept it within its validity, list one's
// conversions.
//
// Request: the pair's newest stored rates (PostgreSQL, never the cache) for the customer's segment,
// the tier of the amount, the side's customer rate; the amounts as the exchange core will post
// them; stored with the cycle id and rate the customer was shown; valid `quoteValidityMs` (10 s).
// Accept, checks in this order (each refusal changes nothing):
//   unknown or another customer's quote -> FX_QUOTE_UNKNOWN (another's is not revealed)
//   terms sent differ from the quote     -> FX_QUOTE_TERMS_MISMATCH
//   already accepted (or being accepted) -> FX_QUOTE_ALREADY_ACCEPTED
//   past its expiry                      -> FX_QUOTE_EXPIRED
//   last look: the tier's current rate from PostgreSQL differs from the quoted rate by more than
//   `lastLookTolerancePpm` in either direction -> FX_QUOTE_RATE_MOVED (audited)
//   claim in one transaction: still open and unexpired, daily TRY-equivalent limit of the segment
//                                        -> FX_QUOTE_ALREADY_ACCEPTED / FX_QUOTE_EXPIRED / FX_QUOTE_LIMIT_EXCEEDED
//   the exchange's fx.convert with the quote id as conversion id -> its refusal (e.g.
//   LEDGER_INSUFFICIENT_FUNDS) gives the claim back: the quote is open again, the usage released.
// A claim is held by one acceptance only, and the exchange is idempotent by conversion id, so a
// quote is dealt exactly once even if the process dies between claim and completion:
// resumeAcceptances() re-submits the identical command and records whatever the exchange says.

import { isErrorCode, ServiceError, type AuditRecorder, type ErrorCode } from '@parite/contracts';
import { assert, formatDecimal, type Clock } from '@parite/kernel';
import type { ExchangeEngineApi } from '@parite/exchange';
import { fxRateScale, type AssetSpec, type FxConvertCommand, type FxSide } from '@parite/exchange/domain';
import type { CurrentPairRates, CurrentRateSource, CustomerSegmentSource, QuoteCustomer, QuoteRandomSource } from './quote-ports.ts';
import type { PostgresQuoteStore, QuoteRecord } from './quote-store.ts';
import {
  amountUnitsMax, limitAssetCode, limitDay, movedBeyondTolerance, newQuoteId, priceQuote, quoteIdPattern, splitPair,
  tryUnitsAtMid,
} from './quote-terms.ts';

export const quoteValidityMsDefault = 10_000;
/** 0.1 %: well inside a retail margin, wide enough for the ticks of a quote's 10 s life. */
export const lastLookTolerancePpmDefault = 1_000;
/** Istanbul (UTC+3 all year since 2016): the day a daily limit counts on. */
export const limitDayOffsetMinutesDefault = 180;
/** An acceptance claimed this long ago and not completed is resumed by resumeAcceptances(). */
export const acceptResumeAfterMsDefault = 30_000;
export const resumeBatchMax = 100;
export const conversionsListMax = 100;

/** The engine refused the submission before running it: nothing was applied. */
const notAppliedCodes: ReadonlySet<ErrorCode> = new Set(['SERVICE_NOT_READY', 'SERVICE_OVERLOADED', 'REQUEST_BATCH_TOO_LARGE']);

export interface QuoteServiceOptions {
  readonly store: PostgresQuoteStore;
  readonly engine: ExchangeEngineApi;
  readonly rates: CurrentRateSource;
  readonly segments: CustomerSegmentSource;
  readonly audit: AuditRecorder;
  readonly clock: Clock;
  readonly random: QuoteRandomSource;
  /** Daily limit per segment, in TRY minor units (ledger scale); a segment not listed converts nothing. */
  readonly dailyLimitTryUnits: Readonly<Record<string, bigint>>;
  readonly quoteValidityMs?: number;
  readonly lastLookTolerancePpm?: number;
  readonly limitDayOffsetMinutes?: number;
  readonly acceptResumeAfterMs?: number;
}

export interface QuoteRequest {
  /** 'USD/TRY' */
  readonly pair: string;
  /** The customer buys or sells the base currency. */
  readonly side: FxSide;
  /** The currency the amount is named in: the pair's base or quote. */
  readonly amountAsset: string;
  readonly amountUnits: bigint;
}

/** What the customer confirms when accepting: must be exactly the quote's terms. */
export interface AcceptTerms {
  readonly pair: string;
  readonly side: FxSide;
  readonly rateUnits: bigint;
  readonly baseAmountUnits: bigint;
  readonly quoteAmountUnits: bigint;
}

export class QuoteService {
  private readonly quoteValidityMs: number;
  private readonly lastLookTolerancePpm: number;
  private readonly limitDayOffsetMinutes: number;
  private readonly acceptResumeAfterMs: number;

  constructor(private readonly options: QuoteServiceOptions) {
    this.quoteValidityMs = options.quoteValidityMs ?? quoteValidityMsDefault;
    this.lastLookTolerancePpm = options.lastLookTolerancePpm ?? lastLookTolerancePpmDefault;
    this.limitDayOffsetMinutes = options.limitDayOffsetMinutes ?? limitDayOffsetMinutesDefault;
    this.acceptResumeAfterMs = options.acceptResumeAfterMs ?? acceptResumeAfterMsDefault;
    assert(Number.isSafeInteger(this.quoteValidityMs) && this.quoteValidityMs > 0, 'quoteValidityMs must be positive');
    assert(Number.isSafeInteger(this.lastLookTolerancePpm) && this.lastLookTolerancePpm >= 0 &&
      this.lastLookTolerancePpm <= 100_000, 'lastLookTolerancePpm must be within 0..100,000');
  }

  /** The exchange's asset of a code; the catalogue is the one source of scales. */
  asset(code: string): AssetSpec | undefined {
    return this.options.engine.state.assetByCode.get(code);
  }

  async requestQuote(customer: QuoteCustomer, request: QuoteRequest): Promise<QuoteRecord> {
    const codes = splitPair(request.pair);
    const base = codes === undefined ? undefined : this.asset(codes.base);
    const quote = codes === undefined ? undefined : this.asset(codes.quote);
    if (base === undefined || quote === undefined) throw new ServiceError('FX_PAIR_UNKNOWN', { pair: request.pair });
    if (request.amountAsset !== base.code && request.amountAsset !== quote.code) {
      throw new ServiceError('FX_QUOTE_CURRENCY_INVALID');
    }
    if (request.amountUnits <= 0n) throw new ServiceError('LEDGER_AMOUNT_INVALID');
    if (request.amountUnits > amountUnitsMax) throw new ServiceError('DECIMAL_TOO_LARGE');
    const nowMs = this.options.clock.nowMs();
    const segment = await this.options.segments.segmentOf(customer.ownerId);
    const rates = await this.freshRates(request.pair, segment, nowMs);
    const named = request.amountAsset === base.code ? 'base' : 'quote';
    const priced = priceQuote(rates, request.side, named, request.amountUnits, base, quote);
    if (typeof priced === 'string') throw new ServiceError(priced);
    const tryEquivalentUnits = await this.tryEquivalent(base, quote, priced.baseAmountUnits, priced.quoteAmountUnits,
      segment, nowMs);
    // Informative only (the binding check is atomic at acceptance): no quote the limit already forbids.
    const limit = this.limitFor(segment);
    const used = await this.options.store.usedTryUnits(customer.ownerId, limitDay(nowMs, this.limitDayOffsetMinutes));
    if (used + tryEquivalentUnits > limit) throw new ServiceError('FX_QUOTE_LIMIT_EXCEEDED');
    const record = {
      quoteId: newQuoteId(this.options.random), ownerId: customer.ownerId, segment, pair: request.pair,
      side: request.side, namedAsset: request.amountAsset, namedUnits: request.amountUnits, cycleId: rates.cycleId,
      cycleAtMs: rates.atMs, tierId: priced.tier.tierId, midUnits: BigInt(rates.midUnits), rateUnits: priced.rateUnits,
      baseAmountUnits: priced.baseAmountUnits, quoteAmountUnits: priced.quoteAmountUnits, tryEquivalentUnits,
      createdAtMs: nowMs, expiresAtMs: nowMs + this.quoteValidityMs,
    };
    await this.options.store.insert(record);
    return { ...record, status: 'open', acceptStartedAtMs: undefined, limitDay: undefined, lastLookCycleId: undefined,
      lastLookRateUnits: undefined, acceptedAtMs: undefined, journalSequence: undefined, payPostingId: undefined,
      receivePostingId: undefined };
  }

  async acceptQuote(customer: QuoteCustomer, quoteId: string, terms: AcceptTerms): Promise<QuoteRecord> {
    if (!quoteIdPattern.test(quoteId)) throw new ServiceError('FX_QUOTE_UNKNOWN');
    const quote = await this.options.store.find(quoteId);
    if (quote === undefined || quote.ownerId !== customer.ownerId) throw new ServiceError('FX_QUOTE_UNKNOWN');
    if (terms.pair !== quote.pair || terms.side !== quote.side || terms.rateUnits !== quote.rateUnits ||
      terms.baseAmountUnits !== quote.baseAmountUnits || terms.quoteAmountUnits !== quote.quoteAmountUnits) {
      throw new ServiceError('FX_QUOTE_TERMS_MISMATCH');
    }
    if (quote.status !== 'open') throw new ServiceError('FX_QUOTE_ALREADY_ACCEPTED');
    const nowMs = this.options.clock.nowMs();
    if (nowMs >= quote.expiresAtMs) throw new ServiceError('FX_QUOTE_EXPIRED');
    const current = await this.lastLook(customer, quote, nowMs);
    const claim = await this.options.store.claim({
      quoteId, ownerId: customer.ownerId, nowMs, limitDay: limitDay(nowMs, this.limitDayOffsetMinutes),
      limitTryUnits: this.limitFor(quote.segment), lastLookCycleId: current.cycleId,
      lastLookRateUnits: current.rateUnits,
    });
    if (!claim.ok) throw new ServiceError(claim.code);
    const accepted = await this.execute(claim.quote);
    await this.options.audit.record({
      actorKind: 'user', actorId: customer.actorId, action: 'fx.quote.accept', targetKind: 'fx-quote', targetId: quoteId,
      details: { ...this.auditTerms(accepted), lastLookCycleId: current.cycleId,
        lastLookRate: formatDecimal(current.rateUnits, fxRateScale),
        journalSequence: accepted.journalSequence?.toString() ?? null },
      ...(customer.requestId === undefined ? {} : { requestId: customer.requestId }),
    });
    return accepted;
  }

  async conversions(customer: QuoteCustomer, limit: number): Promise<QuoteRecord[]> {
    const bounded = Math.min(Math.max(Math.trunc(limit), 1), conversionsListMax);
    return this.options.store.listAccepted(customer.ownerId, bounded);
  }

  /**
   * Completes acceptances a stopped process left claimed: the identical command is submitted again
   * (the exchange answers a conversion it already holds with its original result) and the outcome
   * recorded. Run at start-up and periodically. Returns how many were settled.
   */
  async resumeAcceptances(): Promise<number> {
    const startedBeforeMs = this.options.clock.nowMs() - this.acceptResumeAfterMs;
    const stuck = await this.options.store.listAccepting(startedBeforeMs, resumeBatchMax);
    let settled = 0;
    for (const quote of stuck) {
      try {
        const outcome = await this.execute(quote);
        await this.options.audit.record({ actorKind: 'system', actorId: 'fx-quote-service', action: 'fx.quote.accept-resumed',
          targetKind: 'fx-quote', targetId: quote.quoteId, details: this.auditTerms(outcome) });
        settled++;
      } catch (error) {
        // A refusal released the claim (the quote is open again); anything else stays for the next run.
        if (!(error instanceof ServiceError)) throw error;
        if (error.code !== 'SERVICE_UNAVAILABLE') settled++;
      }
    }
    return settled;
  }

  private async freshRates(pair: string, segment: string, nowMs: number): Promise<CurrentPairRates> {
    const rates = await this.options.rates.currentRates(pair, segment);
    if (rates === undefined) throw new ServiceError('FX_RATE_UNAVAILABLE', { pair });
    if (nowMs >= rates.validUntilMs) throw new ServiceError('FX_RATE_UNAVAILABLE', { pair });
    return rates;
  }

  /** Last look against the tier's current rate in PostgreSQL; a refusal is audited. */
  private async lastLook(customer: QuoteCustomer, quote: QuoteRecord, nowMs: number):
    Promise<{ cycleId: string; rateUnits: bigint }> {
    const rates = await this.freshRates(quote.pair, quote.segment, nowMs);
    const tier = rates.tiers.find((candidate) => candidate.tierId === quote.tierId);
    if (tier === undefined) throw new ServiceError('FX_RATE_UNAVAILABLE', { pair: quote.pair });
    const rateUnits = BigInt(quote.side === 'buy' ? tier.buyUnits : tier.sellUnits);
    if (movedBeyondTolerance(quote.rateUnits, rateUnits, this.lastLookTolerancePpm)) {
      await this.options.audit.record({
        actorKind: 'user', actorId: customer.actorId, action: 'fx.quote.last-look-refused', targetKind: 'fx-quote',
        targetId: quote.quoteId, details: { ...this.auditTerms(quote), currentCycleId: rates.cycleId,
          currentRate: formatDecimal(rateUnits, fxRateScale), tolerancePpm: this.lastLookTolerancePpm },
        ...(customer.requestId === undefined ? {} : { requestId: customer.requestId }),
      });
      throw new ServiceError('FX_QUOTE_RATE_MOVED');
    }
    return { cycleId: rates.cycleId, rateUnits };
  }

  /** Submits the conversion for a claimed quote and records the outcome. */
  private async execute(quote: QuoteRecord): Promise<QuoteRecord> {
    const codes = splitPair(quote.pair);
    assert(codes !== undefined, 'a stored quote has a valid pair');
    const command: FxConvertCommand = {
      kind: 'fx.convert', conversionId: quote.quoteId, ownerId: quote.ownerId, baseAssetCode: codes.base,
      quoteAssetCode: codes.quote, side: quote.side, rateUnits: quote.rateUnits, baseAmountUnits: quote.baseAmountUnits,
      quoteAmountUnits: quote.quoteAmountUnits,
    };
    let committed;
    try {
      committed = await this.options.engine.submit(command);
    } catch (error) {
      // Only a submission the engine never ran may give the claim back; otherwise it is resumed later.
      if (error instanceof ServiceError && notAppliedCodes.has(error.code)) await this.options.store.release(quote);
      throw error;
    }
    const result = committed.result;
    if (result.code !== 'OK') {
      await this.options.store.release(quote);
      throw new ServiceError(isErrorCode(result.code) ? result.code : 'INTERNAL_ERROR');
    }
    const payPostingId = Number(result.reply?.['payPostingId']);
    const receivePostingId = Number(result.reply?.['receivePostingId']);
    assert(Number.isSafeInteger(payPostingId) && Number.isSafeInteger(receivePostingId), 'a conversion names its postings');
    const completed = await this.options.store.complete(quote.quoteId, {
      acceptedAtMs: this.options.clock.nowMs(),
      journalSequence: result.unchanged === true ? undefined : committed.sequence, payPostingId, receivePostingId,
    });
    if (completed !== undefined) return completed;
    // Completed meanwhile by a resumption of the same claim: the stored record is the answer.
    const stored = await this.options.store.find(quote.quoteId);
    assert(stored !== undefined && stored.status === 'accepted', 'a converted quote is recorded as accepted');
    return stored;
  }

  /** The TRY equivalent a conversion counts against the daily limit. */
  private async tryEquivalent(base: AssetSpec, quote: AssetSpec, baseUnits: bigint, quoteUnits: bigint,
    segment: string, nowMs: number): Promise<bigint> {
    if (quote.code === limitAssetCode) return quoteUnits;
    if (base.code === limitAssetCode) return baseUnits;
    const lira = this.asset(limitAssetCode);
    if (lira === undefined) throw new ServiceError('FX_RATE_UNAVAILABLE');
    for (const [asset, units] of [[quote, quoteUnits], [base, baseUnits]] as const) {
      const rates = await this.options.rates.currentRates(`${asset.code}/${limitAssetCode}`, segment);
      if (rates !== undefined && nowMs < rates.validUntilMs && rates.midUnits > 0) {
        return tryUnitsAtMid(units, asset, rates.midUnits, lira);
      }
    }
    throw new ServiceError('FX_RATE_UNAVAILABLE', { pair: `${quote.code}/${limitAssetCode}` });
  }

  private limitFor(segment: string): bigint {
    return Object.prototype.hasOwnProperty.call(this.options.dailyLimitTryUnits, segment)
      ? this.options.dailyLimitTryUnits[segment] as bigint
      : 0n;
  }

  private auditTerms(quote: QuoteRecord): Record<string, unknown> {
    const codes = splitPair(quote.pair);
    const base = codes === undefined ? undefined : this.asset(codes.base);
    const quoteAsset = codes === undefined ? undefined : this.asset(codes.quote);
    return {
      ownerId: quote.ownerId, pair: quote.pair, side: quote.side, segment: quote.segment, tierId: quote.tierId,
      cycleId: quote.cycleId, rate: formatDecimal(quote.rateUnits, fxRateScale),
      baseAmount: base === undefined ? quote.baseAmountUnits.toString() : formatDecimal(quote.baseAmountUnits, base.scale),
      quoteAmount: quoteAsset === undefined ? quote.quoteAmountUnits.toString()
        : formatDecimal(quote.quoteAmountUnits, quoteAsset.scale),
      tryEquivalent: formatDecimal(quote.tryEquivalentUnits, this.asset(limitAssetCode)?.scale ?? 6),
    };
  }
}
