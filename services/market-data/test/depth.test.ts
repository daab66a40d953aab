// Depth deltas. First the diff alone (any two level lists: applying the diff to the first gives
// the second), then the whole path on a real ExchangeCore: random orders, cancels and amends in
// random batches; a client that applies every delta to a snapshot always equals the next snapshot
// and the live book's top levels, and a client that joins late resyncs by the documented procedure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Prng } from '@parite/kernel';
import {
  DepthTracker, MarketDataProjection, applyLevelChanges, diffLevels, type BookSide, type DepthDelta, type LevelQuantity,
  type PriceLevel,
} from '../src/domain/index.ts';
import { MarketDataService } from '../src/app/market-data-service.ts';
import { depthSnapshotView } from '../src/domain/views.ts';
import { FakeEngine, Side, alice, bob, btcHundredths, tryUnits } from './fake-engine.ts';

function levelsArbitrary(side: BookSide): fc.Arbitrary<LevelQuantity[]> {
  return fc.uniqueArray(fc.integer({ min: 1, max: 40 }), { maxLength: 15 }).chain((prices) =>
    fc.tuple(...prices.map(() => fc.integer({ min: 1, max: 5 }))).map((quantities) =>
      prices
        .map((priceTicks, index) => ({ priceTicks, quantityLots: quantities[index] ?? 1 }))
        .sort((a, b) => (side === 'bids' ? b.priceTicks - a.priceTicks : a.priceTicks - b.priceTicks))));
}

test('diff: applying diffLevels(previous, next) to previous gives next, on both sides', () => {
  for (const side of ['bids', 'asks'] as const) {
    fc.assert(fc.property(levelsArbitrary(side), levelsArbitrary(side), (previous, next) => {
      const changes = diffLevels(side, previous, next);
      assert.deepEqual(applyLevelChanges(side, previous, changes), next);
      if (JSON.stringify(previous) === JSON.stringify(next)) assert.equal(changes.length, 0);
    }), { seed: 7, numRuns: 300 });
  }
});

test('diff: changes come in book order, deletions carry quantity 0', () => {
  const previous = [{ priceTicks: 10, quantityLots: 1 }, { priceTicks: 8, quantityLots: 2 }, { priceTicks: 5, quantityLots: 1 }];
  const next = [{ priceTicks: 11, quantityLots: 4 }, { priceTicks: 8, quantityLots: 3 }, { priceTicks: 5, quantityLots: 1 }];
  assert.deepEqual(diffLevels('bids', previous, next), [
    { priceTicks: 11, quantityLots: 4 }, { priceTicks: 10, quantityLots: 0 }, { priceTicks: 8, quantityLots: 3 },
  ]);
});

test('tracker: sequence moves by one per change and not at all without one', () => {
  const tracker = new DepthTracker(2, { bids: [], asks: [] });
  assert.equal(tracker.update({ bids: [], asks: [] }), undefined);
  const first = tracker.update({ bids: [{ priceTicks: 5, quantityLots: 1 }], asks: [] });
  assert.equal(first?.sequence, 1);
  assert.equal(tracker.update({ bids: [{ priceTicks: 5, quantityLots: 1 }], asks: [] }), undefined);
  // Only the top two levels are published: a third, worse level is not part of the window.
  const second = tracker.update({ bids: [{ priceTicks: 7, quantityLots: 1 }, { priceTicks: 5, quantityLots: 1 },
    { priceTicks: 3, quantityLots: 9 }], asks: [] });
  assert.deepEqual(second, { sequence: 2, bids: [{ priceTicks: 7, quantityLots: 1 }], asks: [] });
  const unordered = [{ priceTicks: 5, quantityLots: 1 }, { priceTicks: 7, quantityLots: 1 }];
  assert.throws(() => tracker.update({ bids: unordered, asks: [] }),
    /book order/);
});

/** A client-side book of decimal strings, the way an API user would keep it. */
class ClientBook {
  bids = new Map<string, string>();
  asks = new Map<string, string>();
  sequence: number;

