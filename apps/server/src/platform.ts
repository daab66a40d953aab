// The composition root: one process runs every service (the default), wired from configuration.
// The same services run split over processes by giving each its PARITE_SERVICES list (engine, api,
// projections); they meet only through the contracts they were written against: the engine API
// (a replica in processes without the engine), the shared journal and the event bus.

import { assert, systemClock, type Clock } from '@parite/kernel';
import { ApprovalService, PostgresApprovalStore, approvalsPlugin } from '@parite/approvals';
import {
  TradingService, adminPlugin, engineStatusPlugin, snapshotEveryCommandsDefault, tradingPlugin, type ExchangeEngineApi, type ExchangeState,
} from '@parite/exchange';
import { anonymousAuthenticator, createHttpApp, type HttpApp, type RateLimiter } from '@parite/http';
import type { IdentityService } from '@parite/identity';
import {
  MarketDataService, WebSocketHub, attachWebSocketHub, marketDataPlugin, type WebSocketHubOptions,
} from '@parite/market-data';
import { Projector, committedFromJournal, projectionsPlugin, type ProjectorHandle } from '@parite/projections';
import { ProjectorThread } from './projector-thread/host.ts';
import {
  AuditLog, createLogger, isServiceEnabled, openDatabase, runMigrations, type Cache,
  type Database, type Logger, type PlatformConfig,
} from '@parite/platform';
import { PlatformAuditRecorder } from './audit-recorder.ts';
import { EventPublisher } from './event-publisher.ts';
import { healthPlugin } from './health-plugin.ts';
import { openEngineRole, type EngineRole, type EngineShard } from './engine-role.ts';
import { migrationModules } from './migration-modules.ts';
import { startFx } from './fx-composition.ts';
import { openBus, openCache, openFxBus, openJournal, projectorThreadDirectories } from './infrastructure.ts';
import { DemoMarketMaker } from './demo/market-maker.ts';
import { seedCatalogue, seedDemo, waitForCatalogue, type DemoActors } from './seed.ts';
import { registerPrivateStreams } from './websocket-private.ts';
import {
  openIdentityAccess, registerIdentityRoutes, seedDemoPasswords, type DemoLogin, type IdentityAccess,
} from './identity-composition.ts';
import { demoCredentialsFileName } from './seed.ts';
import { join } from 'node:path';

export interface PlatformOptions {
  clock?: Clock;
  logger?: Logger;
  /** Start the demo market maker (default: config.demo). */
  marketMaker?: boolean;
  onFatal?: (error: unknown) => void;
  /** Rate limits of the HTTP API (false disables them, e.g. for benchmarks against one user). */
  rateLimit?: false | { requestsPerIpMax?: number; requestsPerPrincipalMax?: number; requestsPerApiKeyMax?: number; windowMs?: number };
  /** Where identity settings (PARITE_OIDC_*, PARITE_SMTP_*, ...) are read; default process.env. */
  environment?: Readonly<Record<string, string | undefined>>;
  /** WebSocket hub limits (defaults suit trading bots; see tradingHubOptions). */
  webSocket?: WebSocketHubOptions;
  /** Takes a snapshot after this many journalled commands (default 100,000). */
  snapshotEveryCommands?: number;
  /** The projector thread's lag before hand-overs carry no payloads (default handoffLagCommandsMax). */
  projectorHandoffLagCommandsMax?: number;
}

/** For callers (tests, the CLI) that know the process runs every service. */
export function requireService<T>(part: T | undefined, name: string): T {
  if (part === undefined) throw new Error(`this process does not run the ${name} service`);
  return part;
}

