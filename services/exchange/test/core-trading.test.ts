import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stateHash, SystemOwner } from '../src/domain/index.ts';
import { alice, bob, carol, Harness, limit, SelfTradePrevention, Side, TimeInForce } from './core-fixture.ts';

const price = 3_900_000_000_000n; // 3,900,000 TRY per BTC
const quantity = 1_000_000n; // 0.01 BTC
const notional = 39_000_000_000n; // 39,000 TRY

function funded(): Harness {
  const harness = new Harness();
  harness.fund(alice, 'BTC', 100_000_000n);
  harness.fund(bob, 'TRY', 1_000_000_000_000n);
  harness.fund(carol, 'TRY', 1_000_000_000_000n);
  harness.fund(carol, 'BTC', 100_000_000n);
  harness.ok({ kind: 'market.reference-price', symbol: 'BTC/TRY', priceUnits: price });
  return harness;
}

test('a resting buy holds notional plus the higher fee; cancel releases it all', () => {
  const harness = funded();
  const placed = harness.ok(limit(bob, 'BTC/TRY', Side.Buy, price, quantity));
  assert.deepEqual(harness.balance(bob, 'TRY'), { balance: 1_000_000_000_000n, held: notional + 78_000_000n });
  const orderId = placed.reply?.['orderId'] as number;
  harness.ok({ kind: 'order.cancel', ownerId: bob, symbol: 'BTC/TRY', orderId, clientOrderId: undefined });
  assert.deepEqual(harness.balance(bob, 'TRY'), { balance: 1_000_000_000_000n, held: 0n });
});

test('a trade settles buyer, seller and fees in one balanced posting', () => {
  const harness = funded();
  harness.ok(limit(alice, 'BTC/TRY', Side.Sell, price, quantity));
  const result = harness.ok(limit(bob, 'BTC/TRY', Side.Buy, price, quantity));
  const trade = result.events.find((event) => event.type === 'trade.executed');
  assert.ok(trade !== undefined && trade.type === 'trade.executed');
  assert.equal(trade.quoteUnits, notional);
  assert.equal(trade.makerFeeUnits, 39_000_000n);
  assert.equal(trade.takerFeeUnits, 78_000_000n);
  assert.deepEqual(harness.balance(bob, 'BTC'), { balance: quantity, held: 0n });
  assert.deepEqual(harness.balance(bob, 'TRY'), { balance: 1_000_000_000_000n - notional - 78_000_000n, held: 0n });
  assert.deepEqual(harness.balance(alice, 'TRY'), { balance: notional - 39_000_000n, held: 0n });
  assert.deepEqual(harness.balance(alice, 'BTC'), { balance: 100_000_000n - quantity, held: 0n });
  assert.deepEqual(harness.balance(SystemOwner.Fees, 'TRY'), { balance: 117_000_000n, held: 0n });
  const postings = result.events.filter((event) => event.type === 'ledger.posted');
  assert.equal(postings.length, 1);
  for (const sum of harness.core.state.ledger.sumByAsset().values()) assert.equal(sum, 0n);
});

test('a buy filled below its limit gets the difference back', () => {
  const harness = funded();
  harness.ok(limit(alice, 'BTC/TRY', Side.Sell, price, quantity));
  harness.ok(limit(bob, 'BTC/TRY', Side.Buy, price + 10_000_000_000n, quantity * 2n));
  const rested = harness.core.state.orders.values().next().value;
  assert.ok(rested !== undefined);
  const remainingNotional = (price + 10_000_000_000n) / 1_000_000n * 1_000n * 10n; // ticks x 1000 lots x 10 units
  assert.equal(harness.balance(bob, 'TRY').held, remainingNotional + remainingNotional * 2_000n / 1_000_000n);
});

function hashIgnoringClock(harness: Harness): string {
  const saved = harness.core.state.lastTimestampMs;
  harness.core.state.lastTimestampMs = 0;
  const hash = stateHash(harness.core.state);
  harness.core.state.lastTimestampMs = saved;
  return hash;
}

