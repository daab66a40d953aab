// The plain parts of the FIX adapter, without a socket: price and time parsing, sequence bookkeeping,
// the per-symbol book and the duplicate rules.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRateText } from '../src/adapters/rate-text.ts';
import { reconnectDelayMs } from '../src/adapters/reconnect-backoff.ts';
import { compactUtcLabel, parseFixUtcDateAndTime, parseFixUtcTimestamp } from '../src/adapters/fix/fix-time.ts';
import { FixSequenceTracker } from '../src/adapters/fix/fix-sequence-tracker.ts';
import { FixQuoteAssembler, fixSourceReference, parseFixSourceReference } from '../src/adapters/fix/fix-quote-assembler.ts';
import type { MarketDataEntry, MarketDataMessage } from '../src/adapters/fix/market-data-message.ts';
import { maskFixSecrets } from '../src/adapters/fix/market-data-session.ts';

describe('wire prices', () => {
  test('decimal strings become integers at scale 8 without floats', () => {
    assert.deepEqual(parseRateText('42.2149'), { ok: true, units: 4_221_490_000 });
    assert.deepEqual(parseRateText('1.15925'), { ok: true, units: 115_925_000 });
    assert.deepEqual(parseRateText('0.00'), { ok: true, units: 0 });
    assert.deepEqual(parseRateText('40000.30'), { ok: true, units: 4_000_030_000_000 });
    assert.deepEqual(parseRateText('1.1234567800'), { ok: true, units: 112_345_678 }, 'zeros beyond the scale are exact');
    assert.deepEqual(parseRateText('17'), { ok: true, units: 1_700_000_000 });
  });

  test('anything ambiguous is refused', () => {
    const refused: Array<[string | undefined, string]> = [
      [undefined, 'RATE_EMPTY'], ['', 'RATE_EMPTY'], ['-1.2', 'RATE_NEGATIVE'], ['1.123456789', 'RATE_TOO_PRECISE'],
      ['1e3', 'RATE_MALFORMED'], ['+1.2', 'RATE_MALFORMED'], [' 1.2', 'RATE_MALFORMED'], ['1,2', 'RATE_MALFORMED'],
      ['1.', 'RATE_MALFORMED'], ['.5', 'RATE_MALFORMED'], ['01.5', 'RATE_MALFORMED'], ['NaN', 'RATE_MALFORMED'],
      ['99999999999.0', 'RATE_TOO_LARGE'], ['1'.repeat(40), 'RATE_MALFORMED'],
    ];
    for (const [text, reason] of refused) assert.deepEqual(parseRateText(text), { ok: false, reason }, String(text));
  });
});

describe('FIX timestamps', () => {
  test('UTCTimestamp with and without fractions', () => {
    assert.equal(parseFixUtcTimestamp('20261122-05:59:00.779'), Date.parse('2026-11-22T05:59:00.779Z'));
    assert.equal(parseFixUtcTimestamp('20261122-05:59:00'), Date.parse('2026-11-22T05:59:00Z'));
    assert.equal(parseFixUtcTimestamp('20261122-05:59:00.779999999'), Date.parse('2026-11-22T05:59:00.779Z'), 'truncated');
    assert.equal(parseFixUtcDateAndTime('20261122', '05:59:00.5'), undefined, 'one fraction digit is not FIX');
    assert.equal(parseFixUtcDateAndTime('20261122', '05:59:00.500'), Date.parse('2026-11-22T05:59:00.500Z'));
    for (const bad of ['20261131-00:00:00', '20261122-24:00:00', '2026-11-22T05:59:00Z', '20261122-05:59', '', null, undefined]) {
      assert.equal(parseFixUtcTimestamp(bad), undefined, String(bad));
    }
    assert.equal(compactUtcLabel(Date.parse('2026-11-22T05:59:00.776Z')), '20261122T055900.776Z');
  });
});

describe('sequence tracker', () => {
  test('classifies new, duplicate and replayed messages within an epoch', () => {
    const tracker = new FixSequenceTracker();
    tracker.beginEpoch(0, 1);
    assert.equal(tracker.observe(1, false), 'new');
    assert.equal(tracker.observe(2, false), 'new');
    assert.equal(tracker.observe(6, false), 'new', 'a gap of 3..5');
    assert.equal(tracker.gapsDetected, 1);
    assert.equal(tracker.observe(2, true), 'duplicate', 'seen before');
    assert.equal(tracker.observe(4, true), 'replay', 'missed in the gap');
    assert.equal(tracker.observe(4, true), 'duplicate', 'the same replay again');
    assert.equal(tracker.openGaps(), 2);
    tracker.onSequenceReset(3, 6, true, 0);
    assert.equal(tracker.openGaps(), 0, 'a gap fill closes the rest');
    assert.equal(tracker.observe(6, false), 'out-of-order');
  });

  test('a reset that goes backwards starts a new epoch', () => {
    const tracker = new FixSequenceTracker();
    tracker.beginEpoch(1_000, 1);
    tracker.observe(1, false);
    tracker.observe(2, false);
    tracker.onSequenceReset(3, 1, false, 2_000);
    assert.equal(tracker.epochsStarted, 2);
    assert.equal(tracker.epochStartedAtMs(), 2_000);
    assert.equal(tracker.observe(1, false), 'new');
    tracker.onSequenceReset(2, 10, false, 3_000);
    assert.equal(tracker.observe(10, false), 'new', 'a forward reset is no gap');
    assert.equal(tracker.gapsDetected, 0);
  });
});