export interface RunningPlatform {
  app: HttpApp;
  /** The engine itself, or in a process without the engine service its replica. */
  engine: ExchangeEngineApi;
  /** Set when this process runs the api service. */
  identity: IdentityService | undefined;
  /** Set when this process runs the api service: credentials, the OIDC provider, authenticators. */
  identityAccess: IdentityAccess | undefined;
  /** Demo mode: the demo users' e-mail addresses and passwords (also in demo-credentials.json). */
  demoLogins: DemoLogin[];
  database: Database;
  /** Set when this process runs the projections service (shard 0's projector when sharded). */
  projector: ProjectorHandle | undefined;
  /** Each engine shard's core state (one entry unless PARITE_SHARDS is set): for tests and audits. */
  shardStates(): ExchangeState[];
  /** Resolves once every shard's projector has written everything its engine applied so far. */
  projectionsCaughtUp(): Promise<void>;
  demo: DemoActors | undefined;
  url: string;
  close(): Promise<void>;
}

/**
 * The hub's own defaults suit market-data viewers; order entry needs more: a market maker requotes
 * many orders a second over one socket and pipelines them.
 */
export const tradingHubOptions: WebSocketHubOptions = {
  inboundMessagesPerWindowMax: 1_000, inboundWindowMs: 1_000, pendingOperationsPerConnectionMax: 256,
};
/** With rate limits off (benchmarks), only the memory bounds remain. */
const unthrottledHubOptions: WebSocketHubOptions = {
  inboundMessagesPerWindowMax: 1_000_000, pendingOperationsPerConnectionMax: 4_096,
};

/** Depth deltas at most every 50 ms per market: one diff per interval instead of per group commit. */
export const depthPublishIntervalMs = 50;

function cacheRateLimiter(cache: Cache): RateLimiter {
  return { hit: async (key, limit, windowMs) => (await cache.incrementWithTtl(`rate:${key}`, windowMs)) <= limit };
}

