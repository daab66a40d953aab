// The composition root: one process runs every service (the default), wired from configuration.
// The same services run split over processes by giving each its PARITE_SERVICES list; they meet
// only through the contracts they were written against.

import { systemClock, type Clock } from '@parite/kernel';
import { ExchangeEngine, TradingService, adminPlugin, tradingPlugin } from '@parite/exchange';
import { createHttpApp, type HttpApp, type RateLimiter } from '@parite/http';
import {
  ApiKeyAuthenticator, IdentityService, MemoryReplayGuard, PostgresIdentityStore, identityMigrationsDirectory,
  identityPlugin,
  type ReplayGuard,
} from '@parite/identity';
import {
  MarketDataService, WebSocketHub, attachWebSocketHub, marketDataPlugin, type WebSocketHubOptions,
} from '@parite/market-data';
import { Projector, committedFromJournal, projectionsMigrations, projectionsPlugin } from '@parite/projections';
import {
  AuditLog, createLogger, openDatabase, platformMigrations, runMigrations, type Cache, type Database,
  type Logger, type PlatformConfig,
} from '@parite/platform';
import { PlatformAuditRecorder } from './audit-recorder.ts';
import { EventPublisher } from './event-publisher.ts';
import { healthPlugin } from './health-plugin.ts';
import { openBus, openCache, openJournal, type JournalSetup } from './infrastructure.ts';
import { DemoMarketMaker } from './demo/market-maker.ts';
import { seedCatalogue, seedDemo, type DemoActors } from './seed.ts';
import { registerPrivateStreams } from './websocket-private.ts';

export interface PlatformOptions {
  clock?: Clock;
  logger?: Logger;
  /** Start the demo market maker (default: config.demo). */
  marketMaker?: boolean;
  onFatal?: (error: unknown) => void;
  /** Rate limits of the HTTP API (false disables them, e.g. for benchmarks against one user). */
  rateLimit?: false | { requestsPerIpMax?: number; requestsPerPrincipalMax?: number; windowMs?: number };
  /** WebSocket hub limits (defaults suit trading bots; see tradingHubOptions). */
  webSocket?: WebSocketHubOptions;
  /** Takes a snapshot after this many journalled commands (default 100,000). */
  snapshotEveryCommands?: number;
}

export interface RunningPlatform {
  app: HttpApp;
  engine: ExchangeEngine;
  identity: IdentityService;
  database: Database;
  projector: Projector;
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

function cacheReplayGuard(cache: Cache): ReplayGuard {
  return { firstSeen: (key, ttlMs) => cache.setIfAbsent(`replay:${key}`, '1', ttlMs) };
}

function cacheRateLimiter(cache: Cache): RateLimiter {
  return { hit: async (key, limit, windowMs) => (await cache.incrementWithTtl(`rate:${key}`, windowMs)) <= limit };
}

export async function startPlatform(config: PlatformConfig, options: PlatformOptions = {}): Promise<RunningPlatform> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ level: config.logLevel, name: 'parite' });
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch((error: unknown) => logger.error({ error: String(error) }));
  };
  try {
    const database = await openDatabase(config, { logger });
    closers.push(() => database.close());
    await runMigrations(database.sql, [platformMigrations, { module: 'identity', directory: identityMigrationsDirectory },
      projectionsMigrations]);
    const audit = new PlatformAuditRecorder(new AuditLog(database.sql, clock));
    const cache = await openCache(config, clock, logger);
    closers.push(() => cache.close());
    const journalSetup: JournalSetup = await openJournal(config, database.sql);
    closers.push(() => journalSetup.close());

    const engine = new ExchangeEngine({
      journal: journalSetup.journal, snapshots: journalSetup.snapshots, clock,
      snapshotEveryCommands: options.snapshotEveryCommands,
      onFatal: (error) => {
        logger.fatal({ error: String(error) }, 'engine lost durability; exiting for recovery');
        (options.onFatal ?? (() => process.exit(70)))(error);
      },
      onListenerError: (error) => logger.error({ error: String(error) }, 'committed-command listener failed'),
    });
    const projector = new Projector(database.sql, {
      readCommitted: committedFromJournal(journalSetup.journal, { snapshots: journalSetup.snapshots }),
      onError: (error, fatal) => logger[fatal ? 'fatal' : 'warn']({ error: String(error) }, 'projector error'),
    });
    projector.attach(engine);
    const marketData = new MarketDataService(engine, { depthPublishIntervalMs: depthPublishIntervalMs });
    marketData.start();
    // Events leave the process through the bus (NATS JetStream). In one process every consumer
    // follows the engine directly, so the in-process bus would only copy events nobody reads.
    if (config.natsUrl !== undefined) {
      const bus = await openBus(config.natsUrl);
      closers.push(() => bus.close());
      engine.subscribe(new EventPublisher(bus, logger).listener);
    }

    // Attached before recovery, the projector queues the replayed batches; its writer starts once the
    // journal is open, because catching up after a queue overflow reads the journal.
    await engine.start();
    await projector.start();
    closers.push(async () => {
      marketData.stop();
      await engine.stop();
      await projector.stop({ drain: true });
    });
    await seedCatalogue(engine);

    const identity = new IdentityService({ store: new PostgresIdentityStore(database.sql), audit,
      masterKey: Buffer.from(config.masterKeyHex, 'hex'), clock });
    // Redis shares seen signatures across instances. In one process, identity's own guard is used:
    // when full it refuses requests instead of forgetting a signature still inside its window.
    const replayGuard = config.redisUrl === undefined ? new MemoryReplayGuard(clock) : cacheReplayGuard(cache);
    const authenticator = new ApiKeyAuthenticator({ keys: identity, replayGuard, clock });
    const app = createHttpApp({
      logger: false, authenticator, openApi: { title: 'Parite API', version: '0.1.0' },
      rateLimit: options.rateLimit === false ? false : { ...options.rateLimit, limiter: cacheRateLimiter(cache) },
    });
    const trading = new TradingService(engine);
    await app.register(healthPlugin, { engine, projections: () => {
      const status = projector.status();
      if (status.failed) return 'failed';
      return status.queuedCommands > 0 || status.catchUpNeeded ? 'catching-up' : 'ok';
    } });
    await app.register(identityPlugin, { service: identity });
    await app.register(tradingPlugin, { trading });
    const userExists = (userId: number) => identity.getUser(userId).then(() => true, () => false);
    await app.register(adminPlugin, { engine, audit, userExists });
    await app.register(marketDataPlugin, { service: marketData, engine });
    await app.register(projectionsPlugin, { sql: database.sql, engine });
    const hub = new WebSocketHub(marketData, {
      ...tradingHubOptions, ...(options.rateLimit === false ? unthrottledHubOptions : {}), ...options.webSocket });
    registerPrivateStreams(hub, { engine, trading, authenticator, identity });
    await app.ready();
    attachWebSocketHub(app.server, hub);
    closers.push(async () => {
      await hub.close();
      await app.close();
    });

    let demo: DemoActors | undefined;
    if (config.demo) {
      demo = await seedDemo(engine, identity, config.dataDirectory);
      if (options.marketMaker ?? true) {
        const maker = new DemoMarketMaker(engine, { makerOwnerId: demo.marketMakerId, takerOwnerId: demo.takerId,
          levelsPerSide: 10, intervalMs: 1_000, seed: 42 });
        maker.start();
        closers.push(async () => maker.stop());
      }
    }
    const address = await app.listen({ port: config.port, host: config.host });
    return { app, engine, identity, database, projector, demo, url: address, close };
  } catch (error) {
    await close();
    throw error;
  }
}