test('refusals return their code and change nothing', () => {
  const harness = funded();
  harness.ok(limit(alice, 'BTC/TRY', Side.Sell, price, quantity, { clientOrderId: 'resting-ask' }));
  const before = hashIgnoringClock(harness);
  const refusals: [Parameters<Harness['run']>[0], string][] = [
    [limit(bob, 'NOPE/TRY', Side.Buy, price, quantity), 'MARKET_UNKNOWN'],
    [limit(bob, 'BTC/TRY', Side.Buy, price + 1n, quantity), 'ORDER_PRICE_NOT_ON_TICK'],
    [limit(bob, 'BTC/TRY', Side.Buy, price, quantity + 1n), 'ORDER_QUANTITY_NOT_ON_LOT'],
    [limit(bob, 'BTC/TRY', Side.Buy, price, 100_000_000_000n), 'ORDER_QUANTITY_TOO_LARGE'],
    [limit(bob, 'BTC/TRY', Side.Buy, 1_000_000n, 1_000n), 'ORDER_PRICE_OUT_OF_BAND'],
    [limit(bob, 'BTC/TRY', Side.Buy, price * 2n, quantity), 'ORDER_PRICE_OUT_OF_BAND'],
    [limit(bob, 'USDT/TRY', Side.Buy, 42_500_000n, 10_000n), 'ORDER_NOTIONAL_TOO_SMALL'],
    [limit(bob, 'BTC/TRY', Side.Buy, price, 5_000_000_000n), 'LEDGER_INSUFFICIENT_FUNDS'],
    [limit(bob, 'BTC/TRY', Side.Buy, price, quantity, { postOnly: true }), 'ORDER_POST_ONLY_WOULD_TAKE'],
    [limit(bob, 'BTC/TRY', Side.Buy, price, quantity * 2n, { timeInForce: TimeInForce.FillOrKill }),
      'ORDER_FILL_OR_KILL_UNFILLABLE'],
    [limit(bob, 'BTC/TRY', Side.Buy, price, quantity, { type: 'market' }), 'ORDER_PRICE_NOT_ALLOWED'],
    [limit(bob, 'BTC/TRY', Side.Buy, price, quantity, { postOnly: true, timeInForce: TimeInForce.ImmediateOrCancel }),
      'ORDER_INVALID_TIME_IN_FORCE'],
    [limit(bob, 'BTC/TRY', Side.Sell, price, quantity), 'LEDGER_INSUFFICIENT_FUNDS'],
    [limit(alice, 'BTC/TRY', Side.Buy, price, quantity, { clientOrderId: 'resting-ask' }), 'ORDER_DUPLICATE_CLIENT_ID'],
    [{ kind: 'order.cancel', ownerId: bob, symbol: 'BTC/TRY', orderId: 1, clientOrderId: undefined }, 'ORDER_UNKNOWN'],
    [{ kind: 'order.amend', ownerId: bob, symbol: 'BTC/TRY', orderId: 1, priceUnits: price, quantityUnits: undefined },
      'ORDER_UNKNOWN'],
    [{ kind: 'ledger.transfer', transferId: 't-x', debitOwnerId: bob, creditOwnerId: carol, assetCode: 'BTC',
      amountUnits: 1n, reason: 'x' }, 'LEDGER_INSUFFICIENT_FUNDS'],
    [{ kind: 'ledger.transfer', transferId: 't-y', debitOwnerId: bob, creditOwnerId: carol, assetCode: 'XYZ',
      amountUnits: 1n, reason: 'x' }, 'ASSET_UNKNOWN'],
    [{ kind: 'ledger.transfer', transferId: 't-z', debitOwnerId: bob, creditOwnerId: carol, assetCode: 'TRY',
      amountUnits: 0n, reason: 'x' }, 'LEDGER_AMOUNT_INVALID'],
  ];
  for (const [command, code] of refusals) {
    const result = harness.run(command);
    assert.equal(result.code, code, `${command.kind} expected ${code}`);
    assert.equal(result.events.length, 0);
    assert.equal(hashIgnoringClock(harness), before, `${code} changed the state`);
  }
});

