// Process configuration, read once at start from environment variables.
//
// Two modes follow from DATABASE_URL:
// - embedded (DATABASE_URL unset): PostgreSQL runs inside our data directory, the cache and bus
//   run in-process, demo data is on by default and a master key is generated on first start.
// - production (DATABASE_URL set): every dependency is external and PARITE_MASTER_KEY is required,
//   because a generated key sitting next to the data would defeat encryption at rest.
// Invalid values stop the process with one ConfigError listing every problem.
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import {
  ConfigProblems,
  type Environment,
  parseBoolean,
  parseChoice,
  parseInteger,
  parseUrl,
  readVariable,
} from './config-parse.ts';
import { backgroundNiceMax, defaultBackgroundNice } from './process-priority.ts';
import { readOrCreateSecretFile } from './secret-file.ts';

export type JournalKind = 'file' | 'postgres' | 'nats';
export const journalKinds: readonly JournalKind[] = ['file', 'postgres', 'nats'];

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export const logLevels: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface PlatformConfig {
  /** PORT, default 8080: the HTTP listen port (0 picks a free port, for tests). */
  readonly port: number;
  /** HOST, default 127.0.0.1: loopback unless the operator opts in to exposing the port (e.g. 0.0.0.0). */
  readonly host: string;
  /** PARITE_DATA_DIR, default ./var/data, resolved to an absolute path at load time. */
  readonly dataDirectory: string;
  /** DATABASE_URL: external PostgreSQL. Unset means embedded PostgreSQL under dataDirectory. Secret. */
  readonly databaseUrl: string | undefined;
  /** PARITE_DB_POOL_SIZE, default 10: connections in the postgres.js pool. */
  readonly databasePoolSize: number;
  /** PARITE_EMBEDDED_PG_PORT, default 54329: first port tried by embedded PostgreSQL. */
  readonly embeddedPostgresPort: number;
  /** REDIS_URL: external cache. Unset means the in-process cache. Secret. */
  readonly redisUrl: string | undefined;
  /** NATS_URL: external JetStream bus. Unset means the in-process bus. Secret. */
  readonly natsUrl: string | undefined;
  /** PARITE_JOURNAL, default file: where the matching journal is written. */
  readonly journalKind: JournalKind;
  /**
   * PARITE_JOURNAL_NAME, default exchange: names the shared journal (NATS stream, PostgreSQL table
   * prefix is fixed per database). Installations sharing one NATS server must use different names.
   */
  readonly journalName: string;
  /** PARITE_SERVICES, default all: comma-separated list of services this process runs. */
  readonly services: 'all' | readonly string[];
  /**
   * PARITE_SHARDS, default unset (one engine holds every market): spreads markets over engine shards,
   * "BTC/TRY,BTC/USDT;ETH/TRY,..." (markets per shard, ';' between shards) or a shard count. Parsed
   * and checked by the exchange's ShardMap; fixed for an installation's lifetime.
   */
  readonly shards: string | undefined;
  /** PARITE_ENGINE_SHARDS, default all: the shards whose engine this process runs ("0" or "1,2"). */
  readonly engineShards: 'all' | readonly number[];
  /**
   * PARITE_PROJECTION_COALESCE_MS, default 1000: under load the projector lets a batch fill this long
   * (fewer database rows, read models that lag as much); 0 writes every batch at once.
   */
  readonly projectionCoalesceMs: number;
  /**
   * PARITE_PROJECTOR_THREAD, default true: each local shard's projector runs in its own thread that
   * follows the file journal (apps/server/src/projector-thread), off the engine's thread, at the cost
   * of replaying every command there (CPU and a second copy of the core's state); false keeps it on
   * the engine's thread (docs/benchmarks.md §2, session 12). Replicated journals keep the projector
   * on the engine's thread either way.
   */
  readonly projectorThread: boolean;
  /**
   * PARITE_BACKGROUND_NICE, default 19 (0..19): the nice value of the work that shares the engine's
   * machine but is never on an order's path: the projector's thread and the embedded PostgreSQL
   * (process-priority.ts). 0 leaves them at the engine's priority.
   */
  readonly backgroundNice: number;
  /** PARITE_DEMO, default true in embedded mode and false in production: seed demo markets and users. */
  readonly demo: boolean;
  /** LOG_LEVEL, default info. */
  readonly logLevel: LogLevel;
  /**
   * PARITE_MASTER_KEY: 32 bytes as 64 lowercase hex characters, encrypts secrets at rest. Required in
   * production; in embedded mode generated once into `<dataDirectory>/master-key` (mode 0600). Secret.
   */
  readonly masterKeyHex: string;
}

