import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseDecimal, formatDecimal } from '../src/index.ts';

test('parses canonical decimals exactly', () => {
  assert.deepEqual(parseDecimal('123.45', 2), { ok: true, value: 12345n });
  assert.deepEqual(parseDecimal('0.00000001', 8), { ok: true, value: 1n });
  assert.deepEqual(parseDecimal('7', 0), { ok: true, value: 7n });
  assert.deepEqual(parseDecimal('1.5', 8), { ok: true, value: 150000000n });
});

test('refuses ambiguous or excessive input with a reason', () => {
  const cases: [unknown, string][] = [
    ['1e5', 'DECIMAL_MALFORMED'], ['+1', 'DECIMAL_MALFORMED'], ['01', 'DECIMAL_MALFORMED'],
    ['1.', 'DECIMAL_MALFORMED'], ['.5', 'DECIMAL_MALFORMED'], [' 1', 'DECIMAL_MALFORMED'],
    ['', 'DECIMAL_MALFORMED'], ['NaN', 'DECIMAL_MALFORMED'], ['1,5', 'DECIMAL_MALFORMED'],
    ['-0', 'DECIMAL_MALFORMED'], ['1.234', 'DECIMAL_TOO_PRECISE'], ['-1', 'DECIMAL_NEGATIVE'],
    [1.5, 'DECIMAL_NOT_A_STRING'], [null, 'DECIMAL_NOT_A_STRING'], ['9'.repeat(41), 'DECIMAL_MALFORMED'],
  ];
  for (const [input, reason] of cases) {
    assert.deepEqual(parseDecimal(input, 2), { ok: false, reason }, String(input));
  }
});

test('format is the inverse of parse', () => {
  fc.assert(fc.property(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.integer({ min: 0, max: 18 }), (value, scale) => {
    const text = formatDecimal(value, scale);
    const parsed = parseDecimal(text, scale);
    assert.ok(parsed.ok);
    assert.equal(parsed.value, value);
  }));
});

test('format: the shortest exact text, signs and zeros included', () => {
  const cases: [bigint, number, string][] = [
    [0n, 6, '0'], [0n, 0, '0'], [120n, 0, '120'], [100n, 2, '1'], [150n, 2, '1.5'], [5n, 2, '0.05'],
    [1_000_001n, 6, '1.000001'], [-1500n, 3, '-1.5'], [-5n, 2, '-0.05'], [-100n, 2, '-1'], [-7n, 0, '-7'],
  ];
  for (const [value, scale, text] of cases) assert.equal(formatDecimal(value, scale), text, `${value} at scale ${scale}`);
});
