// A seeded random workload over the full core: orders of every kind, cancels, amends, cancel-alls
// and transfers, from a handful of users on every default market, so collisions happen often.
import { Prng } from '@parite/kernel';
import { defaultAssets, demoReferencePrices, defaultMarkets, SystemOwner, type ExchangeCommand } from '../src/domain/index.ts';
import { SelfTradePrevention, Side, TimeInForce } from '@parite/matching';

const owners = [1001, 1002, 1003, 1004, 1005];

/** The catalogue, reference prices and funded users: what every engine-level test starts from. */
export function setupCommands(): ExchangeCommand[] {
  return [...defaultAssets, ...defaultMarkets,
    ...Object.entries(demoReferencePrices).map(([symbol, priceUnits]): ExchangeCommand =>
      ({ kind: 'market.reference-price', symbol, priceUnits })),
    ...fundingCommands()];
}

export function fundingCommands(): ExchangeCommand[] {
  const commands: ExchangeCommand[] = [];
  for (const ownerId of owners) {
    for (const [assetCode, amountUnits] of [['TRY', 10n ** 16n], ['BTC', 10n ** 10n], ['ETH', 10n ** 11n],
      ['USDT', 10n ** 13n]] as const) {
      commands.push({ kind: 'ledger.transfer', transferId: `seed-${ownerId}-${assetCode}`,
        debitOwnerId: SystemOwner.External, creditOwnerId: ownerId, assetCode, amountUnits, reason: 'seed' });
    }
  }
  return commands;
}

export function randomCommand(prng: Prng, sequence: number, openOrderIds: () => number[]): ExchangeCommand {
  const market = prng.pick(defaultMarkets);
  const symbol = market.symbol;
  const tick = market.parameters.tickSizeUnits;
  const lot = market.parameters.lotSizeUnits;
  const reference = (demoReferencePrices[symbol] ?? tick * 1000n) / tick;
  const ownerId = prng.pick(owners);
  const roll = prng.nextUnit();
  const openIds = openOrderIds();
  if (roll < 0.2 && openIds.length > 0) {
    return { kind: 'order.cancel', ownerId, symbol, orderId: prng.pick(openIds), clientOrderId: undefined };
  }
  if (roll < 0.3 && openIds.length > 0) {
    return { kind: 'order.amend', ownerId, symbol, orderId: prng.pick(openIds),
      priceUnits: prng.nextUnit() < 0.5 ? (reference + BigInt(prng.nextIntegerInclusive(-30, 30))) * tick : undefined,
      quantityUnits: prng.nextUnit() < 0.6 ? BigInt(prng.nextIntegerInclusive(1, 400)) * lot : undefined };
  }
  if (roll < 0.32) return { kind: 'order.cancel-all', ownerId, symbol: prng.nextUnit() < 0.5 ? symbol : undefined };
  if (roll < 0.35) {
    return { kind: 'ledger.transfer', transferId: `t-${sequence}`, debitOwnerId: ownerId,
      creditOwnerId: prng.pick(owners), assetCode: prng.pick(['TRY', 'BTC', 'ETH', 'USDT']),
      amountUnits: BigInt(prng.nextIntegerInclusive(1, 1_000_000)), reason: 'random' };
  }
  const side = prng.nextUnit() < 0.5 ? Side.Buy : Side.Sell;
  const isMarket = roll > 0.97;
  const timeInForce = isMarket ? prng.pick([TimeInForce.ImmediateOrCancel, TimeInForce.FillOrKill])
    : prng.pick([TimeInForce.GoodTillCancelled, TimeInForce.GoodTillCancelled, TimeInForce.ImmediateOrCancel,
      TimeInForce.FillOrKill]);
  const offset = BigInt(prng.nextIntegerInclusive(-25, 25));
  return {
    kind: 'order.place', ownerId, symbol, clientOrderId: `o-${sequence % 5000}`, side,
    type: isMarket ? 'market' : 'limit', timeInForce,
    postOnly: !isMarket && timeInForce === TimeInForce.GoodTillCancelled && prng.nextUnit() < 0.15,
    priceUnits: isMarket ? undefined : (reference + offset) * tick,
    quantityUnits: BigInt(prng.nextIntegerInclusive(1, 300)) * lot,
    selfTradePrevention: prng.pick([SelfTradePrevention.None, SelfTradePrevention.CancelNewest,
      SelfTradePrevention.CancelOldest, SelfTradePrevention.CancelBoth, SelfTradePrevention.Decrement]),
  };
}
