// Trading use cases shared by REST and WebSocket order entry: parse the request at the edge, send
// the command through the engine (journal, core, events), shape the reply.

import { randomBytes } from 'node:crypto';
import { formatDecimal } from '@parite/kernel';
import { ServiceError, errorCatalogue, isErrorCode } from '@parite/contracts';
import { SelfTradePrevention, TimeInForce } from '@parite/matching';
import { clientOrderIdKey } from '../domain/state.ts';
import type { ExchangeCommand, OrderPlaceCommand, OrderView } from '../domain/types.ts';
import type { ExchangeEngineApi } from './engine-api.ts';
import {
  marketOf, orderAfter, orderResponse, parseUnits, publicSymbol, selfTradePreventionNames, sideNames,
  throwIfRefused, timeInForceNames,
} from '../http/edge.ts';
import type { PlaceOrderBody } from '../http/schemas.ts';

export type OrderReply = NonNullable<ReturnType<typeof orderAfter>>;
export interface OrderAck {
  orderId: number;
  clientOrderId: string;
  symbol: string;
}
export type BatchItem = { ok: true; order: OrderReply } | { ok: false; error: { code: string; message: string } };

export interface AmendRequest {
  price?: string;
  quantity?: string;
}

export class TradingService {
  /** Server-assigned client order ids: unique per process start, cheap per order. */
  private readonly clientOrderIdPrefix = `srv-${randomBytes(9).toString('base64url')}-`;
  private clientOrderIdCounter = 0;

  constructor(private readonly engine: ExchangeEngineApi) {}

  placeCommand(ownerId: number, body: PlaceOrderBody): OrderPlaceCommand {
    const market = marketOf(this.engine.state, body.symbol);
    const isMarket = body.type === 'market';
    if (isMarket && body.price !== undefined) throw new ServiceError('ORDER_PRICE_NOT_ALLOWED');
    if (!isMarket && body.price === undefined) throw new ServiceError('ORDER_PRICE_REQUIRED');
    const defaultTimeInForce = isMarket ? TimeInForce.ImmediateOrCancel : TimeInForce.GoodTillCancelled;
    return {
      kind: 'order.place', ownerId, symbol: market.spec.symbol,
      clientOrderId: body.clientOrderId ?? `${this.clientOrderIdPrefix}${++this.clientOrderIdCounter}`,
      side: sideNames[body.side], type: body.type,
      timeInForce: body.timeInForce === undefined ? defaultTimeInForce : timeInForceNames[body.timeInForce],
      postOnly: body.postOnly ?? false,
      priceUnits: body.price === undefined ? undefined : parseUnits(body.price, market.quote.scale, 'price'),
      quantityUnits: parseUnits(body.quantity, market.base.scale, 'quantity'),
      selfTradePrevention: body.selfTradePrevention === undefined ? SelfTradePrevention.CancelNewest
        : selfTradePreventionNames[body.selfTradePrevention],
    };
  }

  async placeOrder(ownerId: number, body: PlaceOrderBody): Promise<OrderReply> {
    const command = this.placeCommand(ownerId, body);
    const committed = await this.engine.submit(command);
    return this.placeReply(command, committed.result);
  }

  /** The smallest acknowledgement of a durable order: its ids (WebSocket `responseType: 'ack'`). */
  async placeOrderAck(ownerId: number, body: PlaceOrderBody): Promise<OrderAck> {
    const command = this.placeCommand(ownerId, body);
    const committed = await this.engine.submit(command);
    const orderId = acceptedOrderId(committed.result);
    return { orderId, clientOrderId: command.clientOrderId, symbol: publicSymbol(command.symbol) };
  }

  async placeOrders(ownerId: number, bodies: readonly PlaceOrderBody[]): Promise<BatchItem[]> {
    const items: (BatchItem | OrderPlaceCommand)[] = bodies.map((body) => {
      try {
        return this.placeCommand(ownerId, body);
      } catch (error) {
        return failure(error);
      }
    });
    const commands = items.filter((item): item is OrderPlaceCommand => 'kind' in item);
    const committed = await this.engine.submitMany(commands);
    let next = 0;
    return items.map((item) => {
      if (!('kind' in item)) return item;
      const outcome = committed[next++];
      if (outcome === undefined) return failure(new ServiceError('INTERNAL_ERROR'));
      try {
        return { ok: true as const, order: this.placeReply(item, outcome.result) };
      } catch (error) {
        return failure(error);
      }
    });
  }

