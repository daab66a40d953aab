// Ticks, lots and minor units -> decimal strings, with @parite/kernel's exact formatter. A price is
// `priceTicks x tickSizeUnits` quote minor units per one whole base unit, shown at the quote scale;
// a quantity is `quantityLots x lotSizeUnits` base minor units, shown at the base scale.
import { formatDecimal } from '@parite/kernel';
import { Side } from '@parite/matching';
import type { AssetSpec, MarketSpec } from '@parite/exchange/domain';
import { publicSymbol } from './symbols.ts';
import type { PublicTrade, TradeRecord } from './types.ts';

export interface MarketFormat {
  readonly symbol: string;
  readonly quoteScale: number;
  readonly baseScale: number;
  readonly tickSizeUnits: bigint;
  readonly lotSizeUnits: bigint;
}

export function marketFormat(spec: MarketSpec, base: AssetSpec, quote: AssetSpec): MarketFormat {
  return {
    symbol: publicSymbol(spec.symbol),
    quoteScale: quote.scale,
    baseScale: base.scale,
    tickSizeUnits: spec.tickSizeUnits,
    lotSizeUnits: spec.lotSizeUnits,
  };
}

export function priceUnitsOf(format: MarketFormat, priceTicks: number): bigint {
  return BigInt(priceTicks) * format.tickSizeUnits;
}

export function priceText(format: MarketFormat, priceUnits: bigint): string {
  return formatDecimal(priceUnits, format.quoteScale);
}

export function quoteText(format: MarketFormat, quoteUnits: bigint): string {
  return formatDecimal(quoteUnits, format.quoteScale);
}

export function baseText(format: MarketFormat, baseUnits: bigint): string {
  return formatDecimal(baseUnits, format.baseScale);
}

export function priceTicksText(format: MarketFormat, priceTicks: number): string {
  return priceText(format, priceUnitsOf(format, priceTicks));
}

export function quantityLotsText(format: MarketFormat, quantityLots: number): string {
  return baseText(format, BigInt(quantityLots) * format.lotSizeUnits);
}

export function publicTrade(format: MarketFormat, trade: TradeRecord): PublicTrade {
  return {
    id: trade.tradeId,
    price: priceText(format, trade.priceUnits),
    quantity: baseText(format, trade.baseUnits),
    quoteQuantity: quoteText(format, trade.quoteUnits),
    takerSide: trade.takerSide === Side.Buy ? 'buy' : 'sell',
    timeMs: trade.timeMs,
  };
}

/** Parts per million as a fraction string: 1000 ppm -> "0.001". */
export function ppmText(ppm: number): string {
  return formatDecimal(BigInt(ppm), 6);
}
