import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger, redactionCensor } from '../src/logger.ts';

function capture(): { lines: string[]; destination: { write(line: string): void } } {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
}

test('logger censors credentials, secrets and personal data', () => {
  const { lines, destination } = capture();
  const logger = createLogger({ level: 'info', name: 'test', destination });
  logger.info(
    {
      req: { headers: { authorization: 'Bearer abc', 'x-parite-signature': 'sig', accept: 'json' } },
      password: 'hunter2',
      user: { tckn: '12345678901', iban: 'TR330006100519786457841326', name: 'Ada' },
      body: { account: { apiSecret: 'shh' } },
      config: { masterKeyHex: 'ff', databaseUrl: 'postgres://u:pw@h/db', port: 1 },
    },
    'request',
  );
  assert.equal(lines.length, 1);
  const line = lines[0] ?? '';
  for (const secret of ['Bearer abc', 'sig"', 'hunter2', '12345678901', 'TR33', 'shh', 'u:pw', '"ff"']) {
    assert.doesNotMatch(line, new RegExp(secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  }
  const parsed = JSON.parse(line) as { req: { headers: Record<string, string> }; user: Record<string, string>; name: string };
  assert.equal(parsed.req.headers['authorization'], redactionCensor);
  assert.equal(parsed.req.headers['accept'], 'json');
  assert.equal(parsed.user['name'], 'Ada');
  assert.equal(parsed.name, 'test');
});

test('logger honours the level', () => {
  const { lines, destination } = capture();
  const logger = createLogger({ level: 'warn', destination });
  logger.info('hidden');
  logger.warn('shown');
  assert.equal(lines.length, 1);
});
