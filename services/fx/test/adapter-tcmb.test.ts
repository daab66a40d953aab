// The TCMB bulletin adapter: strict parsing of the real today.xml layout, the provider reading a file
// and polling a loopback HTTP server, and the weekend/holiday fallback through the archive.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ProviderTick } from '../src/domain/rate.ts';
import { parseTcmbBulletin, TcmbBulletinError, type TcmbBulletinErrorCode } from '../src/adapters/tcmb/tcmb-bulletin.ts';
import { readTcmbBulletinOnOrBefore, tcmbArchiveUrl, TcmbFetchError } from '../src/adapters/tcmb/tcmb-source.ts';
import { tcmbBulletinTicks, TcmbRateProvider } from '../src/adapters/tcmb/tcmb-provider.ts';
import { startFixtureServer, type FixtureServer } from './support/http-fixture-server.ts';
import { waitFor } from './support/wait-for.ts';

const fridayPath = fileURLToPath(new URL('./fixtures/tcmb-2026-11-20.xml', import.meta.url));
const friday = readFileSync(fridayPath, 'utf8');
const monday = readFileSync(fileURLToPath(new URL('./fixtures/tcmb-2026-11-23.xml', import.meta.url)), 'utf8');

const servers: FixtureServer[] = [];
const providers: TcmbRateProvider[] = [];
after(async () => {
  for (const provider of providers) await provider.stop();
  for (const server of servers) await server.close();
});

function currency(code: string) {
  const found = parseTcmbBulletin(friday).currencies.find((each) => each.code === code);
  assert.ok(found !== undefined, code);
  return found;
}

function refusal(xml: string): TcmbBulletinErrorCode | undefined {
  try {
    parseTcmbBulletin(xml);
    return undefined;
  } catch (error) {
    assert.ok(error instanceof TcmbBulletinError, String(error));
    return error.code;
  }
}

