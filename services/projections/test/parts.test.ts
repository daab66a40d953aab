// The projector's parts that need no database: the bounded queue, array literals, the market
// catalogue's fork and commit, cursors, failure classification and the journal source.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AssertionError, jsonStringifyWithBigint } from '@parite/kernel';
import {
  encodeCommand, encodeSnapshot, ExchangeCore, takeSnapshot, type CommittedCommand,
} from '@parite/exchange';
import { defaultMarkets } from '@parite/exchange/domain';
import postgres from 'postgres';
import { classifyFailure, retryDelayMs, retryDelayMsMax, SourceReadError } from '../src/failures.ts';
import { committedFromJournal } from '../src/journal-source.ts';
import { decodeMarketSpec, encodeMarketSpec, MarketCatalogue, marketRow } from '../src/mapping/market-catalogue.ts';
import { CommittedQueue } from '../src/projector-queue.ts';
import { fillBounds, pageOf, parseEntryCursor, parseFillCursor, parseOrderCursor } from '../src/queries/pages.ts';
import { formatPrice, formatQuantity, counterpartyKind } from '../src/queries/presentation.ts';
import { CheckpointMovedError } from '../src/storage/checkpoint.ts';
import { CopyRefusedError } from '@parite/platform';
import { arrayLiteral, copyField, int8Max, int8Min, unnestSource } from '../src/storage/sql.ts';
import { buildChangeset, buildChangesetInSlices } from '../src/storage/project-commands.ts';
import { itemsPerClockReading } from '../src/storage/time-slice.ts';
import { orderColumns } from '../src/storage/columns.ts';
import { CountingSlice } from './support/counting-slice.ts';
import { FakeEngine } from './support/fake-engine.ts';


function commands(from: number, to: number): CommittedCommand[] {
  const list: CommittedCommand[] = [];
  for (let sequence = from; sequence <= to; sequence++) {
    list.push({ sequence: BigInt(sequence), timestampMs: sequence,
      command: { kind: 'user.set', ownerId: 1, feeTier: 0 }, result: { code: 'OK', events: [] } });
  }
  return list;
}

const sequences = (list: readonly CommittedCommand[]) => list.map((entry) => Number(entry.sequence));

describe('CommittedQueue', () => {
  test('takes in order across batches, splitting a batch when needed', () => {
    const queue = new CommittedQueue(100);
    queue.offer(commands(1, 3));
    queue.offer(commands(4, 8));
    assert.deepEqual(sequences(queue.take(4)), [1, 2, 3, 4]);
    assert.deepEqual(sequences(queue.take(10)), [5, 6, 7, 8]);
    assert.equal(queue.length, 0);
  });

  test('ignores what it already has (a replay) and keeps only the new tail of a batch', () => {
    const queue = new CommittedQueue(100);
    queue.offer(commands(1, 5));
    queue.offer(commands(3, 7));
    assert.deepEqual(sequences(queue.take(100)), [1, 2, 3, 4, 5, 6, 7]);
  });

  test('drops a batch that would overflow, and every batch after it, until resumed', () => {
    const queue = new CommittedQueue(5);
    assert.equal(queue.offer(commands(1, 4)), true);
    assert.equal(queue.offer(commands(5, 6)), false);
    assert.equal(queue.offer(commands(7, 7)), false);
    assert.equal(queue.overflowed, true);
    assert.deepEqual(sequences(queue.take(10)), [1, 2, 3, 4]);
    queue.resume(7n);
    assert.equal(queue.overflowed, false);
    queue.offer(commands(6, 9));
    assert.deepEqual(sequences(queue.take(10)), [8, 9]);
  });

  test('covers what follows a sequence only while its stream reaches back to it and nothing is missing', () => {
    const queue = new CommittedQueue(100);
    assert.equal(queue.coversAfter(0n), false, 'nothing delivered yet: a catch-up must read');
    queue.offer(commands(11, 20));
    assert.equal(queue.coversAfter(9n), false, 'the stream starts after 10: 10 is missing');
    assert.equal(queue.coversAfter(10n), true);
    assert.equal(queue.coversAfter(15n), true);
    assert.equal(queue.coversAfter(25n), true, 'all delivered is at or below 25; the stream goes on from 21');
    assert.deepEqual(sequences(queue.take(5)), [11, 12, 13, 14, 15]);
    assert.equal(queue.coversAfter(12n), false, '13 to 15 were taken: a checkpoint moved back must read');
    assert.equal(queue.coversAfter(15n), true);
    queue.take(100);
    assert.equal(queue.coversAfter(19n), false, '20 was taken and is not queued');
    assert.equal(queue.coversAfter(20n), true);
    const small = new CommittedQueue(3);
    small.offer(commands(1, 2));
    small.offer(commands(3, 5));
    assert.equal(small.coversAfter(0n), false, 'a dropped batch: only the journal has everything');
  });
});

