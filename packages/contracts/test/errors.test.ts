import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ServiceError, errorCatalogue, renderErrorsDocument } from '../src/index.ts';

test('docs/errors.md lists exactly the catalogue (run npm run docs:errors after changing codes)', () => {
  const committed = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  assert.equal(committed, renderErrorsDocument());
});

test('every code has a 4xx or 5xx status, a message, and an area prefix', () => {
  for (const [code, definition] of Object.entries(errorCatalogue)) {
    assert.match(code, /^[A-Z]+(_[A-Z0-9]+)+$/, code);
    assert.ok(definition.httpStatus >= 400 && definition.httpStatus <= 599, code);
    assert.ok(definition.message.length > 10 && definition.message.endsWith('.'), code);
  }
});

test('an expected failure (4xx) carries no stack trace; a server fault (5xx) keeps its stack; the limit is restored', () => {
  const limitBefore = Error.stackTraceLimit;
  const refused = new ServiceError('ORDER_UNKNOWN');
  assert.equal(refused.code, 'ORDER_UNKNOWN');
  assert.equal(refused.message, errorCatalogue.ORDER_UNKNOWN.message);
  assert.ok(refused instanceof Error);
  assert.doesNotMatch(refused.stack ?? '', /\n\s+at /, 'no frames for an expected failure');
  const fault = new ServiceError('INTERNAL_ERROR');
  assert.match(fault.stack ?? '', /\n\s+at /, 'a server fault keeps its frames');
  assert.equal(Error.stackTraceLimit, limitBefore);
  assert.match(new Error('plain').stack ?? '', /\n\s+at /, 'other errors are untouched');
});
