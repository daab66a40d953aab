// Turns what the book reports into money movements and events. Each trade settles buyer, seller
// and the fee account in ONE balanced posting, paid out of the holds placed when the orders were
// accepted; each finished order releases whatever its hold still reserves.

import { assert } from '@parite/kernel';
import { Side, type BookEventSink, type DoneReason } from '@parite/matching';
import type { LegApplication } from './ledger.ts';
import { baseUnits, feeUnits, feeUnitsCeiling, notionalUnits } from './markets.ts';
import { takeId, type ExchangeState, type MarketState, type OrderRecord } from './state.ts';
import { SystemOwner, type ExchangeEvent, type LedgerLeg } from './types.ts';

export class SettlementSink implements BookEventSink {
  market!: MarketState;
  events: ExchangeEvent[] = [];

  constructor(private readonly state: ExchangeState) {}

  begin(market: MarketState, events: ExchangeEvent[]): void {
    this.market = market;
    this.events = events;
  }

  trade(
    makerOrderId: number, makerOwnerId: number, takerOrderId: number, takerOwnerId: number,
    takerSide: Side, priceTicks: number, quantityLots: number,
  ): void {
    const maker = this.order(makerOrderId);
    const taker = this.order(takerOrderId);
    const buyer = takerSide === Side.Buy ? taker : maker;
    const seller = takerSide === Side.Buy ? maker : taker;
    const notional = notionalUnits(this.market, priceTicks, quantityLots);
    const base = baseUnits(this.market, quantityLots);
    const makerFee = feeUnits(notional, maker.feeRate.makerFeePpm);
    const takerFee = feeUnits(notional, taker.feeRate.takerFeePpm);
    const buyerFee = buyer === taker ? takerFee : makerFee;
    const sellerFee = seller === taker ? takerFee : makerFee;
    const tradeId = takeId(this.state, 'nextTradeId');
    this.settle(tradeId, buyer, seller, notional, base, buyerFee, sellerFee);
    fill(maker, quantityLots, notional, makerFee);
    fill(taker, quantityLots, notional, takerFee);
    this.market.lastTradeTicks = priceTicks;
    this.events.push({
      type: 'trade.executed', tradeId, marketId: this.market.spec.marketId,
      symbol: this.market.spec.symbol, priceTicks, quantityLots, quoteUnits: notional, baseUnits: base, takerSide,
      makerOrderId, makerOwnerId, takerOrderId, takerOwnerId, makerFeeUnits: makerFee, takerFeeUnits: takerFee,
    });
  }

  private settle(tradeId: number, buyer: OrderRecord, seller: OrderRecord, notional: bigint, base: bigint,
    buyerFee: bigint, sellerFee: bigint): void {
    const { baseAssetId, quoteAssetId } = this.market.spec;
    const buyerId = buyer.view.ownerId;
    const sellerId = seller.view.ownerId;
    const applications: LegApplication[] = [];
    const add = (debitOwnerId: number, creditOwnerId: number, assetId: number, amount: bigint, fromHeld: boolean) => {
      if (amount > 0n && debitOwnerId !== creditOwnerId) {
        applications.push({ leg: { debitOwnerId, creditOwnerId, assetId, amountUnits: amount }, fromHeld });
      } else if (amount > 0n && fromHeld) {
        // A self-trade (no prevention) moves nothing between accounts; its hold is simply released.
        this.state.ledger.release(debitOwnerId, assetId, amount);
      }
    };
    add(buyerId, sellerId, quoteAssetId, notional, true);
    add(sellerId, buyerId, baseAssetId, base, true);
    add(buyerId, SystemOwner.Fees, quoteAssetId, buyerFee, true);
    add(sellerId, SystemOwner.Fees, quoteAssetId, sellerFee, false);
    buyer.heldUnits -= notional + buyerFee;
    seller.heldUnits -= base;
    assert(buyer.heldUnits >= 0n && seller.heldUnits >= 0n, 'an order paid more than it held');
    if (applications.length === 0) return;
    this.state.ledger.post(applications);
    const legs: LedgerLeg[] = applications.map((application) => application.leg);
    this.events.push({
      type: 'ledger.posted', postingId: takeId(this.state, 'nextPostingId'),
      reference: `trade:${tradeId}`, legs,
    });
  }

  rested(orderId: number, ownerId: number, _side: Side, priceTicks: number, remainingLots: number): void {
    // A taker that bought below its limit or was decremented now needs less than it reserved.
    this.releaseExcess(this.order(orderId), remainingLots);
    this.events.push({ type: 'order.rested', orderId, ownerId, marketId: this.market.spec.marketId, priceTicks,
      remainingLots });
  }

  reduced(orderId: number, ownerId: number, _side: Side, reducedByLots: number, remainingLots: number): void {
    const record = this.order(orderId);
    record.view.quantityLots -= reducedByLots;
    this.releaseExcess(record, remainingLots);
    this.events.push({ type: 'order.reduced', orderId, ownerId, marketId: this.market.spec.marketId, reducedByLots,
      remainingLots });
  }

  done(orderId: number, ownerId: number, _side: Side, reason: DoneReason, remainingLots: number): void {
    const record = this.order(orderId);
    this.state.ledger.release(ownerId, record.holdAssetId, record.heldUnits);
    record.heldUnits = 0n;
    this.state.orders.delete(orderId);
    const user = this.state.user(ownerId);
    if (user.openOrderIds.delete(orderId)) {
      const marketId = this.market.spec.marketId;
      user.openOrdersByMarket.set(marketId, (user.openOrdersByMarket.get(marketId) ?? 1) - 1);
    }
    const view = record.view;
    this.events.push({ type: 'order.done', orderId, ownerId, marketId: this.market.spec.marketId, reason,
      filledLots: view.filledLots, remainingLots, filledQuoteUnits: view.filledQuoteUnits, feeUnits: view.feeUnits });
  }

  /** After a quantity cut, a resting order keeps only the hold its remainder can still need. */
  releaseExcess(record: OrderRecord, remainingLots: number): void {
    const needed = holdNeeded(this.market, record, remainingLots);
    if (record.heldUnits > needed) {
      this.state.ledger.release(record.view.ownerId, record.holdAssetId, record.heldUnits - needed);
      record.heldUnits = needed;
    }
  }

  private order(orderId: number): OrderRecord {
    const record = this.state.orders.get(orderId);
    assert(record !== undefined, `book reported unknown order ${orderId}`);
    return record;
  }
}

function fill(record: OrderRecord, quantityLots: number, notional: bigint, fee: bigint): void {
  record.view.filledLots += quantityLots;
  record.view.filledQuoteUnits += notional;
  record.view.feeUnits += fee;
}

/** The hold an order needs for `remainingLots` at its price, fees at the higher of its two rates. */
export function holdNeeded(market: MarketState, record: OrderRecord, remainingLots: number): bigint {
  if (record.view.side === Side.Sell) return baseUnits(market, remainingLots);
  const notional = notionalUnits(market, record.view.priceTicks, remainingLots);
  const feePpm = Math.max(record.feeRate.makerFeePpm, record.feeRate.takerFeePpm);
  return notional + feeUnitsCeiling(notional, feePpm);
}
