// The SIMULATED source of demo mode: deterministic, plausible, ticking through the provider port.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProviderTick } from '../src/domain/rate.ts';
import { SimulatedWalk, simulatedPairNames, type SimulatedQuote } from '../src/adapters/simulated/simulated-walk.ts';
import { SimulatedRateProvider } from '../src/adapters/simulated/simulated-provider.ts';
import { waitFor } from './support/wait-for.ts';

function run(seed: number, steps: number): SimulatedQuote[][] {
  const walk = new SimulatedWalk(seed);
  return Array.from({ length: steps }, () => walk.step());
}

const mid = (quote: SimulatedQuote | undefined): number => (quote === undefined ? Number.NaN : (quote.bidUnits + quote.askUnits) / 2);

describe('simulated walk', () => {
  test('the same seed gives the same prices; another seed does not', () => {
    assert.deepEqual(run(7, 500), run(7, 500));
    assert.notDeepEqual(run(7, 500).at(-1), run(8, 500).at(-1));
  });

  test('every quote is an integer at the pair precision with its exact spread, near real levels', () => {
    const levels: Record<string, [number, number]> = {
      'USD/TRY': [40, 45], 'EUR/TRY': [46, 52], 'GBP/TRY': [53, 60], 'CHF/TRY': [50, 56], 'XAU/TRY': [160_000, 178_000],
      'EUR/USD': [1.1, 1.22], 'GBP/USD': [1.26, 1.4], 'USD/CHF': [0.76, 0.84], 'XAU/USD': [3_800, 4_200],
    };
    for (const quotes of run(3, 2_000)) {
      assert.deepEqual(quotes.map((quote) => quote.pair), [...simulatedPairNames]);
      for (const quote of quotes) {
        assert.ok(Number.isSafeInteger(quote.bidUnits) && Number.isSafeInteger(quote.askUnits));
        assert.ok(quote.bidUnits > 0 && quote.bidUnits < quote.askUnits);
        const [low, high] = levels[quote.pair] ?? [0, 0];
        assert.ok(quote.bidUnits / 1e8 > low && quote.askUnits / 1e8 < high, `${quote.pair} ${quote.bidUnits}`);
      }
      const usdTry = quotes.find((quote) => quote.pair === 'USD/TRY');
      assert.equal((usdTry?.bidUnits ?? 1) % 10_000, 0, 'USD/TRY has four decimals');
    }
  });

  test('TRY crosses agree with their legs', () => {
    for (const quotes of run(5, 200)) {
      const byPair = new Map(quotes.map((quote) => [quote.pair, quote]));
      const crossed = mid(byPair.get('EUR/USD')) * mid(byPair.get('USD/TRY')) / 1e8;
      assert.ok(Math.abs(crossed - mid(byPair.get('EUR/TRY'))) / crossed < 0.0002, 'EUR/TRY = EUR/USD x USD/TRY');
      const chf = mid(byPair.get('USD/TRY')) / mid(byPair.get('USD/CHF')) * 1e8;
      assert.ok(Math.abs(chf - mid(byPair.get('CHF/TRY'))) / chf < 0.0002, 'CHF/TRY = USD/TRY / USD/CHF');
    }
  });

  test('refuses a pair it cannot quote', () => {
    assert.throws(() => new SimulatedWalk(1, ['USD/XYZ']), /does not quote USD\/XYZ/);
  });
});

describe('simulated provider', () => {
  test('ticks every configured pair on its interval and stops cleanly', async () => {
    const ticks: ProviderTick[] = [];
    const provider = new SimulatedRateProvider({ seed: 9, intervalMs: 10, pairs: ['USD/TRY', 'EUR/TRY', 'XAU/TRY'], clock: { nowMs: () => 1_000 } });
    assert.equal(provider.status().state, 'stopped');
    await provider.start((tick) => ticks.push(tick));
    assert.equal(provider.status().state, 'live');
    await waitFor(() => ticks.length >= 9, 'three rounds of ticks');
    await provider.stop();
    const stoppedAt = ticks.length;
    provider.tick();
    assert.equal(ticks.length, stoppedAt, 'nothing after stop');
    assert.equal(ticks.length % 3, 0);
    assert.deepEqual(ticks.slice(0, 3).map((tick) => tick.pair), ['USD/TRY', 'EUR/TRY', 'XAU/TRY']);
    assert.ok(ticks.every((tick) => tick.sourceId === 'SIMULATED' && tick.sourceTimeMs === 1_000 && tick.receiveTimeMs === 1_000));
    assert.equal(ticks[0]?.sourceReference, 'SIMULATED;seed=9;step=1;pair=USD/TRY');
    assert.equal(new Set(ticks.map((tick) => tick.sourceReference)).size, ticks.length);
    const expected = new SimulatedWalk(9, ['USD/TRY', 'EUR/TRY', 'XAU/TRY']).step();
    assert.deepEqual(ticks.slice(0, 3).map((tick) => ({ pair: tick.pair, bidUnits: tick.bidUnits, askUnits: tick.askUnits })), expected);
    const status = provider.status();
    assert.equal(status.state, 'stopped');
    assert.equal(status.ticksReceived, ticks.length);
    assert.equal(status.lastTickAtMs, 1_000);
  });
});
