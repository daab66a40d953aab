// Helpers of the shared suite: order and sink-call builders, and a Scenario that runs a command and
// checks its result code and exact sink calls in one line.
import assert from 'node:assert/strict';
import {
  BookResult, SelfTradePrevention, Side, TimeInForce,
  type BookSnapshot, type DoneReason, type OrderBook, type OrderBookOptions, type PlaceOrderInput,
} from '../src/index.ts';
import { RecordingSink, type SinkCall } from './recording-sink.ts';

export interface BookFactory {
  create(options?: OrderBookOptions): OrderBook;
  restore(snapshot: BookSnapshot, options?: OrderBookOptions): OrderBook;
  /** Structural self-check run after every scenario (FastOrderBook.validateInternalState). */
  validate(book: OrderBook): void;
}

export const buy = Side.Buy;
export const sell = Side.Sell;

export function order(
  orderId: number, ownerId: number, side: Side, priceTicks: number, quantityLots: number,
  options: Partial<PlaceOrderInput> = {},
): PlaceOrderInput {
  return {
    orderId, ownerId, side, priceTicks, quantityLots,
    timeInForce: TimeInForce.GoodTillCancelled, postOnly: false,
    selfTradePrevention: SelfTradePrevention.None,
    ...options,
  };
}

export function trade(
  maker: readonly [number, number], taker: readonly [number, number], takerSide: Side,
  priceTicks: number, quantityLots: number, makerRemainingLots: number, takerRemainingLots: number,
): SinkCall {
  return ['trade', maker[0], maker[1], taker[0], taker[1], takerSide, priceTicks, quantityLots,
    makerRemainingLots, takerRemainingLots];
}

export function rested(orderId: number, ownerId: number, side: Side, priceTicks: number, lots: number): SinkCall {
  return ['rested', orderId, ownerId, side, priceTicks, lots];
}

export function done(orderId: number, ownerId: number, side: Side, reason: DoneReason, lots: number): SinkCall {
  return ['done', orderId, ownerId, side, reason, lots];
}

export function reduced(orderId: number, ownerId: number, side: Side, byLots: number, lots: number): SinkCall {
  return ['reduced', orderId, ownerId, side, byLots, lots];
}

/** A book plus a recording sink, with commands that check the result code and the sink calls. */
export class Scenario {
  readonly sink = new RecordingSink();
  constructor(readonly book: OrderBook, private readonly factory: BookFactory) {}

  place(input: PlaceOrderInput, result: BookResult, calls: SinkCall[]): void {
    assert.equal(this.book.place(input, this.sink), result, `place ${input.orderId}`);
    assert.deepEqual(this.sink.take(), calls, `sink calls of place ${input.orderId}`);
    this.factory.validate(this.book);
  }

  /** Places orders that must rest without trading (the usual setup). */
  rest(...inputs: PlaceOrderInput[]): void {
    for (const input of inputs) {
      const call = rested(input.orderId, input.ownerId, input.side, input.priceTicks, input.quantityLots);
      this.place(input, BookResult.Ok, [call]);
    }
  }

  cancel(orderId: number, result: BookResult, calls: SinkCall[]): void {
    assert.equal(this.book.cancel(orderId, this.sink), result, `cancel ${orderId}`);
    assert.deepEqual(this.sink.take(), calls, `sink calls of cancel ${orderId}`);
    this.factory.validate(this.book);
  }

  amend(orderId: number, priceTicks: number, lots: number, result: BookResult, calls: SinkCall[]): void {
    assert.equal(this.book.amend(orderId, priceTicks, lots, this.sink), result, `amend ${orderId}`);
    assert.deepEqual(this.sink.take(), calls, `sink calls of amend ${orderId}`);
    this.factory.validate(this.book);
  }

  /** Orders of one side as [orderId, priceTicks, remainingLots], in priority order. */
  orders(side: Side): Array<[number, number, number]> {
    const found: Array<[number, number, number]> = [];
    this.book.forEachOrder(side, (resting) => found.push([resting.orderId, resting.priceTicks, resting.remainingLots]));
    return found;
  }
}

export type ScenarioFactory = (options?: OrderBookOptions) => Scenario;
