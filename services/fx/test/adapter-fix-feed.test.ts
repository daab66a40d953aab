// The FIX adapter against a real FIX counterparty: the QuickFIX-based fix-feed-sim, started per test
// on a free loopback port. Waits are bounded conditions, never sleeps.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProviderTick } from '../src/domain/rate.ts';
import { FixMarketDataProvider, type FixMarketDataProviderOptions } from '../src/adapters/fix/fix-market-data-provider.ts';
import { parseFixSourceReference } from '../src/adapters/fix/fix-quote-assembler.ts';
import { createMemorySequenceStore } from '../src/adapters/fix/fix-sequence-store.ts';
import { parseRateText } from '../src/adapters/rate-text.ts';
import { startFixSim, type FixSim } from './support/fix-sim.ts';
import { waitFor } from './support/wait-for.ts';

const simSymbols = ['EUR/USD', 'GBP/USD', 'USD/TRY', 'XAU/USD', 'EUR/TRY', 'GBP/TRY'];
const fastBackoff = { initialDelayMs: 100, maximumDelayMs: 1_000 };

const running: { sims: FixSim[]; providers: FixMarketDataProvider[] } = { sims: [], providers: [] };
after(async () => {
  for (const provider of running.providers) await provider.stop();
  for (const sim of running.sims) await sim.kill();
});

async function sim(options: Parameters<typeof startFixSim>[0]): Promise<FixSim> {
  const started = await startFixSim(options);
  running.sims.push(started);
  return started;
}

function provider(simInstance: FixSim, sourceId: string, overrides: Partial<FixMarketDataProviderOptions> = {}): FixMarketDataProvider {
  const created = new FixMarketDataProvider({
    sourceId,
    host: '127.0.0.1',
    port: simInstance.port,
    senderCompId: 'PARITE',
    symbols: simSymbols,
    heartbeatIntervalSeconds: 5,
    backoff: fastBackoff,
    ...overrides,
  });
  running.providers.push(created);
  return created;
}

function quoteOf(tick: ProviderTick): string | undefined {
  return parseFixSourceReference(tick.sourceReference)?.quoteId;
}

function units(value: number): number {
  const parsed = parseRateText(String(value));
  assert.ok(parsed.ok, `fault price ${value} parses`);
  return parsed.units;
}

