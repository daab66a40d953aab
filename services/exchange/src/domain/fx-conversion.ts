// fx.convert: a customer converts between two of their currency balances at an FX rate.
//
// The bank is the counterparty through its Liquidity accounts (SystemOwner.Liquidity, which may go
// negative like External: its balance in an asset is the bank's position against its customers).
// A conversion is two linked postings, each balanced in its own asset:
//   1. `fx:<id>:pay`     the customer pays the asset they give up to Liquidity;
//   2. `fx:<id>:receive` Liquidity pays the asset they buy to the customer.
// Both are checked together before either is applied, so a conversion happens whole or not at all,
// and the sum of every asset over all accounts stays zero.
//
// Amounts are integer minor units; the rate is an integer at the FX scale (10^-8 quote per base).
// Rounding rule, in the bank's favour and at most one minor unit:
//   - the quote amount is base x rate, rounded UP when the customer pays it (buy) and DOWN when
//     the customer receives it (sell) - fxQuoteUnits;
//   - when a customer names an amount of the quote currency, the base amount is the most base that
//     amount buys (buy: rounded down) or the least base that fetches it (sell: rounded up) -
//     fxBaseUnitsForQuote; the quote amount is then derived from that base amount as above, so the
//     customer never pays more than they named nor receives less.
// The core re-derives the quote amount from the command's base amount and rate and refuses any
// other figure: the journal can never hold a conversion whose amounts do not follow from its rate.

import { pow10 } from '@parite/kernel';
import { refuse } from './order-place.ts';
import { conversionIdsRetainedMax, takeId, type ExchangeState } from './state.ts';
import { SystemOwner, type CommandResult, type FxConvertCommand, type LedgerLeg } from './types.ts';

/** Fraction digits of an FX rate: the same scale as services/fx (rate.ts). */
export const fxRateScale = 8;
/** Largest rate the core accepts: 10^7 quote per base (services/fx rateUnitsMax). */
export const fxRateUnitsMax = 10n ** 15n;
export const conversionIdLengthMax = 128;

export type FxSide = FxConvertCommand['side'];

function divideRounding(numerator: bigint, denominator: bigint, up: boolean): bigint {
  const quotient = numerator / denominator;
  return up && quotient * denominator !== numerator ? quotient + 1n : quotient;
}

/**
 * The quote amount for `baseUnits` of base at `rateUnits`: up when the customer pays it (buy),
 * down when the customer receives it (sell). Exact when baseScale + the rate's digits <= quoteScale
 * (USD at 2 decimals x a 4-digit USD/TRY rate = TRY at 6 decimals: no rounding at all).
 */
export function fxQuoteUnits(side: FxSide, baseUnits: bigint, rateUnits: bigint, baseScale: number,
  quoteScale: number): bigint {
  const numerator = baseUnits * rateUnits * pow10(quoteScale);
  const denominator = pow10(fxRateScale + baseScale);
  return divideRounding(numerator, denominator, side === 'buy');
}

/**
 * The base amount a named quote amount stands for: the most base it buys (buy, down) or the least
 * base that fetches at least that much quote (sell, up). Zero when the amount is too small.
 */
export function fxBaseUnitsForQuote(side: FxSide, quoteUnits: bigint, rateUnits: bigint, baseScale: number,
  quoteScale: number): bigint {
  const numerator = quoteUnits * pow10(fxRateScale + baseScale);
  const denominator = rateUnits * pow10(quoteScale);
  return divideRounding(numerator, denominator, side === 'sell');
}

/** Everything that makes a conversion what it is; a reused id must carry the same. */
function fingerprintOf(command: FxConvertCommand): string {
  return [command.ownerId, command.baseAssetCode, command.quoteAssetCode, command.side, command.rateUnits,
    command.baseAmountUnits, command.quoteAmountUnits].join('|');
}

/** The receive posting's id is the pay posting's next id on this shard (ids advance by the shard count). */
function replyOf(command: FxConvertCommand, payPostingId: number, stride: number): Record<string, unknown> {
  return {
    conversionId: command.conversionId, payPostingId, receivePostingId: payPostingId + stride,
    baseAmountUnits: command.baseAmountUnits, quoteAmountUnits: command.quoteAmountUnits,
  };
}