  constructor(snapshot: { sequence: number; bids: PriceLevel[]; asks: PriceLevel[] }) {
    this.sequence = snapshot.sequence;
    for (const [price, quantity] of snapshot.bids) this.bids.set(price, quantity);
    for (const [price, quantity] of snapshot.asks) this.asks.set(price, quantity);
  }

  apply(delta: DepthDelta): void {
    assert.equal(delta.sequence, this.sequence + 1, 'no gap in the depth sequence');
    this.sequence = delta.sequence;
    for (const [side, levels] of [[this.bids, delta.bids], [this.asks, delta.asks]] as const) {
      for (const [price, quantity] of levels) {
        if (quantity === '0') side.delete(price);
        else side.set(price, quantity);
      }
    }
  }

  view(): { sequence: number; bids: PriceLevel[]; asks: PriceLevel[] } {
    // Sorting by number is safe here: test prices are small whole numbers.
    const sorted = (side: Map<string, string>, descending: boolean) => [...side]
      .sort((a, b) => (descending ? Number(b[0]) - Number(a[0]) : Number(a[0]) - Number(b[0])));
    return { sequence: this.sequence, bids: sorted(this.bids, true), asks: sorted(this.asks, false) };
  }
}

/** Random trading on BTC/TRY around 1000 TRY: places that rest or cross, cancels and amends. */
function randomCommands(engine: FakeEngine, prng: Prng, count: number) {
  const commands = [];
  for (let index = 0; index < count; index++) {
    const between = (minimum: number, maximum: number) => prng.nextIntegerInclusive(minimum, maximum);
    const roll = between(0, 9);
    const openOrders = [...engine.state.orders.keys()];
    const orderId = openOrders[prng.nextIntegerInclusive(0, Math.max(0, openOrders.length - 1))];
    const owner = engine.state.orders.get(orderId ?? -1)?.view.ownerId ?? alice;
    if (roll <= 5 || orderId === undefined) {
      const side = prng.nextIntegerInclusive(0, 1) === 0 ? Side.Buy : Side.Sell;
      const price = side === Side.Buy ? prng.nextIntegerInclusive(990, 1012) : prng.nextIntegerInclusive(1000, 1022);
      const ownerId = between(0, 1) === 0 ? alice : bob;
      commands.push(engine.limit(ownerId, 'BTC/TRY', side, tryUnits(price), btcHundredths(between(1, 30))));
    } else if (roll <= 7) {
      commands.push({ kind: 'order.cancel' as const, ownerId: owner, symbol: 'BTC/TRY', orderId, clientOrderId: undefined });
    } else {
      commands.push({ kind: 'order.amend' as const, ownerId: owner, symbol: 'BTC/TRY', orderId,
        priceUnits: between(0, 1) === 0 ? undefined : tryUnits(between(995, 1017)),
        quantityUnits: btcHundredths(between(1, 20)) });
    }
  }
  return commands;
}

