// Order bodies and replies of the trading API as the whole-platform tests use them, plus small
// helpers that place an order and insist it was accepted.

import assert from 'node:assert/strict';
import type { TestPlatform } from './platform-harness.ts';

export interface OrderBody {
  symbol: string;
  side: 'buy' | 'sell';
  type: 'limit' | 'market';
  timeInForce?: 'GTC' | 'IOC' | 'FOK';
  postOnly?: boolean;
  price?: string;
  quantity: string;
  clientOrderId?: string;
  selfTradePrevention?: 'cancel-newest' | 'cancel-oldest' | 'cancel-both' | 'decrement';
}

export interface FillReply {
  tradeId: number;
  price: string;
  quantity: string;
  role: 'maker' | 'taker';
  fee: string;
}

export interface OrderReply {
  orderId: number;
  clientOrderId: string;
  symbol: string;
  side: 'buy' | 'sell';
  type: 'limit' | 'market';
  timeInForce: 'GTC' | 'IOC' | 'FOK';
  postOnly: boolean;
  price: string | null;
  quantity: string;
  filledQuantity: string;
  status: string;
  fills: FillReply[];
}

export type BatchItemReply = { ok: true; order: OrderReply } | { ok: false; error: { code: string; message: string } };

export interface BalanceReply {
  asset: string;
  total: string;
  available: string;
  held: string;
}

/** A BTC-TRY limit order well inside the price band around the demo reference (3,900,000 TRY). */
export function limitOrder(overrides: Partial<OrderBody> = {}): OrderBody {
  return { symbol: 'BTC-TRY', side: 'sell', type: 'limit', price: '4000000', quantity: '0.01', ...overrides };
}

export async function placeOrder(harness: TestPlatform, userName: string, body: OrderBody): Promise<OrderReply> {
  const response = await harness.request(userName, 'POST', '/v1/orders', body);
  assert.equal(response.status, 201, `placing ${JSON.stringify(body)}: ${JSON.stringify(response.body)}`);
  return response.body as OrderReply;
}

export async function balanceOf(harness: TestPlatform, userName: string, asset: string): Promise<BalanceReply> {
  const response = await harness.request(userName, 'GET', '/v1/balances');
  assert.equal(response.status, 200, JSON.stringify(response.body));
  const balance = (response.body as { balances: BalanceReply[] }).balances.find((entry) => entry.asset === asset);
  assert.ok(balance !== undefined, `${userName} has no ${asset} balance`);
  return balance;
}

export async function openOrderIds(harness: TestPlatform, userName: string, symbol?: string): Promise<number[]> {
  const path = symbol === undefined ? '/v1/orders/open' : `/v1/orders/open?symbol=${symbol}`;
  const response = await harness.request(userName, 'GET', path);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return (response.body as { orders: OrderReply[] }).orders.map((order) => order.orderId);
}

/** Cancels everything a user has open, so the next test starts from empty books. */
export async function cancelEverything(harness: TestPlatform, userName: string): Promise<void> {
  const response = await harness.request(userName, 'DELETE', '/v1/orders');
  assert.equal(response.status, 200, JSON.stringify(response.body));
}
