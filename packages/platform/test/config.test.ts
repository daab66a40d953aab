import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ConfigError, isServiceEnabled, isSplitDeployment, loadConfig, masterKeyFileName } from '../src/config.ts';

const temporaryDirectories: string[] = [];
function dataDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'parite-config-'));
  temporaryDirectories.push(directory);
  return directory;
}
after(() => {
  for (const directory of temporaryDirectories) rmSync(directory, { recursive: true, force: true });
});

const productionKey = 'ab'.repeat(32);

function configError(environment: Record<string, string>): ConfigError {
  try {
    loadConfig(environment);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error;
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  test('embedded defaults, with a master key generated once and kept private', () => {
    const directory = dataDirectory();
    const config = loadConfig({ PARITE_DATA_DIR: directory });
    assert.equal(config.port, 8080);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.dataDirectory, directory);
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.redisUrl, undefined);
    assert.equal(config.natsUrl, undefined);
    assert.equal(config.journalKind, 'file');
    assert.equal(config.services, 'all');
    assert.equal(config.demo, true);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.databasePoolSize, 10);
    assert.equal(config.embeddedPostgresPort, 54329);
    assert.match(config.masterKeyHex, /^[0-9a-f]{64}$/);
    const keyPath = join(directory, masterKeyFileName);
    assert.equal(statSync(keyPath).mode & 0o777, 0o600);
    assert.equal(readFileSync(keyPath, 'utf8').trim(), config.masterKeyHex);
    assert.equal(loadConfig({ PARITE_DATA_DIR: directory }).masterKeyHex, config.masterKeyHex);
  });

  test('resolves a relative data directory to an absolute path', () => {
    const config = loadConfig({ PARITE_DATA_DIR: 'relative/data', PARITE_MASTER_KEY: productionKey });
    assert.equal(config.dataDirectory, join(process.cwd(), 'relative/data'));
  });

  test('production mode reads every variable and requires the master key', () => {
    const config = loadConfig({
      PORT: '9000',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://parite:pw@127.0.0.1:5432/parite',
      PARITE_DB_POOL_SIZE: '20',
      PARITE_PROJECTION_COALESCE_MS: '0',
      REDIS_URL: 'redis://127.0.0.1:6379',
      NATS_URL: 'nats://127.0.0.1:4222',
      PARITE_JOURNAL: 'nats',
      PARITE_SERVICES: 'engine, projections,engine',
      LOG_LEVEL: 'debug',
      PARITE_MASTER_KEY: productionKey.toUpperCase(),
    });
    assert.equal(config.port, 9000);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.databasePoolSize, 20);
    assert.equal(config.projectionCoalesceMs, 0);
    assert.equal(config.demo, false);
    assert.equal(config.journalKind, 'nats');
    assert.deepEqual(config.services, ['engine', 'projections']);
    assert.equal(config.masterKeyHex, productionKey);
    assert.equal(isServiceEnabled(config, 'engine'), true);
    assert.equal(isServiceEnabled(config, 'api'), false);
    assert.equal(isSplitDeployment(config), true);
    assert.deepEqual(
      configError({ DATABASE_URL: 'postgres://127.0.0.1/parite' }).problems,
      ['PARITE_MASTER_KEY is required when DATABASE_URL is set (production mode)'],
    );
  });

  test('lists every problem at once and never echoes secret values', () => {
    const directory = dataDirectory();
    const error = configError({
      PARITE_DATA_DIR: directory,
      PORT: '70000',
      HOST: 'bad host',
      DATABASE_URL: 'not a url with hunter2',
      REDIS_URL: 'http://secret-host:1',
      PARITE_JOURNAL: 'tape',
      PARITE_DEMO: 'maybe',
      LOG_LEVEL: 'loud',
      PARITE_SERVICES: 'Trading!',
      PARITE_MASTER_KEY: 'hunter2',
    });
    assert.equal(error.problems.length, 9);
    assert.doesNotMatch(error.message, /hunter2/);
    assert.match(error.message, /PORT must be between 0 and 65535/);
    assert.match(error.message, /PARITE_JOURNAL must be one of file, postgres, nats/);
    // An invalid configuration writes nothing to disk.
    assert.throws(() => statSync(join(directory, masterKeyFileName)), /ENOENT/);
  });

  test('the projection coalescing window: one second by default, 0 to 10 s, anything else refused', () => {
    assert.equal(loadConfig({ PARITE_DATA_DIR: dataDirectory() }).projectionCoalesceMs, 1_000);
    assert.equal(loadConfig({ PARITE_DATA_DIR: dataDirectory(), PARITE_PROJECTION_COALESCE_MS: '250' }).projectionCoalesceMs, 250);
    assert.deepEqual(configError({ PARITE_DATA_DIR: dataDirectory(), PARITE_PROJECTION_COALESCE_MS: '10001' }).problems,
      ['PARITE_PROJECTION_COALESCE_MS must be between 0 and 10000, got 10001']);
    assert.deepEqual(configError({ PARITE_DATA_DIR: dataDirectory(), PARITE_PROJECTION_COALESCE_MS: '-1' }).problems,
      ['PARITE_PROJECTION_COALESCE_MS must be an integer, got "-1"']);
  });

  test('the background nice value: 19 by default, 0 to 19, anything else refused', () => {
    assert.equal(loadConfig({ PARITE_DATA_DIR: dataDirectory() }).backgroundNice, 19);
    assert.equal(loadConfig({ PARITE_DATA_DIR: dataDirectory(), PARITE_BACKGROUND_NICE: '0' }).backgroundNice, 0);
    assert.deepEqual(configError({ PARITE_DATA_DIR: dataDirectory(), PARITE_BACKGROUND_NICE: '20' }).problems,
      ['PARITE_BACKGROUND_NICE must be between 0 and 19, got 20']);
  });

  test('services split over processes need a shared journal and NATS', () => {
    assert.deepEqual(configError({ PARITE_SERVICES: 'api', PARITE_MASTER_KEY: productionKey }).problems, [
      'PARITE_SERVICES split over processes needs PARITE_JOURNAL=postgres or nats (a shared journal)',
      'PARITE_SERVICES split over processes needs NATS_URL (commands reach the engine over NATS)',
    ]);
    assert.deepEqual(configError({ PARITE_SERVICES: 'engine,wallet', PARITE_MASTER_KEY: productionKey }).problems,
      ['PARITE_SERVICES has unknown services: wallet (known: engine, api, projections)']);
    const together = loadConfig({ PARITE_SERVICES: 'projections,api,engine', PARITE_DATA_DIR: dataDirectory() });
    assert.equal(isSplitDeployment(together), false);
  });

  test('PARITE_JOURNAL=nats needs NATS_URL', () => {
    const error = configError({ PARITE_JOURNAL: 'nats', PARITE_MASTER_KEY: productionKey });
    assert.deepEqual(error.problems, ['PARITE_JOURNAL=nats requires NATS_URL']);
  });

  test('refuses a master key file that others can read', () => {
    const directory = dataDirectory();
    const keyPath = join(directory, masterKeyFileName);
    writeFileSync(keyPath, productionKey + '\n');
    chmodSync(keyPath, 0o644);
    assert.match(configError({ PARITE_DATA_DIR: directory }).message, /readable by its owner only/);
    chmodSync(keyPath, 0o600);
    assert.equal(loadConfig({ PARITE_DATA_DIR: directory }).masterKeyHex, productionKey);
  });
});

test('PARITE_JOURNAL_NAME names the replicated journal and is validated', () => {
  const directory = mkdtempSync(join(tmpdir(), 'parite-config-journal-'));
  try {
    assert.equal(loadConfig({ PARITE_DATA_DIR: directory }).journalName, 'exchange');
    assert.equal(loadConfig({ PARITE_DATA_DIR: directory, PARITE_JOURNAL_NAME: 'bank-a' }).journalName, 'bank-a');
    assert.throws(() => loadConfig({ PARITE_DATA_DIR: directory, PARITE_JOURNAL_NAME: 'Bank A!' }),
      /PARITE_JOURNAL_NAME must be/);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
