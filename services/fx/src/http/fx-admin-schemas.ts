// Schemas of the public rate board and the FX admin routes. Pairs are written USD-TRY in URLs and
// bodies, as the customer routes do; rates are decimal strings; margins are integer ppm.

import { Type } from '@sinclair/typebox';
import { marginPpmMax, volatilityThresholdsMax } from '../domain/limits.ts';
import { alertListLimitMax } from '../app/rate-history-port.ts';

export const publicPairPattern = '^[A-Z0-9]{2,12}-[A-Z0-9]{2,12}$';
const identifierPattern = '^[A-Za-z0-9_.-]{1,64}$';

const Pair = Type.String({ pattern: publicPairPattern, description: 'Currency pair, base-quote, e.g. USD-TRY' });
const Identifier = Type.String({ pattern: identifierPattern });
const Ppm = Type.Integer({ minimum: 0, maximum: marginPpmMax });
const Reason = Type.String({ minLength: 3, maxLength: 500 });

export const RatesQuery = Type.Object({
  segment: Type.Optional(Identifier), tier: Type.Optional(Identifier),
}, { additionalProperties: false });

const CustomerRateView = Type.Object({
  pair: Type.String(), buy: Type.String(), sell: Type.String(), mid: Type.String(), cycleId: Type.String(),
  atMs: Type.Integer(), validUntilMs: Type.Integer(), overridden: Type.Boolean(),
}, { additionalProperties: false });

export const RatesReply = Type.Object({
  segment: Type.String(), tier: Type.String(),
  origin: Type.Union([Type.Literal('cache'), Type.Literal('database')]),
  rates: Type.Array(CustomerRateView),
}, { additionalProperties: false });

const SourcePairView = Type.Object({ pair: Type.String(), enabled: Type.Boolean(), maxAgeMs: Type.Integer() },
  { additionalProperties: false });
const SourceView = Type.Object({
  sourceId: Type.String(), enabled: Type.Boolean(), priority: Type.Integer(), smoothingDepth: Type.Integer(),
  spikeConfirmationTicks: Type.Integer(), pairs: Type.Array(SourcePairView),
}, { additionalProperties: false });
export const SourcesReply = Type.Object({ sources: Type.Array(SourceView) }, { additionalProperties: false });
export const SourceReply = SourceView;

export const SourceParams = Type.Object({ sourceId: Identifier }, { additionalProperties: false });
export const SourceChangeBody = Type.Object({
  enabled: Type.Optional(Type.Boolean()),
  priority: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  pairs: Type.Optional(Type.Array(Type.Object({
    pair: Pair, enabled: Type.Optional(Type.Boolean()),
    maxAgeMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 * 24 * 3_600_000 })),
  }, { additionalProperties: false }), { maxItems: 256 })),
  reason: Reason,
}, { additionalProperties: false });

const MarginPair = Type.Object({ buyPpm: Ppm, sellPpm: Ppm }, { additionalProperties: false });
export const MarginScheduleSchema = Type.Object({
  base: Type.Record(Identifier, Type.Record(Identifier, MarginPair)),
  sessionAdd: Type.Object({ 'out-of-hours': MarginPair, weekend: MarginPair, holiday: MarginPair },
    { additionalProperties: false }),
  volatilitySteps: Type.Array(Type.Object({ volatilityPpmMin: Type.Integer({ minimum: 0, maximum: 1_000_000 }), addPpm: Ppm },
    { additionalProperties: false }), { maxItems: volatilityThresholdsMax }),
}, { additionalProperties: false });

export const MarginsReply = Type.Object({
  defaultMargins: MarginScheduleSchema, pairs: Type.Record(Type.String(), MarginScheduleSchema),
}, { additionalProperties: false });
export const MarginScopeParams = Type.Object({
  scope: Type.String({ pattern: `^(default|[A-Z0-9]{2,12}-[A-Z0-9]{2,12})$`, description: 'default, or a pair (USD-TRY)' }),
}, { additionalProperties: false });
export const MarginChangeBody = Type.Object({
  schedule: Type.Union([MarginScheduleSchema, Type.Null()], { description: 'null removes a pair\'s own schedule' }),
  reason: Reason,
}, { additionalProperties: false });

