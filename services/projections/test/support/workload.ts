// A seeded workload over the real exchange core: the default catalogue, funded users, then orders
// of every kind, cancels, amends (re-pricing and cuts), cancel-alls, transfers, a fee-tier change
// and a market parameter change, from a few users on every market so they trade with each other
// (and with themselves: self-trade prevention of every mode, including none).

import { Prng } from '@parite/kernel';
import {
  defaultAssets, defaultMarkets, demoReferencePrices, SystemOwner, type ExchangeCommand, type ExchangeState,
} from '@parite/exchange/domain';
import { SelfTradePrevention, Side, TimeInForce } from '@parite/matching';

export const workloadOwners = [1001, 1002, 1003, 1004];
const assetCodes = ['TRY', 'BTC', 'ETH', 'USDT'] as const;

export function setupCommands(): ExchangeCommand[] {
  const references: ExchangeCommand[] = Object.entries(demoReferencePrices).map(([symbol, priceUnits]) => ({
    kind: 'market.reference-price', symbol, priceUnits }));
  const funding: ExchangeCommand[] = [];
  for (const ownerId of workloadOwners) {
    for (const [assetCode, amountUnits] of [['TRY', 10n ** 16n], ['BTC', 10n ** 10n], ['ETH', 10n ** 11n],
      ['USDT', 10n ** 13n]] as const) {
      funding.push({ kind: 'ledger.transfer', transferId: `seed-${ownerId}-${assetCode}`,
        debitOwnerId: SystemOwner.External, creditOwnerId: ownerId, assetCode, amountUnits, reason: 'deposit' });
    }
  }
  return [...defaultAssets, ...defaultMarkets, ...references, ...funding];
}

/** One random command; cancels and amends target orders that are open in `state`. */
export function randomCommand(prng: Prng, index: number, state: ExchangeState): ExchangeCommand {
  const market = prng.pick(defaultMarkets);
  const symbol = market.symbol;
  const tick = market.parameters.tickSizeUnits;
  const lot = market.parameters.lotSizeUnits;
  const reference = (demoReferencePrices[symbol] ?? tick * 1000n) / tick;
  const ownerId = prng.pick(workloadOwners);
  const open = [...state.orders.values()].filter((record) => record.view.symbol === symbol).slice(-40);
  const roll = prng.nextUnit();
  if (roll < 0.15 && open.length > 0) {
    const target = prng.pick(open).view;
    return { kind: 'order.cancel', ownerId: target.ownerId, symbol, orderId: target.orderId, clientOrderId: undefined };
  }
  if (roll < 0.27 && open.length > 0) {
    const target = prng.pick(open).view;
    return { kind: 'order.amend', ownerId: target.ownerId, symbol, orderId: target.orderId,
      priceUnits: prng.nextUnit() < 0.5 ? (reference + BigInt(prng.nextIntegerInclusive(-20, 20))) * tick : undefined,
      quantityUnits: BigInt(prng.nextIntegerInclusive(1, 200)) * lot };
  }
  if (roll < 0.29) return { kind: 'order.cancel-all', ownerId, symbol: prng.nextUnit() < 0.5 ? symbol : undefined };
  if (roll < 0.32) {
    return { kind: 'ledger.transfer', transferId: `t-${index}`, debitOwnerId: ownerId,
      creditOwnerId: prng.pick([...workloadOwners, SystemOwner.External]), assetCode: prng.pick(assetCodes),
      amountUnits: BigInt(prng.nextIntegerInclusive(1, 1_000_000)), reason: 'random transfer' };
  }
  return placeCommand(prng, index, ownerId, symbol, reference, tick, lot, roll > 0.96);
}

function placeCommand(prng: Prng, index: number, ownerId: number, symbol: string, reference: bigint, tick: bigint,
  lot: bigint, isMarket: boolean): ExchangeCommand {
  const timeInForce = isMarket ? prng.pick([TimeInForce.ImmediateOrCancel, TimeInForce.FillOrKill])
    : prng.pick([TimeInForce.GoodTillCancelled, TimeInForce.GoodTillCancelled, TimeInForce.ImmediateOrCancel,
      TimeInForce.FillOrKill]);
  return {
    kind: 'order.place', ownerId, symbol, clientOrderId: `o-${index}`,
    side: prng.nextUnit() < 0.5 ? Side.Buy : Side.Sell, type: isMarket ? 'market' : 'limit', timeInForce,
    postOnly: !isMarket && timeInForce === TimeInForce.GoodTillCancelled && prng.nextUnit() < 0.1,
    priceUnits: isMarket ? undefined : (reference + BigInt(prng.nextIntegerInclusive(-20, 20))) * tick,
    quantityUnits: BigInt(prng.nextIntegerInclusive(1, 200)) * lot,
    selfTradePrevention: prng.pick([SelfTradePrevention.None, SelfTradePrevention.CancelNewest,
      SelfTradePrevention.CancelOldest, SelfTradePrevention.CancelBoth, SelfTradePrevention.Decrement]),
  };
}

/** Rare admin commands mixed in at fixed points, so every event type appears in a run. */
export function adminCommand(index: number): ExchangeCommand | undefined {
  if (index % 97 === 0) {
    return { kind: 'user.set', ownerId: workloadOwners[index % workloadOwners.length] ?? 1001, feeTier: index % 3 };
  }
  if (index % 151 === 0) {
    return { kind: 'market.update', symbol: 'ETH/USDT', parameters: { openOrdersPerUserMax: 500 + (index % 7) } };
  }
  return undefined;
}
