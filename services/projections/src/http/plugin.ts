// History routes over the projections. Every route serves the caller's own rows only: the owner
// comes from the authenticated principal, never from the request.
//
//   GET /v1/orders/history   ?symbol=&status=&limit=&before=   (order:read)
//   GET /v1/trades/history   ?symbol=&limit=&before=           (order:read)
//   GET /v1/ledger/entries   ?asset=&limit=&before=            (account:read)

import { ServiceError } from '@parite/contracts';
import type { HttpPlugin } from '@parite/http';
import type { FastifyRequest } from 'fastify';
import { queryLedgerEntries } from '../queries/ledger-entries.ts';
import { findAssetId, findMarketId, type CatalogueSource } from '../queries/lookups.ts';
import { queryOrderHistory } from '../queries/order-history.ts';
import {
  historyPageLimitDefault, parseEntryCursor, parseFillCursor, parseOrderCursor,
} from '../queries/pages.ts';
import { queryTradeHistory } from '../queries/trade-history.ts';
import type { Sql } from '../storage/sql.ts';
import {
  LedgerEntriesPage, LedgerEntriesQuery, OrderHistoryPage, OrderHistoryQuery, TradeHistoryPage, TradeHistoryQuery,
} from './schemas.ts';

export interface ProjectionsPluginOptions {
  sql: Sql;
  /** When given, symbols and asset codes resolve from the engine's memory instead of the tables. */
  engine?: CatalogueSource;
}

/** The authenticated user's ledger owner id. The access hook has already refused anonymous callers. */
export function requestOwnerId(request: FastifyRequest): number {
  const principal = request.principal;
  if (principal.kind !== 'user') throw new ServiceError('AUTH_REQUIRED');
  return principal.userId;
}

function cursor<Value>(text: string | undefined, parse: (text: string) => Value | undefined): Value | undefined {
  if (text === undefined) return undefined;
  const value = parse(text);
  if (value === undefined) {
    throw new ServiceError('REQUEST_VALIDATION_FAILED', { location: 'querystring', property: 'before' });
  }
  return value;
}

function withPublicSymbols<Page extends { items: readonly { symbol: string }[] }>(page: Page): Page {
  return { ...page, items: page.items.map((item) => ({ ...item, symbol: item.symbol.replace('/', '-') })) };
}

export const projectionsPlugin: HttpPlugin<ProjectionsPluginOptions> = async (app, options) => {
  const { sql, engine } = options;

  const marketIdOf = async (symbol: string | undefined): Promise<number | undefined> => {
    if (symbol === undefined) return undefined;
    // The API writes symbols BTC-TRY; the engine and the tables keep BTC/TRY.
    const marketId = await findMarketId(sql, symbol.replace('-', '/'), engine);
    if (marketId === undefined) throw new ServiceError('MARKET_UNKNOWN', { symbol });
    return marketId;
  };

  app.get('/v1/orders/history', {
    schema: { summary: 'My orders, newest first', tags: ['history'], querystring: OrderHistoryQuery,
      response: { 200: OrderHistoryPage } },
    config: { permission: 'order:read' },
  }, async (request) => {
    const query = request.query;
    return withPublicSymbols(await queryOrderHistory(sql, {
      ownerId: requestOwnerId(request), marketId: await marketIdOf(query.symbol), status: query.status,
      beforeOrderId: cursor(query.before, parseOrderCursor), limit: query.limit ?? historyPageLimitDefault,
    }));
  });

  app.get('/v1/trades/history', {
    schema: { summary: 'My fills, newest first', tags: ['history'], querystring: TradeHistoryQuery,
      response: { 200: TradeHistoryPage } },
    config: { permission: 'order:read' },
  }, async (request) => {
    const query = request.query;
    return withPublicSymbols(await queryTradeHistory(sql, {
      ownerId: requestOwnerId(request), marketId: await marketIdOf(query.symbol),
      before: cursor(query.before, parseFillCursor), limit: query.limit ?? historyPageLimitDefault,
    }));
  });

  app.get('/v1/ledger/entries', {
    schema: { summary: 'My ledger entries, newest first', tags: ['history'], querystring: LedgerEntriesQuery,
      response: { 200: LedgerEntriesPage } },
    config: { permission: 'account:read' },
  }, async (request) => {
    const query = request.query;
    let assetId: number | undefined;
    if (query.asset !== undefined) {
      assetId = await findAssetId(sql, query.asset, engine);
      if (assetId === undefined) throw new ServiceError('ASSET_UNKNOWN', { asset: query.asset });
    }
    return await queryLedgerEntries(sql, {
      ownerId: requestOwnerId(request), assetId, before: cursor(query.before, parseEntryCursor),
      limit: query.limit ?? historyPageLimitDefault,
    });
  });
};
