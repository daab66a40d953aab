// Commands that shape the exchange rather than trade on it: assets, markets (created and changed at
// runtime, no restart), reference prices, user fee tiers, and ledger transfers.

import { createOrderBook } from '@parite/matching';
import { assetsMax, marketsMax, priceToTicks, quotePerLotTick, validateAssetCode, validateMarketParameters,
  validateSymbol } from './markets.ts';
import { refuse } from './order-place.ts';
import { takeId, transferIdsRetainedMax, type ExchangeState, type MarketState } from './state.ts';
import type {
  AssetCreateCommand, CommandResult, LedgerLeg, MarketCreateCommand, MarketParameters, MarketSpec, MarketUpdateCommand,
  ReferencePriceSetCommand, TransferCommand, UserSetCommand,
} from './types.ts';

export const assetScaleMax = 18;
export const transferIdLengthMax = 128;

export function createAsset(state: ExchangeState, command: AssetCreateCommand): CommandResult {
  if (!validateAssetCode(command.code)) return refuse('REQUEST_VALIDATION_FAILED');
  if (!Number.isSafeInteger(command.scale) || command.scale < 0 || command.scale > assetScaleMax) {
    return refuse('REQUEST_VALIDATION_FAILED');
  }
  const existing = state.assetByCode.get(command.code);
  if (existing !== undefined) return { code: 'OK', events: [], reply: { assetId: existing.assetId, existing: true }, unchanged: true };
  if (state.assets.size >= assetsMax) return refuse('REQUEST_VALIDATION_FAILED');
  const asset = { assetId: state.nextAssetId++, code: command.code, scale: command.scale };
  state.assets.set(asset.assetId, asset);
  state.assetByCode.set(asset.code, asset);
  return { code: 'OK', events: [{ type: 'asset.created', asset: { ...asset } }], reply: { assetId: asset.assetId } };
}

export function createMarket(state: ExchangeState, command: MarketCreateCommand): CommandResult {
  if (!validateSymbol(command.symbol)) return refuse('MARKET_INVALID_PARAMETERS');
  const base = state.assetByCode.get(command.baseAssetCode);
  const quote = state.assetByCode.get(command.quoteAssetCode);
  if (base === undefined || quote === undefined) return refuse('ASSET_UNKNOWN');
  if (base === quote || command.symbol !== `${base.code}/${quote.code}`) return refuse('MARKET_INVALID_PARAMETERS');
  if (state.marketBySymbol.has(command.symbol)) return refuse('MARKET_ALREADY_EXISTS');
  if (state.markets.size >= marketsMax) return refuse('MARKET_INVALID_PARAMETERS');
  const invalid = validateMarketParameters(base, command.parameters);
  if (invalid !== undefined) return refuse(invalid);
  const spec: MarketSpec = {
    ...copyParameters(command.parameters), marketId: takeId(state, 'nextMarketId'), symbol: command.symbol,
    baseAssetId: base.assetId, quoteAssetId: quote.assetId, version: 1,
  };
  const market: MarketState = {
    spec, base, quote, quotePerLotTickUnits: quotePerLotTick(base, spec) ?? 0n,
    book: createOrderBook(state.bookKind), lastTradeTicks: undefined, referenceTicks: undefined,
  };
  state.markets.set(spec.marketId, market);
  state.marketBySymbol.set(spec.symbol, market);
  return { code: 'OK', events: [{ type: 'market.created', market: copySpec(spec) }], reply: { marketId: spec.marketId } };
}

export function updateMarket(state: ExchangeState, command: MarketUpdateCommand): CommandResult {
  const market = state.marketBySymbol.get(command.symbol);
  if (market === undefined) return refuse('MARKET_UNKNOWN');
  const merged: MarketParameters = { ...copyParameters(market.spec), ...definedOnly(command.parameters) };
  const invalid = validateMarketParameters(market.base, merged);
  if (invalid !== undefined) return refuse(invalid);
  const gridChanged = merged.tickSizeUnits !== market.spec.tickSizeUnits ||
    merged.lotSizeUnits !== market.spec.lotSizeUnits;
  // Resting orders are priced in ticks and sized in lots; changing the grid under them would reprice them.
  if (gridChanged && market.book.orderCount() > 0) return refuse('MARKET_INVALID_PARAMETERS');
  Object.assign(market.spec, merged);
  market.spec.version++;
  if (gridChanged) {
    market.quotePerLotTickUnits = quotePerLotTick(market.base, merged) ?? 0n;
    market.lastTradeTicks = undefined;
    market.referenceTicks = undefined;
  }
  return { code: 'OK', events: [{ type: 'market.updated', market: copySpec(market.spec) }] };
}

