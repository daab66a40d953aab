// Request and response schemas of the customer FX routes. Amounts and rates are decimal strings
// (parsed strictly at the asset's ledger scale, the rate at 8 digits); pairs are written USD-TRY in
// URLs and bodies like market symbols; unknown fields are refused.

import { Type, type Static } from '@sinclair/typebox';

export const customerPairPattern = '^[A-Z0-9]{2,12}-[A-Z0-9]{2,12}$';
export const customerQuoteIdPattern = '^fxq_[A-Za-z0-9_-]{22}$';

const Decimal = Type.String({ minLength: 1, maxLength: 40, description: 'Decimal string, e.g. "100.25"' });
const Pair = Type.String({ pattern: customerPairPattern, description: 'Currency pair, base-quote, e.g. USD-TRY' });
const Side = Type.Union([Type.Literal('buy'), Type.Literal('sell')],
  { description: 'The customer buys or sells the base currency' });

export const QuoteRequestBody = Type.Object({
  pair: Pair,
  side: Side,
  amount: Decimal,
  currency: Type.String({ pattern: '^[A-Z0-9]{2,12}$', description: 'The currency of amount: the base or the quote' }),
}, { additionalProperties: false });
export type QuoteRequestBody = Static<typeof QuoteRequestBody>;

export const AcceptQuoteBody = Type.Object({
  pair: Pair,
  side: Side,
  rate: Decimal,
  baseAmount: Decimal,
  quoteAmount: Decimal,
}, { additionalProperties: false, description: 'The quote\'s terms as the customer saw them; they must match exactly' });
export type AcceptQuoteBody = Static<typeof AcceptQuoteBody>;

export const QuoteIdParams = Type.Object({ quoteId: Type.String({ pattern: customerQuoteIdPattern }) },
  { additionalProperties: false });

export const ConversionsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
}, { additionalProperties: false });

const terms = {
  pair: Type.String(), side: Side, baseCurrency: Type.String(), quoteCurrency: Type.String(), rate: Type.String(),
  baseAmount: Type.String(), quoteAmount: Type.String(),
  cycleId: Type.String({ description: 'The rate cycle the quoted rate comes from' }),
};

export const QuoteResponse = Type.Object({
  quoteId: Type.String(), ...terms, createdAt: Type.String(), expiresAt: Type.String(),
}, { additionalProperties: false });

export const ConversionResponse = Type.Object({
  conversionId: Type.String(), quoteId: Type.String(), ...terms, acceptedAt: Type.String(),
}, { additionalProperties: false });

export const ConversionsResponse = Type.Object({ conversions: Type.Array(ConversionResponse) },
  { additionalProperties: false });
