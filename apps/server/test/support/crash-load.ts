// The crash test's load: a few signed clients, each running concurrent loops that place resting and
// crossing limit orders and cancel their own open orders over REST. It records what the server
// ACKNOWLEDGED (a 201 for a place, a 200 for a cancel): those must survive any crash. A request
// that fails on the network after the kill has an unknown outcome; it may or may not exist after
// the restart.

import { setTimeout as delay } from 'node:timers/promises';
import { formatDecimal, parseDecimal, Prng } from '@parite/kernel';
import { defaultAssets, defaultMarkets, demoReferencePrices } from '@parite/exchange';
import type { SignedClient } from './crash-client.ts';

/** Requests one loop sends at most (the kill normally comes long before). */
const loopStepsMax = 50_000;
const rateLimitedPauseMs = 25;
/** Orders stay within this distance of the reference price, well inside the 10 % price band. */
const restingOffsetPpmMax = 20_000;
const restingOffsetPpmMin = 3_000;
const crossingOffsetPpmMax = 15_000;
const crossingOffsetPpmMin = 5_000;
const lotsMax = 40;

export interface LoadMarket {
  /** As in the API: BTC-TRY. */
  symbol: string;
  referenceUnits: bigint;
  tickSizeUnits: bigint;
  lotSizeUnits: bigint;
  baseScale: number;
  quoteScale: number;
}

/** The demo catalogue's markets the load trades on. */
export function loadMarkets(symbols: readonly string[]): LoadMarket[] {
  return symbols.map((symbol) => {
    const engineSymbol = symbol.replace('-', '/');
    const market = defaultMarkets.find((candidate) => candidate.symbol === engineSymbol);
    const base = defaultAssets.find((asset) => asset.code === market?.baseAssetCode);
    const quote = defaultAssets.find((asset) => asset.code === market?.quoteAssetCode);
    const referenceUnits = demoReferencePrices[engineSymbol];
    if (market === undefined || base === undefined || quote === undefined || referenceUnits === undefined) {
      throw new Error(`no demo market ${symbol}`);
    }
    return { symbol, referenceUnits, tickSizeUnits: market.parameters.tickSizeUnits,
      lotSizeUnits: market.parameters.lotSizeUnits, baseScale: base.scale, quoteScale: quote.scale };
  });
}

export interface AcknowledgedOrder {
  orderId: number;
  clientOrderId: string;
  user: string;
  symbol: string;
  status: string;
  filledBaseUnits: bigint;
  run: number;
}

/** Everything the load learnt, over all runs. */
export class LoadRecord {
  readonly acknowledged = new Map<number, AcknowledgedOrder>();
  /** Orders whose cancel was acknowledged (200, status cancelled), with the user who cancelled. */
  readonly cancelled = new Map<number, string>();
  /** Place requests in flight at a kill: their outcome is unknown. */
  readonly unknown: { user: string; clientOrderId: string; run: number }[] = [];
  /** Open acknowledged orders per user, candidates for a cancel. */
  readonly cancellable = new Map<string, number[]>();
  requests = 0;
  refused = 0;
  rateLimited = 0;
  /** 5xx answers and network failures while the server was not being killed: product bugs. */
  readonly unexpected: string[] = [];
}

export interface LoadOptions {
  users: readonly string[];
  loopsPerUser: number;
  markets: readonly LoadMarket[];
  run: number;
  seed: number;
}

export class LoadGenerator {
  private halted = false;
  private readonly loops: Promise<void>[] = [];
  private clientOrderCount = 0;
  private inFlightCount = 0;

  constructor(private readonly client: SignedClient, private readonly record: LoadRecord,
    private readonly options: LoadOptions) {}

  start(): void {
    let loopIndex = 0;
    for (const user of this.options.users) {
      for (let loop = 0; loop < this.options.loopsPerUser; loop++) {
        const prng = new Prng(this.options.seed * 1_000 + this.options.run * 100 + loopIndex++);
        this.loops.push(this.runLoop(user, prng));
      }
    }
  }

  /** No new request starts after this; the ones in flight finish (or fail, after a kill). */
  halt(): void {
    this.halted = true;
  }

  /** Requests sent and not answered yet. */
  get inFlight(): number {
    return this.inFlightCount;
  }

  async settled(): Promise<void> {
    await Promise.all(this.loops);
  }