function entry(fields: Partial<MarketDataEntry>): MarketDataEntry {
  return {
    updateAction: undefined, entryType: undefined, symbol: undefined, priceText: undefined, quoteId: undefined,
    entryDateText: undefined, entryTimeText: undefined, ...fields,
  };
}

function message(fields: Partial<MarketDataMessage>): MarketDataMessage {
  return {
    msgType: 'X', seqNum: 1, possDup: false, sendingTimeText: '20261122-05:59:00.779', origSendingTimeText: undefined,
    mdReqId: 'md', symbol: undefined, entries: [], rejectReason: undefined, text: undefined, ...fields,
  };
}

function snapshot(seqNum: number, symbol: string, bid: string, offer: string, quoteId: string): MarketDataMessage {
  return message({
    msgType: 'W', seqNum, symbol, entries: [
      entry({ entryType: '0', priceText: bid, quoteId }), entry({ entryType: '1', priceText: offer, quoteId }),
    ],
  });
}

function incremental(seqNum: number, quotes: Array<[string, string, string, string]>, possDup = false): MarketDataMessage {
  return message({
    seqNum, possDup, entries: quotes.flatMap(([symbol, bid, offer, quoteId]) => [
      entry({ updateAction: '1', entryType: '0', symbol, priceText: bid, quoteId }),
      entry({ updateAction: '1', entryType: '1', symbol, priceText: offer, quoteId }),
    ]),
  });
}

function unitsOf(text: string): number {
  const parsed = parseRateText(text);
  assert.ok(parsed.ok, text);
  return parsed.units;
}