  private placeReply(command: OrderPlaceCommand, result: Parameters<typeof throwIfRefused>[0]): OrderReply {
    const orderId = acceptedOrderId(result);
    const market = marketOf(this.engine.state, command.symbol);
    if (result.reply?.['duplicate'] === true) return this.getOrder(command.ownerId, orderId, true);
    const reply = orderAfter(this.engine.state, market, orderId, result);
    if (reply === undefined) throw new ServiceError('INTERNAL_ERROR');
    return reply;
  }

  async cancelOrder(ownerId: number, orderId: number): Promise<OrderReply> {
    const record = this.engine.state.orders.get(orderId);
    if (record === undefined || record.view.ownerId !== ownerId) throw new ServiceError('ORDER_UNKNOWN');
    const committed = await this.engine.submit({ kind: 'order.cancel', ownerId, symbol: record.view.symbol, orderId,
      clientOrderId: undefined });
    throwIfRefused(committed.result);
    const market = marketOf(this.engine.state, record.view.symbol);
    const reply = orderAfter(this.engine.state, market, orderId, committed.result, record.view);
    if (reply === undefined) throw new ServiceError('INTERNAL_ERROR');
    return reply;
  }

  async cancelByClientOrderId(ownerId: number, symbol: string, clientOrderId: string): Promise<OrderReply> {
    const market = marketOf(this.engine.state, symbol);
    // Read before the cancel removes it: the reply is built from this view and the done event.
    const known = this.openOrderByClientId(ownerId, clientOrderId);
    const committed = await this.engine.submit({ kind: 'order.cancel', ownerId, symbol: market.spec.symbol,
      orderId: undefined, clientOrderId });
    throwIfRefused(committed.result);
    const orderId = committed.result.reply?.['orderId'];
    const reply = typeof orderId === 'number'
      ? orderAfter(this.engine.state, market, orderId, committed.result, known?.orderId === orderId ? known : undefined)
      : undefined;
    if (reply === undefined) throw new ServiceError('INTERNAL_ERROR');
    return reply;
  }

  async cancelOrders(ownerId: number, orderIds: readonly number[]): Promise<BatchItem[]> {
    const commands: ExchangeCommand[] = [];
    const known = new Map<number, OrderView>();
    const items: (BatchItem | number)[] = orderIds.map((orderId) => {
      const record = this.engine.state.orders.get(orderId);
      if (record === undefined || record.view.ownerId !== ownerId) return failure(new ServiceError('ORDER_UNKNOWN'));
      commands.push({ kind: 'order.cancel', ownerId, symbol: record.view.symbol, orderId, clientOrderId: undefined });
      known.set(orderId, record.view);
      return orderId;
    });
    const committed = await this.engine.submitMany(commands);
    let next = 0;
    return items.map((item) => {
      if (typeof item !== 'number') return item;
      const outcome = committed[next++];
      const record = outcome?.command.kind === 'order.cancel' ? outcome : undefined;
      if (record === undefined || outcome === undefined) return failure(new ServiceError('INTERNAL_ERROR'));
      if (outcome.result.code !== 'OK') return failure(new ServiceError(codeOf(outcome.result.code)));
      const market = marketOf(this.engine.state, (outcome.command as { symbol: string }).symbol);
      const reply = orderAfter(this.engine.state, market, item, outcome.result, known.get(item));
      return reply === undefined ? failure(new ServiceError('INTERNAL_ERROR')) : { ok: true as const, order: reply };
    });
  }

  async cancelAll(ownerId: number, symbol: string | undefined): Promise<number> {
    const marketSymbol = symbol === undefined ? undefined : marketOf(this.engine.state, symbol).spec.symbol;
    const committed = await this.engine.submit({ kind: 'order.cancel-all', ownerId, symbol: marketSymbol });
    throwIfRefused(committed.result);
    return Number(committed.result.reply?.['cancelled'] ?? 0);
  }

