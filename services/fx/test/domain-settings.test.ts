// The settings document: the shipped defaults are valid, and typical operator mistakes are named.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultFxEngineSettings, engineSettingsProblems, FxRateCore, quotedPair } from '../src/index.ts';
import { testSettings } from './fx-fixture.ts';

test('the default and the test settings are valid', () => {
  assert.deepEqual(engineSettingsProblems(defaultFxEngineSettings()), []);
  assert.deepEqual(engineSettingsProblems(testSettings()), []);
  assert.equal(new FxRateCore(defaultFxEngineSettings()).composeCycle(Date.parse('2026-03-04T07:00:00Z'), 1, 'c').rates.length, 0);
});

test('operator mistakes are explained, field by field', () => {
  const base = testSettings();
  const problems = (settings: typeof base) => engineSettingsProblems(settings).join('\n');
  assert.match(problems({ ...base, pairs: [...base.pairs, quotedPair('USD/TRY', 4, '5', '500')] }), /a pair appears twice/);
  assert.match(problems({ ...base, pairs: [quotedPair('USD/TRY', 4, '500', '5')] }), /saneMinUnits < saneMaxUnits/);
  assert.match(problems({ ...base, pairs: [quotedPair('EUR/TRY', 4, '5', '600', { crossLegs: ['EUR/USD', 'GBP/TRY'] })] }),
    /cross leg EUR\/USD is not a configured pair/);
  const noMargin = { ...base.defaultMargins, base: { retail: {}, corporate: {} } };
  assert.match(problems({ ...base, defaultMargins: noMargin }), /defaultMargins\.base\.retail\.T1 is missing/);
  const source = { ...base.sources[0]!, priority: 0, pairs: [{ pair: 'JPY/TRY', enabled: true, maxAgeMs: 1_000 }] };
  assert.match(problems({ ...base, sources: [source] }), /source A: priority 1\.\.1000\nsource A: pair JPY\/TRY is not configured/);
  assert.match(problems({ ...base, tiers: [{ tierId: 'T1', upToBaseUnits: 10 }] }), /only the last tier is open-ended/);
});
