// `npm start`: the whole platform in one process on embedded defaults (or production adapters when
// DATABASE_URL / REDIS_URL / NATS_URL are set). Stops gracefully on SIGINT/SIGTERM: the last
// commands become durable, a final snapshot is written, connections close.

import { ConfigError, loadConfig } from '@parite/platform';
import { startPlatform } from './platform.ts';
import { demoCredentialsFileName } from './seed.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
  const platform = await startPlatform(config);
  console.log(`Parite is ready on ${platform.url}  (GET /readyz, GET /openapi.json, WebSocket /ws)`);
  if (platform.demo !== undefined) {
    console.log(`Demo market maker running. Demo API keys: ${config.dataDirectory}/${demoCredentialsFileName}`);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    await platform.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

void main().catch((error: unknown) => {
  console.error('Parite failed to start:', error instanceof Error ? error.message : String(error));
  process.exit(1);
});
