// Composes the FX rate service into the platform: storage in the platform's PostgreSQL, the rate
// cache in the platform Cache (Redis when REDIS_URL is set), cycles on the EventBus (NATS JetStream
// when the caller passes one; in-process otherwise), admin routes through the audit log and the
// four-eyes approvals. Rate sources come from the environment:
//
//   PARITE_FX_SIMULATED   true|false, default = demo mode: the built-in SIMULATED provider
//   PARITE_FX_FIX         FIX 4.4 market-data sessions: host:port:VENUE[,VENUE...] ; several endpoints
//                         separated by ';' (e.g. 10.1.2.3:9880:INTEGRAL,T360;10.1.2.4:9876:TRADAIR)
//   PARITE_FX_FIX_SENDER  our SenderCompID, default PARITE (TargetCompID = the venue name)
//   PARITE_FX_TCMB_URL    TCMB bulletin URL (https://www.tcmb.gov.tr/kurlar/today.xml), polled
//   PARITE_FX_TCMB_FILE   or an operator-supplied bulletin file (air-gapped banks)
//   PARITE_FX_CYCLE_MS    composition cycle period, default 2000
//   PARITE_FX_INSTANCE    instance name in cycle ids, default fx
//   PARITE_FX_HISTORY     true|false, default true: this process writes the rate history from the bus
//
// Only a process with at least one source composes cycles; the others serve the rate board, quotes
// and admin routes from the shared cache and PostgreSQL.
//
// A NATS stream given as `bus` must store `parite.fx.>` (fxStreamSubjects).

import { randomBytes } from 'node:crypto';
import type { ApprovalService } from '@parite/approvals';
import type { ExchangeEngineApi } from '@parite/exchange';
import type { AuditRecorder } from '@parite/contracts';
import {
  createFxRuntime, customerFxPlugin, defaultFxEngineSettings, fixedCustomerSegment, fxAdminPlugin, fxMigrations,
  fxRatesPlugin, PostgresQuoteStore, QuoteService, SimulatedRateProvider, sourceFor, TcmbRateProvider,
  type FxEngineSettings, type FxRuntime, type FxService, type RateProvider,
} from '@parite/fx';
import type { HttpApp } from '@parite/http';
import type { Clock } from '@parite/kernel';
import {
  MemoryEventBus, runMigrations, type Cache, type EventBus, type Logger, type PlatformConfig, type Sql,
} from '@parite/platform';

export interface FxDependencies {
  readonly config: Pick<PlatformConfig, 'demo'>;
  readonly database: Sql;
  readonly cache: Cache;
  /** undefined: an in-process MemoryEventBus (embedded mode). */
  readonly bus: EventBus | undefined;
  readonly audit: AuditRecorder;
  readonly approvals: ApprovalService;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Routes are registered on it; call before app.ready(). */
  readonly app: HttpApp;
  /** Customer conversions post through it (the engine, or its replica). */
  readonly engine: ExchangeEngineApi;
  readonly environment?: Readonly<Record<string, string | undefined>>;
}

export interface RunningFx {
  readonly service: FxService;
  readonly runtime: FxRuntime;
  readonly quotes: QuoteService;
  close(): Promise<void>;
}

export interface FixEndpoint {
  readonly host: string;
  readonly port: number;
  readonly venues: readonly string[];
}

/** Endpoints and venues of the FIX sessions a process may open; a mistyped list is refused, not guessed. */
export const fixEndpointsMax = 16;
const venuePattern = /^[A-Z0-9_]{1,32}$/;

export function parseFixEndpoints(text: string | undefined): FixEndpoint[] {
  if (text === undefined || text.trim() === '') return [];
  const endpoints = text.split(';').map((part) => part.trim()).filter((part) => part !== '');
  if (endpoints.length > fixEndpointsMax) throw new Error(`PARITE_FX_FIX: more than ${fixEndpointsMax} endpoints`);
  return endpoints.map((endpoint) => {
    const match = /^([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5}):([A-Z0-9_,]+)$/.exec(endpoint);
    const port = Number(match?.[2]);
    const venues = match?.[3]?.split(',') ?? [];
    if (match === null || port < 1 || port > 65_535 || venues.length === 0 || !venues.every((venue) => venuePattern.test(venue))) {
      throw new Error('PARITE_FX_FIX must be host:port:VENUE[,VENUE...] separated by ;');
    }
    return { host: match[1]!.replace(/^\[|\]$/g, ''), port, venues };
  });
}

function flag(environment: FxDependencies['environment'], name: string, fallback: boolean): boolean {
  const value = environment?.[name];
  if (value === undefined || value === '') return fallback;
  if (value !== 'true' && value !== 'false') throw new Error(`${name} must be true or false`);
  return value === 'true';
}

/** The configured settings: the defaults, plus a source entry for every venue or simulator not in them. */
function baseSettings(venues: readonly string[], simulated: boolean): FxEngineSettings {
  const defaults = defaultFxEngineSettings();
  const quoted = defaults.pairs.filter((pair) => pair.crossLegs === undefined).map((pair) => pair.pair);
  const sources = [...defaults.sources];
  for (const venue of venues) if (!sources.some((source) => source.sourceId === venue)) sources.push(sourceFor(venue, 1, quoted));
  if (simulated) sources.push(sourceFor('SIMULATED', 1, quoted));
  return { ...defaults, sources };
}