function isWellTyped(command: FxConvertCommand): boolean {
  return typeof command.conversionId === 'string' && typeof command.rateUnits === 'bigint' &&
    typeof command.baseAmountUnits === 'bigint' && typeof command.quoteAmountUnits === 'bigint' &&
    typeof command.baseAssetCode === 'string' && typeof command.quoteAssetCode === 'string' &&
    (command.side === 'buy' || command.side === 'sell');
}

/** Checks in this order: shape, retry, owner, assets, rate, amounts, derived amount, funds. */
export function convertCurrency(state: ExchangeState, command: FxConvertCommand): CommandResult {
  if (!isWellTyped(command) || command.conversionId.length === 0 ||
    command.conversionId.length > conversionIdLengthMax) return refuse('REQUEST_VALIDATION_FAILED');
  const fingerprint = fingerprintOf(command);
  const existing = state.conversionIds.get(command.conversionId);
  if (existing !== undefined) {
    if (existing.fingerprint !== fingerprint) return refuse('REQUEST_IDEMPOTENCY_CONFLICT');
    return { code: 'OK', events: [], reply: { ...replyOf(command, existing.payPostingId, state.shardCount), duplicate: true },
      unchanged: true };
  }
  // Conversions are for customers; system accounts move money with ledger.transfer.
  if (!Number.isSafeInteger(command.ownerId) || command.ownerId < 1) return refuse('LEDGER_ACCOUNT_UNKNOWN');
  const base = state.assetByCode.get(command.baseAssetCode);
  const quote = state.assetByCode.get(command.quoteAssetCode);
  if (base === undefined || quote === undefined) return refuse('ASSET_UNKNOWN');
  if (base === quote) return refuse('REQUEST_VALIDATION_FAILED');
  if (command.rateUnits <= 0n || command.rateUnits > fxRateUnitsMax) return refuse('FX_CONVERSION_RATE_INVALID');
  if (command.baseAmountUnits <= 0n || command.quoteAmountUnits <= 0n) return refuse('LEDGER_AMOUNT_INVALID');
  const derived = fxQuoteUnits(command.side, command.baseAmountUnits, command.rateUnits, base.scale, quote.scale);
  if (derived !== command.quoteAmountUnits) return refuse('FX_CONVERSION_AMOUNT_MISMATCH');
  const buying = command.side === 'buy';
  const pay: LedgerLeg = { debitOwnerId: command.ownerId, creditOwnerId: SystemOwner.Liquidity,
    assetId: buying ? quote.assetId : base.assetId,
    amountUnits: buying ? command.quoteAmountUnits : command.baseAmountUnits };
  const receive: LedgerLeg = { debitOwnerId: SystemOwner.Liquidity, creditOwnerId: command.ownerId,
    assetId: buying ? base.assetId : quote.assetId,
    amountUnits: buying ? command.baseAmountUnits : command.quoteAmountUnits };
  const payApplication = [{ leg: pay, fromHeld: false }];
  const receiveApplication = [{ leg: receive, fromHeld: false }];
  // Both postings are checked as one before either is applied: all or nothing.
  const check = state.ledger.checkPosting([...payApplication, ...receiveApplication]);
  if (check === 'limit') return refuse('LEDGER_BALANCE_LIMIT');
  if (check !== 'ok') return refuse('LEDGER_INSUFFICIENT_FUNDS');
  state.ledger.post(payApplication);
  state.ledger.post(receiveApplication);
  const payPostingId = takeId(state, 'nextPostingId');
  const receivePostingId = takeId(state, 'nextPostingId');
  remember(state, command.conversionId, { fingerprint, payPostingId });
  return {
    code: 'OK',
    events: [
      { type: 'ledger.posted', postingId: payPostingId, reference: `fx:${command.conversionId}:pay`, legs: [pay] },
      { type: 'ledger.posted', postingId: receivePostingId, reference: `fx:${command.conversionId}:receive`,
        legs: [receive] },
    ],
    reply: replyOf(command, payPostingId, state.shardCount),
  };
}

function remember(state: ExchangeState, conversionId: string, entry: { fingerprint: string; payPostingId: number }): void {
  state.conversionIds.set(conversionId, entry);
  if (state.conversionIds.size > conversionIdsRetainedMax) {
    state.conversionIds.deleteOldest();
  }
}