describe('array literals', () => {
  test('quote and escape text, and write nulls and booleans', () => {
    assert.equal(arrayLiteral(['a"b\\c', 'x,y', null, 'NULL', ''], { name: 'text', type: 'text' }),
      '{"a\\"b\\\\c","x,y",NULL,"NULL",""}');
    assert.equal(arrayLiteral([true, false, null], { name: 'flag', type: 'bool' }), '{true,false,NULL}');
    assert.equal(arrayLiteral([int8Min, int8Max, 7], { name: 'amount', type: 'int8' }),
      '{-9223372036854775808,9223372036854775807,7}');
  });

  test('refuse amounts beyond int8 and numbers that are not safe integers', () => {
    assert.throws(() => arrayLiteral([int8Max + 1n], { name: 'amount', type: 'int8' }), /does not fit in int8/);
    assert.throws(() => arrayLiteral([0.5], { name: 'lots', type: 'int8' }), /safe integer/);
    assert.throws(() => arrayLiteral([1], { name: 'code', type: 'text' }), /must be a string/);
  });
});

describe('COPY fields (text format)', () => {
  test('escape the backslash and the row and column delimiters; \\N alone is null', () => {
    const text = { name: 'reference', type: 'text' } as const;
    assert.equal(copyField('a\tb\nc\rd\\e', text), 'a\\tb\\nc\\rd\\\\e');
    assert.equal(copyField(null, text), '\\N');
    assert.equal(copyField('\\N', text), '\\\\N', 'the two characters \\N are text, not null');
    assert.equal(copyField('', text), '');
    assert.equal(copyField('İstanbul "x", y', text), 'İstanbul "x", y');
    assert.equal(copyField(false, { name: 'flag', type: 'bool' }), 'false');
    assert.equal(copyField(int8Min, { name: 'amount', type: 'int8' }), '-9223372036854775808');
  });

  test('check values as the array literals do', () => {
    assert.throws(() => copyField(int8Max + 1n, { name: 'amount', type: 'int8' }), /does not fit in int8/);
    assert.throws(() => copyField(0.5, { name: 'lots', type: 'int8' }), /safe integer/);
    assert.throws(() => copyField(1, { name: 'code', type: 'text' }), /must be a string/);
  });
});