  private async runLoop(user: string, prng: Prng): Promise<void> {
    for (let step = 0; step < loopStepsMax && !this.halted; step++) {
      const roll = prng.nextUnit();
      const candidates = this.record.cancellable.get(user) ?? [];
      if (roll < 0.2 && candidates.length > 0) await this.cancel(user, prng, candidates);
      else await this.place(user, prng, roll < 0.55 ? 'crossing' : 'resting');
    }
  }

  private async place(user: string, prng: Prng, kind: 'crossing' | 'resting'): Promise<void> {
    const market = prng.pick(this.options.markets);
    const side = prng.nextUnit() < 0.5 ? 'buy' : 'sell';
    const offsetPpm = BigInt(kind === 'resting'
      ? prng.nextIntegerInclusive(restingOffsetPpmMin, restingOffsetPpmMax)
      : prng.nextIntegerInclusive(crossingOffsetPpmMin, crossingOffsetPpmMax));
    // A resting buy sits below the reference and a crossing buy above it; sells mirror that.
    const above = (side === 'buy') === (kind === 'crossing');
    const factorPpm = above ? 1_000_000n + offsetPpm : 1_000_000n - offsetPpm;
    const priceUnits = (market.referenceUnits * factorPpm) / 1_000_000n / market.tickSizeUnits * market.tickSizeUnits;
    const lots = BigInt(prng.nextIntegerInclusive(2, lotsMax));
    const clientOrderId = `crash-${this.options.run}-${user}-${++this.clientOrderCount}`;
    const body = {
      symbol: market.symbol, side, type: 'limit', price: formatDecimal(priceUnits, market.quoteScale),
      quantity: formatDecimal(lots * market.lotSizeUnits, market.baseScale), clientOrderId,
      ...(kind === 'crossing' && prng.nextUnit() < 0.5 ? { timeInForce: 'IOC' } : {}),
    };
    const result = await this.send(user, 'POST', '/v1/orders', body);
    if (result === 'unknown') {
      this.record.unknown.push({ user, clientOrderId, run: this.options.run });
      return;
    }
    if (result === undefined || result.status !== 201) return;
    const order = result.body as { orderId: number; clientOrderId: string; status: string; filledQuantity: string };
    const filled = parseDecimal(order.filledQuantity, market.baseScale);
    if (!filled.ok) throw new Error(`unparsable filledQuantity ${order.filledQuantity}`);
    this.record.acknowledged.set(order.orderId, { orderId: order.orderId, clientOrderId: order.clientOrderId, user,
      symbol: market.symbol, status: order.status, filledBaseUnits: filled.value, run: this.options.run });
    if (order.status === 'open' || order.status === 'partially_filled') {
      this.record.cancellable.set(user, [...(this.record.cancellable.get(user) ?? []), order.orderId]);
    }
  }

  private async cancel(user: string, prng: Prng, candidates: number[]): Promise<void> {
    const index = prng.nextIntegerInclusive(0, candidates.length - 1);
    const [orderId] = candidates.splice(index, 1);
    if (orderId === undefined) return;
    const result = await this.send(user, 'DELETE', `/v1/orders/${orderId}`);
    if (result === 'unknown' || result === undefined || result.status !== 200) return;
    if ((result.body as { status: string }).status === 'cancelled') this.record.cancelled.set(orderId, user);
  }

  /** undefined: refused or rate limited; 'unknown': no answer (the server was killed meanwhile). */
  private async send(user: string, method: string, path: string, body?: unknown):
    Promise<{ status: number; body: unknown } | 'unknown' | undefined> {
    this.record.requests++;
    this.inFlightCount++;
    let result;
    try {
      result = await this.client.request(user, method, path, body);
    } catch (error) {
      if (!this.halted) this.record.unexpected.push(`${method} ${path}: ${String(error)}`);
      return 'unknown';
    } finally {
      this.inFlightCount--;
    }
    if (result.status === 429) {
      this.record.rateLimited++;
      await delay(rateLimitedPauseMs);
      return undefined;
    }
    if (result.status >= 500 && result.status !== 503) {
      this.record.unexpected.push(`${method} ${path}: ${result.status} ${JSON.stringify(result.body)}`);
    }
    if (result.status >= 400) {
      this.record.refused++;
      return undefined;
    }
    return result;
  }
}