export function setReferencePrice(state: ExchangeState, command: ReferencePriceSetCommand): CommandResult {
  const market = state.marketBySymbol.get(command.symbol);
  if (market === undefined) return refuse('MARKET_UNKNOWN');
  const priceTicks = priceToTicks(market, command.priceUnits);
  if (priceTicks === undefined) return refuse('ORDER_PRICE_NOT_ON_TICK');
  market.referenceTicks = priceTicks;
  return { code: 'OK', events: [{ type: 'market.reference-price-set', marketId: market.spec.marketId, priceTicks }] };
}

export function setUser(state: ExchangeState, command: UserSetCommand): CommandResult {
  if (!Number.isSafeInteger(command.ownerId) || command.ownerId < 1) return refuse('USER_UNKNOWN');
  if (!Number.isSafeInteger(command.feeTier) || command.feeTier < 0 || command.feeTier > 15) {
    return refuse('REQUEST_VALIDATION_FAILED');
  }
  state.user(command.ownerId).feeTier = command.feeTier;
  return { code: 'OK', events: [{ type: 'user.updated', ownerId: command.ownerId, feeTier: command.feeTier }] };
}

/** Idempotent by transferId: a retry returns the first result and moves nothing. */
export function transfer(state: ExchangeState, command: TransferCommand): CommandResult {
  if (command.transferId.length === 0 || command.transferId.length > transferIdLengthMax) {
    return refuse('REQUEST_VALIDATION_FAILED');
  }
  const existing = state.transferIds.get(command.transferId);
  if (existing !== undefined) return { code: 'OK', events: [], reply: { postingId: existing, duplicate: true }, unchanged: true };
  const asset = state.assetByCode.get(command.assetCode);
  if (asset === undefined) return refuse('ASSET_UNKNOWN');
  if (command.amountUnits <= 0n) return refuse('LEDGER_AMOUNT_INVALID');
  if (!Number.isSafeInteger(command.debitOwnerId) || !Number.isSafeInteger(command.creditOwnerId) ||
    command.debitOwnerId === command.creditOwnerId) return refuse('LEDGER_ACCOUNT_UNKNOWN');
  const leg = { debitOwnerId: command.debitOwnerId, creditOwnerId: command.creditOwnerId, assetId: asset.assetId,
    amountUnits: command.amountUnits };
  return postTransferLeg(state, command.transferId, leg, `transfer:${command.transferId}`);
}

/**
 * One leg moved between two accounts and remembered under its transfer id (idempotency): shared by
 * ledger transfers and the steps of cross-shard moves (shards.ts).
 */
export function postTransferLeg(state: ExchangeState, transferId: string, leg: LedgerLeg, reference: string): CommandResult {
  const applications = [{ leg, fromHeld: false }];
  const check = state.ledger.checkPosting(applications);
  if (check === 'limit') return refuse('LEDGER_BALANCE_LIMIT');
  if (check !== 'ok') return refuse('LEDGER_INSUFFICIENT_FUNDS');
  state.ledger.post(applications);
  const postingId = takeId(state, 'nextPostingId');
  state.transferIds.set(transferId, postingId);
  if (state.transferIds.size > transferIdsRetainedMax) {
    state.transferIds.deleteOldest();
  }
  return { code: 'OK', events: [{ type: 'ledger.posted', postingId, reference, legs: [leg] }], reply: { postingId } };
}

function definedOnly(parameters: Partial<MarketParameters>): Partial<MarketParameters> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parameters)) if (value !== undefined) result[key] = value;
  return result as Partial<MarketParameters>;
}

function copyParameters(source: MarketParameters): MarketParameters {
  return {
    tickSizeUnits: source.tickSizeUnits, lotSizeUnits: source.lotSizeUnits, quantityMinLots: source.quantityMinLots,
    quantityMaxLots: source.quantityMaxLots, notionalMinUnits: source.notionalMinUnits,
    priceBandPpm: source.priceBandPpm, marketSlippageMaxPpm: source.marketSlippageMaxPpm, status: source.status,
    feeTiers: source.feeTiers.map((tier) => ({ ...tier })), openOrdersPerUserMax: source.openOrdersPerUserMax,
  };
}

export function copySpec(spec: MarketSpec): MarketSpec {
  return { ...spec, ...copyParameters(spec) };
}
