// Pure parts of the audit log: redaction, normalisation and the entry hash.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { AssertionError } from '@parite/kernel';
import { computeAuditEntryHash, normaliseDetails, prepareAuditEntry } from '../src/audit/hash.ts';
import { redactDetails, redactedValue } from '../src/audit/redact.ts';

test('redactDetails masks sensitive keys at any depth and leaves the input alone', () => {
  const input = {
    userId: 'u-1',
    newPassword: 'p',
    resetToken: 't',
    withdrawal: { IBAN: 'TR00', amountMinor: 5n, signers: [{ signature: 's', name: 'Ada' }] },
    customerTckn: '1',
    clientSecret: null,
  };
  assert.deepEqual(redactDetails(input), {
    userId: 'u-1',
    newPassword: redactedValue,
    resetToken: redactedValue,
    withdrawal: { IBAN: redactedValue, amountMinor: 5n, signers: [{ signature: redactedValue, name: 'Ada' }] },
    customerTckn: redactedValue,
    clientSecret: redactedValue,
  });
  assert.equal(input.newPassword, 'p');
});

test('normaliseDetails yields plain JSON and refuses what jsonb would not return unchanged', () => {
  assert.deepEqual(normaliseDetails({ amount: 10n ** 30n, gone: undefined, list: [1, 'a', null] }), {
    amount: '1000000000000000000000000000000',
    list: [1, 'a', null],
  });
  assert.throws(() => normaliseDetails({ rate: 0.5 }), AssertionError);
  assert.throws(() => normaliseDetails({ big: 2 ** 60 }), AssertionError);
  assert.throws(() => normaliseDetails({ text: 'a\u0000b' }), AssertionError);
  assert.throws(() => normaliseDetails({ text: '\ud800' }), AssertionError);
  assert.throws(() => normaliseDetails({ huge: 'x'.repeat(20_000) }), AssertionError);
  assert.throws(() => prepareAuditEntry({ actorKind: 'admin', actorId: 'a', action: 'x', details: JSON.parse('{"__proto__": {"a": 1}}') }), AssertionError);
});

test('prepareAuditEntry validates names and redacts details', () => {
  const prepared = prepareAuditEntry({ actorKind: 'admin', actorId: 'a-1', action: 'user.update', details: { token: 'x' } });
  assert.deepEqual(prepared.details, { token: redactedValue });
  assert.equal(prepared.targetKind, null);
  assert.throws(() => prepareAuditEntry({ actorKind: 'Admin', actorId: 'a', action: 'x' }), AssertionError);
  assert.throws(() => prepareAuditEntry({ actorKind: 'admin', actorId: 'a\nb', action: 'x' }), AssertionError);
  assert.throws(() => prepareAuditEntry({ actorKind: 'admin', actorId: 'a', action: 'x', targetKind: 'market' }), AssertionError);
});

test('the entry hash ignores key order but covers every field and the previous hash', () => {
  fc.assert(
    fc.property(fc.dictionary(fc.string({ maxLength: 8 }), fc.integer()), fc.string({ maxLength: 16 }), (details, actorId) => {
      const fields = {
        sequence: 7n,
        occurredAtMs: 1_700_000_000_000,
        actorKind: 'admin',
        actorId,
        action: 'market.halt',
        targetKind: null,
        targetId: null,
        details,
        requestId: null,
      };
      const reordered = Object.fromEntries(Object.entries(details).reverse());
      const hash = computeAuditEntryHash('a'.repeat(64), fields);
      assert.equal(computeAuditEntryHash('a'.repeat(64), { ...fields, details: reordered }), hash);
      assert.notEqual(computeAuditEntryHash('b'.repeat(64), fields), hash);
      assert.notEqual(computeAuditEntryHash('a'.repeat(64), { ...fields, sequence: 8n }), hash);
      assert.notEqual(computeAuditEntryHash('a'.repeat(64), { ...fields, actorId: actorId + 'x' }), hash);
    }),
    { seed: 20240611, numRuns: 200 },
  );
});