describe('quote assembler', () => {
  const options = { sourceId: 'INTEGRAL', sessionLabel: 'FIX.4.4:PARITE->INTEGRAL', symbols: ['USD/TRY', 'EUR/USD'] };
  const epochMs = Date.parse('2026-11-22T05:59:00.000Z');

  test('snapshot then incremental refresh give one tick per symbol per message', () => {
    const assembler = new FixQuoteAssembler(options);
    const first = assembler.apply(snapshot(2, 'USD/TRY', '42.2149', '42.2249', '144'), 'new', epochMs, 7);
    assert.deepEqual(first.ticks, [{
      sourceId: 'INTEGRAL', pair: 'USD/TRY', bidUnits: 4_221_490_000, askUnits: 4_222_490_000,
      sourceTimeMs: Date.parse('2026-11-22T05:59:00.779Z'), receiveTimeMs: 7,
      sourceReference: 'FIX.4.4:PARITE->INTEGRAL;epoch=20261122T055900.000Z;seq=2;symbol=USD/TRY;quote=144',
    }]);
    const second = assembler.apply(incremental(3, [['USD/TRY', '42.2157', '42.2257', '145'], ['EUR/USD', '1.15934', '1.15944', '145'],
      ['GBP/USD', '1.33', '1.34', '145']]), 'new', epochMs, 8);
    assert.deepEqual(second.ticks.map((tick) => [tick.pair, tick.bidUnits, tick.askUnits]),
      [['USD/TRY', 4_221_570_000, 4_222_570_000], ['EUR/USD', 115_934_000, 115_944_000]], 'unsubscribed symbols ignored');
  });

  test('one-sided changes keep the other side; a deleted side withholds ticks until it returns', () => {
    const assembler = new FixQuoteAssembler(options);
    assembler.apply(snapshot(1, 'EUR/USD', '1.16000', '1.16010', '1'), 'new', epochMs, 1);
    const bidOnly = assembler.apply(message({ seqNum: 2, entries: [entry({ updateAction: '1', entryType: '0', symbol: 'EUR/USD', priceText: '1.16001', quoteId: '2' })] }), 'new', epochMs, 2);
    assert.deepEqual(bidOnly.ticks.map((tick) => [tick.bidUnits, tick.askUnits]), [[116_001_000, 116_010_000]]);
    const deleted = assembler.apply(message({ seqNum: 3, entries: [entry({ updateAction: '2', entryType: '1', symbol: 'EUR/USD', quoteId: '3' })] }), 'new', epochMs, 3);
    assert.equal(deleted.ticks.length, 0);
    const back = assembler.apply(message({ seqNum: 4, entries: [entry({ updateAction: '0', entryType: '1', symbol: 'EUR/USD', priceText: '1.16011', quoteId: '4' })] }), 'new', epochMs, 4);
    assert.equal(back.ticks.length, 1);
  });

  test('faulty but well-formed prices pass through; malformed ones are refused', () => {
    const assembler = new FixQuoteAssembler(options);
    assembler.apply(snapshot(1, 'USD/TRY', '42.2149', '42.2249', '1'), 'new', epochMs, 1);
    const faults = [['4.2188', '4.2198'], ['0.0000', '42.2198'], ['42.2249', '42.2149'], ['421.8750', '421.9750']] as const;
    faults.forEach(([bid, offer], index) => {
      const result = assembler.apply(incremental(index + 2, [['USD/TRY', bid, offer, String(index + 2)]]), 'new', epochMs, 1);
      assert.deepEqual(result.ticks.map((tick) => [tick.bidUnits, tick.askUnits]), [[unitsOf(bid), unitsOf(offer)]]);
    });
    const malformed = assembler.apply(incremental(9, [['USD/TRY', '42,2', '42.3', '9']]), 'new', epochMs, 1);
    assert.equal(malformed.ticks.length, 0);
    assert.match(malformed.malformed[0] ?? '', /USD\/TRY bid '42,2' RATE_MALFORMED/);
    const badTime = assembler.apply(message({ ...incremental(10, [['USD/TRY', '42.2', '42.3', '10']]), sendingTimeText: 'yesterday' }), 'new', epochMs, 1);
    assert.equal(badTime.ticks.length, 0);
    assert.equal(badTime.malformed.length, 1);
  });

  test('resends are never delivered: duplicates and replays are counted apart', () => {
    const assembler = new FixQuoteAssembler(options);
    assembler.apply(snapshot(1, 'USD/TRY', '42.2149', '42.2249', '1'), 'new', epochMs, 1);
    const resent = incremental(2, [['USD/TRY', '42.2', '42.3', '2'], ['EUR/USD', '1.1', '1.2', '2']], true);
    assert.deepEqual(assembler.apply(resent, 'duplicate', epochMs, 1), { ticks: [], duplicates: 2, replays: 0, malformed: [], reject: undefined });
    assert.deepEqual(assembler.apply(resent, 'replay', epochMs, 1), { ticks: [], duplicates: 0, replays: 2, malformed: [], reject: undefined });
    // The same venue quote in a new message (a snapshot after re-subscribing): delivered once only.
    const again = assembler.apply(snapshot(3, 'USD/TRY', '42.2149', '42.2249', '1'), 'new', epochMs, 1);
    assert.equal(again.ticks.length, 0);
    assert.equal(again.duplicates, 1);
  });

  test('a MarketDataRequestReject is reported, not turned into ticks', () => {
    const assembler = new FixQuoteAssembler(options);
    const result = assembler.apply(message({ msgType: 'Y', mdReqId: 'INTEGRAL:USD/XYZ', rejectReason: '0', text: 'unknown symbol USD/XYZ' }), 'new', epochMs, 1);
    assert.deepEqual(result.reject, { mdReqId: 'INTEGRAL:USD/XYZ', reason: '0', text: 'unknown symbol USD/XYZ' });
  });

  test('source references round-trip', () => {
    const parts = { sessionLabel: 'FIX.4.4:PARITE->T360', epochLabel: '20261122T055900.000Z', seqNum: 57, symbol: 'USD/TRY', quoteId: '145' };
    assert.deepEqual(parseFixSourceReference(fixSourceReference(parts)), parts);
    assert.deepEqual(parseFixSourceReference(fixSourceReference({ ...parts, quoteId: undefined })), { ...parts, quoteId: undefined });
    assert.equal(parseFixSourceReference('TCMB;bulletin=2026/223'), undefined);
  });
});

describe('session helpers', () => {
  test('passwords never reach the FIX log', () => {
    assert.equal(maskFixSecrets('8=FIX.4.4|35=A|553=parite|554=s3cret|108=30|'), '8=FIX.4.4|35=A|553=parite|554=***|108=30|');
    assert.equal(maskFixSecrets('554=x|925=y|96=z'), '554=***|925=***|96=***');
  });

  test('reconnect backoff doubles up to its ceiling', () => {
    const options = { initialDelayMs: 500, maximumDelayMs: 30_000 };
    assert.deepEqual([0, 1, 2, 3, 6, 7, 100].map((attempt) => reconnectDelayMs(attempt, options)), [500, 1_000, 2_000, 4_000, 30_000, 30_000, 30_000]);
  });
});