describe('sliced building (the live projector yields to the event loop)', () => {
  test('the changeset folded in slices equals the one folded at once, rows and all', async () => {
    const engine = new FakeEngine();
    engine.runWorkload(73, 1024);
    assert.ok(engine.journal.length > 4 * itemsPerClockReading, 'the batch spans several slices');
    const whole = buildChangeset(new MarketCatalogue(), 0n, engine.journal);
    // A budget of 0 yields at every reading of the clock: as many slices as the batch can have.
    const slices = new CountingSlice();
    const sliced = await buildChangesetInSlices(new MarketCatalogue(), 0n, engine.journal, undefined, slices);
    assert.equal(slices.pauses, Math.floor(engine.journal.length / itemsPerClockReading));
    assert.deepEqual(sliced.insertedOrders(), whole.insertedOrders());
    assert.deepEqual(sliced.trades, whole.trades);
    assert.deepEqual(sliced.entries, whole.entries);
    assert.deepEqual(sliced.balances(), whole.balances());
    assert.equal(sliced.lastSequence, whole.lastSequence);
    // And the statement built from it, column by column with yields, names every column once.
    const rows = sliced.insertedOrders();
    const columnSlices = new CountingSlice();
    const source = await unnestSource(orderColumns, rows, 'source', 1, columnSlices);
    assert.equal(source.parameters.length, orderColumns.length);
    assert.ok(columnSlices.pauses > orderColumns.length, 'it yields inside a column, not only between columns');
    assert.deepEqual(source.parameters, orderColumns.map((column) => arrayLiteral(rows.map((row) => column.value(row)), column)),
      'the same literals as built at once');
    assert.ok(source.text.startsWith('unnest($1::int8[]'));
  });
});

describe('market catalogue', () => {
  const spec = {
    ...structuredClone(defaultMarkets[0]?.parameters), marketId: 1, symbol: 'BTC/TRY', baseAssetId: 2,
    quoteAssetId: 1, version: 1,
  } as Parameters<typeof marketRow>[0];

  test('a fork changes its parent only when committed', () => {
    const parent = new MarketCatalogue();
    parent.set(marketRow(spec, undefined, 1n));
    const fork = parent.fork();
    fork.set({ ...marketRow(spec, parent.get(1), 2n), referencePriceTicks: 42 });
    assert.equal(parent.get(1)?.referencePriceTicks, null);
    assert.equal(fork.get(1)?.referencePriceTicks, 42);
    fork.commit();
    assert.equal(parent.get(1)?.referencePriceTicks, 42);
  });

  test('a new tick or lot size clears the reference price; other changes keep it', () => {
    const first = { ...marketRow(spec, undefined, 1n), referencePriceTicks: 42 };
    assert.equal(marketRow({ ...spec, version: 2, openOrdersPerUserMax: 9 }, first, 2n).referencePriceTicks, 42);
    assert.equal(marketRow({ ...spec, version: 2, tickSizeUnits: 2_000_000n }, first, 2n).referencePriceTicks, null);
  });

  test('the spec survives its JSON column exactly, bigints as strings', () => {
    const text = encodeMarketSpec(spec);
    assert.match(text, /"tickSizeUnits":"1000000"/);
    assert.deepEqual(decodeMarketSpec(JSON.parse(text)), spec);
  });
});

describe('pages and presentation', () => {
  test('cursors parse strictly', () => {
    assert.equal(parseOrderCursor('123'), 123);
    assert.equal(parseOrderCursor('99999999999999999'), undefined);
    assert.deepEqual(parseFillCursor('12:taker'), { tradeId: 12, role: 'taker' });
    assert.equal(parseFillCursor('12:buyer'), undefined);
    assert.deepEqual(parseEntryCursor('5:2'), { postingId: 5, legIndex: 2 });
    assert.equal(parseEntryCursor('5:2:1'), undefined);
  });

  test('fill bounds continue right after the cursor in (trade id, taker before maker) order', () => {
    assert.deepEqual(fillBounds({ tradeId: 10, role: 'taker' }), { makerBefore: 11, takerBefore: 10 });
    assert.deepEqual(fillBounds({ tradeId: 10, role: 'maker' }), { makerBefore: 10, takerBefore: 10 });
    assert.equal(fillBounds(undefined), undefined);
  });

  test('a page has a next cursor only when it is full', () => {
    assert.deepEqual(pageOf([1, 2], 2, String), { items: [1, 2], nextBefore: '2' });
    assert.deepEqual(pageOf([1], 2, String), { items: [1], nextBefore: null });
  });

  test('prices and quantities leave as exact decimals; owners as kinds', () => {
    assert.equal(formatPrice(3_900_123n, 1_000_000n, 6), '3900123');
    assert.equal(formatPrice(919_998n, 100_000n, 6), '91999.8');
    assert.equal(formatQuantity(186n, 1_000n, 8), '0.00186');
    assert.deepEqual([1001, 0, -1, -2, -9].map(counterpartyKind), ['user', 'external', 'fees', 'liquidity', 'system']);
  });
});