describe('TCMB bulletin parsing', () => {
  test('reads dates, bulletin number and every currency of the real layout', () => {
    const bulletin = parseTcmbBulletin(friday);
    assert.equal(bulletin.bulletinDate, '2026-11-20');
    assert.equal(bulletin.bulletinNumber, '2026/223');
    assert.equal(bulletin.publishedAtMs, Date.parse('2026-11-20T15:30:00+03:00'), '15:30 Istanbul time');
    assert.equal(bulletin.currencies.length, 22);
    assert.deepEqual(bulletin.currencies.slice(0, 3).map((each) => each.code), ['USD', 'AUD', 'DKK']);
  });

  test('rates are exact integers per one unit of the currency', () => {
    const usd = currency('USD');
    assert.equal(usd.forexBuyingUnits, 4_220_120_000);
    assert.equal(usd.forexSellingUnits, 4_227_730_000);
    assert.equal(usd.banknoteSellingUnits, 4_234_070_000);
    const jpy = currency('JPY');
    assert.equal(jpy.unit, 100);
    assert.equal(jpy.forexBuyingUnits, 27_310_100, '27.3101 TRY per 100 JPY is 0.273101 TRY per yen');
    assert.equal(jpy.crossRateUsdUnits, 15_452_000_000, 'cross rates are per USD, not divided by Unit');
    assert.equal(currency('RUB').forexBuyingUnits, 52_011_000);
    assert.equal(currency('EUR').crossRateOtherUnits, 116_000_000);
    assert.equal(currency('EUR').crossRateUsdUnits, undefined);
  });

  test('empty fields are absent, never zero', () => {
    const xdr = currency('XDR');
    assert.equal(xdr.forexBuyingUnits, 5_762_110_000);
    assert.equal(xdr.forexSellingUnits, undefined);
    assert.equal(xdr.banknoteBuyingUnits, undefined);
    assert.equal(xdr.nameEnglish, 'SPECIAL DRAWING RIGHT (SDR)', 'padding trimmed');
    assert.equal(currency('BGN').banknoteBuyingUnits, undefined);
    assert.equal(currency('GBP').nameTurkish, 'İNGİLİZ STERLİNİ');
  });

  test('refuses malformed or inconsistent documents with a clear code', () => {
    const cases: Array<[string, string, TcmbBulletinErrorCode]> = [
      ['empty document', '', 'TCMB_DOCUMENT_EMPTY'],
      ['a DOCTYPE (entity expansion)', friday.replace('<Tarih_Date', '<!DOCTYPE x [<!ENTITY a "b">]><Tarih_Date'), 'TCMB_DOCTYPE_REFUSED'],
      ['oversized', friday + ' '.repeat(600 * 1024), 'TCMB_DOCUMENT_TOO_LARGE'],
      ['truncated', friday.slice(0, friday.length / 2), 'TCMB_XML_MALFORMED'],
      ['another root', '<?xml version="1.0"?><Kurlar/>', 'TCMB_ROOT_MISSING'],
      ['Tarih not a date', friday.replace('Tarih="20.11.2026"', 'Tarih="31.11.2026"'), 'TCMB_DATE_INVALID'],
      ['Tarih and Date differ', friday.replace('Date="11/20/2026"', 'Date="11/19/2026"'), 'TCMB_DATE_MISMATCH'],
      ['bulletin number of another year', friday.replace('2026/223', '2025/223'), 'TCMB_BULLETIN_NUMBER_INVALID'],
      ['decimal comma', friday.replace('<ForexBuying>42.2012', '<ForexBuying>42,2012'), 'TCMB_RATE_INVALID'],
      ['exponent', friday.replace('<ForexBuying>42.2012', '<ForexBuying>4.22012e1'), 'TCMB_RATE_INVALID'],
      ['negative rate', friday.replace('<ForexBuying>42.2012', '<ForexBuying>-42.2012'), 'TCMB_RATE_INVALID'],
      ['Kod and CurrencyCode differ', friday.replace('Kod="USD" CurrencyCode="USD"', 'Kod="USD" CurrencyCode="EUR"'), 'TCMB_CURRENCY_INVALID'],
      ['Unit zero', friday.replace('<Unit>100</Unit>', '<Unit>0</Unit>'), 'TCMB_CURRENCY_INVALID'],
      ['duplicate currency', friday.replace('Kod="AUD" CurrencyCode="AUD"', 'Kod="USD" CurrencyCode="USD"'), 'TCMB_CURRENCY_DUPLICATE'],
      ['no currencies', '<Tarih_Date Tarih="20.11.2026" Date="11/20/2026" Bulten_No="2026/223"></Tarih_Date>', 'TCMB_NO_CURRENCIES'],
    ];
    for (const [name, xml, code] of cases) assert.equal(refusal(xml), code, name);
  });

  test('ticks: one per currency with both sides, forex and banknote kept apart', () => {
    const bulletin = parseTcmbBulletin(friday);
    const forex = tcmbBulletinTicks(bulletin, 'TCMB', 'forex', 5);
    assert.equal(forex.length, 21, 'XDR has no selling rate');
    const usd = forex.find((tick) => tick.pair === 'USD/TRY');
    assert.deepEqual(usd, {
      sourceId: 'TCMB', pair: 'USD/TRY', bidUnits: 4_220_120_000, askUnits: 4_227_730_000,
      sourceTimeMs: bulletin.publishedAtMs, receiveTimeMs: 5,
      sourceReference: 'TCMB;bulletin=2026/223;date=2026-11-20;kind=forex;currency=USD',
    });
    const banknote = tcmbBulletinTicks(bulletin, 'TCMB_BANKNOTE', 'banknote', 5);
    assert.deepEqual(banknote.map((tick) => tick.pair),
      ['USD/TRY', 'AUD/TRY', 'DKK/TRY', 'EUR/TRY', 'GBP/TRY', 'CHF/TRY', 'SEK/TRY', 'CAD/TRY', 'KWD/TRY', 'NOK/TRY', 'SAR/TRY', 'JPY/TRY']);
    assert.ok(forex.every((tick) => tick.bidUnits < tick.askUnits));
  });
});

