import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '@parite/kernel';
import {
  ExchangeCore, SystemOwner, defaultAssets, defaultMarkets, demoReferencePrices, type ExchangeCommand,
} from '@parite/exchange/domain';
import { SelfTradePrevention, Side, TimeInForce } from '@parite/matching';
import { EventBook } from '../src/domain/event-book.ts';

interface Level {
  priceTicks: number;
  quantityLots: number;
}

const owners = [1001, 1002, 1003];
const symbol = 'BTC/TRY';
const tick = 1_000_000n;
const lot = 1_000n;

function setup(core: ExchangeCore): void {
  let timestamp = 1;
  const commands: ExchangeCommand[] = [...defaultAssets, ...defaultMarkets,
    { kind: 'market.reference-price', symbol, priceUnits: demoReferencePrices[symbol] ?? 0n }];
  for (const ownerId of owners) {
    for (const [assetCode, amountUnits] of [['TRY', 10n ** 17n], ['BTC', 10n ** 12n]] as const) {
      commands.push({ kind: 'ledger.transfer', transferId: `f-${ownerId}-${assetCode}`,
        debitOwnerId: SystemOwner.External, creditOwnerId: ownerId, assetCode, amountUnits, reason: 'test' });
    }
  }
  for (const command of commands) assert.equal(core.execute(command, timestamp++).code, 'OK');
}

function randomCommand(prng: Prng, core: ExchangeCore, index: number): ExchangeCommand {
  const reference = (demoReferencePrices[symbol] ?? 0n) / tick;
  const ownerId = prng.pick(owners);
  const open = [...core.state.orders.values()].filter((record) => record.view.ownerId === ownerId);
  const roll = prng.nextUnit();
  if (roll < 0.2 && open.length > 0) {
    return { kind: 'order.cancel', ownerId, symbol, orderId: prng.pick(open).view.orderId, clientOrderId: undefined };
  }
  if (roll < 0.35 && open.length > 0) {
    return { kind: 'order.amend', ownerId, symbol, orderId: prng.pick(open).view.orderId,
      priceUnits: prng.nextUnit() < 0.5 ? (reference + BigInt(prng.nextIntegerInclusive(-8, 8))) * tick : undefined,
      quantityUnits: prng.nextUnit() < 0.7 ? BigInt(prng.nextIntegerInclusive(1, 60)) * lot : undefined };
  }
  const timeInForce = prng.pick([TimeInForce.GoodTillCancelled, TimeInForce.GoodTillCancelled,
    TimeInForce.ImmediateOrCancel, TimeInForce.FillOrKill]);
  return {
    kind: 'order.place', ownerId, symbol, clientOrderId: `c${index}`, side: prng.nextUnit() < 0.5 ? Side.Buy : Side.Sell,
    type: 'limit', timeInForce, postOnly: timeInForce === TimeInForce.GoodTillCancelled && prng.nextUnit() < 0.2,
    priceUnits: (reference + BigInt(prng.nextIntegerInclusive(-8, 8))) * tick,
    quantityUnits: BigInt(prng.nextIntegerInclusive(1, 60)) * lot,
    selfTradePrevention: prng.pick([SelfTradePrevention.None, SelfTradePrevention.CancelNewest,
      SelfTradePrevention.CancelOldest, SelfTradePrevention.CancelBoth, SelfTradePrevention.Decrement]),
  };
}

for (const seed of [1, 2, 3, 4]) {
  test(`the event-folded book equals the engine's book after every command (seed ${seed})`, () => {
    const core = new ExchangeCore({ checkInvariants: true });
    setup(core);
    const market = core.state.marketBySymbol.get(symbol);
    assert.ok(market !== undefined);
    // Seeded from the live book part-way, as a feed first seen mid-stream is.
    let book: EventBook | undefined;
    const prng = new Prng(seed);
    let trades = 0;
    for (let index = 0; index < 3_000; index++) {
      if (index === 300) book = EventBook.from(market.book);
      const result = core.execute(randomCommand(prng, core, index), 1_000 + index);
      trades += result.events.filter((event) => event.type === 'trade.executed').length;
      if (book === undefined) continue;
      for (const event of result.events) book.apply(event);
      const expected: { bids: readonly Level[]; asks: readonly Level[] } = market.book.depth(50);
      const actual = book.depth(50);
      assert.deepEqual(actual.bids, expected.bids.map(({ priceTicks, quantityLots }) => ({ priceTicks, quantityLots })),
        `seed ${seed} command ${index} bids`);
      assert.deepEqual(actual.asks, expected.asks.map(({ priceTicks, quantityLots }) => ({ priceTicks, quantityLots })),
        `seed ${seed} command ${index} asks`);
    }
    assert.ok(trades > 200, `the workload trades (${trades})`);
  });
}
