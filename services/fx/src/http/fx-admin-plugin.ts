// The FX admin console's routes. Reads need fx:read; changes need fx:admin and are audited. Margin
// schedules and desk overrides are four-eyes: the route validates and files an approval (202), and
// the change runs when a second treasury member approves it. Source settings and holidays apply at
// once (audited before and after). Clearing an override also applies at once: like the market
// brake, returning to market pricing must not wait for a second person.

import { ServiceError, type AuditRecorder } from '@parite/contracts';
import { ApprovalReply, approvalView, deciderOf, type ApprovalService } from '@parite/approvals';
import type { HttpPlugin, Principal } from '@parite/http';
import { parseDecimal } from '@parite/kernel';
import { rateScale } from '../domain/rate.ts';
import type { MarginSchedule } from '../domain/engine-settings.ts';
import type { RateOverride } from '../domain/rate-override.ts';
import { rateText } from '../app/customer-rate-view.ts';
import type { FxService } from '../app/fx-service.ts';
import { defaultMarginScope } from '../app/fx-settings-port.ts';
import type { FxRateReader } from '../adapters/cache/fx-rate-reader.ts';
import type { CacheRateWriter } from '../adapters/cache/cache-rate-writer.ts';
import {
  AlertsQuery, AlertsReply, HistoryQuery, HistoryReply, HolidayBody, HolidayParams, HolidayReply, HolidaysReply,
  MarginChangeBody, MarginScopeParams, MarginsReply, OverrideBody, OverridesReply, PairParams, SourceChangeBody,
  SourceParams, SourceReply, SourcesReply, StatusReply,
} from './fx-admin-schemas.ts';
import { internalPair, publicPair } from './fx-rates-plugin.ts';

export interface FxAdminPluginOptions {
  service: FxService;
  reader: FxRateReader;
  writer: CacheRateWriter;
  audit: AuditRecorder;
  approvals: ApprovalService;
}

/** The actions filed for approval, each run by the executor registered below. */
export const fxApprovalKinds = ['fx.margins.update', 'fx.override.set'] as const;

interface MarginsPayload { scope: string; schedule: MarginSchedule | null; reason: string }
interface OverridePayload {
  pair: string; midUnits: number | null; extraBuyPpm: number; extraSellPpm: number; validForSeconds: number; reason: string;
}

function actorOf(principal: Principal): string {
  return principal.kind === 'user' ? principal.userPublicId : 'anonymous';
}

function outcomeOf(error: unknown): { ok: false; code: string; result: Record<string, unknown> } {
  if (error instanceof ServiceError) return { ok: false, code: error.code, result: { ...error.details } };
  throw error;
}

