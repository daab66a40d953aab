// A tiny in-memory ExchangeEngineApi: commands run on a real ExchangeCore and every accepted batch
// is delivered to listeners synchronously, in sequence, exactly as the real engine does after its
// journal flush. Time is explicit (timestampMs), never the clock.
import type { CommittedCommand, CommittedListener, ExchangeEngineApi } from '@parite/exchange';
import {
  ExchangeCore, defaultAssets, defaultMarkets, SystemOwner, type ExchangeCommand, type ExchangeState,
  type OrderPlaceCommand,
} from '@parite/exchange/domain';
import { SelfTradePrevention, Side, TimeInForce } from '@parite/matching';

export { Side };

export const startTimeMs = 1_700_000_040_000;
export const alice = 1001;
export const bob = 1002;

export class FakeEngine implements ExchangeEngineApi {
  readonly core = new ExchangeCore({ bookKind: 'fast', checkInvariants: true });
  readonly ready = true;
  timestampMs = startTimeMs;
  private readonly listeners = new Set<CommittedListener>();
  private sequence = 0n;
  private clientOrderNumber = 1;

  get state(): ExchangeState {
    return this.core.state;
  }

  appliedSequenceOfMarket(_marketId: number): bigint {
    return this.lastAppliedSequence;
  }

  get lastAppliedSequence(): bigint {
    return this.sequence;
  }

  subscribe(listener: CommittedListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async submit(command: ExchangeCommand): Promise<CommittedCommand> {
    const [committed] = this.run([command]);
    if (committed === undefined) throw new Error('one command gives one result');
    return committed;
  }

  async submitMany(commands: readonly ExchangeCommand[]): Promise<CommittedCommand[]> {
    return this.run(commands);
  }

  /** Executes commands as one batch at the current time and delivers the accepted ones. */
  run(commands: readonly ExchangeCommand[]): CommittedCommand[] {
    const outcomes: CommittedCommand[] = [];
    const accepted: CommittedCommand[] = [];
    for (const command of commands) {
      const result = this.core.execute(command, this.timestampMs);
      const outcome: CommittedCommand = { sequence: 0n, timestampMs: this.timestampMs, command, result };
      if (result.code === 'OK') {
        this.sequence += 1n;
        outcome.sequence = this.sequence;
        accepted.push(outcome);
      }
      outcomes.push(outcome);
    }
    if (accepted.length > 0) for (const listener of this.listeners) listener(accepted);
    return outcomes;
  }

  /** Like run, but every command must be accepted. */
  ok(...commands: ExchangeCommand[]): CommittedCommand[] {
    const outcomes = this.run(commands);
    for (const outcome of outcomes) {
      if (outcome.result.code !== 'OK') throw new Error(`${outcome.command.kind} refused: ${outcome.result.code}`);
    }
    return outcomes;
  }

  /** The default assets and markets, and two users funded generously in every asset. */
  seed(): this {
    this.ok(...defaultAssets, ...defaultMarkets);
    for (const ownerId of [alice, bob]) {
      for (const [assetCode, amountUnits] of [['TRY', 10n ** 18n], ['BTC', 10n ** 14n], ['ETH', 10n ** 14n],
        ['USDT', 10n ** 16n]] as const) {
        this.ok({ kind: 'ledger.transfer', transferId: `fund-${ownerId}-${assetCode}`, debitOwnerId: SystemOwner.External,
          creditOwnerId: ownerId, assetCode, amountUnits, reason: 'test funding' });
      }
    }
    return this;
  }

  limit(ownerId: number, symbol: string, side: Side, priceUnits: bigint, quantityUnits: bigint): OrderPlaceCommand {
    return {
      kind: 'order.place', ownerId, symbol, clientOrderId: `c-${this.clientOrderNumber++}`, side, type: 'limit',
      timeInForce: TimeInForce.GoodTillCancelled, postOnly: false, priceUnits, quantityUnits,
      selfTradePrevention: SelfTradePrevention.CancelNewest,
    };
  }
}

/** BTC/TRY: 1 TRY tick (1_000_000 units at scale 6), 0.00001 BTC lot (1_000 units at scale 8). */
export const tryUnits = (lira: number): bigint => BigInt(lira) * 1_000_000n;
/** Hundredths of a BTC (1000 lots): at ~1000 TRY that is above the 10 TRY minimum notional. */
export const btcHundredths = (hundredths: number): bigint => BigInt(hundredths) * 1_000_000n;
