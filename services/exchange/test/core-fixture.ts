// Builds a core with the default catalogue and funded users, for the core's tests.
import { ExchangeCore, defaultAssets, defaultMarkets, SystemOwner, type ExchangeCommand, type CommandResult }
  from '../src/domain/index.ts';
import { SelfTradePrevention, Side, TimeInForce } from '@parite/matching';

export const alice = 1001;
export const bob = 1002;
export const carol = 1003;
let nextClientOrderNumber = 1;

export class Harness {
  readonly core: ExchangeCore;
  timestampMs = 1_700_000_000_000;
  readonly log: ExchangeCommand[] = [];

  constructor(bookKind: 'fast' | 'naive' = 'fast') {
    this.core = new ExchangeCore({ bookKind, checkInvariants: true });
    for (const command of [...defaultAssets, ...defaultMarkets]) this.ok(command);
  }

  run(command: ExchangeCommand): CommandResult {
    this.log.push(command);
    this.timestampMs += 1;
    return this.core.execute(command, this.timestampMs);
  }

  ok(command: ExchangeCommand): CommandResult {
    const result = this.run(command);
    if (result.code !== 'OK') throw new Error(`expected OK for ${command.kind}, got ${result.code}`);
    return result;
  }

  fund(ownerId: number, assetCode: string, amountUnits: bigint): void {
    this.ok({ kind: 'ledger.transfer', transferId: `fund-${ownerId}-${assetCode}-${this.log.length}`,
      debitOwnerId: SystemOwner.External, creditOwnerId: ownerId, assetCode, amountUnits, reason: 'test funding' });
  }

  balance(ownerId: number, assetCode: string): { balance: bigint; held: bigint } {
    const asset = this.core.state.assetByCode.get(assetCode);
    if (asset === undefined) throw new Error(assetCode);
    const account = this.core.state.ledger.peek(ownerId, asset.assetId);
    return { balance: account?.balanceUnits ?? 0n, held: account?.heldUnits ?? 0n };
  }
}

export function limit(ownerId: number, symbol: string, side: Side, priceUnits: bigint, quantityUnits: bigint,
  extra: Partial<Extract<ExchangeCommand, { kind: 'order.place' }>> = {}): ExchangeCommand {
  return {
    kind: 'order.place', ownerId, symbol, clientOrderId: `c-${ownerId}-${nextClientOrderNumber++}`,
    side, type: 'limit', timeInForce: TimeInForce.GoodTillCancelled, postOnly: false, priceUnits, quantityUnits,
    selfTradePrevention: SelfTradePrevention.CancelNewest, ...extra,
  };
}

export { Side, TimeInForce, SelfTradePrevention };
