// The demo market maker: quotes both sides of every market around a reference price that takes a
// seeded random walk, and a demo taker that trades against it now and then, so a newcomer sees a
// live book, trades, tickers and candles a few seconds after `npm start`.

import { Prng } from '@parite/kernel';
import { SelfTradePrevention, Side, TimeInForce } from '@parite/matching';
import { demoReferencePrices, type ExchangeCommand, type ExchangeEngineApi } from '@parite/exchange';

export interface MarketMakerOptions {
  makerOwnerId: number;
  takerOwnerId: number;
  /** Price levels quoted per side. */
  levelsPerSide: number;
  intervalMs: number;
  seed: number;
}

/** Half-spread and level step, in parts per million of the reference price. */
const halfSpreadPpm = 500n;
const levelStepPpm = 400n;
/** The reference moves at most this far per step. */
const walkStepPpmMax = 300;

export class DemoMarketMaker {
  private readonly prng: Prng;
  private readonly references = new Map<string, bigint>(Object.entries(demoReferencePrices));
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private round = 0;
  /** Client order ids must not repeat across restarts (they are idempotency keys for 24 hours). */
  private readonly epoch = Date.now().toString(36);

  constructor(private readonly engine: ExchangeEngineApi, private readonly options: MarketMakerOptions) {
    this.prng = new Prng(options.seed);
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.step(), this.options.intervalMs);
    this.timer.unref();
    void this.step();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async step(): Promise<void> {
    if (this.running || !this.engine.ready) return;
    this.running = true;
    try {
      this.round++;
      for (const market of this.engine.state.markets.values()) {
        if (market.spec.status !== 'open') continue;
        const lastTradeUnits = market.lastTradeTicks === undefined ? undefined
          : BigInt(market.lastTradeTicks) * market.spec.tickSizeUnits;
        const reference = this.nextReference(market.spec.symbol, market.spec.tickSizeUnits, lastTradeUnits);
        await this.requote(market.spec.symbol, reference, market.spec.tickSizeUnits, market.spec.lotSizeUnits);
        if (this.prng.nextUnit() < 0.5) await this.take(market.spec.symbol, market.spec.lotSizeUnits);
      }
    } catch {
      // The demo is best effort: a refused or shed command just waits for the next round.
    } finally {
      this.running = false;
    }
  }

  /** A random walk pulled back towards the demo anchor, so it never drifts out of the price band. */
  private nextReference(symbol: string, tick: bigint, lastTradeUnits: bigint | undefined): bigint {
    const anchor = demoReferencePrices[symbol] ?? tick * 1_000n;
    const current = this.references.get(symbol) ?? lastTradeUnits ?? anchor;
    const pullPpm = ((anchor - current) * 20_000n) / anchor;
    const movePpm = BigInt(this.prng.nextIntegerInclusive(-walkStepPpmMax, walkStepPpmMax)) + pullPpm;
    let next = (current * (1_000_000n + movePpm)) / 1_000_000n / tick * tick;
    if (next < tick) next = tick;
    this.references.set(symbol, next);
    return next;
  }

  private async requote(symbol: string, reference: bigint, tick: bigint, lot: bigint): Promise<void> {
    const owner = this.options.makerOwnerId;
    const commands: ExchangeCommand[] = [{ kind: 'order.cancel-all', ownerId: owner, symbol }];
    for (let level = 0; level < this.options.levelsPerSide; level++) {
      const offset = halfSpreadPpm + levelStepPpm * BigInt(level);
      const bid = (reference * (1_000_000n - offset)) / 1_000_000n / tick * tick;
      const ask = ((reference * (1_000_000n + offset)) / 1_000_000n / tick + 1n) * tick;
      for (const [side, priceUnits] of [[Side.Buy, bid], [Side.Sell, ask]] as const) {
        const lots = BigInt(this.prng.nextIntegerInclusive(20, 400));
        commands.push({
          kind: 'order.place', ownerId: owner, symbol, clientOrderId: `mm-${this.epoch}-${this.round}-${symbol}-${side}-${level}`,
          side, type: 'limit', timeInForce: TimeInForce.GoodTillCancelled, postOnly: true, priceUnits,
          quantityUnits: lots * lot, selfTradePrevention: SelfTradePrevention.CancelNewest,
        });
      }
    }
    await this.engine.submitMany(commands);
  }

  private async take(symbol: string, lot: bigint): Promise<void> {
    const side = this.prng.nextUnit() < 0.5 ? Side.Buy : Side.Sell;
    await this.engine.submit({
      kind: 'order.place', ownerId: this.options.takerOwnerId, symbol,
      clientOrderId: `taker-${this.epoch}-${this.round}-${symbol}`, side, type: 'market', timeInForce: TimeInForce.ImmediateOrCancel,
      postOnly: false, priceUnits: undefined, quantityUnits: BigInt(this.prng.nextIntegerInclusive(5, 60)) * lot,
      selfTradePrevention: SelfTradePrevention.CancelNewest,
    });
  }
}