export async function startPlatform(config: PlatformConfig, options: PlatformOptions = {}): Promise<RunningPlatform> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ level: config.logLevel, name: 'parite' });
  const runsApi = isServiceEnabled(config, 'api');
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch((error: unknown) => logger.error({ error: String(error) }));
  };
  try {
    const database = await openDatabase(config, { logger });
    closers.push(() => database.close());
    await runMigrations(database.sql, migrationModules);
    const audit = new PlatformAuditRecorder(new AuditLog(database.sql, clock));
    const cache = await openCache(config, clock, logger);
    closers.push(() => cache.close());
    const role = await openEngineRole({ config, clock, logger,
      openShardJournal: (shardIndex) => openJournal(config, database.sql, shardIndex),
      snapshotEveryCommands: options.snapshotEveryCommands,
      onFatal: (error) => {
        logger.fatal({ error: String(error) }, 'engine lost durability or its replica diverged; exiting for recovery');
        (options.onFatal ?? (() => process.exit(70)))(error);
      } });
    const engine = role.engine;
    // One projector per shard journal, each with its own checkpoint, writing the same tables.
    const projectors = isServiceEnabled(config, 'projections')
      ? role.shards.map((shard) => openProjector(config, database, role, shard, logger, options)) : [];
    const projector = projectors[0];
    const marketData = runsApi ? new MarketDataService(engine, { depthPublishIntervalMs: depthPublishIntervalMs }) : undefined;
    marketData?.start();
    // Events leave the process through the bus (NATS JetStream), published once, by the engine's own
    // process. In one process every consumer follows the engine directly, so an in-process bus would
    // only copy events nobody reads.
    const localShards = role.shards.filter((shard) => shard.local !== undefined);
    if (config.natsUrl !== undefined && localShards.length > 0) {
      const bus = await openBus(config.natsUrl);
      closers.push(() => bus.close());
      for (const shard of localShards) shard.engine.subscribe(new EventPublisher(bus, logger).listener);
    }

    // Attached before recovery, the projector queues the replayed batches; its writer starts once the
    // journal is open, because catching up after a queue overflow reads the journal.
    await role.start();
    for (const shardProjector of projectors) await shardProjector.start();
    closers.push(async () => {
      marketData?.stop();
      await role.stop();
      for (const shardProjector of projectors) await shardProjector.stop({ drain: true });
    });
    if (role.runsFundingShard) await seedCatalogue(engine);

    const access = runsApi ? await openAccess(config, database, audit, cache, clock, logger, options) : undefined;
    if (access !== undefined) closers.push(() => access.identityAccess.close());
    const limiter = options.rateLimit === false ? undefined : cacheRateLimiter(cache);
    const app = createHttpApp({
      logger: false, authenticator: access?.identityAccess.authenticator ?? anonymousAuthenticator, openApi: { title: 'Parite API', version: '0.1.0' },
      rateLimit: limiter === undefined ? false : { ...options.rateLimit, limiter },
    });
    await app.register(healthPlugin, { engine, projections: () => {
      const statuses = projectors.map((shardProjector) => shardProjector.status());
      if (statuses.some((status) => status.failed)) return 'failed';
      return statuses.some((status) => status.queuedCommands > 0 || status.catchUpNeeded) ? 'catching-up' : 'ok';
    } });
    const api = access === undefined ? undefined
      : await registerApi(app, { ...access, config, cache, logger, options, clock, engine, database, audit, marketData, limiter });
    if (api !== undefined) closers.push(() => api.close());
    await app.ready();
    // Closers run in reverse: the WebSocket clients are told 1001 (going away) first, because the
    // HTTP server's close waits for every connection, upgraded ones included, and would otherwise
    // wait for the clients to leave by themselves.
    closers.push(async () => {
      await app.close();
    });
    if (api !== undefined) {
      attachWebSocketHub(app.server, api.hub);
      closers.push(async () => {
        await api.hub.close();
      });
    }

    let demo: DemoActors | undefined;
    let demoLogins: DemoLogin[] = [];
    if (config.demo && api !== undefined && access !== undefined) {
      await waitForCatalogue(engine);
      demo = await seedDemo(engine, api.identity, config.dataDirectory);
      demoLogins = await seedDemoPasswords(access.identityAccess, join(config.dataDirectory, demoCredentialsFileName),
        demo.credentials.map((credential) => credential.email));
      if (options.marketMaker ?? true) {
        const maker = new DemoMarketMaker(engine, { makerOwnerId: demo.marketMakerId, takerOwnerId: demo.takerId,
          levelsPerSide: 10, intervalMs: 1_000, seed: 42 });
        maker.start();
        closers.push(async () => maker.stop());
      }
    }
    const address = await app.listen({ port: config.port, host: config.host });
    const projectionsCaughtUp = async () => {
      await Promise.all(projectors.map((shardProjector, index) =>
        shardProjector.whenCaughtUp((role.shards[index] as EngineShard).engine.lastAppliedSequence)));
    };
    return { app, engine, identity: api?.identity, identityAccess: access?.identityAccess, demoLogins, database, projector, demo,
      url: address, close, shardStates: () => role.shards.map((shard) => shard.engine.state), projectionsCaughtUp };
  } catch (error) {
    await close();
    throw error;
  }
}

interface Access {
  identity: IdentityService;
  identityAccess: IdentityAccess;
}

/** Identity and access (see identity-composition.ts): users, keys, credentials, the OIDC provider. */
async function openAccess(config: PlatformConfig, database: Database, audit: PlatformAuditRecorder, cache: Cache, clock: Clock,
  logger: Logger, options: PlatformOptions): Promise<Access> {
  const identityAccess = await openIdentityAccess({ config, database, audit, cache, clock, logger,
    environment: options.environment ?? process.env });
  return { identity: identityAccess.identity, identityAccess };
}

interface ApiDependencies extends Access {
  config: PlatformConfig;
  cache: Cache;
  logger: Logger;
  options: PlatformOptions;
  clock: Clock;
  engine: ExchangeEngineApi;
  database: Database;
  audit: PlatformAuditRecorder;
  marketData: MarketDataService | undefined;
  limiter: RateLimiter | undefined;
}

