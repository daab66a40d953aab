// Order status as stored and shown: two live states, derived from the fills, and one terminal state
// per DoneReason of the matching engine.

import { unreachable } from '@parite/kernel';
import { DoneReason } from '@parite/matching';

export const orderStatuses = [
  'open', 'partially_filled', 'filled', 'cancelled', 'expired', 'self_trade_prevented',
] as const;
export type OrderStatus = (typeof orderStatuses)[number];

export type LiveOrderStatus = Extract<OrderStatus, 'open' | 'partially_filled'>;
export type TerminalOrderStatus = Exclude<OrderStatus, LiveOrderStatus>;

export const liveOrderStatuses: readonly LiveOrderStatus[] = ['open', 'partially_filled'];

export function terminalStatus(reason: DoneReason): TerminalOrderStatus {
  switch (reason) {
    case DoneReason.Filled: return 'filled';
    case DoneReason.Cancelled: return 'cancelled';
    case DoneReason.Expired: return 'expired';
    case DoneReason.SelfTradePrevented: return 'self_trade_prevented';
    default: return unreachable(reason, 'unknown done reason');
  }
}

/** The status of an order that is not done. The SQL update in storage/ repeats this rule. */
export function liveStatus(filledLots: number): LiveOrderStatus {
  return filledLots > 0 ? 'partially_filled' : 'open';
}
