// Trading routes: place, batch place, amend, cancel (by id, client id, batch, all), open orders,
// one order, balances. Every route declares its permission; the foundation authenticates.

import type { HttpPlugin } from '@parite/http';
import { ServiceError } from '@parite/contracts';
import type { TradingService } from '../app/trading-service.ts';
import {
  AmendOrderBody, BalancesResponse, BatchCancelBody, BatchPlaceBody, BatchResponse, CancelAllResponse,
  ClientOrderIdParams, OpenOrdersResponse, OrderIdParams, OrderResponse, PlaceOrderBody, RequiredSymbolQuery,
  SymbolQuery,
} from './schemas.ts';

export interface TradingPluginOptions {
  trading: TradingService;
}

function ownerOf(principal: { kind: string; userId?: number }): number {
  if (principal.kind !== 'user' || principal.userId === undefined) throw new ServiceError('AUTH_REQUIRED');
  return principal.userId;
}

const tags = ['trading'];

export const tradingPlugin: HttpPlugin<TradingPluginOptions> = async (app, { trading }) => {
  app.post('/v1/orders', {
    config: { permission: 'order:write' },
    schema: { tags, summary: 'Place an order', body: PlaceOrderBody, response: { 201: OrderResponse } },
  }, async (request, reply) => {
    const order = await trading.placeOrder(ownerOf(request.principal), request.body);
    return reply.code(201).send(order);
  });

  app.post('/v1/orders/batch', {
    config: { permission: 'order:write' },
    schema: { tags, summary: 'Place up to 20 orders in one group commit', body: BatchPlaceBody,
      response: { 200: BatchResponse } },
  }, async (request) => ({ results: await trading.placeOrders(ownerOf(request.principal), request.body.orders) }));

  app.get('/v1/orders/open', {
    config: { permission: 'order:read' },
    schema: { tags, summary: 'Open orders', querystring: SymbolQuery, response: { 200: OpenOrdersResponse } },
  }, async (request) => ({ orders: trading.openOrders(ownerOf(request.principal), request.query.symbol) }));

  app.get('/v1/orders/:orderId', {
    config: { permission: 'order:read' },
    schema: { tags, summary: 'One open order', params: OrderIdParams, response: { 200: OrderResponse } },
  }, async (request) => trading.getOrder(ownerOf(request.principal), Number(request.params.orderId)));

  app.patch('/v1/orders/:orderId', {
    config: { permission: 'order:write' },
    schema: { tags, summary: 'Amend price or quantity (a quantity cut keeps priority)', params: OrderIdParams,
      body: AmendOrderBody, response: { 200: OrderResponse } },
  }, async (request) => trading.amendOrder(ownerOf(request.principal), Number(request.params.orderId), request.body));

  app.delete('/v1/orders/:orderId', {
    config: { permission: 'order:write' },
    schema: { tags, summary: 'Cancel an order', params: OrderIdParams, response: { 200: OrderResponse } },
  }, async (request) => trading.cancelOrder(ownerOf(request.principal), Number(request.params.orderId)));

  app.delete('/v1/orders/by-client-id/:clientOrderId', {
    config: { permission: 'order:write' },
    schema: { tags, summary: 'Cancel an order by client order id', params: ClientOrderIdParams,
      querystring: RequiredSymbolQuery, response: { 200: OrderResponse } },
  }, async (request) => trading.cancelByClientOrderId(ownerOf(request.principal), request.query.symbol,
    request.params.clientOrderId));

  app.post('/v1/orders/cancel-batch', {
    config: { permission: 'order:write' },
    schema: { tags, summary: 'Cancel up to 20 orders', body: BatchCancelBody, response: { 200: BatchResponse } },
  }, async (request) => ({ results: await trading.cancelOrders(ownerOf(request.principal), request.body.orderIds) }));

  app.delete('/v1/orders', {
    config: { permission: 'order:write' },
    schema: { tags, summary: 'Cancel all open orders, in one market or all', querystring: SymbolQuery,
      response: { 200: CancelAllResponse } },
  }, async (request) => ({ cancelled: await trading.cancelAll(ownerOf(request.principal), request.query.symbol) }));

  app.get('/v1/balances', {
    config: { permission: 'account:read' },
    schema: { tags: ['account'], summary: 'Balances: total, available, held', response: { 200: BalancesResponse } },
  }, async (request) => trading.balances(ownerOf(request.principal)));

};