/**
 * The api service: identity, trading, administration, market data, history and FX over REST and
 * WebSocket. The FX rate engine runs here too (see fx-composition.ts).
 */
async function registerApi(app: HttpApp, dependencies: ApiDependencies):
  Promise<{ identity: IdentityService; hub: WebSocketHub; close(): Promise<void> }> {
  const { identity, identityAccess, options, engine, database, audit, marketData, clock, limiter, config, cache, logger } =
    dependencies;
  assert(marketData !== undefined, 'the api service runs market data');
  const approvals = new ApprovalService({ store: new PostgresApprovalStore(database.sql), audit, clock });
  const trading = new TradingService(engine);
  await registerIdentityRoutes(app, identityAccess, { approvals, limiter });
  await app.register(tradingPlugin, { trading });
  const userExists = (userId: number) => identity.getUser(userId).then(() => true, () => false);
  await app.register(adminPlugin, { engine, audit, userExists, approvals });
  await app.register(engineStatusPlugin, { engine });
  await app.register(approvalsPlugin, { service: approvals });
  await app.register(marketDataPlugin, { service: marketData, engine });
  await app.register(projectionsPlugin, { sql: database.sql, engine });
  const hub = new WebSocketHub(marketData, {
    ...tradingHubOptions, ...(options.rateLimit === false ? unthrottledHubOptions : {}), ...options.webSocket });
  registerPrivateStreams(hub, { engine, trading, authenticator: identityAccess.apiKeys, identity });
  const fxBus = config.natsUrl === undefined ? undefined : await openFxBus(config.natsUrl);
  try {
    const fx = await startFx({ config, database: database.sql, cache, bus: fxBus, audit, approvals, clock, logger, app, engine,
      environment: options.environment ?? process.env });
    return { identity, hub, close: async () => {
      await fx.close();
      await fxBus?.close();
    } };
  } catch (error) {
    await fxBus?.close();
    throw error;
  }
}

/** Connections of the projector thread's own pool: one writes, one spare for a retry. */
const projectorThreadPoolSize = 2;

/**
 * The shard's projector: in its own thread when it can follow a local file journal (the default,
 * PARITE_PROJECTOR_THREAD); else, or with PARITE_PROJECTOR_THREAD=false, on this thread, fed by the
 * engine's listener.
 */
function openProjector(config: PlatformConfig, database: Database, role: EngineRole, shard: EngineShard,
  logger: Logger, options: Pick<PlatformOptions, 'projectorHandoffLagCommandsMax' | 'snapshotEveryCommands'>): ProjectorHandle {
  const handoffLagCommandsMax = options.projectorHandoffLagCommandsMax;
  const directories = projectorThreadDirectories(config, shard.journalSetup);
  const shardOf = { shardIndex: shard.index, sharded: role.shardMap.sharded };
  if (directories !== undefined && shard.local !== undefined) {
    const thread = new ProjectorThread({ databaseUrl: database.url, poolSize: projectorThreadPoolSize,
      journalDirectory: directories.journal, snapshotDirectory: directories.snapshots,
      ...shardOf, coalesceMs: config.projectionCoalesceMs, backgroundNice: config.backgroundNice, logger,
      // The engine runs with snapshotsByFollower here (engine-role.ts): this thread takes its snapshots.
      snapshotEveryCommands: options.snapshotEveryCommands ?? snapshotEveryCommandsDefault,
      ...(handoffLagCommandsMax === undefined ? {} : { handoffLagCommandsMax }) });
    thread.attach(shard.engine);
    return thread;
  }
  const projector = new Projector(database.sql, {
    readCommitted: committedFromJournal(shard.journalSetup.journal, { snapshots: shard.journalSetup.snapshots }),
    shard: shardOf,
    coalesceMs: config.projectionCoalesceMs,
    onError: (error, fatal) => logger[fatal ? 'fatal' : 'warn']({ error: String(error), shard: shard.index }, 'projector error'),
  });
  projector.attach(shard.engine);
  return projector;
}
