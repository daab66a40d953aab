import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isoTimestamp } from '../src/clock.ts';

/** Date's own range: ±8.64e15 ms around 1970. */
const dateRangeMs = 8.64e15;

test('isoTimestamp equals Date.toISOString for any timestamp Date can format, in any order of calls', () => {
  const near = Date.UTC(2026, 11, 5, 20, 32, 9, 0);
  const timestamp = fc.oneof(
    fc.integer({ min: near - 5_000, max: near + 5_000 }), // the same and neighbouring seconds, as replies come
    fc.integer({ min: -dateRangeMs, max: dateRangeMs }), // before 1970 and beyond year 9999 too
    fc.constantFrom(0, -1, 999, 1_000, -1_000, -1_001, dateRangeMs, -dateRangeMs),
  );
  fc.assert(fc.property(fc.array(timestamp, { minLength: 1, maxLength: 50 }), (timestamps) => {
    for (const timestampMs of timestamps) assert.equal(isoTimestamp(timestampMs), new Date(timestampMs).toISOString(), String(timestampMs));
  }), { numRuns: 500 });
});

test('isoTimestamp of what Date cannot format throws as Date does, and fractions are truncated as Date truncates them', () => {
  assert.throws(() => isoTimestamp(Number.NaN), RangeError);
  assert.throws(() => isoTimestamp(dateRangeMs + 1), RangeError);
  assert.equal(isoTimestamp(1_764_966_729_123.9), new Date(1_764_966_729_123.9).toISOString());
});
