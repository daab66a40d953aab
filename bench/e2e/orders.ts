// The order flow of the end-to-end benchmark: limit orders around each market's reference price on
// both sides (so a share of them trade), and a cancel of the oldest open order whenever a client
// holds too many, keeping the book and the open-order limits bounded.

import { formatDecimal, Prng } from '@parite/kernel';
import { defaultAssets, defaultMarkets, demoReferencePrices } from '@parite/exchange';

export interface OrderRequest {
  symbol: string;
  side: 'buy' | 'sell';
  type: 'limit';
  price: string;
  quantity: string;
}

const scales = new Map(defaultAssets.map((asset) => [asset.code, asset.scale]));

export class OrderFlow {
  private readonly prng: Prng;
  /** Open orders a client keeps before it cancels the oldest. */
  static readonly openOrdersMax = 200;

  constructor(seed: number) {
    this.prng = new Prng(seed);
  }

  next(): OrderRequest {
    const market = this.prng.pick(defaultMarkets);
    const tick = market.parameters.tickSizeUnits;
    const lot = market.parameters.lotSizeUnits;
    const reference = (demoReferencePrices[market.symbol] ?? tick * 1000n) / tick;
    const side = this.prng.nextUnit() < 0.5 ? 'buy' : 'sell';
    // Mostly resting a few ticks away, sometimes through the touch so trades happen.
    const offset = BigInt(this.prng.nextIntegerInclusive(-3, 40));
    const priceTicks = side === 'buy' ? reference - offset : reference + offset;
    // At least twice the market's minimum order value, so no order is refused for being too small.
    const quotePerLotTick = (tick * lot) / 10n ** BigInt(scales.get(market.baseAssetCode) ?? 0);
    const lotsMin = (market.parameters.notionalMinUnits * 2n) / (priceTicks * quotePerLotTick) + 1n;
    const lots = BigInt(this.prng.nextIntegerInclusive(1, 20)) * 10n + lotsMin;
    return {
      symbol: market.symbol.replace('/', '-'), side, type: 'limit',
      price: formatDecimal(priceTicks * tick, scales.get(market.quoteAssetCode) ?? 0),
      quantity: formatDecimal(lots * lot, scales.get(market.baseAssetCode) ?? 0),
    };
  }
}

export function percentile(sortedMs: readonly number[], fraction: number): number {
  if (sortedMs.length === 0) return 0;
  const index = Math.min(sortedMs.length - 1, Math.floor(fraction * sortedMs.length));
  return Math.round((sortedMs[index] ?? 0) * 1000) / 1000;
}
