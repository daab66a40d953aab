// A sink that records every call as a tuple, so a test can compare the exact sequence of events.
import type { BookEventSink, DoneReason, Side } from '../src/index.ts';

export type SinkCall =
  | readonly ['trade', number, number, number, number, Side, number, number, number, number]
  | readonly ['rested', number, number, Side, number, number]
  | readonly ['done', number, number, Side, DoneReason, number]
  | readonly ['reduced', number, number, Side, number, number];

export class RecordingSink implements BookEventSink {
  calls: SinkCall[] = [];

  trade(
    makerOrderId: number, makerOwnerId: number, takerOrderId: number, takerOwnerId: number,
    takerSide: Side, priceTicks: number, quantityLots: number,
    makerRemainingLots: number, takerRemainingLots: number,
  ): void {
    this.calls.push([
      'trade', makerOrderId, makerOwnerId, takerOrderId, takerOwnerId, takerSide, priceTicks,
      quantityLots, makerRemainingLots, takerRemainingLots,
    ]);
  }

  rested(orderId: number, ownerId: number, side: Side, priceTicks: number, remainingLots: number): void {
    this.calls.push(['rested', orderId, ownerId, side, priceTicks, remainingLots]);
  }

  done(orderId: number, ownerId: number, side: Side, reason: DoneReason, remainingLots: number): void {
    this.calls.push(['done', orderId, ownerId, side, reason, remainingLots]);
  }

  reduced(orderId: number, ownerId: number, side: Side, reducedByLots: number, remainingLots: number): void {
    this.calls.push(['reduced', orderId, ownerId, side, reducedByLots, remainingLots]);
  }

  /** Returns the calls recorded so far and starts a new recording. */
  take(): SinkCall[] {
    const calls = this.calls;
    this.calls = [];
    return calls;
  }
}