test('an identical retry of a client order id returns the original order and changes nothing', () => {
  const harness = funded();
  const command = limit(bob, 'BTC/TRY', Side.Buy, price, quantity, { clientOrderId: 'retry-me' });
  const first = harness.ok(command);
  const before = hashIgnoringClock(harness);
  const second = harness.ok(command);
  assert.deepEqual(second.reply, { orderId: first.reply?.['orderId'], duplicate: true });
  assert.equal(hashIgnoringClock(harness), before);
});

test('halted markets refuse everything; cancel-only markets accept only cancels', () => {
  const harness = funded();
  const placed = harness.ok(limit(bob, 'BTC/TRY', Side.Buy, price, quantity));
  harness.ok({ kind: 'market.update', symbol: 'BTC/TRY', parameters: { status: 'cancel-only' } });
  assert.equal(harness.run(limit(bob, 'BTC/TRY', Side.Buy, price, quantity)).code, 'MARKET_CANCEL_ONLY');
  harness.ok({ kind: 'market.update', symbol: 'BTC/TRY', parameters: { status: 'halted' } });
  const cancel = { kind: 'order.cancel', ownerId: bob, symbol: 'BTC/TRY', orderId: placed.reply?.['orderId'] as number,
    clientOrderId: undefined } as const;
  assert.equal(harness.run(cancel).code, 'MARKET_HALTED');
  harness.ok({ kind: 'market.update', symbol: 'BTC/TRY', parameters: { status: 'cancel-only' } });
  harness.ok(cancel);
  assert.equal(harness.balance(bob, 'TRY').held, 0n);
});

test('a market order trades within its protection price and releases the rest of its hold', () => {
  const harness = funded();
  harness.ok(limit(alice, 'BTC/TRY', Side.Sell, price, quantity));
  harness.ok(limit(alice, 'BTC/TRY', Side.Sell, price * 108n / 100n / 1_000_000n * 1_000_000n, quantity));
  const result = harness.ok(limit(bob, 'BTC/TRY', Side.Buy, 0n, quantity * 2n,
    { type: 'market', priceUnits: undefined, timeInForce: TimeInForce.ImmediateOrCancel }));
  const trades = result.events.filter((event) => event.type === 'trade.executed');
  assert.equal(trades.length, 1, 'the far ask lies beyond the 5 % slippage limit');
  assert.equal(harness.balance(bob, 'TRY').held, 0n);
  assert.equal(harness.balance(bob, 'BTC').balance, quantity);
});

test('amend: a quantity cut keeps priority, a price change needs and reserves more funds', () => {
  const harness = funded();
  const first = harness.ok(limit(bob, 'BTC/TRY', Side.Buy, price, quantity * 2n));
  harness.ok(limit(carol, 'BTC/TRY', Side.Buy, price, quantity));
  const orderId = first.reply?.['orderId'] as number;
  const cut = harness.ok({ kind: 'order.amend', ownerId: bob, symbol: 'BTC/TRY', orderId, priceUnits: undefined,
    quantityUnits: quantity });
  assert.ok(cut.events.some((event) => event.type === 'order.amended' && event.priorityKept));
  assert.equal(harness.balance(bob, 'TRY').held, notional + 78_000_000n);
  harness.ok(limit(alice, 'BTC/TRY', Side.Sell, price, quantity));
  assert.equal(harness.balance(bob, 'BTC').balance, quantity, 'bob kept priority over carol');
  const second = harness.ok(limit(bob, 'BTC/TRY', Side.Buy, price, quantity));
  const raised = harness.ok({ kind: 'order.amend', ownerId: bob, symbol: 'BTC/TRY',
    orderId: second.reply?.['orderId'] as number, priceUnits: price + 1_000_000_000n, quantityUnits: undefined });
  assert.ok(raised.events.some((event) => event.type === 'order.amended' && !event.priorityKept));
  const raisedNotional = (price + 1_000_000_000n) / 1_000_000n * 1_000n * 10n;
  assert.equal(harness.balance(bob, 'TRY').held, raisedNotional + raisedNotional * 2_000n / 1_000_000n);
});

