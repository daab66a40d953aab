// Assembles the FX service from the platform's ports: PostgreSQL (raw ticks, settings, history,
// alerts), the Cache (RedisCache or MemoryCache) and the EventBus (NATS JetStream or in-process).
// One call for the composition root, the tests and the benchmark.

import type { Clock } from '@parite/kernel';
import type { Cache, EventBus, Logger, Sql } from '@parite/platform';
import type { FxEngineSettings } from '../domain/engine-settings.ts';
import type { RateProvider } from '../app/provider-port.ts';
import { FxService, type FxServiceOptions } from '../app/fx-service.ts';
import { PostgresRawTickStore } from './postgres/postgres-raw-tick-store.ts';
import { PostgresFxSettingsStore } from './postgres/postgres-settings-store.ts';
import { PostgresRateHistoryStore } from './postgres/postgres-rate-history-store.ts';
import { PostgresCurrentRateSource } from './postgres/postgres-current-rate-source.ts';
import { CacheRateWriter } from './cache/cache-rate-writer.ts';
import { FxRateReader } from './cache/fx-rate-reader.ts';
import { BusRateCyclePublisher } from './bus/bus-rate-cycle-publisher.ts';
import { RateHistoryConsumer } from './bus/rate-history-consumer.ts';

export interface FxRuntimeOptions {
  readonly sql: Sql;
  readonly cache: Cache;
  readonly bus: EventBus;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly baseSettings: FxEngineSettings;
  readonly providers: readonly RateProvider[];
  readonly instanceName?: string;
  readonly cycleIntervalMs?: number;
  /** See FxServiceOptions.composesCycles (default true). */
  readonly composesCycles?: boolean;
  /** Run the consumer that writes the rate history from the bus (default true; one per installation suffices). */
  readonly consumeHistory?: boolean;
  readonly tickRecorder?: FxServiceOptions['tickRecorder'];
  readonly cacheWriteTimeoutMs?: number;
  readonly cacheReadTimeoutMs?: number;
}

export interface FxRuntime {
  readonly service: FxService;
  readonly reader: FxRateReader;
  readonly writer: CacheRateWriter;
  readonly history: PostgresRateHistoryStore;
  readonly currentRates: PostgresCurrentRateSource;
  readonly consumer: RateHistoryConsumer | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createFxRuntime(options: FxRuntimeOptions): FxRuntime {
  const history = new PostgresRateHistoryStore(options.sql);
  // The writer reports cache state to the service, created next; the callback only runs during cycles.
  const writer: CacheRateWriter = new CacheRateWriter({ cache: options.cache, history, clock: options.clock,
    writeTimeoutMs: options.cacheWriteTimeoutMs, onCacheState: (healthy, error) => service.cacheStateChanged(healthy, error) });
  const service: FxService = new FxService({
    baseSettings: options.baseSettings, settingsStore: new PostgresFxSettingsStore(options.sql),
    tickStore: new PostgresRawTickStore(options.sql), history, rateCache: writer,
    publisher: new BusRateCyclePublisher(options.bus), providers: options.providers, clock: options.clock,
    logger: options.logger, instanceName: options.instanceName, cycleIntervalMs: options.cycleIntervalMs,
    composesCycles: options.composesCycles, tickRecorder: options.tickRecorder,
  });
  const reader = new FxRateReader({ cache: options.cache, history, clock: options.clock,
    readTimeoutMs: options.cacheReadTimeoutMs, lookbackMs: () => service.settings.rateValidityMs });
  const consumer = options.consumeHistory === false ? undefined
    : new RateHistoryConsumer({ bus: options.bus, history, logger: options.logger });
  const currentRates = new PostgresCurrentRateSource(options.sql, () => service.settings.tiers);
  return {
    service, reader, writer, history, currentRates, consumer,
    async start() {
      await consumer?.start();
      await service.start();
    },
    async stop() {
      await service.stop();
      await consumer?.stop();
    },
  };
}
