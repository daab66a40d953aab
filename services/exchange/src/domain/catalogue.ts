// The default assets and markets: the seed an installation starts from (all changeable at runtime).
//
// Ledger scales are chosen so that every market has an exact integer value for one lot at one
// tick: TRY and USDT keep 6 decimals internally, BTC and ETH 8 (ETH's 18 on-chain decimals are
// converted at the wallet edge). Displays round TRY to kuruş; the ledger never does.
//
// Customer FX currencies (fx-conversion.ts) keep their ISO 4217 minor unit: USD, EUR, GBP and CHF
// 2 decimals, so every balance is payable over SWIFT/EFT in whole cents, and a conversion that
// names a base amount against TRY is exact: 2 decimals x a 4-digit TRY rate = TRY's 6 decimals.
// XAU is the ISO troy ounce (the unit the FX engine quotes XAU/TRY in) at 8 decimals, about
// 0.3 micrograms, so one minor unit is worth well under a kuruş; grams are a display conversion
// (1 ozt = 31.1034768 g). A crypto market quoted in one of these would need a coarser grid.

import type { AssetCreateCommand, MarketCreateCommand, MarketParameters } from './types.ts';

export const defaultAssets: AssetCreateCommand[] = [
  { kind: 'asset.create', code: 'TRY', scale: 6 },
  { kind: 'asset.create', code: 'BTC', scale: 8 },
  { kind: 'asset.create', code: 'ETH', scale: 8 },
  { kind: 'asset.create', code: 'USDT', scale: 6 },
  ...fxCurrencies(),
];

/** The currencies customers hold and convert at FX rates (not traded on order books). */
export function fxCurrencies(): AssetCreateCommand[] {
  return [
    { kind: 'asset.create', code: 'USD', scale: 2 },
    { kind: 'asset.create', code: 'EUR', scale: 2 },
    { kind: 'asset.create', code: 'GBP', scale: 2 },
    { kind: 'asset.create', code: 'CHF', scale: 2 },
    { kind: 'asset.create', code: 'XAU', scale: 8 },
  ];
}

const commonParameters = {
  quantityMinLots: 1,
  priceBandPpm: 100_000,
  marketSlippageMaxPpm: 50_000,
  status: 'open',
  feeTiers: [
    { makerFeePpm: 1_000, takerFeePpm: 2_000 },
    { makerFeePpm: 500, takerFeePpm: 1_000 },
    { makerFeePpm: 0, takerFeePpm: 500 },
  ],
  openOrdersPerUserMax: 1_000,
} as const satisfies Partial<MarketParameters>;

function market(symbol: string, parameters: Omit<MarketParameters, keyof typeof commonParameters>): MarketCreateCommand {
  const [baseAssetCode = '', quoteAssetCode = ''] = symbol.split('/');
  return {
    kind: 'market.create', symbol, baseAssetCode, quoteAssetCode,
    parameters: { ...commonParameters, feeTiers: commonParameters.feeTiers.map((tier) => ({ ...tier })), ...parameters },
  };
}

export const defaultMarkets: MarketCreateCommand[] = [
  // 1 TRY tick, 0.00001 BTC lot, up to 100 BTC, at least 10 TRY.
  market('BTC/TRY', { tickSizeUnits: 1_000_000n, lotSizeUnits: 1_000n, quantityMaxLots: 10_000_000,
    notionalMinUnits: 10_000_000n }),
  // 0.1 TRY tick, 0.0001 ETH lot, up to 5,000 ETH, at least 10 TRY.
  market('ETH/TRY', { tickSizeUnits: 100_000n, lotSizeUnits: 10_000n, quantityMaxLots: 50_000_000,
    notionalMinUnits: 10_000_000n }),
  // 0.0001 TRY tick, 0.01 USDT lot, up to 10M USDT, at least 10 TRY.
  market('USDT/TRY', { tickSizeUnits: 100n, lotSizeUnits: 10_000n, quantityMaxLots: 1_000_000_000,
    notionalMinUnits: 10_000_000n }),
  // 0.1 USDT tick, 0.00001 BTC lot, at least 1 USDT.
  market('BTC/USDT', { tickSizeUnits: 100_000n, lotSizeUnits: 1_000n, quantityMaxLots: 10_000_000,
    notionalMinUnits: 1_000_000n }),
  // 0.01 USDT tick, 0.0001 ETH lot, at least 1 USDT.
  market('ETH/USDT', { tickSizeUnits: 10_000n, lotSizeUnits: 10_000n, quantityMaxLots: 50_000_000,
    notionalMinUnits: 1_000_000n }),
];

/** Demo reference prices in quote units per whole base unit. */
export const demoReferencePrices: Record<string, bigint> = {
  'BTC/TRY': 3_900_000_000_000n,
  'ETH/TRY': 130_000_000_000n,
  'USDT/TRY': 42_500_000n,
  'BTC/USDT': 92_000_000_000n,
  'ETH/USDT': 3_100_000_000n,
};
