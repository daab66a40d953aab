// Operator routes: markets and assets changed at runtime, reference prices, ledger transfers
// (funding and adjustments). Every one of them is four-eyes: the route validates the input and
// files an approval request (202); the command runs when a second authorised person approves it.
// The one exception is an emergency brake: halting a market or making it cancel-only runs at once
// (reopening it is four-eyes again). Each action is in the audit log: the request, the decision and
// the outcome (the approvals service records them), or for a brake the intent and the outcome.

import { Type } from '@sinclair/typebox';
import { ServiceError, type AuditRecorder } from '@parite/contracts';
import { ApprovalReply, approvalView, deciderOf, type ApprovalService } from '@parite/approvals';
import type { HttpPlugin, Permission, Principal } from '@parite/http';
import { jsonParseWithBigint, jsonStringifyWithBigint } from '@parite/kernel';
import type { ExchangeEngineApi } from '../app/engine-api.ts';
import type { ExchangeCommand, MarketParameters } from '../domain/types.ts';
import { marketOf, parseUnits, publicSymbol, throwIfRefused } from './edge.ts';
import { MarketSymbol } from './schemas.ts';

export interface AdminPluginOptions {
  engine: ExchangeEngineApi;
  audit: AuditRecorder;
  /** Ledger transfers go only to users that exist (the engine knows owners, not users). */
  userExists: (userId: number) => Promise<boolean>;
  approvals: ApprovalService;
}

/** The actions this plugin files for approval, each run by the executor registered below. */
export const exchangeApprovalKinds = ['asset.create', 'market.create', 'market.update', 'market.reference-price',
  'ledger.transfer'] as const;

const Decimal = Type.String({ minLength: 1, maxLength: 40 });
const Ppm = Type.Integer({ minimum: 0, maximum: 999_999 });
const FeeTier = Type.Object({ makerFeePpm: Ppm, takerFeePpm: Ppm }, { additionalProperties: false });
const Status = Type.Union([Type.Literal('open'), Type.Literal('halted'), Type.Literal('cancel-only')]);

const MarketParametersBody = Type.Object({
  tickSize: Decimal, lotSize: Decimal, quantityMinLots: Type.Integer({ minimum: 1 }),
  quantityMaxLots: Type.Integer({ minimum: 1 }), notionalMin: Decimal, priceBandPpm: Ppm,
  marketSlippageMaxPpm: Ppm, status: Status, feeTiers: Type.Array(FeeTier, { minItems: 1, maxItems: 16 }),
  openOrdersPerUserMax: Type.Integer({ minimum: 1, maximum: 100_000 }),
}, { additionalProperties: false });

const CreateMarketBody = Type.Object({ symbol: MarketSymbol, parameters: MarketParametersBody },
  { additionalProperties: false });
const UpdateMarketBody = Type.Partial(MarketParametersBody, { additionalProperties: false, minProperties: 1 });
const ReasonBody = { reason: Type.String({ minLength: 3, maxLength: 500 }) };
const TransferBody = Type.Object({
  transferId: Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,128}$' }),
  userId: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
  direction: Type.Union([Type.Literal('credit'), Type.Literal('debit')]),
  asset: Type.String({ pattern: '^[A-Z0-9]{2,12}$' }), amount: Decimal, ...ReasonBody,
}, { additionalProperties: false });
const ReferencePriceBody = Type.Object({ price: Decimal }, { additionalProperties: false });
const AssetBody = Type.Object({ code: Type.String({ pattern: '^[A-Z0-9]{2,12}$' }),
  scale: Type.Integer({ minimum: 0, maximum: 18 }) }, { additionalProperties: false });
const SymbolParams = Type.Object({ symbol: MarketSymbol }, { additionalProperties: false });
const Done = Type.Object({ ok: Type.Literal(true), sequence: Type.String(), reply: Type.Optional(Type.Record(
  Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]))) }, { additionalProperties: false });

type ParametersBody = Partial<{ tickSize: string; lotSize: string; notionalMin: string }> &
  Partial<Omit<MarketParameters, 'tickSizeUnits' | 'lotSizeUnits' | 'notionalMinUnits'>>;

function toParameters(engine: ExchangeEngineApi, symbol: string, body: ParametersBody): Partial<MarketParameters> {
  const [baseCode = '', quoteCode = ''] = symbol.split('/');
  const base = engine.state.assetByCode.get(baseCode);
  const quote = engine.state.assetByCode.get(quoteCode);
  if (base === undefined || quote === undefined) throw new ServiceError('ASSET_UNKNOWN');
  const { tickSize, lotSize, notionalMin, ...rest } = body;
  return {
    ...rest,
    tickSizeUnits: tickSize === undefined ? undefined : parseUnits(tickSize, quote.scale, 'tickSize'),
    lotSizeUnits: lotSize === undefined ? undefined : parseUnits(lotSize, base.scale, 'lotSize'),
    notionalMinUnits: notionalMin === undefined ? undefined : parseUnits(notionalMin, quote.scale, 'notionalMin'),
  };
}

function actorOf(principal: Principal): string {
  return principal.kind === 'user' ? principal.userPublicId : 'anonymous';
}

function scalars(values: Record<string, unknown> | undefined): Record<string, string | number | boolean> {
  const reply: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(values ?? {})) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') reply[key] = value;
  }
  return reply;
}

/** A status-only change to halted or cancel-only: the emergency brake one operator may pull alone. */
function isBrake(body: Record<string, unknown>): boolean {
  const keys = Object.keys(body);
  return keys.length === 1 && (body['status'] === 'halted' || body['status'] === 'cancel-only');
}

