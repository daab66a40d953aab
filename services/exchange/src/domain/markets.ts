// Assets and markets: parameter validation and the integer arithmetic that ties ticks and lots to
// minor units. A market is only valid when one lot at one tick is a whole number of quote minor
// units, so every notional is exact and no trade ever needs rounding.

import { pow10 } from '@parite/kernel';
import type { ErrorCode } from '@parite/contracts';
import type { AssetSpec, MarketParameters, MarketSpec } from './types.ts';

export const marketsMax = 512;
export const assetsMax = 256;
export const feeTiersMax = 16;
/** Fee rates above 10 % are refused as a fat-finger on the fee table. */
export const feePpmMax = 100_000;
/** Book prices and quantities must stay safe integers; these bound them well inside. */
export const priceTicksMax = 2 ** 45;
export const quantityLotsMax = 2 ** 45;

export interface MarketRuntime {
  spec: MarketSpec;
  base: AssetSpec;
  quote: AssetSpec;
  /** Quote minor units that one lot costs at one tick. */
  quotePerLotTickUnits: bigint;
}

const symbolPattern = /^[A-Z0-9]{2,12}\/[A-Z0-9]{2,12}$/;
const assetCodePattern = /^[A-Z0-9]{2,12}$/;

export function validateAssetCode(code: string): boolean {
  return assetCodePattern.test(code);
}

export function validateSymbol(symbol: string): boolean {
  return symbolPattern.test(symbol);
}

export function quotePerLotTick(base: AssetSpec, parameters: MarketParameters): bigint | undefined {
  const product = parameters.tickSizeUnits * parameters.lotSizeUnits;
  const divisor = pow10(base.scale);
  if (product % divisor !== 0n) return undefined;
  return product / divisor;
}

export function validateMarketParameters(base: AssetSpec, parameters: MarketParameters): ErrorCode | undefined {
  const p = parameters;
  if (p.tickSizeUnits <= 0n || p.lotSizeUnits <= 0n) return 'MARKET_INVALID_PARAMETERS';
  if (quotePerLotTick(base, p) === undefined) return 'MARKET_INVALID_PARAMETERS';
  if (!Number.isSafeInteger(p.quantityMinLots) || p.quantityMinLots < 1) return 'MARKET_INVALID_PARAMETERS';
  if (!Number.isSafeInteger(p.quantityMaxLots) || p.quantityMaxLots < p.quantityMinLots) return 'MARKET_INVALID_PARAMETERS';
  if (p.quantityMaxLots > quantityLotsMax) return 'MARKET_INVALID_PARAMETERS';
  if (p.notionalMinUnits < 0n) return 'MARKET_INVALID_PARAMETERS';
  if (!isPpm(p.priceBandPpm) || p.priceBandPpm < 1 || !isPpm(p.marketSlippageMaxPpm)) return 'MARKET_INVALID_PARAMETERS';
  if (p.feeTiers.length < 1 || p.feeTiers.length > feeTiersMax) return 'MARKET_INVALID_PARAMETERS';
  for (const tier of p.feeTiers) {
    if (!isPpm(tier.makerFeePpm) || !isPpm(tier.takerFeePpm)) return 'MARKET_INVALID_PARAMETERS';
    if (tier.makerFeePpm > feePpmMax || tier.takerFeePpm > feePpmMax) return 'MARKET_INVALID_PARAMETERS';
  }
  if (!Number.isSafeInteger(p.openOrdersPerUserMax) || p.openOrdersPerUserMax < 1) return 'MARKET_INVALID_PARAMETERS';
  if (p.status !== 'open' && p.status !== 'halted' && p.status !== 'cancel-only') return 'MARKET_INVALID_PARAMETERS';
  return undefined;
}

function isPpm(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0 && value < 1_000_000;
}

export function feeRateFor(spec: MarketSpec, feeTier: number): { makerFeePpm: number; takerFeePpm: number } {
  const tiers = spec.feeTiers;
  const rate = tiers[Math.min(feeTier, tiers.length - 1)];
  if (rate === undefined) throw new Error('market has no fee tiers');
  return rate;
}

/** Fee on a notional, rounded down: the customer never pays a fraction of a unit more than the rate. */
export function feeUnits(notionalUnits: bigint, feePpm: number): bigint {
  return (notionalUnits * BigInt(feePpm)) / 1_000_000n;
}

/** The most a fee can be on this notional, rounded up: holds use it, so a hold always covers the fees. */
export function feeUnitsCeiling(notionalUnits: bigint, feePpm: number): bigint {
  return (notionalUnits * BigInt(feePpm) + 999_999n) / 1_000_000n;
}

/** Converts a price in quote units to ticks; undefined when it is not on the tick grid. */
export function priceToTicks(runtime: MarketRuntime, priceUnits: bigint): number | undefined {
  const tick = runtime.spec.tickSizeUnits;
  if (priceUnits <= 0n || priceUnits % tick !== 0n) return undefined;
  const ticks = priceUnits / tick;
  if (ticks > BigInt(priceTicksMax)) return undefined;
  return Number(ticks);
}

export function quantityToLots(runtime: MarketRuntime, quantityUnits: bigint): number | undefined {
  const lot = runtime.spec.lotSizeUnits;
  if (quantityUnits <= 0n || quantityUnits % lot !== 0n) return undefined;
  const lots = quantityUnits / lot;
  if (lots > BigInt(quantityLotsMax)) return undefined;
  return Number(lots);
}

export function notionalUnits(runtime: MarketRuntime, priceTicks: number, quantityLots: number): bigint {
  return BigInt(priceTicks) * BigInt(quantityLots) * runtime.quotePerLotTickUnits;
}

export function baseUnits(runtime: MarketRuntime, quantityLots: number): bigint {
  return BigInt(quantityLots) * runtime.spec.lotSizeUnits;
}
