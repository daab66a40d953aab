import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDurableName, isPublishSubject, isSubscribeSubject, subjectMatches } from '../src/bus/subject.ts';

test('subjectMatches follows NATS wildcard rules', () => {
  const cases: [string, string, boolean][] = [
    ['market.*.trades', 'market.BTC-TRY.trades', true],
    ['market.*.trades', 'market.BTC-TRY.book', false],
    ['market.*.trades', 'market.trades', false],
    ['market.*.trades', 'market.a.b.trades', false],
    ['market.>', 'market.BTC-TRY.trades', true],
    ['market.>', 'market.x', true],
    ['market.>', 'market', false],
    ['>', 'anything.at.all', true],
    ['market.BTC-TRY.trades', 'market.BTC-TRY.trades', true],
    ['market.BTC-TRY.trades', 'market.BTC-TRY.trades.extra', false],
    ['*.*', 'a.b', true],
    ['*.*', 'a', false],
  ];
  for (const [pattern, subject, expected] of cases) {
    assert.equal(subjectMatches(pattern, subject), expected, `${pattern} vs ${subject}`);
  }
});

test('subject and durable name validation', () => {
  assert.equal(isPublishSubject('market.BTC-TRY.trades'), true);
  assert.equal(isPublishSubject('market.*.trades'), false);
  assert.equal(isPublishSubject('market..trades'), false);
  assert.equal(isPublishSubject('market.BTC TRY'), false);
  assert.equal(isPublishSubject(''), false);
  assert.equal(isPublishSubject('a.'.repeat(20) + 'a'), false);
  assert.equal(isSubscribeSubject('market.*.trades'), true);
  assert.equal(isSubscribeSubject('market.>'), true);
  assert.equal(isSubscribeSubject('market.>.trades'), false);
  assert.equal(isSubscribeSubject('market.tr*des'), false);
  assert.equal(isDurableName('market-data_1'), true);
  assert.equal(isDurableName('market.data'), false);
  assert.equal(isDurableName(''), false);
});
