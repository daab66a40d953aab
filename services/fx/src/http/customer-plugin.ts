// Customer FX routes: request a quote, accept it, list one's conversions. Quote and accept move
// money and need 'order:write' (a trading key or session); the list is a read ('account:read').
// Decimal strings are parsed strictly here; the quote service and the exchange core check the rest.

import type { HttpPlugin } from '@parite/http';
import { ServiceError } from '@parite/contracts';
import { formatDecimal, parseDecimal } from '@parite/kernel';
import { fxRateScale, type AssetSpec } from '@parite/exchange/domain';
import type { QuoteCustomer } from '../app/quote-ports.ts';
import type { QuoteService } from '../app/quote-service.ts';
import type { QuoteRecord } from '../app/quote-store.ts';
import { amountUnitsMax, splitPair } from '../app/quote-terms.ts';
import {
  AcceptQuoteBody, ConversionResponse, ConversionsQuery, ConversionsResponse, QuoteIdParams, QuoteRequestBody,
  QuoteResponse,
} from './customer-schemas.ts';

export interface CustomerFxPluginOptions {
  quotes: QuoteService;
}

const tags = ['fx'];

function customerOf(request: { principal: { kind: string; userId?: number; userPublicId?: string }; id: string }):
  QuoteCustomer {
  const principal = request.principal;
  if (principal.kind !== 'user' || principal.userId === undefined || principal.userPublicId === undefined) {
    throw new ServiceError('AUTH_REQUIRED');
  }
  return { ownerId: principal.userId, actorId: principal.userPublicId, requestId: request.id };
}

function parseUnits(value: string, scale: number, field: string): bigint {
  const parsed = parseDecimal(value, scale);
  if (!parsed.ok) throw new ServiceError(parsed.reason, { field });
  if (parsed.value > amountUnitsMax) throw new ServiceError('DECIMAL_TOO_LARGE', { field });
  return parsed.value;
}

function pairAssets(quotes: QuoteService, pair: string): { base: AssetSpec; quote: AssetSpec } | undefined {
  const codes = splitPair(pair);
  const base = codes === undefined ? undefined : quotes.asset(codes.base);
  const quote = codes === undefined ? undefined : quotes.asset(codes.quote);
  return base === undefined || quote === undefined ? undefined : { base, quote };
}

function termsView(quotes: QuoteService, record: QuoteRecord) {
  const assets = pairAssets(quotes, record.pair);
  if (assets === undefined) throw new ServiceError('INTERNAL_ERROR');
  return {
    pair: record.pair.replace('/', '-'), side: record.side, baseCurrency: assets.base.code,
    quoteCurrency: assets.quote.code, rate: formatDecimal(record.rateUnits, fxRateScale),
    baseAmount: formatDecimal(record.baseAmountUnits, assets.base.scale),
    quoteAmount: formatDecimal(record.quoteAmountUnits, assets.quote.scale), cycleId: record.cycleId,
  };
}

function conversionView(quotes: QuoteService, record: QuoteRecord) {
  return {
    conversionId: record.quoteId, quoteId: record.quoteId, ...termsView(quotes, record),
    acceptedAt: new Date(record.acceptedAtMs ?? 0).toISOString(),
  };
}

export const customerFxPlugin: HttpPlugin<CustomerFxPluginOptions> = async (app, { quotes }) => {
  app.post('/v1/fx/quotes', {
    config: { permission: 'order:write' },
    schema: { tags, summary: 'Request a conversion quote (valid 10 s)', body: QuoteRequestBody,
      response: { 201: QuoteResponse } },
  }, async (request, reply) => {
    const customer = customerOf(request);
    const pair = request.body.pair.replace('-', '/');
    const assets = pairAssets(quotes, pair);
    if (assets === undefined) throw new ServiceError('FX_PAIR_UNKNOWN');
    const currency = request.body.currency;
    if (currency !== assets.base.code && currency !== assets.quote.code) throw new ServiceError('FX_QUOTE_CURRENCY_INVALID');
    const scale = currency === assets.base.code ? assets.base.scale : assets.quote.scale;
    const record = await quotes.requestQuote(customer, { pair, side: request.body.side, amountAsset: currency,
      amountUnits: parseUnits(request.body.amount, scale, 'amount') });
    return reply.code(201).send({
      quoteId: record.quoteId, ...termsView(quotes, record), createdAt: new Date(record.createdAtMs).toISOString(),
      expiresAt: new Date(record.expiresAtMs).toISOString(),
    });
  });

  app.post('/v1/fx/quotes/:quoteId/accept', {
    config: { permission: 'order:write' },
    schema: { tags, summary: 'Accept a quote: convert at its rate, exactly once', params: QuoteIdParams,
      body: AcceptQuoteBody, response: { 200: ConversionResponse } },
  }, async (request) => {
    const customer = customerOf(request);
    const pair = request.body.pair.replace('-', '/');
    // No quote can be in a pair the catalogue does not hold: the terms cannot match.
    const assets = pairAssets(quotes, pair);
    if (assets === undefined) throw new ServiceError('FX_QUOTE_TERMS_MISMATCH');
    const record = await quotes.acceptQuote(customer, request.params.quoteId, {
      pair, side: request.body.side, rateUnits: parseUnits(request.body.rate, fxRateScale, 'rate'),
      baseAmountUnits: parseUnits(request.body.baseAmount, assets.base.scale, 'baseAmount'),
      quoteAmountUnits: parseUnits(request.body.quoteAmount, assets.quote.scale, 'quoteAmount'),
    });
    return conversionView(quotes, record);
  });

  app.get('/v1/fx/conversions', {
    config: { permission: 'account:read' },
    schema: { tags: ['fx', 'account'], summary: 'Your conversions, newest first', querystring: ConversionsQuery,
      response: { 200: ConversionsResponse } },
  }, async (request) => {
    const records = await quotes.conversions(customerOf(request), request.query.limit ?? 50);
    return { conversions: records.map((record) => conversionView(quotes, record)) };
  });
};