/** How often accepts interrupted by a crash are looked for. */
const resumeIntervalMs = 30_000;
const tryUnitsPerLira = 1_000_000n;

/**
 * Daily conversion limits per customer segment, in TRY (PARITE_FX_DAILY_LIMIT_TRY, e.g.
 * retail=250000,private=2500000,corporate=25000000; these are the defaults). A segment not listed
 * converts nothing.
 */
function dailyLimits(environment: Readonly<Record<string, string | undefined>>): Record<string, bigint> {
  const text = environment['PARITE_FX_DAILY_LIMIT_TRY'] ?? 'retail=250000,private=2500000,corporate=25000000';
  const limits: Record<string, bigint> = {};
  for (const part of text.split(',')) {
    const match = /^([a-z_]{1,32})=(\d{1,15})$/.exec(part.trim());
    if (match === null) throw new Error('PARITE_FX_DAILY_LIMIT_TRY must be segment=lira[,segment=lira...]');
    limits[match[1]!] = BigInt(match[2]!) * tryUnitsPerLira;
  }
  return limits;
}

export async function startFx(dependencies: FxDependencies): Promise<RunningFx> {
  const { app, clock, logger } = dependencies;
  const environment = dependencies.environment ?? process.env;
  const endpoints = parseFixEndpoints(environment['PARITE_FX_FIX']);
  const simulated = flag(environment, 'PARITE_FX_SIMULATED', dependencies.config.demo);
  const cycleIntervalMs = Number(environment['PARITE_FX_CYCLE_MS'] ?? 2_000);
  if (!Number.isSafeInteger(cycleIntervalMs) || cycleIntervalMs < 50 || cycleIntervalMs > 60_000) {
    throw new Error('PARITE_FX_CYCLE_MS must be an integer from 50 to 60000');
  }
  await runMigrations(dependencies.database, [fxMigrations]);
  const settings = baseSettings(endpoints.flatMap((endpoint) => endpoint.venues), simulated);

  const providers: RateProvider[] = [];
  if (simulated) providers.push(new SimulatedRateProvider({ clock, seed: 42 }));
  if (endpoints.length > 0) {
    // Loaded only when configured: jspurefix and its metadata polyfill cost seconds at start-up.
    const { FixMarketDataProvider } = await import('@parite/fx/fix');
    const senderCompId = environment['PARITE_FX_FIX_SENDER'] ?? 'PARITE';
    for (const endpoint of endpoints) {
      for (const venue of endpoint.venues) {
        const symbols = settings.sources.find((source) => source.sourceId === venue)?.pairs.map((pair) => pair.pair) ?? [];
        providers.push(new FixMarketDataProvider({ sourceId: venue, host: endpoint.host, port: endpoint.port, senderCompId,
          symbols, clock }));
      }
    }
  }
  const tcmbUrl = environment['PARITE_FX_TCMB_URL'];
  const tcmbFile = environment['PARITE_FX_TCMB_FILE'];
  if (tcmbUrl !== undefined || tcmbFile !== undefined) {
    providers.push(new TcmbRateProvider({ clock,
      source: tcmbFile !== undefined ? { kind: 'file', path: tcmbFile } : { kind: 'url', url: tcmbUrl! } }));
  }

  const ownBus = dependencies.bus === undefined ? new MemoryEventBus() : undefined;
  const runtime = createFxRuntime({ sql: dependencies.database, cache: dependencies.cache, bus: dependencies.bus ?? ownBus!,
    clock, logger, baseSettings: settings, providers, cycleIntervalMs,
    instanceName: environment['PARITE_FX_INSTANCE'] ?? 'fx', consumeHistory: flag(environment, 'PARITE_FX_HISTORY', true),
    // A process without sources (another api instance) serves rates and quotes but composes nothing:
    // empty cycles from it would overwrite the rates the process with the sources composes.
    composesCycles: providers.length > 0 });
  await runtime.start();
  const quotes = new QuoteService({ store: new PostgresQuoteStore(dependencies.database), engine: dependencies.engine,
    rates: runtime.currentRates, segments: fixedCustomerSegment('retail'), audit: dependencies.audit, clock,
    random: { bytes: (length) => randomBytes(length) }, dailyLimitTryUnits: dailyLimits(environment) });
  // Accepts a crash interrupted are finished once, at start and then periodically.
  const resumeTimer = setInterval(() => {
    quotes.resumeAcceptances().catch((error: unknown) => logger.warn({ error: String(error) }, 'resuming FX accepts failed'));
  }, resumeIntervalMs);
  resumeTimer.unref();
  try {
    await quotes.resumeAcceptances();
    await app.register(fxRatesPlugin, { service: runtime.service, reader: runtime.reader });
    await app.register(fxAdminPlugin, { service: runtime.service, reader: runtime.reader, writer: runtime.writer,
      audit: dependencies.audit, approvals: dependencies.approvals });
    await app.register(customerFxPlugin, { quotes });
  } catch (error) {
    clearInterval(resumeTimer);
    await runtime.stop();
    throw error;
  }
  return {
    service: runtime.service, runtime, quotes,
    async close() {
      clearInterval(resumeTimer);
      await runtime.stop();
      await ownBus?.close();
    },
  };
}