export const adminPlugin: HttpPlugin<AdminPluginOptions> = async (app, { engine, audit, userExists, approvals }) => {
  for (const kind of exchangeApprovalKinds) {
    approvals.registerExecutor(kind, async (payload) => {
      const committed = await engine.submit(jsonParseWithBigint(payload) as ExchangeCommand);
      return { ok: committed.result.code === 'OK', code: committed.result.code,
        result: { sequence: committed.sequence.toString(), ...scalars(committed.result.reply) } };
    });
  }

  /** Files the validated command for a second person's approval. */
  async function propose(principal: Principal, requestId: string, kind: (typeof exchangeApprovalKinds)[number],
    permission: Permission, target: string, command: ExchangeCommand, summary: Record<string, unknown>) {
    const approval = await approvals.request({ kind, permission, targetKind: kind.split('.')[0] ?? '', targetId: target,
      payload: jsonStringifyWithBigint(command), summary }, deciderOf(principal), requestId);
    return approvalView(approval);
  }

  async function run(principal: Principal, requestId: string, action: string, target: string,
    command: ExchangeCommand, details: Record<string, unknown>) {
    const base = { actorKind: 'operator' as const, actorId: actorOf(principal), targetKind: action.split('.')[0] ?? '',
      targetId: target, requestId };
    await audit.record({ ...base, action: `${action}.requested`, details });
    const committed = await engine.submit(command);
    await audit.record({ ...base, action: `${action}.${committed.result.code === 'OK' ? 'completed' : 'refused'}`,
      details: { ...details, code: committed.result.code, sequence: committed.sequence.toString() } });
    throwIfRefused(committed.result);
    return { ok: true as const, sequence: committed.sequence.toString(), reply: scalars(committed.result.reply) };
  }
  const tags = ['admin'];

  app.post('/v1/admin/assets', {
    config: { permission: 'market:admin' },
    schema: { tags, summary: 'Request a new asset (four-eyes)', body: AssetBody, response: { 202: ApprovalReply } },
  }, async (request, reply) => {
    if (engine.state.assetByCode.has(request.body.code)) throw new ServiceError('ASSET_ALREADY_EXISTS');
    reply.code(202);
    return propose(request.principal, request.id, 'asset.create', 'market:admin', request.body.code,
      { kind: 'asset.create', code: request.body.code, scale: request.body.scale }, { ...request.body });
  });

  app.post('/v1/admin/markets', {
    config: { permission: 'market:admin' },
    schema: { tags, summary: 'Request a new market at runtime (four-eyes)', body: CreateMarketBody,
      response: { 202: ApprovalReply } },
  }, async (request, reply) => {
    const symbol = request.body.symbol.replace('-', '/');
    const [baseAssetCode = '', quoteAssetCode = ''] = symbol.split('/');
    if (engine.state.marketBySymbol.has(symbol)) throw new ServiceError('MARKET_ALREADY_EXISTS');
    const parameters = toParameters(engine, symbol, request.body.parameters) as MarketParameters;
    reply.code(202);
    return propose(request.principal, request.id, 'market.create', 'market:admin', request.body.symbol,
      { kind: 'market.create', symbol, baseAssetCode, quoteAssetCode, parameters }, { ...request.body });
  });

  app.patch('/v1/admin/markets/:symbol', {
    config: { permission: 'market:admin' },
    schema: { tags, summary: 'Halt a market or make it cancel-only at once; any other change is four-eyes (202)',
      params: SymbolParams, body: UpdateMarketBody, response: { 200: Done, 202: ApprovalReply } },
  }, async (request, reply) => {
    const market = marketOf(engine.state, request.params.symbol);
    const parameters = toParameters(engine, market.spec.symbol, request.body);
    const command: ExchangeCommand = { kind: 'market.update', symbol: market.spec.symbol, parameters };
    const target = publicSymbol(market.spec.symbol);
    if (isBrake(request.body)) return run(request.principal, request.id, 'market.brake', target, command, { ...request.body });
    reply.code(202);
    return propose(request.principal, request.id, 'market.update', 'market:admin', target, command, { ...request.body });
  });

  app.post('/v1/admin/markets/:symbol/reference-price', {
    config: { permission: 'market:admin' },
    schema: { tags, summary: 'Set the reference price used by the price band', params: SymbolParams,
      body: ReferencePriceBody, response: { 202: ApprovalReply } },
  }, async (request, reply) => {
    const market = marketOf(engine.state, request.params.symbol);
    const priceUnits = parseUnits(request.body.price, market.quote.scale, 'price');
    reply.code(202);
    return propose(request.principal, request.id, 'market.reference-price', 'market:admin', publicSymbol(market.spec.symbol),
      { kind: 'market.reference-price', symbol: market.spec.symbol, priceUnits }, { ...request.body });
  });

  app.post('/v1/admin/ledger/transfers', {
    config: { permission: 'ledger:admin' },
    schema: { tags, summary: 'Request a credit or debit of a user against the external account (four-eyes)',
      body: TransferBody, response: { 202: ApprovalReply } },
  }, async (request, reply) => {
    const body = request.body;
    const asset = engine.state.assetByCode.get(body.asset);
    if (asset === undefined) throw new ServiceError('ASSET_UNKNOWN');
    if (!(await userExists(body.userId))) throw new ServiceError('USER_UNKNOWN');
    const amountUnits = parseUnits(body.amount, asset.scale, 'amount');
    const credit = body.direction === 'credit';
    reply.code(202);
    return propose(request.principal, request.id, 'ledger.transfer', 'ledger:admin', String(body.userId), {
      kind: 'ledger.transfer', transferId: body.transferId, debitOwnerId: credit ? 0 : body.userId,
      creditOwnerId: credit ? body.userId : 0, assetCode: body.asset, amountUnits, reason: body.reason,
    }, { ...body });
  });
};