describe('FIX market-data adapter against fix-feed-sim', () => {
  test('three provider sessions log on and deliver ticks for every symbol', async () => {
    const feed = await sim({ tickMs: '100' });
    let fakeNowMs = 1_800_000_000_000;
    const clock = { nowMs: () => ++fakeNowMs };
    const ticks = new Map<string, ProviderTick[]>();
    const providers = ['INTEGRAL', 'T360', 'TRADAIR'].map((name) => provider(feed, name, { clock }));
    for (const each of providers) {
      ticks.set(each.sourceId, []);
      await each.start((tick) => ticks.get(tick.sourceId)?.push(tick));
    }
    await waitFor(() => providers.every((each) => simSymbols.every((symbol) =>
      (ticks.get(each.sourceId) ?? []).filter((tick) => tick.pair === symbol).length >= 3)),
    'three ticks per symbol from every provider');

    for (const each of providers) {
      const status = each.status();
      assert.equal(status.state, 'live');
      assert.equal(status.logons, 1);
      assert.equal(status.snapshotsReceived, simSymbols.length, 'one snapshot per symbol subscription');
      assert.ok(status.incrementalsReceived > 0);
      assert.equal(status.rejectsReceived, 0);
      const delivered = ticks.get(each.sourceId) ?? [];
      assert.ok(status.ticksReceived >= delivered.length);
      assert.equal(new Set(delivered.map((tick) => tick.sourceReference)).size, delivered.length, 'references unique');
      for (const tick of delivered) {
        assert.equal(tick.sourceId, each.sourceId);
        assert.ok(Number.isSafeInteger(tick.bidUnits) && Number.isSafeInteger(tick.askUnits));
        assert.ok(tick.bidUnits < tick.askUnits, `no faults injected: ${tick.pair} bid < ask`);
        assert.ok(tick.receiveTimeMs > 1_800_000_000_000, 'receive time comes from the injected clock');
        assert.ok(Math.abs(tick.sourceTimeMs - Date.now()) < 60_000, 'source time is the message SendingTime');
        const reference = parseFixSourceReference(tick.sourceReference);
        assert.equal(reference?.sessionLabel, `FIX.4.4:PARITE->${each.sourceId}`);
        assert.equal(reference?.symbol, tick.pair);
        assert.match(reference?.quoteId ?? '', /^\d+$/);
      }
    }
    // USD/TRY at 4 decimals: 42.2 TRY is 4_220_000_000 units at scale 8; the walk stays near it.
    const usdTry = (ticks.get('INTEGRAL') ?? []).find((tick) => tick.pair === 'USD/TRY');
    assert.ok(usdTry !== undefined && Math.abs(usdTry.bidUnits - 4_220_000_000) < 100_000_000);
    assert.equal((usdTry.bidUnits % 10_000), 0, 'four wire decimals become whole units, no float noise');
    for (const each of providers) await each.stop();
    assert.ok(providers.every((each) => each.status().state === 'stopped'));
    await feed.stop();
    assert.equal(feed.eventsOf('logon').length, 3);
  });

  test('injected spikes, zeros and crossed quotes arrive as ticks exactly as sent', async () => {
    const feed = await sim({ tickMs: '50', providers: ['INTEGRAL'], spike: '0.03', zero: '0.03', crossed: '0.03', seed: 11 });
    const delivered: ProviderTick[] = [];
    const integral = provider(feed, 'INTEGRAL');
    await integral.start((tick) => delivered.push(tick));
    await waitFor(() => ['spike', 'zero', 'crossed'].every((kind) => feed.priceFaults().some((fault) => fault.fault === kind)),
      'at least one fault of each kind', 30_000);
    const faults = feed.priceFaults();
    const tickFor = (symbol: string, quote: number): ProviderTick | undefined =>
      delivered.find((tick) => tick.pair === symbol && quoteOf(tick) === String(quote));
    await waitFor(() => faults.every((fault) => tickFor(fault.symbol, fault.tick) !== undefined), 'a tick for every fault line');
    for (const fault of faults) {
      const tick = tickFor(fault.symbol, fault.tick);
      assert.ok(tick !== undefined);
      assert.equal(fault.provider, 'INTEGRAL');
      assert.equal(tick.bidUnits, units(fault.bid), `${fault.fault} ${fault.symbol} tick ${fault.tick}: bid as sent`);
      assert.equal(tick.askUnits, units(fault.offer), `${fault.fault} ${fault.symbol} tick ${fault.tick}: offer as sent`);
      if (fault.fault === 'crossed') assert.ok(tick.bidUnits > tick.askUnits);
      if (fault.fault === 'zero') assert.ok(tick.bidUnits === 0 || tick.askUnits === 0);
      if (fault.fault === 'spike') {
        const ratio = tick.bidUnits / units(fault.cleanBid);
        assert.ok(ratio > 5 || ratio < 0.2, `spike factor ${fault.detail.factor}`);
      }
    }
    const faultTicks = new Set(faults.map((fault) => `${fault.symbol}#${fault.tick}`));
    const cleanTicks = delivered.filter((tick) => !faultTicks.has(`${tick.pair}#${quoteOf(tick)}`));
    assert.ok(cleanTicks.length > 0 && cleanTicks.every((tick) => tick.bidUnits < tick.askUnits && tick.bidUnits > 0),
      'every tick without a fault line is a sane quote');
  });

  test('an unknown symbol is refused with 35=Y while the other subscriptions stream', async () => {
    const feed = await sim({ tickMs: '50', providers: ['INTEGRAL'] });
    const delivered: ProviderTick[] = [];
    const integral = provider(feed, 'INTEGRAL', { symbols: ['USD/TRY', 'USD/XYZ', 'EUR/TRY'] });
    await integral.start((tick) => delivered.push(tick));
    await waitFor(() => integral.status().rejectsReceived === 1 && ['USD/TRY', 'EUR/TRY'].every((symbol) =>
      delivered.some((tick) => tick.pair === symbol)), 'the reject and ticks for the known symbols');
    const status = integral.status();
    assert.equal(status.state, 'live');
    assert.match(status.lastRejectText ?? '', /INTEGRAL:USD\/XYZ rejected \(MDReqRejReason 0\): unknown symbol USD\/XYZ/);
    assert.equal(feed.eventsOf('reject').length, 1);
    assert.ok(!delivered.some((tick) => tick.pair === 'USD/XYZ'));
  });

  test('a silence leaves the session live while the silent symbol stops ticking', async () => {
    const feed = await sim({ tickMs: '50', providers: ['T360'], silence: 'T360:USD/TRY:1:2' });
    const delivered: ProviderTick[] = [];
    const t360 = provider(feed, 'T360', { heartbeatIntervalSeconds: 1 });
    await t360.start((tick) => delivered.push(tick));
    await waitFor(() => feed.silenceFaults().some((fault) => fault.fault === 'silence_end'), 'the silence to end', 20_000);
    const start = feed.silenceFaults().find((fault) => fault.fault === 'silence_start');
    const end = feed.silenceFaults().find((fault) => fault.fault === 'silence_end');
    assert.ok(start !== undefined && end !== undefined);
    assert.equal(start.symbol, 'USD/TRY');
    await waitFor(() => delivered.some((tick) => tick.pair === 'USD/TRY' && Number(quoteOf(tick)) >= end.tick), 'USD/TRY back');
    const usdTryQuotes = delivered.filter((tick) => tick.pair === 'USD/TRY').map((tick) => Number(quoteOf(tick)));
    assert.ok(!usdTryQuotes.some((quote) => quote >= start.tick && quote < end.tick), 'no USD/TRY tick inside the silence');
    assert.ok(usdTryQuotes.includes(end.tick), 'the first X after the silence carries the silence_end tick');
    const otherDuringSilence = delivered.filter((tick) => tick.pair === 'EUR/USD'
      && Number(quoteOf(tick)) > start.tick && Number(quoteOf(tick)) < end.tick);
    assert.ok(otherDuringSilence.length > 0, 'other symbols kept ticking');
    assert.equal(t360.status().state, 'live');
    assert.equal(t360.status().logons, 1, 'no reconnect during the silence');
  });

  test('reconnects after the simulator is killed, and after it logs out, and restarts', async () => {
    let feed = await sim({ tickMs: '50', providers: ['TRADAIR'] });
    const port = feed.port;
    const delivered: ProviderTick[] = [];
    const tradair = provider(feed, 'TRADAIR', { heartbeatIntervalSeconds: 1 });
    await tradair.start((tick) => delivered.push(tick));
    await waitFor(() => delivered.length >= 20, 'ticks on the first connection');

    await feed.kill();
    await waitFor(() => tradair.status().state !== 'live', 'the drop to be noticed');
    const beforeRestart = delivered.length;
    feed = await sim({ tickMs: '50', providers: ['TRADAIR'], port });
    await waitFor(() => tradair.status().logons === 2 && delivered.length > beforeRestart + 20, 'ticks after the crash restart');
    const epochs = new Set(delivered.map((tick) => parseFixSourceReference(tick.sourceReference)?.epochLabel));
    assert.equal(epochs.size, 2, 'each Logon (ResetSeqNumFlag=Y) starts a new sequence epoch');

    await feed.stop();
    await waitFor(() => tradair.status().state !== 'live', 'the Logout to be noticed');
    const beforeSecondRestart = delivered.length;
    await sim({ tickMs: '50', providers: ['TRADAIR'], port });
    await waitFor(() => tradair.status().logons === 3 && delivered.length > beforeSecondRestart + 20, 'ticks after the graceful restart');

    const status = tradair.status();
    assert.equal(status.state, 'live');
    assert.ok(status.disconnects >= 2);
    assert.ok(status.connectionAttempts >= 3);
    assert.equal(new Set(delivered.map((tick) => tick.sourceReference)).size, delivered.length, 'references unique across connections');
    for (const symbol of simSymbols) assert.ok(delivered.some((tick) => tick.pair === symbol));
  });

  test('possible-duplicate resends after a sequence gap are never delivered twice', async () => {
    const feed = await sim({ tickMs: '50', providers: ['INTEGRAL'], persist: true });
    const store = createMemorySequenceStore('PARITE', 'INTEGRAL');
    const delivered: ProviderTick[] = [];
    const sink = (tick: ProviderTick): void => {
      delivered.push(tick);
    };
    const integral = provider(feed, 'INTEGRAL', { sequenceStore: store });
    await integral.start(sink);
    await waitFor(() => delivered.length >= 30, 'ticks on the first connection');
    await integral.stop();

    // The persisted inbound sequence lags what was processed (as after a crash between delivering a
    // tick and flushing the store): on the next Logon jspurefix sees a gap and sends a ResendRequest,
    // and the sim (--persist) answers with its stored messages, PossDupFlag=Y. jspurefix has already
    // subscribed by then, so the fresh snapshots cross the replay and arrive twice.
    await store.setTargetSeqNum(store.targetSeqNum - 12);
    const deliveredBefore = delivered.length;
    await integral.start(sink);
    await waitFor(() => integral.status().possDupMessagesReceived > 0 && delivered.length > deliveredBefore + 20,
      'the replay and fresh ticks after it');
    await integral.stop();
    const sameProcess = integral.status();
    assert.equal(sameProcess.logons, 2);
    assert.equal(sameProcess.sequenceEpochs, 1, 'sequence numbers carried across the Logon');
    assert.ok(sameProcess.ticksDroppedAsDuplicate > 0, 'replayed quotes were recognised');

    // A restarted process: a new provider with the same (lagging) store and no memory of what it sent.
    await store.setTargetSeqNum(store.targetSeqNum - 12);
    const afterRestart: ProviderTick[] = [];
    const restarted = provider(feed, 'INTEGRAL', { sequenceStore: store });
    await restarted.start((tick) => afterRestart.push(tick));
    await waitFor(() => restarted.status().possDupMessagesReceived > 0 && afterRestart.length > 20,
      'the replay and fresh ticks after the restart');
    assert.ok(restarted.status().ticksDroppedAsDuplicate + restarted.status().quotesDroppedAsReplay > 0);

    // Per process, every venue quote (symbol, QuoteEntryID) is delivered once. The restarted process
    // does get the current quotes again, from the snapshot of its new subscription: that is not a
    // resend, it is how a new process learns the current prices.
    for (const ticks of [delivered, afterRestart]) {
      assert.equal(new Set(ticks.map((tick) => tick.sourceReference)).size, ticks.length, 'no reference twice');
      const quotes = ticks.map((tick) => `${tick.pair}#${quoteOf(tick)}`);
      assert.equal(new Set(quotes).size, quotes.length, 'no venue quote (symbol, QuoteEntryID) delivered twice');
    }
    assert.ok(feed.eventsOf('logon').length >= 3);
  });
});
