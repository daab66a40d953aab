// Which engine this process holds. The process that runs the `engine` service owns the journal
// and executes commands; when the services are split over processes it answers commands on NATS.
// Every other process holds a replica rebuilt from the shared journal and sends its commands to
// the engine: the services above (trading, market data, projections) get the same
// ExchangeEngineApi either way and never know which one they hold.

import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Clock } from '@parite/kernel';
import {
  ExchangeEngine, NatsCommandTransport, ReplicaEngine, serveCommandsOverNats, type ExchangeEngineApi,
} from '@parite/exchange';
import { isServiceEnabled, isSplitDeployment, type Logger, type PlatformConfig } from '@parite/platform';
import type { JournalSetup } from './infrastructure.ts';

export interface EngineRole {
  readonly engine: ExchangeEngineApi;
  /** Set in the process that runs the engine service. */
  readonly local: ExchangeEngine | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface EngineRoleOptions {
  config: PlatformConfig;
  journalSetup: JournalSetup;
  clock: Clock;
  logger: Logger;
  snapshotEveryCommands: number | undefined;
  onFatal: (error: unknown) => void;
}

export async function openEngineRole(options: EngineRoleOptions): Promise<EngineRole> {
  const { config, journalSetup, logger } = options;
  const onListenerError = (error: unknown) => logger.error({ error: String(error) }, 'committed-command listener failed');
  const connection: NatsConnection | undefined = isSplitDeployment(config) && config.natsUrl !== undefined
    ? await connect({ servers: config.natsUrl, name: `parite-commands-${config.journalName}` })
    : undefined;
  const closeConnection = async () => connection?.drain();
  if (isServiceEnabled(config, 'engine')) {
    const engine = new ExchangeEngine({
      journal: journalSetup.journal, snapshots: journalSetup.snapshots, clock: options.clock,
      snapshotEveryCommands: options.snapshotEveryCommands, onFatal: options.onFatal, onListenerError,
    });
    return {
      engine, local: engine,
      start: async () => {
        await engine.start();
        // Commands from other processes are taken only once recovery is complete.
        if (connection !== undefined) serveCommandsOverNats(connection, config.journalName, engine);
      },
      stop: async () => {
        await closeConnection();
        await engine.stop();
      },
    };
  }
  if (connection === undefined) throw new Error('a process without the engine service needs NATS_URL');
  const replica = new ReplicaEngine({
    journal: journalSetup.journal, snapshots: journalSetup.snapshots,
    transport: new NatsCommandTransport(connection, config.journalName), onFatal: options.onFatal, onListenerError,
  });
  return {
    engine: replica, local: undefined,
    start: () => replica.start(),
    stop: async () => {
      await replica.stop();
      await closeConnection();
    },
  };
}
