// Private streams and order entry over the WebSocket hub: `auth` (a signed login with an API
// key), channels `orders`, `fills`, `balances` for the logged-in user, and the operations
// `order.place`, `order.cancel`, `order.amend`, `order.cancel-all` with the REST semantics.

import { TypeCompiler } from '@sinclair/typebox/compiler';
import { formatDecimal } from '@parite/kernel';
import { ServiceError } from '@parite/contracts';
import { principalHasPermission, type Permission } from '@parite/http';
import { PlaceOrderBody, AmendOrderBody, type CommittedCommand, type ExchangeEngineApi, type TradingService }
  from '@parite/exchange';
import { verifyWebSocketLogin, type ApiKeyAuthenticator, type IdentityService } from '@parite/identity';
import type { HubConnection, WebSocketHub } from '@parite/market-data';

export interface PrivateStreamDependencies {
  engine: ExchangeEngineApi;
  trading: TradingService;
  authenticator: ApiKeyAuthenticator;
  identity: IdentityService;
}

function userOf(connection: HubConnection, permission: Permission): number {
  const principal = connection.principal;
  if (principal.kind !== 'user') throw new ServiceError('AUTH_REQUIRED');
  if (!principalHasPermission(principal, permission)) throw new ServiceError('AUTH_FORBIDDEN', { permission });
  return principal.userId;
}

/** Compiled once: order entry checks every frame against these, on the hot path. */
const placeOrderCheck = TypeCompiler.Compile(PlaceOrderBody);
const amendOrderCheck = TypeCompiler.Compile(AmendOrderBody);

type BodyCheck = { Check(value: unknown): boolean };

function checked<T>(body: unknown, check: BodyCheck): T {
  if (!check.Check(body)) throw new ServiceError('REQUEST_VALIDATION_FAILED');
  return body as T;
}

function field<T>(message: Readonly<Record<string, unknown>>, check: BodyCheck): T {
  const { op: _op, id: _id, ...body } = message;
  return checked<T>(body, check);
}

/**
 * order.place takes one field REST does not: `responseType`, `full` (the default: the order as REST
 * answers it) or `ack` (only its ids, as large exchanges offer market makers that follow the private
 * streams: the smallest reply, still sent only once the order is durable).
 */
function placeRequestOf(message: Readonly<Record<string, unknown>>): { body: PlaceOrderBody; responseType: 'ack' | 'full' } {
  // One copy of the message without the envelope fields (each order is one such copy).
  const { op: _op, id: _id, responseType = 'full', ...body } = message;
  if (responseType !== 'ack' && responseType !== 'full') {
    throw new ServiceError('REQUEST_VALIDATION_FAILED', { field: 'responseType' });
  }
  return { body: checked<PlaceOrderBody>(body, placeOrderCheck), responseType };
}

function orderIdOf(message: Readonly<Record<string, unknown>>): number {
  const orderId = message['orderId'];
  if (typeof orderId !== 'number' || !Number.isSafeInteger(orderId) || orderId < 1) {
    throw new ServiceError('REQUEST_VALIDATION_FAILED', { field: 'orderId' });
  }
  return orderId;
}

export function registerPrivateStreams(hub: WebSocketHub, dependencies: PrivateStreamDependencies): void {
  const { engine, trading, authenticator } = dependencies;
  hub.registerOperation('auth', async (connection, message) => {
    const principal = await verifyWebSocketLogin(authenticator, message, connection.remoteAddress);
    connection.principal = principal;
    return { userId: principal.userPublicId };
  });
  hub.registerOperation('order.place', async (connection, message) => {
    const ownerId = userOf(connection, 'order:write');
    const { body, responseType } = placeRequestOf(message);
    return responseType === 'ack' ? trading.placeOrderAck(ownerId, body) : trading.placeOrder(ownerId, body);
  });
  hub.registerOperation('order.cancel', async (connection, message) =>
    trading.cancelOrder(userOf(connection, 'order:write'), orderIdOf(message)));
  hub.registerOperation('order.amend', async (connection, message) => {
    const ownerId = userOf(connection, 'order:write');
    const orderId = orderIdOf(message);
    const { orderId: _orderId, ...rest } = message;
    return trading.amendOrder(ownerId, orderId, field<{ price?: string; quantity?: string }>(rest, amendOrderCheck));
  });
  hub.registerOperation('order.cancel-all', async (connection, message) => {
    const symbol = message['symbol'];
    if (symbol !== undefined && typeof symbol !== 'string') throw new ServiceError('REQUEST_VALIDATION_FAILED');
    return { cancelled: await trading.cancelAll(userOf(connection, 'order:write'), symbol) };
  });
  hub.registerPrivateChannel('orders', { permission: 'order:read',
    snapshot: (connection) => trading.openOrders(userOf(connection, 'order:read'), undefined) });
  hub.registerPrivateChannel('fills', { permission: 'order:read' });
  hub.registerPrivateChannel('balances', { permission: 'account:read',
    snapshot: (connection) => trading.balances(userOf(connection, 'account:read')).balances });
  engine.subscribe((batch) => publishPrivate(hub, engine, batch));
}