export const defaultPort = 8080;
export const defaultHost = '127.0.0.1';
export const defaultDataDirectory = './var/data';
export const defaultDatabasePoolSize = 10;
export const databasePoolSizeMax = 100;
export const defaultEmbeddedPostgresPort = 54329;
export const defaultProjectionCoalesceMs = 1_000;
/** The projector's own bound (services/projections, projectorCoalesceMsMax). */
export const projectionCoalesceMsMax = 10_000;
export const masterKeyFileName = 'master-key';
/** Bounds PARITE_SERVICES so a typo cannot make us loop over thousands of names. */
export const servicesMax = 64;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n- ${problems.join('\n- ')}`);
  }
}

const journalNamePattern = /^[a-z][a-z0-9-]{0,31}$/;

function parseJournalName(problems: ConfigProblems, environment: Environment): string {
  const value = readVariable(environment, 'PARITE_JOURNAL_NAME') ?? 'exchange';
  if (!journalNamePattern.test(value)) {
    problems.add('PARITE_JOURNAL_NAME must be 1-32 lowercase letters, digits or dashes, starting with a letter');
  }
  return value;
}

export function loadConfig(environment: Environment = process.env): PlatformConfig {
  const problems = new ConfigProblems();
  const databaseUrl = parseUrl(problems, environment, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const production = readVariable(environment, 'DATABASE_URL') !== undefined;
  const base = {
    port: parseInteger(problems, environment, 'PORT', { defaultValue: defaultPort, minimum: 0, maximum: 65535 }),
    host: parseHost(problems, environment),
    dataDirectory: resolve(readVariable(environment, 'PARITE_DATA_DIR') ?? defaultDataDirectory),
    databaseUrl,
    databasePoolSize: parseInteger(problems, environment, 'PARITE_DB_POOL_SIZE', {
      defaultValue: defaultDatabasePoolSize,
      minimum: 1,
      maximum: databasePoolSizeMax,
    }),
    embeddedPostgresPort: parseInteger(problems, environment, 'PARITE_EMBEDDED_PG_PORT', {
      defaultValue: defaultEmbeddedPostgresPort,
      minimum: 1024,
      maximum: 65535,
    }),
    projectionCoalesceMs: parseInteger(problems, environment, 'PARITE_PROJECTION_COALESCE_MS', {
      defaultValue: defaultProjectionCoalesceMs,
      minimum: 0,
      maximum: projectionCoalesceMsMax,
    }),
    projectorThread: parseBoolean(problems, environment, 'PARITE_PROJECTOR_THREAD', true),
    backgroundNice: parseInteger(problems, environment, 'PARITE_BACKGROUND_NICE', {
      defaultValue: defaultBackgroundNice,
      minimum: 0,
      maximum: backgroundNiceMax,
    }),
    redisUrl: parseUrl(problems, environment, 'REDIS_URL', ['redis:', 'rediss:']),
    natsUrl: parseUrl(problems, environment, 'NATS_URL', ['nats:', 'tls:']),
    journalKind: parseChoice(problems, environment, 'PARITE_JOURNAL', journalKinds, 'file'),
    journalName: parseJournalName(problems, environment),
    services: parseServices(problems, environment),
    shards: readVariable(environment, 'PARITE_SHARDS'),
    engineShards: parseEngineShards(problems, environment),
    demo: parseBoolean(problems, environment, 'PARITE_DEMO', !production),
    logLevel: parseChoice(problems, environment, 'LOG_LEVEL', logLevels, 'info'),
  };
  if (base.journalKind === 'nats' && readVariable(environment, 'NATS_URL') === undefined) {
    problems.add('PARITE_JOURNAL=nats requires NATS_URL');
  }
  checkSplitDeployment(problems, base);
  const masterKeyHex = parseMasterKey(problems, environment, production);
  if (problems.list.length > 0) throw new ConfigError(problems.list);
  // Only a valid configuration may touch the disk.
  return { ...base, masterKeyHex: masterKeyHex ?? embeddedMasterKey(base.dataDirectory) };
}

export function isServiceEnabled(config: Pick<PlatformConfig, 'services'>, service: string): boolean {
  return config.services === 'all' || config.services.includes(service);
}

/** The services one process can run; `all` (the default) runs every one of them. */
export const platformServices = ['engine', 'api', 'projections'] as const;
export type PlatformService = (typeof platformServices)[number];

/** True when this process runs some services (or some engine shards) and other processes run the rest. */
export function isSplitDeployment(config: Pick<PlatformConfig, 'services' | 'engineShards'>): boolean {
  return platformServices.some((service) => !isServiceEnabled(config, service)) || config.engineShards !== 'all';
}

/** Bound on PARITE_ENGINE_SHARDS entries (the exchange allows at most 64 shards). */
export const engineShardsMax = 64;

function parseEngineShards(problems: ConfigProblems, environment: Environment): 'all' | readonly number[] {
  const raw = readVariable(environment, 'PARITE_ENGINE_SHARDS');
  if (raw === undefined || raw === 'all') return 'all';
  const entries = raw.split(',').map((entry) => entry.trim());
  if (entries.length > engineShardsMax || entries.some((entry) => !/^\d{1,2}$/.test(entry))) {
    problems.add(`PARITE_ENGINE_SHARDS must be "all" or up to ${engineShardsMax} shard numbers separated by commas`);
    return 'all';
  }
  return [...new Set(entries.map(Number))].sort((left, right) => left - right);
}

/**
 * Processes that split the services meet through shared infrastructure: the journal every replica
 * follows must be shared (PostgreSQL or NATS JetStream), and commands reach the engine over NATS.
 */
function checkSplitDeployment(problems: ConfigProblems,
  config: Pick<PlatformConfig, 'services' | 'journalKind' | 'natsUrl' | 'engineShards'>): void {
  if (config.services === 'all' && config.engineShards === 'all') return;
  const unknown = config.services === 'all' ? [] : config.services.filter((name) => !(platformServices as readonly string[]).includes(name));
  if (unknown.length > 0) {
    problems.add(`PARITE_SERVICES has unknown services: ${unknown.join(', ')} (known: ${platformServices.join(', ')})`);
    return;
  }
  if (!isSplitDeployment(config)) return;
  if (config.journalKind === 'file') problems.add('PARITE_SERVICES split over processes needs PARITE_JOURNAL=postgres or nats (a shared journal)');
  if (config.natsUrl === undefined) problems.add('PARITE_SERVICES split over processes needs NATS_URL (commands reach the engine over NATS)');
}

function parseHost(problems: ConfigProblems, environment: Environment): string {
  const raw = readVariable(environment, 'HOST');
  if (raw === undefined) return defaultHost;
  if (!/^[A-Za-z0-9.:\-[\]]{1,255}$/.test(raw)) {
    problems.add(`HOST must be a host name or IP address, got "${raw}"`);
    return defaultHost;
  }
  return raw;
}

function parseServices(problems: ConfigProblems, environment: Environment): 'all' | readonly string[] {
  const raw = readVariable(environment, 'PARITE_SERVICES');
  if (raw === undefined || raw === 'all') return 'all';
  const names = raw.split(',').map((name) => name.trim()).filter((name) => name.length > 0);
  if (names.length === 0 || names.length > servicesMax) {
    problems.add(`PARITE_SERVICES must list between 1 and ${servicesMax} services`);
    return 'all';
  }
  const invalid = names.filter((name) => !/^[a-z][a-z0-9-]{0,63}$/.test(name));
  if (invalid.length > 0) {
    problems.add(`PARITE_SERVICES has invalid service names: ${invalid.join(', ')}`);
    return 'all';
  }
  if (names.includes('all')) return 'all';
  return [...new Set(names)];
}

const masterKeyPattern = /^[0-9a-fA-F]{64}$/;

/** Returns the key from the environment, or undefined when embedded mode should generate one. */
function parseMasterKey(problems: ConfigProblems, environment: Environment, production: boolean): string | undefined {
  const raw = readVariable(environment, 'PARITE_MASTER_KEY');
  if (raw === undefined) {
    if (production) problems.add('PARITE_MASTER_KEY is required when DATABASE_URL is set (production mode)');
    return undefined;
  }
  if (!masterKeyPattern.test(raw)) {
    problems.add('PARITE_MASTER_KEY must be 64 hexadecimal characters (32 bytes); value not shown');
    return undefined;
  }
  return raw.toLowerCase();
}

function embeddedMasterKey(dataDirectory: string): string {
  const path = join(dataDirectory, masterKeyFileName);
  const result = readOrCreateSecretFile(path, () => randomBytes(32).toString('hex'));
  if (!result.ok) throw new ConfigError([result.problem]);
  if (!masterKeyPattern.test(result.value)) {
    throw new ConfigError([`${path} must hold 64 hexadecimal characters (32 bytes); value not shown`]);
  }
  return result.value.toLowerCase();
}

/**
 * Where each engine shard keeps its journal and snapshots: shard 0 keeps the unsharded names (file
 * directories, tables, NATS stream), every other shard adds its number. A journal that already holds
 * an unsharded engine's state refuses to become a shard (shard.configure), so nothing is mixed up.
 */
export interface ShardStorageNames {
  directorySuffix: string;
  tableSuffix: string;
  journalName: string;
}

export function shardStorageNames(config: Pick<PlatformConfig, 'journalName'>, shardIndex: number): ShardStorageNames {
  if (shardIndex === 0) return { directorySuffix: '', tableSuffix: '', journalName: config.journalName };
  return { directorySuffix: `-shard-${shardIndex}`, tableSuffix: `_shard_${shardIndex}`,
    journalName: `${config.journalName}-shard-${shardIndex}` };
}