  async amendOrder(ownerId: number, orderId: number, request: AmendRequest): Promise<OrderReply> {
    const record = this.engine.state.orders.get(orderId);
    if (record === undefined || record.view.ownerId !== ownerId) throw new ServiceError('ORDER_UNKNOWN');
    const market = marketOf(this.engine.state, record.view.symbol);
    const committed = await this.engine.submit({
      kind: 'order.amend', ownerId, symbol: record.view.symbol, orderId,
      priceUnits: request.price === undefined ? undefined : parseUnits(request.price, market.quote.scale, 'price'),
      quantityUnits: request.quantity === undefined ? undefined
        : parseUnits(request.quantity, market.base.scale, 'quantity'),
    });
    throwIfRefused(committed.result);
    // An amend that re-enters the book may fill completely, which removes the record: pass its view.
    const reply = orderAfter(this.engine.state, market, orderId, committed.result, record.view);
    if (reply === undefined) throw new ServiceError('INTERNAL_ERROR');
    return reply;
  }

  private openOrderByClientId(ownerId: number, clientOrderId: string): OrderView | undefined {
    const entry = this.engine.state.clientOrderIds.get(clientOrderIdKey(ownerId, clientOrderId));
    const record = entry === undefined ? undefined : this.engine.state.orders.get(entry.orderId);
    return record?.view.ownerId === ownerId ? record.view : undefined;
  }

  /** Open orders come from the engine; finished ones from the order history (projections). */
  getOrder(ownerId: number, orderId: number, allowClosed = false): OrderReply {
    const record = this.engine.state.orders.get(orderId);
    if (record === undefined || record.view.ownerId !== ownerId) {
      throw new ServiceError(allowClosed ? 'ORDER_NOT_OPEN' : 'ORDER_UNKNOWN');
    }
    return orderResponse(marketOf(this.engine.state, record.view.symbol), record.view, undefined, []);
  }

  openOrders(ownerId: number, symbol: string | undefined): OrderReply[] {
    // The market first: an unknown symbol is MARKET_UNKNOWN whether or not the user ever traded.
    const market = symbol === undefined ? undefined : marketOf(this.engine.state, symbol);
    const user = this.engine.state.users.get(ownerId);
    if (user === undefined) return [];
    const replies: OrderReply[] = [];
    for (const orderId of user.openOrderIds) {
      const record = this.engine.state.orders.get(orderId);
      if (record === undefined || (market !== undefined && record.view.marketId !== market.spec.marketId)) continue;
      const recordMarket = this.engine.state.markets.get(record.view.marketId);
      if (recordMarket !== undefined) replies.push(orderResponse(recordMarket, record.view, undefined, []));
    }
    return replies;
  }

  balances(ownerId: number) {
    const state = this.engine.state;
    const balances = [...state.ledger.accountsOf(ownerId)].sort((left, right) => left.assetId - right.assetId)
      .flatMap((account) => {
        const asset = state.assets.get(account.assetId);
        if (asset === undefined) return [];
        return [{
          asset: asset.code, total: formatDecimal(account.balanceUnits, asset.scale),
          available: formatDecimal(account.balanceUnits - account.heldUnits, asset.scale),
          held: formatDecimal(account.heldUnits, asset.scale),
        }];
      });
    return { balances };
  }
}

function codeOf(code: string) {
  return isErrorCode(code) ? code : 'INTERNAL_ERROR';
}

function failure(error: unknown): BatchItem {
  const code = error instanceof ServiceError ? error.code : 'INTERNAL_ERROR';
  return { ok: false, error: { code, message: errorCatalogue[code].message } };
}

export { publicSymbol };

/** The order a placement created (or, for an identical retry, found); a refusal is thrown as its error. */
function acceptedOrderId(result: Parameters<typeof throwIfRefused>[0]): number {
  throwIfRefused(result);
  const orderId = result.reply?.['orderId'];
  if (typeof orderId !== 'number') throw new ServiceError('INTERNAL_ERROR');
  return orderId;
}