const OverrideView = Type.Object({
  pair: Type.String(), mid: Type.Union([Type.String(), Type.Null()]), extraBuyPpm: Type.Integer(),
  extraSellPpm: Type.Integer(), expiresAtMs: Type.Integer(), reference: Type.String(),
}, { additionalProperties: false });
export const OverridesReply = Type.Object({ overrides: Type.Array(OverrideView) }, { additionalProperties: false });
export const OverrideBody = Type.Object({
  pair: Pair,
  mid: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'Fixed mid rate; omitted keeps the market mid' })),
  extraBuyPpm: Type.Optional(Ppm), extraSellPpm: Type.Optional(Ppm),
  validForSeconds: Type.Integer({ minimum: 1, maximum: 86_400, description: 'From the moment a second person approves' }),
  reason: Reason,
}, { additionalProperties: false });
export const PairParams = Type.Object({ pair: Pair }, { additionalProperties: false });

const HolidayView = Type.Object({
  date: Type.String(), kind: Type.Union([Type.Literal('full'), Type.Literal('half')]), name: Type.String(),
}, { additionalProperties: false });
export const HolidaysReply = Type.Object({ calendarId: Type.String(), holidays: Type.Array(HolidayView) },
  { additionalProperties: false });
export const HolidayBody = Type.Object({
  date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }), kind: Type.Union([Type.Literal('full'), Type.Literal('half')]),
  name: Type.String({ minLength: 1, maxLength: 200 }), reason: Reason,
}, { additionalProperties: false });
export const HolidayParams = Type.Object({ date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }) },
  { additionalProperties: false });
export const HolidayReply = HolidayView;

export const HistoryQuery = Type.Object({
  pair: Pair, segment: Identifier, tier: Identifier,
  at: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Instant, epoch milliseconds' }),
}, { additionalProperties: false });
export const HistoryReply = Type.Object({
  pair: Type.String(), segment: Type.String(), tier: Type.String(), at: Type.Integer(), buy: Type.String(), sell: Type.String(),
  mid: Type.String(), marketBid: Type.String(), marketAsk: Type.String(), buyMarginPpm: Type.Integer(),
  sellMarginPpm: Type.Integer(), cycleId: Type.String(), cycleAtMs: Type.Integer(), validUntilMs: Type.Integer(),
  sourceIds: Type.Array(Type.String()), overrideReference: Type.Union([Type.String(), Type.Null()]),
}, { additionalProperties: false });

export const AlertsQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: alertListLimitMax })) },
  { additionalProperties: false });
const AlertView = Type.Object({
  alertId: Type.Integer(), code: Type.String(), severity: Type.String(), pair: Type.Union([Type.String(), Type.Null()]),
  sourceId: Type.Union([Type.String(), Type.Null()]), atMs: Type.Integer(), message: Type.String(),
}, { additionalProperties: false });
export const AlertsReply = Type.Object({ alerts: Type.Array(AlertView) }, { additionalProperties: false });

export const StatusReply = Type.Object({
  running: Type.Boolean(), engineId: Type.String(), cycleIntervalMs: Type.Integer(),
  lastCycle: Type.Union([Type.Object({ cycleId: Type.String(), atMs: Type.Integer(), rates: Type.Integer(),
    pairsWithoutRate: Type.Integer() }, { additionalProperties: false }), Type.Null()]),
  cycleFailures: Type.Integer(),
  cache: Type.Object({ healthy: Type.Boolean(), writesToCache: Type.Integer(), writesToDatabase: Type.Integer(),
    readsFromCache: Type.Integer(), readsFromDatabase: Type.Integer(), readFailures: Type.Integer() },
  { additionalProperties: false }),
  rawTicks: Type.Object({ buffered: Type.Integer(), stored: Type.Integer(), dropped: Type.Integer(),
    batchesWritten: Type.Integer(), writeFailures: Type.Integer() }, { additionalProperties: false }),
  alertsByCode: Type.Record(Type.String(), Type.Integer()),
  ticks: Type.Record(Type.String(), Type.Object({ accepted: Type.Integer(), rejected: Type.Record(Type.String(), Type.Integer()) },
    { additionalProperties: false })),
  providers: Type.Array(Type.Object({ sourceId: Type.String(), state: Type.String(), ticksReceived: Type.Integer(),
    lastTickAtMs: Type.Union([Type.Integer(), Type.Null()]), lastError: Type.Union([Type.String(), Type.Null()]) },
  { additionalProperties: false })),
}, { additionalProperties: false });