describe('TCMB provider', () => {
  test('reads a bulletin from a file', async () => {
    const ticks: ProviderTick[] = [];
    const provider = new TcmbRateProvider({ source: { kind: 'file', path: fridayPath }, clock: { nowMs: () => 42 } });
    providers.push(provider);
    await provider.start((tick) => ticks.push(tick));
    await waitFor(() => provider.status().state === 'live', 'the first read');
    assert.equal(ticks.length, 21);
    assert.ok(ticks.every((tick) => tick.sourceId === 'TCMB' && tick.receiveTimeMs === 42));
    assert.equal(provider.status().bulletinDate, '2026-11-20');
    await provider.stop();
    assert.equal(provider.status().state, 'stopped');
  });

  test('polls over HTTP: a weekend repeats Friday, Monday brings a new bulletin, errors are reported', async () => {
    const server = await startFixtureServer({ '/kurlar/today.xml': friday });
    servers.push(server);
    const ticks: ProviderTick[] = [];
    const provider = new TcmbRateProvider({ source: { kind: 'url', url: `${server.baseUrl}/kurlar/today.xml` }, pollIntervalMs: 1_000 });
    providers.push(provider);
    await provider.start((tick) => ticks.push(tick));
    await waitFor(() => provider.status().bulletinsDelivered === 1, 'Friday delivered');

    // Saturday and Sunday: today.xml still serves Friday's bulletin. Nothing new is delivered.
    await provider.pollNow();
    await provider.pollNow();
    assert.equal(provider.status().bulletinsDelivered, 1);
    assert.equal(ticks.length, 21);
    assert.equal(provider.status().state, 'live');

    server.serve('/kurlar/today.xml', monday);
    await waitFor(() => provider.status().bulletinsDelivered === 2, 'the timer to pick Monday up');
    const mondayUsd = ticks.filter((tick) => tick.pair === 'USD/TRY').at(-1);
    assert.equal(mondayUsd?.sourceTimeMs, Date.parse('2026-11-23T12:30:00Z'));
    assert.equal(mondayUsd?.bidUnits, 4_220_490_000);
    assert.equal(provider.status().bulletinNumber, '2026/224');

    // A stale copy of an older bulletin must not roll the rates back.
    server.serve('/kurlar/today.xml', friday);
    await provider.pollNow();
    assert.equal(provider.status().bulletinsDelivered, 2);

    server.serve('/kurlar/today.xml', friday.replace('<ForexBuying>42.2012', '<ForexBuying>42.20.12'));
    await provider.pollNow();
    assert.equal(provider.status().state, 'disconnected');
    assert.match(provider.status().lastError ?? '', /TCMB_RATE_INVALID: USD ForexBuying='42.20.12'/);
    server.serve('/kurlar/today.xml', undefined);
    await provider.pollNow();
    assert.match(provider.status().lastError ?? '', /HTTP 404/);
    server.serve('/kurlar/today.xml', monday);
    await provider.pollNow();
    assert.equal(provider.status().state, 'live');
    assert.equal(provider.status().lastError, undefined);
    assert.equal(provider.status().bulletinsDelivered, 2, 'Monday again is not new');
    assert.ok(provider.status().pollFailures >= 2);
  });

  test('archive: a Sunday falls back to the previous business day by the bulletin date', async () => {
    const server = await startFixtureServer({ '/kurlar/202611/20112026.xml': friday, '/kurlar/202611/23112026.xml': monday });
    servers.push(server);
    assert.equal(tcmbArchiveUrl('https://www.tcmb.gov.tr/kurlar', '2026-11-20'), 'https://www.tcmb.gov.tr/kurlar/202611/20112026.xml');
    const sunday = await readTcmbBulletinOnOrBefore('2026-11-22', { baseUrl: `${server.baseUrl}/kurlar` });
    assert.equal(sunday.bulletinDate, '2026-11-20');
    assert.deepEqual(server.requests, ['/kurlar/202611/22112026.xml', '/kurlar/202611/21112026.xml', '/kurlar/202611/20112026.xml']);
    const mondayBulletin = await readTcmbBulletinOnOrBefore('2026-11-23', { baseUrl: `${server.baseUrl}/kurlar` });
    assert.equal(mondayBulletin.bulletinNumber, '2026/224');
    // A file under the wrong date is refused rather than trusted.
    server.serve('/kurlar/202611/24112026.xml', friday);
    await assert.rejects(readTcmbBulletinOnOrBefore('2026-11-24', { baseUrl: `${server.baseUrl}/kurlar` }),
      (error: unknown) => error instanceof TcmbBulletinError && error.code === 'TCMB_DATE_MISMATCH');
    await assert.rejects(readTcmbBulletinOnOrBefore('2026-10-01', { baseUrl: `${server.baseUrl}/kurlar` }),
      (error: unknown) => error instanceof TcmbFetchError && error.status === 404);
  });
});
