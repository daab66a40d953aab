// The customer FX routes on the real HTTP foundation (createHttpApp + inject) over PostgreSQL and a
// real exchange engine: quote, accept, list; strict decimals; permissions; the codes a client sees.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { anonymousPrincipal, createHttpApp, type Authenticator, type HttpApp, type Permission } from '@parite/http';
import { startTestPostgres, type TestPostgresServer } from '@parite/platform';
import { customerFxPlugin } from '../src/index.ts';
import { alice, bob, QuoteFixture } from './quote-fixture.ts';

/** x-test-user: <owner id>[,<permission>...]; no header is anonymous. */
const headerAuthenticator: Authenticator = {
  authenticate: (request) => {
    const header = request.headers['x-test-user'];
    if (typeof header !== 'string') return Promise.resolve(anonymousPrincipal);
    const [id = '', ...granted] = header.split(',');
    return Promise.resolve({ kind: 'user', userId: Number(id), userPublicId: `usr_${id}`,
      permissions: new Set(granted as Permission[]), roles: ['customer'] });
  },
};

let server: TestPostgresServer;
let fixture: QuoteFixture;
let app: HttpApp;

before(async () => {
  server = await startTestPostgres();
  fixture = await QuoteFixture.open(server.adminUrl);
  await fixture.fund(alice, 'TRY', 1_000_000_000_000n);
  app = createHttpApp({ authenticator: headerAuthenticator, openApi: { title: 'test', version: '0' }, rateLimit: false });
  await app.register(customerFxPlugin, { quotes: fixture.service });
  await app.ready();
});

after(async () => {
  await app.close();
  await fixture.close();
  await server.close();
});

const trader = (ownerId: number) => ({ 'x-test-user': `${ownerId},order:write,account:read` });

async function call(method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: unknown) {
  const response = await app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
}

function code(body: Record<string, unknown>): unknown {
  return (body['error'] as { code?: string } | undefined)?.code;
}

test('quote, accept and list over HTTP with decimal strings', async () => {
  const quoted = await call('POST', '/v1/fx/quotes', trader(alice),
    { pair: 'USD-TRY', side: 'buy', amount: '100', currency: 'USD' });
  assert.equal(quoted.status, 201, JSON.stringify(quoted.body));
  assert.deepEqual({ ...quoted.body, quoteId: 'x' }, {
    quoteId: 'x', pair: 'USD-TRY', side: 'buy', baseCurrency: 'USD', quoteCurrency: 'TRY', rate: '42.1234',
    baseAmount: '100', quoteAmount: '4212.34', cycleId: 'fx-test:1',
    createdAt: '2026-03-04T07:00:00.000Z', expiresAt: '2026-03-04T07:00:10.000Z' });
  const quoteId = quoted.body['quoteId'] as string;
  const terms = { pair: 'USD-TRY', side: 'buy', rate: '42.1234', baseAmount: '100.00', quoteAmount: '4212.340000' };
  const altered = await call('POST', `/v1/fx/quotes/${quoteId}/accept`, trader(alice), { ...terms, quoteAmount: '4212.33' });
  assert.deepEqual([altered.status, code(altered.body)], [409, 'FX_QUOTE_TERMS_MISMATCH']);
  const foreign = await call('POST', `/v1/fx/quotes/${quoteId}/accept`, trader(bob), terms);
  assert.deepEqual([foreign.status, code(foreign.body)], [404, 'FX_QUOTE_UNKNOWN']);
  const accepted = await call('POST', `/v1/fx/quotes/${quoteId}/accept`, trader(alice), terms);
  assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
  assert.equal(accepted.body['conversionId'], quoteId);
  assert.equal(accepted.body['quoteAmount'], '4212.34');
  const replay = await call('POST', `/v1/fx/quotes/${quoteId}/accept`, trader(alice), terms);
  assert.deepEqual([replay.status, code(replay.body)], [409, 'FX_QUOTE_ALREADY_ACCEPTED']);
  const listed = await call('GET', '/v1/fx/conversions?limit=5', trader(alice));
  assert.equal(listed.status, 200);
  assert.deepEqual((listed.body['conversions'] as { conversionId: string }[]).map((item) => item.conversionId), [quoteId]);
  const none = await call('GET', '/v1/fx/conversions', trader(bob));
  assert.deepEqual(none.body, { conversions: [] });
  assert.equal(fixture.balance(alice, 'USD'), 10_000n);
});

