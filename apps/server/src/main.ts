// `npm start`: the whole platform in one process on embedded defaults (or production adapters when
// DATABASE_URL / REDIS_URL / NATS_URL are set). Stops gracefully on SIGINT/SIGTERM: the last
// commands become durable, a final snapshot is written, connections close (WebSocket clients are
// told 1001, going away, first: the HTTP server's close would otherwise wait for them to leave).

import { ConfigError, loadConfig } from '@parite/platform';
import { startPlatform, type PlatformOptions } from './platform.ts';
import { demoCredentialsFileName } from './seed.ts';

/**
 * Switches for demos and benchmarks, beside the platform configuration:
 * PARITE_RATE_LIMIT=off disables HTTP rate limits (benchmarks drive one user hard);
 * PARITE_MARKET_MAKER=false keeps the demo data but not the demo market maker.
 */
function runtimeOptions(environment: NodeJS.ProcessEnv): PlatformOptions {
  const rateLimit = environment['PARITE_RATE_LIMIT'];
  const marketMaker = environment['PARITE_MARKET_MAKER'];
  if (rateLimit !== undefined && rateLimit !== 'off' && rateLimit !== 'on') {
    throw new ConfigError(['PARITE_RATE_LIMIT must be on or off']);
  }
  if (marketMaker !== undefined && marketMaker !== 'true' && marketMaker !== 'false') {
    throw new ConfigError(['PARITE_MARKET_MAKER must be true or false']);
  }
  return { ...(rateLimit === 'off' ? { rateLimit: false } : {}), marketMaker: marketMaker !== 'false' };
}

async function main(): Promise<void> {
  let config;
  let options: PlatformOptions;
  try {
    config = loadConfig();
    options = runtimeOptions(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
  const platform = await startPlatform(config, options);
  console.log(`Parite is ready on ${platform.url}  (GET /readyz, GET /openapi.json, WebSocket /ws)`);
  if (platform.demo !== undefined) {
    console.log(`Demo data loaded${options.marketMaker === false ? '' : ', demo market maker running'}. ` +
      `Demo users' passwords and API keys: ${config.dataDirectory}/${demoCredentialsFileName}; ` +
      `sign in through the OpenID Connect provider at ${platform.url}/oidc (discovery: /oidc/.well-known/openid-configuration)`);
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
