// A real exchange core with the default assets and markets and `userCount` funded users (owner ids
// 1..userCount), shared by the benches that drive the core directly (projections, memory).
import { assert, parseDecimal } from '@parite/kernel';
import { ExchangeCore, SystemOwner, defaultAssets, defaultMarkets, type ExchangeCommand } from '@parite/exchange';
import { SelfTradePrevention, Side, TimeInForce } from '@parite/matching';
import { OrderFlow } from './e2e/orders.ts';

export type CoreResult = ReturnType<ExchangeCore['execute']>;

const scales = new Map(defaultAssets.map((asset) => [asset.code, asset.scale]));

/** A decimal amount of `assetCode` in minor units (the bench's own amounts always parse). */
export function units(text: string, assetCode: string): bigint {
  const parsed = parseDecimal(text, scales.get(assetCode) ?? 0);
  assert(parsed.ok, `bench amount ${text} does not parse`);
  return parsed.value;
}

export interface FundedCore {
  readonly core: ExchangeCore;
  /** Executes one command at the next millisecond; `onApplied` sees every command that changed state. */
  run(command: ExchangeCommand): CoreResult;
}

export function fundedCore(userCount: number,
  onApplied: (command: ExchangeCommand, result: CoreResult, timestampMs: number) => void = () => {}): FundedCore {
  const core = new ExchangeCore();
  let timestampMs = Date.UTC(2026, 0, 1);
  const run = (command: ExchangeCommand): CoreResult => {
    timestampMs += 1;
    const result = core.execute(command, timestampMs);
    if (result.code === 'OK' && result.unchanged !== true) onApplied(command, result, timestampMs);
    return result;
  };
  for (const command of [...defaultAssets, ...defaultMarkets]) assert(run(command).code === 'OK', 'setup refused');
  for (let ownerId = 1; ownerId <= userCount; ownerId++) {
    for (const asset of defaultAssets) {
      run({ kind: 'ledger.transfer', transferId: `fund-${ownerId}-${asset.code}`, debitOwnerId: SystemOwner.External,
        creditOwnerId: ownerId, assetCode: asset.code, amountUnits: 10n ** BigInt(asset.scale + 9), reason: 'bench' });
    }
  }
  return { core, run };
}

/**
 * The end-to-end bench's order flow through the core: limit orders from each user in turn, and a
 * cancel of a user's oldest resting order once it holds more than OrderFlow.openOrdersMax.
 */
export function placeOrderFlow(run: FundedCore['run'],
  options: { orders: number; users: number; clientOrderId: (number: number) => string }): void {
  const marketsBySymbol = new Map(defaultMarkets.map((market) => [market.symbol.replace('/', '-'), market]));
  const flows = Array.from({ length: options.users }, (_, index) => new OrderFlow(100 + index));
  const open = Array.from({ length: options.users }, () => [] as { orderId: number; symbol: string }[]);
  for (let number = 0; number < options.orders; number++) {
    const user = number % options.users;
    const request = (flows[user] as OrderFlow).next();
    const market = marketsBySymbol.get(request.symbol);
    assert(market !== undefined, `no market ${request.symbol}`);
    const result = run({ kind: 'order.place', ownerId: user + 1, symbol: market.symbol,
      clientOrderId: options.clientOrderId(number), side: request.side === 'buy' ? Side.Buy : Side.Sell, type: 'limit',
      timeInForce: TimeInForce.GoodTillCancelled, postOnly: false, priceUnits: units(request.price, market.quoteAssetCode),
      quantityUnits: units(request.quantity, market.baseAssetCode), selfTradePrevention: SelfTradePrevention.CancelNewest });
    assert(result.code === 'OK', `bench order refused: ${result.code}`);
    const accepted = result.events.find((event) => event.type === 'order.accepted');
    const resting = !result.events.some((event) => event.type === 'order.done');
    const userOpen = open[user] as { orderId: number; symbol: string }[];
    if (accepted?.type === 'order.accepted' && resting) userOpen.push({ orderId: accepted.order.orderId, symbol: market.symbol });
    const oldest = userOpen.length > OrderFlow.openOrdersMax ? userOpen.shift() : undefined;
    // Filled meanwhile or not: a cancel of a finished order is refused and not journalled.
    if (oldest !== undefined) {
      run({ kind: 'order.cancel', ownerId: user + 1, symbol: oldest.symbol, orderId: oldest.orderId, clientOrderId: undefined });
    }
  }
}