test('amounts are strict decimal strings at the currency\'s scale', async () => {
  const cases: [unknown, number, string][] = [
    [{ pair: 'USD-TRY', side: 'buy', amount: '100.001', currency: 'USD' }, 400, 'DECIMAL_TOO_PRECISE'],
    [{ pair: 'USD-TRY', side: 'buy', amount: '1e2', currency: 'USD' }, 400, 'DECIMAL_MALFORMED'],
    [{ pair: 'USD-TRY', side: 'buy', amount: '-1', currency: 'USD' }, 400, 'DECIMAL_NEGATIVE'],
    [{ pair: 'USD-TRY', side: 'buy', amount: '0100', currency: 'USD' }, 400, 'DECIMAL_MALFORMED'],
    [{ pair: 'USD-TRY', side: 'buy', amount: 100, currency: 'USD' }, 400, 'REQUEST_VALIDATION_FAILED'],
    [{ pair: 'USD-TRY', side: 'buy', amount: '0', currency: 'USD' }, 400, 'LEDGER_AMOUNT_INVALID'],
    [{ pair: 'USD-TRY', side: 'buy', amount: '99999999999999999999', currency: 'USD' }, 400, 'DECIMAL_TOO_LARGE'],
    [{ pair: 'USD-TRY', side: 'buy', amount: '1', currency: 'EUR' }, 400, 'FX_QUOTE_CURRENCY_INVALID'],
    [{ pair: 'JPY-TRY', side: 'buy', amount: '1', currency: 'JPY' }, 404, 'FX_PAIR_UNKNOWN'],
    [{ pair: 'USD/TRY', side: 'buy', amount: '1', currency: 'USD' }, 400, 'REQUEST_VALIDATION_FAILED'],
    [{ pair: 'USD-TRY', side: 'hold', amount: '1', currency: 'USD' }, 400, 'REQUEST_VALIDATION_FAILED'],
    [{ pair: 'USD-TRY', side: 'buy', amount: '1', currency: 'USD', extra: true }, 400, 'REQUEST_VALIDATION_FAILED'],
  ];
  for (const [payload, status, expected] of cases) {
    const response = await call('POST', '/v1/fx/quotes', trader(alice), payload);
    assert.deepEqual([response.status, code(response.body)], [status, expected], JSON.stringify(payload));
  }
  const badId = await call('POST', '/v1/fx/quotes/fxq_short/accept', trader(alice),
    { pair: 'USD-TRY', side: 'buy', rate: '1', baseAmount: '1', quoteAmount: '1' });
  assert.deepEqual([badId.status, code(badId.body)], [400, 'REQUEST_VALIDATION_FAILED']);
});

test('quote and accept need order:write; the list needs account:read; anonymous callers reach nothing', async () => {
  const readOnly = { 'x-test-user': `${alice},account:read,order:read` };
  const quote = await call('POST', '/v1/fx/quotes', readOnly, { pair: 'USD-TRY', side: 'buy', amount: '1', currency: 'USD' });
  assert.deepEqual([quote.status, code(quote.body)], [403, 'AUTH_FORBIDDEN']);
  const accept = await call('POST', '/v1/fx/quotes/fxq_AAAAAAAAAAAAAAAAAAAAAA/accept', readOnly,
    { pair: 'USD-TRY', side: 'buy', rate: '1', baseAmount: '1', quoteAmount: '1' });
  assert.deepEqual([accept.status, code(accept.body)], [403, 'AUTH_FORBIDDEN']);
  const list = await call('GET', '/v1/fx/conversions', { 'x-test-user': `${alice},order:write` });
  assert.deepEqual([list.status, code(list.body)], [403, 'AUTH_FORBIDDEN']);
  const anonymous = await call('GET', '/v1/fx/conversions', {});
  assert.deepEqual([anonymous.status, code(anonymous.body)], [401, 'AUTH_REQUIRED']);
  const document = await call('GET', '/openapi.json', {});
  const paths = document.body['paths'] as Record<string, Record<string, { 'x-permission': string }>>;
  assert.equal(paths['/v1/fx/quotes']?.['post']?.['x-permission'], 'order:write');
  assert.equal(paths['/v1/fx/quotes/{quoteId}/accept']?.['post']?.['x-permission'], 'order:write');
  assert.equal(paths['/v1/fx/conversions']?.['get']?.['x-permission'], 'account:read');
});
