import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { isPortFree, reportEmbeddedError } from '../src/database-embedded.ts';
import { createLogger } from '../src/logger.ts';

test('the expected "terminating connection" error of a stop is logged at debug, others at error', () => {
  const lines: { level: number; msg: string }[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  reportEmbeddedError(logger, new Error('terminating connection due to administrator command'));
  reportEmbeddedError(logger, new Error('could not write to file: No space left on device'));
  assert.deepEqual(lines.map((line) => line.level), [20, 50]);
});

test('isPortFree sees a port that is in use', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  assert.equal(await isPortFree(address.port), false);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.equal(await isPortFree(address.port), true);
});
