// How stored integers leave the platform: decimal strings at the asset's scale, names instead of
// engine codes, and internal owner ids never (a counterparty is only a kind of account).

import { assert, formatDecimal } from '@parite/kernel';
import { SystemOwner } from '@parite/exchange/domain';
import { Side, TimeInForce } from '@parite/matching';

export type SideName = 'buy' | 'sell';
export type TimeInForceName = 'GTC' | 'IOC' | 'FOK';
export type CounterpartyKind = 'user' | 'external' | 'fees' | 'liquidity' | 'system';

export function sideName(side: number): SideName {
  assert(side === Side.Buy || side === Side.Sell, `unknown side ${side}`);
  return side === Side.Buy ? 'buy' : 'sell';
}

export function timeInForceName(timeInForce: number): TimeInForceName {
  switch (timeInForce) {
    case TimeInForce.GoodTillCancelled: return 'GTC';
    case TimeInForce.ImmediateOrCancel: return 'IOC';
    case TimeInForce.FillOrKill: return 'FOK';
    default: throw new Error(`unknown time in force ${timeInForce}`);
  }
}

export function counterpartyKind(ownerId: number): CounterpartyKind {
  if (ownerId >= 1) return 'user';
  if (ownerId === SystemOwner.External) return 'external';
  if (ownerId === SystemOwner.Fees) return 'fees';
  if (ownerId === SystemOwner.Liquidity) return 'liquidity';
  return 'system';
}

/** Integer columns come back as bigint; ids and times are safe integers by construction. */
export function safeNumber(value: bigint | number, name: string): number {
  const result = Number(value);
  assert(Number.isSafeInteger(result), `${name} is not a safe integer`);
  return result;
}

/** A price in ticks as a decimal in quote units per whole base unit. */
export function formatPrice(priceTicks: bigint, tickSizeUnits: bigint, quoteScale: number): string {
  return formatDecimal(priceTicks * tickSizeUnits, quoteScale);
}

/** A quantity in lots as a decimal in base units. */
export function formatQuantity(lots: bigint, lotSizeUnits: bigint, baseScale: number): string {
  return formatDecimal(lots * lotSizeUnits, baseScale);
}
