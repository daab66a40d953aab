// Which engine this process holds. The process that runs the `engine` service owns the journal
// and executes commands; when the services are split over processes it answers commands on NATS.
// Every other process holds a replica rebuilt from the shared journal and sends its commands to
// the engine: the services above (trading, market data, projections) get the same
// ExchangeEngineApi either way and never know which one they hold.
//
// With PARITE_SHARDS the same holds per shard: each shard is an engine here (PARITE_ENGINE_SHARDS
// names the shards this process runs, default all of them) or a replica of another process's, and a
// ShardedEngine routes over them.

import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Clock } from '@parite/kernel';
import {
  ExchangeEngine, NatsCommandTransport, ReplicaEngine, ShardMap, ShardedEngine, serveCommandsOverNats,
  type ExchangeEngineApi, type ShardEngine,
} from '@parite/exchange';
import {
  ConfigError, isServiceEnabled, isSplitDeployment, shardStorageNames, type Logger, type PlatformConfig,
} from '@parite/platform';
import { projectorThreadDirectories, type JournalSetup } from './infrastructure.ts';

export interface EngineShard {
  readonly index: number;
  readonly engine: ShardEngine;
  /** Set when this process runs the shard's engine. */
  readonly local: ExchangeEngine | undefined;
  readonly journalSetup: JournalSetup;
}

export interface EngineRole {
  /** The engine, its replica, or the sharded engine over both kinds. */
  readonly engine: ExchangeEngineApi;
  readonly shardMap: ShardMap;
  readonly shards: readonly EngineShard[];
  /** True when this process runs the funding shard's engine (shard 0): it seeds the catalogue. */
  readonly runsFundingShard: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface EngineRoleOptions {
  config: PlatformConfig;
  /** Opens shard `index`'s journal and snapshots (infrastructure.ts openJournal). */
  openShardJournal: (shardIndex: number) => Promise<JournalSetup>;
  clock: Clock;
  logger: Logger;
  snapshotEveryCommands: number | undefined;
  onFatal: (error: unknown) => void;
}

export function parseShardMap(config: Pick<PlatformConfig, 'shards' | 'engineShards'>): ShardMap {
  let shardMap: ShardMap;
  try {
    shardMap = ShardMap.parse(config.shards);
  } catch (error) {
    throw new ConfigError([error instanceof Error ? error.message : String(error)]);
  }
  if (config.engineShards !== 'all') {
    const unknown = config.engineShards.filter((index) => index >= shardMap.shardCount);
    if (unknown.length > 0) throw new ConfigError([`PARITE_ENGINE_SHARDS names shards beyond ${shardMap.shardCount - 1}: ${unknown.join(', ')}`]);
  }
  return shardMap;
}

function runsShardEngine(config: PlatformConfig, shardIndex: number): boolean {
  return isServiceEnabled(config, 'engine') && (config.engineShards === 'all' || config.engineShards.includes(shardIndex));
}

export async function openEngineRole(options: EngineRoleOptions): Promise<EngineRole> {
  const { config, logger } = options;
  const shardMap = parseShardMap(config);
  const onListenerError = (error: unknown) => logger.error({ error: String(error) }, 'committed-command listener failed');
  const connection: NatsConnection | undefined = isSplitDeployment(config) && config.natsUrl !== undefined
    ? await connect({ servers: config.natsUrl, name: `parite-commands-${config.journalName}` })
    : undefined;
  const shards: EngineShard[] = [];
  try {
    for (let index = 0; index < shardMap.shardCount; index++) {
      const journalSetup = await options.openShardJournal(index);
      const shard = shardMap.sharded ? { index, count: shardMap.shardCount } : undefined;
      if (runsShardEngine(config, index)) {
        // The projector's thread (platform.ts openProjector) replays the payloads through its own
        // core, and takes the snapshots from it, off this thread.
        const followedByProjectorThread = projectorThreadDirectories(config, journalSetup) !== undefined;
        const engine = new ExchangeEngine({
          journal: journalSetup.journal, snapshots: journalSetup.snapshots, clock: options.clock, shard,
          snapshotEveryCommands: options.snapshotEveryCommands, onFatal: options.onFatal, onListenerError,
          deliverPayloads: followedByProjectorThread, snapshotsByFollower: followedByProjectorThread,
        });
        shards.push({ index, engine, local: engine, journalSetup });
        continue;
      }
      if (connection === undefined) throw new Error('a process without the engine service needs NATS_URL');
      const replica = new ReplicaEngine({
        journal: journalSetup.journal, snapshots: journalSetup.snapshots, shardIndex: shard?.index,
        transport: new NatsCommandTransport(connection, shardStorageNames(config, index).journalName),
        onFatal: options.onFatal, onListenerError,
      });
      shards.push({ index, engine: replica, local: undefined, journalSetup });
    }
  } catch (error) {
    for (const shard of shards) await shard.journalSetup.close();
    await connection?.drain();
    throw error;
  }
  const sharded = shardMap.sharded ? new ShardedEngine({
    shards: shards.map((shard) => shard.engine), shardMap,
    onError: (error) => logger.warn({ error: String(error) }, 'cross-shard transfer relay'),
  }) : undefined;
  return {
    engine: sharded ?? (shards[0] as EngineShard).engine,
    shardMap, shards,
    runsFundingShard: shards[0]?.local !== undefined,
    start: async () => {
      for (const shard of shards) {
        await (shard.local ?? (shard.engine as ReplicaEngine)).start();
        // Commands from other processes are taken only once recovery is complete.
        if (shard.local !== undefined && connection !== undefined) {
          serveCommandsOverNats(connection, shardStorageNames(config, shard.index).journalName, shard.local);
        }
      }
      await sharded?.start();
    },
    stop: async () => {
      sharded?.stop();
      for (const shard of shards) if (shard.local === undefined) await (shard.engine as ReplicaEngine).stop();
      // Stop answering other processes, then stop the engines (each writes a final snapshot).
      await connection?.drain();
      for (const shard of shards) await shard.local?.stop();
      for (const shard of shards) await shard.journalSetup.close();
    },
  };
}
