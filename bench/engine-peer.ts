// The peer in the engine benchmark: nodejs-order-book (the best npm order book we measured),
// driven with the same operations. Its API takes string ids and objects, so the adapter pays the
// id-to-string conversion and builds the option object per order, as a gateway in front of it
// would. A market operation is sent as an IOC limit at the same protection price Parite gets
// (its market() has no protection price, so it could trade further and end in another book).
import { OrderBook as PeerOrderBook, Side as PeerSide, type LimitOrderOptions } from 'nodejs-order-book';
import { Side } from '@parite/matching';
import type { EngineAdapter } from './engine-measure.ts';
import { OperationKind, type Workload } from './engine-workload.ts';

const immediateOrCancel = 'IOC' as NonNullable<LimitOrderOptions['timeInForce']>;
/**
 * The workload's codes as literals, exactly as bench/engine-parite.ts reads them, so both adapters
 * decode the workload at the same cost (const enum members compile to literals).
 */
const enum Code {
  Cancel = 3,
  Market = 4,
  Buy = 1,
}
if (Code.Cancel !== OperationKind.Cancel || Code.Market !== OperationKind.Market || Code.Buy !== Side.Buy) {
  throw new Error('engine-peer: literal codes differ from the workload or the book contract');
}

export class PeerAdapter implements EngineAdapter {
  readonly name = 'nodejs-order-book';
  private readonly book = new PeerOrderBook();
  /** Orders the peer reported done, kept as a number so its responses are consumed. */
  private doneOrders = 0;

  constructor(private readonly workload: Workload) {}

  runRange(from: number, to: number): void {
    for (let index = from; index < to; index++) this.apply(index);
  }

  runRangeTimed(from: number, to: number, latenciesNs: Float64Array): void {
    for (let index = from; index < to; index++) {
      const started = process.hrtime.bigint();
      this.apply(index);
      latenciesNs[index - from] = Number(process.hrtime.bigint() - started);
    }
  }

  depthLevels(): Array<[number, number]>[] {
    const [asks, bids] = this.book.depth();
    const bidLevels = bids.map(([price, volume]): [number, number] => [price, volume]);
    const askLevels = asks.map(([price, volume]): [number, number] => [price, volume]);
    bidLevels.sort((left, right) => right[0] - left[0]);
    askLevels.sort((left, right) => left[0] - right[0]);
    return [bidLevels, askLevels];
  }

  eventCount(): number {
    return this.doneOrders;
  }

  private apply(index: number): void {
    const workload = this.workload;
    const kind = workload.kind[index]!;
    const orderId = String(workload.orderId[index]!);
    if (kind === Code.Cancel) {
      if (this.book.cancel(orderId) !== undefined) this.doneOrders += 1;
      return;
    }
    const options: LimitOrderOptions = {
      id: orderId,
      side: workload.side[index] === Code.Buy ? PeerSide.BUY : PeerSide.SELL,
      size: workload.quantityLots[index]!,
      price: workload.priceTicks[index]!,
    };
    if (kind === Code.Market) options.timeInForce = immediateOrCancel;
    const response = this.book.limit(options);
    this.doneOrders += response.done.length;
  }
}