export const fxAdminPlugin: HttpPlugin<FxAdminPluginOptions> = async (app, options) => {
  const { service, reader, writer, audit, approvals } = options;
  const tags = ['fx-admin'];

  approvals.registerExecutor('fx.margins.update', async (payload, context) => {
    const change = JSON.parse(payload) as MarginsPayload;
    try {
      await service.setMargins(change.scope, change.schedule ?? undefined, context.checkerId, context.approvalId);
      return { ok: true, code: 'OK', result: { scope: change.scope } };
    } catch (error) {
      return outcomeOf(error);
    }
  });
  approvals.registerExecutor('fx.override.set', async (payload, context) => {
    const change = JSON.parse(payload) as OverridePayload;
    // The validity runs from the approval: a request that waited for its checker still gets its full time.
    const expiresAtMs = service.nowMs() + change.validForSeconds * 1_000;
    const override: RateOverride = { pair: change.pair, midUnits: change.midUnits ?? undefined, extraBuyPpm: change.extraBuyPpm,
      extraSellPpm: change.extraSellPpm, expiresAtMs, reference: `${context.approvalId} (checker ${context.checkerId})` };
    try {
      await service.setOverride(override, context.approvalId);
      return { ok: true, code: 'OK', result: { pair: publicPair(change.pair), expiresAtMs } };
    } catch (error) {
      return outcomeOf(error);
    }
  });

  async function audited<T>(principal: Principal, requestId: string, action: string, targetKind: string, targetId: string,
    details: Record<string, unknown>, change: () => Promise<T>): Promise<T> {
    const base = { actorKind: 'operator' as const, actorId: actorOf(principal), targetKind, targetId, requestId };
    await audit.record({ ...base, action: `${action}.requested`, details });
    try {
      const result = await change();
      await audit.record({ ...base, action: `${action}.completed`, details });
      return result;
    } catch (error) {
      const code = error instanceof ServiceError ? error.code : 'INTERNAL_ERROR';
      await audit.record({ ...base, action: `${action}.refused`, details: { ...details, code } });
      throw error;
    }
  }

  app.get('/v1/admin/fx/status', {
    config: { permission: 'fx:read' },
    schema: { tags, summary: 'Engine, providers, cache and raw tick storage status', response: { 200: StatusReply } },
  }, async () => {
    const status = service.status();
    const reads = reader.readCounters();
    return {
      running: status.running, engineId: status.engineId, cycleIntervalMs: status.cycleIntervalMs,
      lastCycle: status.lastCycle ?? null, cycleFailures: status.cycleFailures,
      cache: { healthy: writer.cacheHealthy, writesToCache: writer.writesToCache, writesToDatabase: writer.writesToDatabase,
        readsFromCache: reads.fromCache, readsFromDatabase: reads.fromDatabase, readFailures: reads.cacheFailures },
      rawTicks: { buffered: status.rawTicks.buffered, stored: status.rawTicks.stored, dropped: status.rawTicks.dropped,
        batchesWritten: status.rawTicks.batchesWritten, writeFailures: status.rawTicks.writeFailures },
      alertsByCode: { ...status.alertsByCode },
      ticks: Object.fromEntries(Object.entries(status.engine.sources).map(([sourceId, counters]) =>
        [sourceId, { accepted: counters.accepted, rejected: { ...counters.rejected } }])),
      providers: status.providers.map((provider) => ({ sourceId: provider.sourceId, state: provider.state,
        ticksReceived: provider.ticksReceived, lastTickAtMs: provider.lastTickAtMs ?? null, lastError: provider.lastError ?? null })),
    };
  });

  app.get('/v1/admin/fx/sources', {
    config: { permission: 'fx:read' },
    schema: { tags, summary: 'Rate sources: priority, enabled, per-pair max age', response: { 200: SourcesReply } },
  }, async () => ({ sources: service.settings.sources.map((source) => ({ ...source,
    pairs: source.pairs.map((pair) => ({ ...pair, pair: publicPair(pair.pair) })) })) }));

  app.patch('/v1/admin/fx/sources/:sourceId', {
    config: { permission: 'fx:admin' },
    schema: { tags, summary: 'Change a source\'s priority, enabled flag or pairs (audited, applies at once)',
      params: SourceParams, body: SourceChangeBody, response: { 200: SourceReply } },
  }, async (request) => {
    const { reason, ...change } = request.body;
    const pairs = change.pairs?.map((pair) => ({ ...pair, pair: internalPair(pair.pair) }));
    const updated = await audited(request.principal, request.id, 'fx.source.update', 'fx_source', request.params.sourceId,
      { ...request.body, reason }, () => service.updateSource(request.params.sourceId, { ...change, pairs }, actorOf(request.principal)));
    return { ...updated, pairs: updated.pairs.map((pair) => ({ ...pair, pair: publicPair(pair.pair) })) };
  });

  app.get('/v1/admin/fx/margins', {
    config: { permission: 'fx:read' },
    schema: { tags, summary: 'Margin schedules: the default and each pair\'s own', response: { 200: MarginsReply } },
  }, async () => {
    const margins = service.margins();
    const view = (schedule: MarginSchedule) => ({ ...schedule, volatilitySteps: [...schedule.volatilitySteps] });
    return { defaultMargins: view(margins.defaultMargins),
      pairs: Object.fromEntries(Object.entries(margins.pairs).map(([pair, schedule]) => [publicPair(pair), view(schedule)])) };
  });

  app.post('/v1/admin/fx/margins/:scope', {
    config: { permission: 'fx:admin' },
    schema: { tags, summary: 'Request a margin schedule change (four-eyes)', params: MarginScopeParams, body: MarginChangeBody,
      response: { 202: ApprovalReply } },
  }, async (request, reply) => {
    const scope = request.params.scope === defaultMarginScope ? defaultMarginScope : internalPair(request.params.scope);
    const schedule = request.body.schedule as MarginSchedule | null;
    service.checkMargins(scope, schedule ?? undefined);
    const payload: MarginsPayload = { scope, schedule, reason: request.body.reason };
    const approval = await approvals.request({ kind: 'fx.margins.update', permission: 'fx:admin', targetKind: 'fx_margins',
      targetId: request.params.scope, payload: JSON.stringify(payload),
      summary: { scope: request.params.scope, schedule, reason: request.body.reason } }, deciderOf(request.principal), request.id);
    reply.code(202);
    return approvalView(approval);
  });

  app.get('/v1/admin/fx/overrides', {
    config: { permission: 'fx:read' },
    schema: { tags, summary: 'Desk overrides in force', response: { 200: OverridesReply } },
  }, async () => ({ overrides: service.overrides().map((override) => ({ pair: publicPair(override.pair),
    mid: override.midUnits === undefined ? null : rateText(override.midUnits, rateScale), extraBuyPpm: override.extraBuyPpm,
    extraSellPpm: override.extraSellPpm, expiresAtMs: override.expiresAtMs, reference: override.reference })) }));

  app.post('/v1/admin/fx/overrides', {
    config: { permission: 'fx:admin' },
    schema: { tags, summary: 'Request a desk override of a pair (four-eyes; at most 24 h)', body: OverrideBody,
      response: { 202: ApprovalReply } },
  }, async (request, reply) => {
    const body = request.body;
    let midUnits: number | null = null;
    if (body.mid !== undefined) {
      const parsed = parseDecimal(body.mid, rateScale);
      if (!parsed.ok) throw new ServiceError(parsed.reason, { field: 'mid' });
      midUnits = Number(parsed.value);
    }
    const payload: OverridePayload = { pair: internalPair(body.pair), midUnits, extraBuyPpm: body.extraBuyPpm ?? 0,
      extraSellPpm: body.extraSellPpm ?? 0, validForSeconds: body.validForSeconds, reason: body.reason };
    service.checkOverride({ pair: payload.pair, midUnits: midUnits ?? undefined, extraBuyPpm: payload.extraBuyPpm,
      extraSellPpm: payload.extraSellPpm, expiresAtMs: service.nowMs() + body.validForSeconds * 1_000, reference: 'check' });
    const approval = await approvals.request({ kind: 'fx.override.set', permission: 'fx:admin', targetKind: 'fx_override',
      targetId: body.pair, payload: JSON.stringify(payload), summary: { ...body } }, deciderOf(request.principal), request.id);
    reply.code(202);
    return approvalView(approval);
  });

  app.delete('/v1/admin/fx/overrides/:pair', {
    config: { permission: 'fx:admin' },
    schema: { tags, summary: 'Clear a desk override now: the pair returns to market pricing (audited)', params: PairParams,
      response: { 200: OverridesReply } },
  }, async (request) => {
    await audited(request.principal, request.id, 'fx.override.clear', 'fx_override', request.params.pair, {},
      () => service.clearOverride(internalPair(request.params.pair)));
    return { overrides: [] };
  });

  app.get('/v1/admin/fx/holidays', {
    config: { permission: 'fx:read' },
    schema: { tags, summary: 'The business-managed holiday calendar', response: { 200: HolidaysReply } },
  }, async () => ({ calendarId: service.settings.calendar.calendarId, holidays: [...service.holidays()] }));

  app.post('/v1/admin/fx/holidays', {
    config: { permission: 'fx:admin' },
    schema: { tags, summary: 'Add a holiday or half day, e.g. a decreed bridge day (audited)', body: HolidayBody,
      response: { 201: HolidayReply } },
  }, async (request, reply) => {
    const { reason, ...entry } = request.body;
    await audited(request.principal, request.id, 'fx.holiday.add', 'fx_holiday', entry.date, { ...entry, reason },
      () => service.addHoliday(entry));
    reply.code(201);
    return entry;
  });

  app.delete('/v1/admin/fx/holidays/:date', {
    config: { permission: 'fx:admin' },
    schema: { tags, summary: 'Remove a holiday entry (audited)', params: HolidayParams, response: { 200: HolidayReply } },
  }, async (request) => {
    const removed = await audited(request.principal, request.id, 'fx.holiday.remove', 'fx_holiday', request.params.date, {},
      () => service.removeHoliday(request.params.date));
    return { ...removed };
  });

  app.get('/v1/admin/fx/history', {
    config: { permission: 'fx:read' },
    schema: { tags, summary: 'The customer rate in force at an instant for a pair, segment and tier (audited read)',
      querystring: HistoryQuery, response: { 200: HistoryReply } },
  }, async (request) => {
    const { pair, segment, tier, at } = request.query;
    await audit.record({ actorKind: 'operator', actorId: actorOf(request.principal), action: 'fx.history.read',
      targetKind: 'fx_rate', targetId: `${pair}:${segment}:${tier}`, details: { at }, requestId: request.id });
    const stored = await service.rateAt(internalPair(pair), segment, tier, at);
    if (stored === undefined) throw new ServiceError('FX_RATE_NOT_FOUND');
    return { pair, segment, tier, at, buy: rateText(stored.buyUnits, stored.precisionDigits),
      sell: rateText(stored.sellUnits, stored.precisionDigits), mid: rateText(stored.midUnits, rateScale),
      marketBid: rateText(stored.marketBidUnits, rateScale), marketAsk: rateText(stored.marketAskUnits, rateScale),
      buyMarginPpm: stored.buyMarginPpm, sellMarginPpm: stored.sellMarginPpm, cycleId: stored.cycleId,
      cycleAtMs: stored.atMs, validUntilMs: stored.validUntilMs, sourceIds: [...stored.sourceIds],
      overrideReference: stored.overrideReference ?? null };
  });

  app.get('/v1/admin/fx/alerts', {
    config: { permission: 'fx:read' },
    schema: { tags, summary: 'Recent FX alerts, newest first (the admin console\'s alert lines)', querystring: AlertsQuery,
      response: { 200: AlertsReply } },
  }, async (request) => ({ alerts: (await service.alerts(request.query.limit ?? 100)).map((alert) => ({ ...alert,
    pair: alert.pair === undefined ? null : publicPair(alert.pair), sourceId: alert.sourceId ?? null })) }));
};