/**
 * With shards the event holds one shard's part of the balance; the owner sees the total over all
 * shards (as GET /balances shows it), read from the engine as of this delivery.
 */
function acrossShards(engine: ExchangeEngineApi, ownerId: number, assetId: number):
  { balanceUnits: bigint; heldUnits: bigint } | undefined {
  return engine.state.ledger.peek(ownerId, assetId);
}

type Outbox = Map<number, { orders: unknown[]; fills: unknown[]; balances: unknown[] }>;

/** Groups a batch's events by owner, then sends each owner one message per channel. */
function publishPrivate(hub: WebSocketHub, engine: ExchangeEngineApi, batch: readonly CommittedCommand[]): void {
  if (hub.connectionCount === 0) return;
  const watched = hub.privateSubscriberUserIds();
  if (watched.size === 0) return;
  const outbox: Outbox = new Map();
  const entry = (ownerId: number) => {
    if (!watched.has(ownerId)) return undefined;
    let value = outbox.get(ownerId);
    if (value === undefined) outbox.set(ownerId, value = { orders: [], fills: [], balances: [] });
    return value;
  };
  for (const committed of batch) {
    for (const event of committed.result.events) {
      switch (event.type) {
        case 'order.accepted': entry(event.order.ownerId)?.orders.push({ event: 'accepted', orderId: event.order.orderId,
          clientOrderId: event.order.clientOrderId }); break;
        case 'order.rested': case 'order.amended': case 'order.reduced':
          entry(event.ownerId)?.orders.push({ event: event.type.slice(6), orderId: event.orderId }); break;
        case 'order.done': entry(event.ownerId)?.orders.push({ event: 'done', orderId: event.orderId,
          reason: event.reason }); break;
        case 'trade.executed':
          entry(event.makerOwnerId)?.fills.push({ tradeId: event.tradeId, orderId: event.makerOrderId, role: 'maker' });
          entry(event.takerOwnerId)?.fills.push({ tradeId: event.tradeId, orderId: event.takerOrderId, role: 'taker' });
          break;
        case 'balance.changed': {
          const asset = engine.state.assets.get(event.assetId);
          const target = entry(event.ownerId);
          if (asset === undefined || target === undefined) break;
          const { balanceUnits, heldUnits } = committed.shardIndex === undefined ? event
            : acrossShards(engine, event.ownerId, event.assetId) ?? event;
          target.balances.push({ asset: asset.code,
            total: formatDecimal(balanceUnits, asset.scale),
            available: formatDecimal(balanceUnits - heldUnits, asset.scale),
            held: formatDecimal(heldUnits, asset.scale) });
          break;
        }
        default: break;
      }
    }
  }
  for (const [ownerId, messages] of outbox) {
    const mine = (connection: HubConnection) =>
      connection.principal.kind === 'user' && connection.principal.userId === ownerId;
    if (messages.orders.length > 0) hub.publishPrivate('orders', mine, messages.orders);
    if (messages.fills.length > 0) hub.publishPrivate('fills', mine, messages.fills);
    if (messages.balances.length > 0) hub.publishPrivate('balances', mine, messages.balances);
  }
}
