// A real HTTP server (bare Fastify on a random port) with the hub attached, over the fake engine.
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { MarketDataService } from '../src/app/market-data-service.ts';
import { WebSocketHub, attachWebSocketHub } from '../src/ws/hub.ts';
import type { WebSocketHubOptions } from '../src/ws/hub-options.ts';
import { FakeEngine } from './fake-engine.ts';

export interface TestServer {
  engine: FakeEngine;
  service: MarketDataService;
  hub: WebSocketHub;
  app: FastifyInstance;
  url: string;
  stop(): Promise<void>;
}

export async function startServer(options: WebSocketHubOptions = {}): Promise<TestServer> {
  const engine = new FakeEngine();
  const service = new MarketDataService(engine);
  service.start();
  engine.seed();
  const hub = new WebSocketHub(service, { heartbeatIntervalMs: 0, ...options });
  const app = Fastify();
  attachWebSocketHub(app.server, hub);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    engine, service, hub, app, url: `ws://127.0.0.1:${port}/ws`,
    stop: async () => {
      await hub.close();
      await app.close();
    },
  };
}
