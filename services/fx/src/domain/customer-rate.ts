// From a mid and two margins to the customer's rates. The customer BUY rate (the customer buys the
// base currency and pays this much quote currency) is mid x (1 + buy margin), rounded UP to the
// pair's precision; the customer SELL rate is mid x (1 - sell margin), rounded DOWN. Each is one
// exact bigint division, so there is a single rounding and it always favours the bank.
// With clampToMarket the bank never quotes inside the interbank market it can trade on: the buy
// rate is at least the market ask and the sell rate at most the market bid (both on the grid).

import { assert } from '@parite/kernel';
import { ppmPerOne } from './limits.ts';
import { ceilDivide } from './rate-math.ts';

const ppm = BigInt(ppmPerOne);

export interface CustomerRateInput {
  readonly midUnits: bigint;
  readonly marketBidUnits: number;
  readonly marketAskUnits: number;
  readonly stepUnits: number;
  readonly clampToMarket: boolean;
}

export function customerBuyUnits(input: CustomerRateInput, buyMarginPpm: number): number {
  const step = BigInt(input.stepUnits);
  const steps = ceilDivide(input.midUnits * (ppm + BigInt(buyMarginPpm)), ppm * step);
  let buyUnits = Number(steps * step);
  if (input.clampToMarket) buyUnits = Math.max(buyUnits, roundUpToStep(input.marketAskUnits, input.stepUnits));
  return buyUnits;
}

export function customerSellUnits(input: CustomerRateInput, sellMarginPpm: number): number {
  assert(sellMarginPpm < ppmPerOne, 'a sell margin below 100 %');
  const step = BigInt(input.stepUnits);
  const steps = (input.midUnits * (ppm - BigInt(sellMarginPpm))) / (ppm * step);
  let sellUnits = Number(steps * step);
  if (input.clampToMarket) sellUnits = Math.min(sellUnits, roundDownToStep(input.marketBidUnits, input.stepUnits));
  return sellUnits;
}

/** Integer remainders, not float division: rates are positive safe integers. */
export function roundUpToStep(units: number, stepUnits: number): number {
  const remainder = units % stepUnits;
  return remainder === 0 ? units : units - remainder + stepUnits;
}

export function roundDownToStep(units: number, stepUnits: number): number {
  return units - (units % stepUnits);
}