test('self-trade prevention cancels the newest order by default', () => {
  const harness = funded();
  harness.ok(limit(carol, 'BTC/TRY', Side.Sell, price, quantity));
  const result = harness.ok(limit(carol, 'BTC/TRY', Side.Buy, price, quantity,
    { selfTradePrevention: SelfTradePrevention.CancelNewest }));
  assert.equal(result.events.filter((event) => event.type === 'trade.executed').length, 0);
  assert.equal(harness.balance(carol, 'TRY').held, 0n);
  assert.equal(harness.core.state.orders.size, 1);
});

test('markets are added and changed at runtime', () => {
  const harness = funded();
  harness.ok({ kind: 'asset.create', code: 'AVAX', scale: 8 });
  harness.ok({ kind: 'market.create', symbol: 'AVAX/TRY', baseAssetCode: 'AVAX', quoteAssetCode: 'TRY', parameters: {
    tickSizeUnits: 10_000n, lotSizeUnits: 10_000n, quantityMinLots: 1, quantityMaxLots: 1_000_000, notionalMinUnits: 0n,
    priceBandPpm: 100_000, marketSlippageMaxPpm: 50_000, status: 'open', feeTiers: [{ makerFeePpm: 0, takerFeePpm: 0 }],
    openOrdersPerUserMax: 10 } });
  assert.equal(harness.run({ kind: 'market.create', symbol: 'AVAX/TRY', baseAssetCode: 'AVAX', quoteAssetCode: 'TRY',
    parameters: harness.core.state.marketBySymbol.get('AVAX/TRY')!.spec }).code, 'MARKET_ALREADY_EXISTS');
  const updated = harness.ok({ kind: 'market.update', symbol: 'AVAX/TRY', parameters: { openOrdersPerUserMax: 20 } });
  assert.ok(updated.events[0]?.type === 'market.updated' && updated.events[0].market.version === 2);
  assert.equal(harness.run({ kind: 'market.update', symbol: 'AVAX/TRY', parameters: { tickSizeUnits: 3n } }).code,
    'MARKET_INVALID_PARAMETERS');
});

test('a fill-or-kill order never fills partly: it trades through its owner\'s resting orders', () => {
  const harness = funded();
  harness.ok(limit(carol, 'BTC/TRY', Side.Sell, price, quantity));
  harness.ok(limit(alice, 'BTC/TRY', Side.Sell, price, quantity));
  const result = harness.ok(limit(carol, 'BTC/TRY', Side.Buy, price, quantity, {
    timeInForce: TimeInForce.FillOrKill, selfTradePrevention: SelfTradePrevention.CancelNewest }));
  const traded = result.events.filter((event) => event.type === 'trade.executed');
  assert.equal(traded.length, 1);
  assert.ok(result.events.some((event) => event.type === 'order.done' && event.ownerId === carol &&
    event.remainingLots === 0 && event.filledLots === 1_000));
  assert.equal(harness.core.state.orders.size, 0, 'carol\'s resting ask was cancelled, alice\'s filled');
});

test('a client order id is an idempotency key for a day, then forgotten', () => {
  const harness = funded();
  const order = limit(bob, 'BTC/TRY', Side.Buy, price - 100_000_000n, quantity, { clientOrderId: 'daily' });
  const larger = limit(bob, 'BTC/TRY', Side.Buy, price - 100_000_000n, quantity * 2n, { clientOrderId: 'daily' });
  const placed = harness.ok(order);
  const orderId = placed.reply?.['orderId'] as number;
  // The same order again: the first one's id, nothing new; a different order under the id: refused.
  assert.deepEqual(harness.ok(order).reply, { orderId, duplicate: true });
  assert.equal(harness.run(larger).code, 'ORDER_DUPLICATE_CLIENT_ID');
  harness.ok({ kind: 'order.cancel', ownerId: bob, symbol: 'BTC/TRY', orderId, clientOrderId: undefined });
  harness.timestampMs += 24 * 60 * 60 * 1000;
  // A day later the id is free: a new order under it (and the oldest remembered ids are forgotten).
  const again = harness.ok(larger);
  assert.notEqual(again.reply?.['orderId'], orderId);
  assert.equal(again.reply?.['duplicate'], undefined);
  assert.equal(harness.core.state.clientOrderIds.size, 1);
});
