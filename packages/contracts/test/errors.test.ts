import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { errorCatalogue, renderErrorsDocument } from '../src/index.ts';

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