describe('failures', () => {
  test('bugs and refused data stop the projector; outages are retried; a moved checkpoint resyncs', () => {
    const postgresError = (code: string) => Object.assign(Object.create(postgres.PostgresError.prototype) as object,
      { code });
    assert.equal(classifyFailure(new AssertionError('x')), 'fatal');
    assert.equal(classifyFailure(postgresError('23505')), 'fatal');
    assert.equal(classifyFailure(postgresError('22003')), 'fatal');
    assert.equal(classifyFailure(postgresError('40001')), 'transient');
    assert.equal(classifyFailure(Object.assign(new Error('gone'), { code: 'CONNECTION_CLOSED' })), 'transient');
    assert.equal(classifyFailure(new CheckpointMovedError('moved')), 'resync');
    assert.equal(classifyFailure(new SourceReadError(new AssertionError('read on a created journal'))), 'transient');
    // Retried once with insert statements, which fail with PostgreSQL's reason if the data is at fault.
    assert.equal(classifyFailure(new CopyRefusedError('orders', postgresError('25P02'))), 'transient');
    assert.equal(retryDelayMs(0) < retryDelayMs(3), true);
    assert.equal(retryDelayMs(60), retryDelayMsMax);
  });
});

describe('committedFromJournal', () => {
  const engine = new FakeEngine();
  engine.runWorkload(5, 300);
  const records = engine.journal.map((committed) => ({ sequence: committed.sequence,
    timestampMs: committed.timestampMs, payload: encodeCommand(committed.command) }));
  const journal = {
    reads: 0,
    readFrom: [] as bigint[],
    async *read(afterSequence: bigint) {
      this.reads++;
      this.readFrom.push(afterSequence);
      const rest = records.filter((record) => record.sequence > afterSequence);
      for (let start = 0; start < rest.length; start += 40) yield rest.slice(start, start + 40);
    },
  };

  // JSON, because a journalled command has no keys for undefined fields.
  const same = (left: unknown, right: unknown) =>
    assert.equal(jsonStringifyWithBigint(left), jsonStringifyWithBigint(right));

  async function collect(iterable: AsyncIterable<readonly CommittedCommand[]>): Promise<CommittedCommand[]> {
    const all: CommittedCommand[] = [];
    for await (const batch of iterable) all.push(...batch);
    return all;
  }

  test('replays the journal into the same results the engine delivered, from any point', async () => {
    const readCommitted = committedFromJournal(journal);
    same(await collect(readCommitted(100n)), engine.journal.slice(100));
    same(await collect(readCommitted(250n)), engine.journal.slice(250));
    assert.equal(journal.reads, 2, 'the second read continued the first replay');
    same(await collect(readCommitted(0n)), engine.journal);
    assert.equal(journal.reads, 3);
  });

  test('starts from the latest snapshot when it is not past the requested sequence', async () => {
    const core = new ExchangeCore({ bookKind: 'fast' });
    for (const committed of engine.journal.slice(0, 200)) core.execute(committed.command, committed.timestampMs);
    const snapshots = { loadLatest: async () => ({ sequence: 200n, data: encodeSnapshot(takeSnapshot(core.state)) }) };
    const readCommitted = committedFromJournal(journal, { snapshots });
    journal.readFrom.length = 0;
    same(await collect(readCommitted(250n)), engine.journal.slice(250));
    same(await collect(readCommitted(150n)), engine.journal.slice(150));
    assert.deepEqual(journal.readFrom, [200n, 0n], 'from the snapshot, then from the start (snapshot past 150)');
  });
});