test('depth: snapshot + deltas always equals the next snapshot and the live book (property)', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 2, max: 12 }), (seed, depthLevels) => {
    const prng = new Prng(seed);
    const engine = new FakeEngine().seed();
    const service = new MarketDataService(engine, { depthLevels });
    service.start();
    const deltas: DepthDelta[] = [];
    service.onPublicMessage((message) => {
      if (message.channel === 'depth' && message.symbol === 'BTC-TRY') deltas.push(message.data);
    });
    const client = new ClientBook(service.depth('BTC-TRY'));
    let lateClient: ClientBook | undefined;
    let buffered: DepthDelta[] = [];
    const joinAtBatch = prng.nextIntegerInclusive(0, 15);
    let accepted = 0;
    for (let batch = 0; batch < 25; batch++) {
      const before = deltas.length;
      engine.timestampMs += prng.nextIntegerInclusive(0, 5_000);
      const outcomes = engine.run(randomCommands(engine, prng, prng.nextIntegerInclusive(1, 6)));
      accepted += outcomes.filter((outcome) => outcome.result.code === 'OK').length;
      const fresh = deltas.slice(before);
      assert.ok(fresh.length <= 1, 'at most one delta per market per batch');
      for (const delta of fresh) client.apply(delta);
      const snapshot = service.depth('BTC-TRY');
      assert.deepEqual(client.view(), { sequence: snapshot.sequence, bids: snapshot.bids, asks: snapshot.asks });
      const live = engine.state.marketBySymbol.get('BTC/TRY')?.book.depth(depthLevels);
      assert.deepEqual(snapshot.bids.map(([price]) => price), live?.bids.map((level) => String(level.priceTicks)));
      assert.deepEqual(snapshot.asks.map(([price]) => price), live?.asks.map((level) => String(level.priceTicks)));
      // Late joiner: buffers deltas first, then fetches a snapshot, drops what it already covers.
      if (batch === joinAtBatch) buffered = [...fresh];
      if (batch === joinAtBatch + 1) {
        buffered.push(...fresh);
        lateClient = new ClientBook(snapshot);
        for (const delta of buffered) if (delta.sequence > snapshot.sequence) lateClient.apply(delta);
      } else if (lateClient !== undefined) {
        for (const delta of fresh) lateClient.apply(delta);
        assert.deepEqual(lateClient.view(), client.view());
      }
    }
    assert.ok(accepted >= 25, 'the workload mostly runs, it is not refused');
    assert.ok(deltas.length >= 10, 'the workload moves the book');
    service.stop();
  }), { seed: 42, numRuns: 40 });
});

test('depth: a market first seen mid-stream starts at sequence 0 from the live book', () => {
  const engine = new FakeEngine().seed();
  engine.ok(engine.limit(alice, 'BTC/TRY', Side.Buy, tryUnits(1000), btcHundredths(3)));
  const projection = new MarketDataProjection(() => engine.state, { depthLevels: 5 });
  const feed = projection.feedBySymbol('BTC-TRY');
  assert.equal(feed?.depth.sequence, 0);
  assert.deepEqual(feed?.depth.current().bids, [{ priceTicks: 1000, quantityLots: 3000 }]);
  assert.equal(projection.feedBySymbol('NOPE-TRY'), undefined);
  assert.equal(projection.feedBySymbol('not a symbol'), undefined);
});

test('deferred depth: many batches, one delta per market, still snapshot + deltas = the live book', () => {
  const prng = new Prng(7);
  const engine = new FakeEngine().seed();
  const projection = new MarketDataProjection(() => engine.state, { depthLevels: 8 });
  const deltas: DepthDelta[] = [];
  engine.subscribe((batch) => {
    for (const message of projection.apply(batch, true)) assert.notEqual(message.channel, 'depth');
  });
  const feed = projection.feedBySymbol('BTC-TRY');
  assert.ok(feed !== undefined);
  const client = new ClientBook(depthSnapshotView(feed.format, feed.depth.current(), 8));
  for (let round = 0; round < 30; round++) {
    for (let batch = 0; batch < 4; batch++) engine.run(randomCommands(engine, prng, prng.nextIntegerInclusive(1, 5)));
    const published = projection.publishDepth();
    assert.ok(published.length <= 1, 'one delta for the one market, however many batches touched it');
    for (const message of published) if (message.channel === 'depth') deltas.push(message.data);
    for (const message of published) if (message.channel === 'depth') client.apply(message.data);
    const live = engine.state.marketBySymbol.get('BTC/TRY')?.book.depth(8);
    assert.deepEqual(client.view().bids.map(([price]) => price), live?.bids.map((level) => String(level.priceTicks)));
    assert.deepEqual(client.view().asks.map(([price]) => price), live?.asks.map((level) => String(level.priceTicks)));
  }
  assert.deepEqual(deltas.map((delta) => delta.sequence), deltas.map((_, index) => index + 1));
  assert.equal(projection.depthPending, false);
});
