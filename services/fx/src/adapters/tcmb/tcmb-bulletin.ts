// The TCMB (Central Bank of the Republic of Türkiye) indicative exchange-rate bulletin, today.xml and the
// daily archive files, parsed strictly. The bulletin is published every business day at 15:30 Istanbul
// time; on weekends and holidays no new one appears and today.xml keeps serving the last one. Its own
// date (Tarih_Date/@Tarih) is therefore the only honest timestamp: a Saturday read yields Friday's
// bulletin, dated Friday 15:30, and the engine's staleness rules see exactly that.
//
// Refused outright: a DOCTYPE (no entity expansion from a network document), documents over the size
// limit, attributes that disagree (Tarih vs Date vs Bulten_No), malformed numbers, duplicate currencies.
// Empty fields (banknote rates of some currencies, the selling rate of XDR) are absent, never zero.
import { XMLParser } from 'fast-xml-parser';
import { parseRateText } from '../rate-text.ts';

/** The real file is about 10 kB; anything far larger is not a bulletin. */
export const tcmbDocumentLengthMax = 512 * 1024;
export const tcmbCurrenciesMax = 100;
/** Istanbul has been on UTC+3 all year since September 2016. */
export const istanbulUtcOffsetMinutes = 180;
export const tcmbPublicationTimeOfDay = { hour: 15, minute: 30 } as const;

export type TcmbBulletinErrorCode =
  | 'TCMB_DOCUMENT_EMPTY'
  | 'TCMB_DOCUMENT_TOO_LARGE'
  | 'TCMB_DOCTYPE_REFUSED'
  | 'TCMB_XML_MALFORMED'
  | 'TCMB_ROOT_MISSING'
  | 'TCMB_DATE_INVALID'
  | 'TCMB_DATE_MISMATCH'
  | 'TCMB_BULLETIN_NUMBER_INVALID'
  | 'TCMB_CURRENCY_INVALID'
  | 'TCMB_CURRENCY_DUPLICATE'
  | 'TCMB_RATE_INVALID'
  | 'TCMB_NO_CURRENCIES';

export class TcmbBulletinError extends Error {
  override readonly name = 'TcmbBulletinError';
  constructor(readonly code: TcmbBulletinErrorCode, detail: string) {
    super(`${code}: ${detail}`);
  }
}

export interface TcmbCurrencyRate {
  /** ISO 4217 code ('USD'; 'XDR' for the IMF special drawing right). */
  readonly code: string;
  readonly crossOrder: number;
  /** How many units of the currency the published TRY rates are for (100 for JPY). */
  readonly unit: number;
  readonly nameTurkish: string;
  readonly nameEnglish: string;
  /** TRY per ONE unit of the currency (already divided by `unit`), at the engine's rate scale. */
  readonly forexBuyingUnits: number | undefined;
  readonly forexSellingUnits: number | undefined;
  readonly banknoteBuyingUnits: number | undefined;
  readonly banknoteSellingUnits: number | undefined;
  /** Units of this currency per 1 USD (e.g. AUD 1.5430), as published; not divided by `unit`. */
  readonly crossRateUsdUnits: number | undefined;
  /** USD per 1 unit of this currency, published for EUR, GBP and XDR instead of CrossRateUSD. */
  readonly crossRateOtherUnits: number | undefined;
}

export interface TcmbBulletin {
  /** 'YYYY-MM-DD', from Tarih (dd.MM.yyyy), checked against Date (MM/dd/yyyy). */
  readonly bulletinDate: string;
  /** Bulten_No, e.g. '2026/222': year / running number of the year's bulletins. */
  readonly bulletinNumber: string;
  /** The bulletin date at 15:30 Istanbul time, in epoch ms. */
  readonly publishedAtMs: number;
  readonly currencies: readonly TcmbCurrencyRate[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name) => name === 'Currency',
});

type XmlNode = Record<string, unknown>;

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textOf(node: XmlNode, field: string): string | undefined {
  const value = node[field];
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string') return value;
  // An element with attributes but no text parses as an object; anything else is not a bulletin field.
  if (isNode(value) && Object.keys(value).every((key) => key.startsWith('@_'))) return undefined;
  throw new TcmbBulletinError('TCMB_XML_MALFORMED', `<${field}> is not a text element`);
}

function dateParts(text: string | undefined, pattern: RegExp, order: 'dmy' | 'mdy', attribute: string): [number, number, number] {
  const match = text === undefined ? null : pattern.exec(text);
  if (match === null) throw new TcmbBulletinError('TCMB_DATE_INVALID', `${attribute}='${String(text)}'`);
  const [first, second, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const [day, month] = order === 'dmy' ? [first, second] : [second, first];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new TcmbBulletinError('TCMB_DATE_INVALID', `${attribute}='${String(text)}' is not a calendar date`);
  }
  return [year, month, day];
}

function rateField(node: XmlNode, field: string, code: string, unit: number): number | undefined {
  const text = textOf(node, field);
  if (text === undefined) return undefined;
  const parsed = parseRateText(text);
  if (!parsed.ok) throw new TcmbBulletinError('TCMB_RATE_INVALID', `${code} ${field}='${text}' (${parsed.reason})`);
  if (parsed.units % unit !== 0) {
    throw new TcmbBulletinError('TCMB_RATE_INVALID', `${code} ${field}='${text}' per ${unit} is not exact at the rate scale`);
  }
  return parsed.units / unit;
}

function parseCurrency(node: unknown, seen: Set<string>): TcmbCurrencyRate {
  if (!isNode(node)) throw new TcmbBulletinError('TCMB_CURRENCY_INVALID', 'a <Currency> element is empty');
  const kod = node['@_Kod'];
  const currencyCode = node['@_CurrencyCode'];
  if (typeof kod !== 'string' || !/^[A-Z]{3}$/.test(kod) || kod !== currencyCode) {
    throw new TcmbBulletinError('TCMB_CURRENCY_INVALID', `Kod='${String(kod)}' CurrencyCode='${String(currencyCode)}'`);
  }
  if (seen.has(kod)) throw new TcmbBulletinError('TCMB_CURRENCY_DUPLICATE', kod);
  seen.add(kod);
  const crossOrderText = node['@_CrossOrder'];
  if (typeof crossOrderText !== 'string' || !/^\d{1,3}$/.test(crossOrderText)) {
    throw new TcmbBulletinError('TCMB_CURRENCY_INVALID', `${kod} CrossOrder='${String(crossOrderText)}'`);
  }
  const unitText = textOf(node, 'Unit');
  if (unitText === undefined || !/^[1-9]\d{0,5}$/.test(unitText)) {
    throw new TcmbBulletinError('TCMB_CURRENCY_INVALID', `${kod} Unit='${String(unitText)}'`);
  }
  const unit = Number(unitText);
  return {
    code: kod,
    crossOrder: Number(crossOrderText),
    unit,
    nameTurkish: textOf(node, 'Isim') ?? '',
    nameEnglish: textOf(node, 'CurrencyName') ?? '',
    forexBuyingUnits: rateField(node, 'ForexBuying', kod, unit),
    forexSellingUnits: rateField(node, 'ForexSelling', kod, unit),
    banknoteBuyingUnits: rateField(node, 'BanknoteBuying', kod, unit),
    banknoteSellingUnits: rateField(node, 'BanknoteSelling', kod, unit),
    crossRateUsdUnits: rateField(node, 'CrossRateUSD', kod, 1),
    crossRateOtherUnits: rateField(node, 'CrossRateOther', kod, 1),
  };
}

export function parseTcmbBulletin(xml: string): TcmbBulletin {
  if (xml.trim().length === 0) throw new TcmbBulletinError('TCMB_DOCUMENT_EMPTY', 'no content');
  if (xml.length > tcmbDocumentLengthMax) {
    throw new TcmbBulletinError('TCMB_DOCUMENT_TOO_LARGE', `${xml.length} characters, limit ${tcmbDocumentLengthMax}`);
  }
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new TcmbBulletinError('TCMB_DOCTYPE_REFUSED', 'DOCTYPE/ENTITY declarations are refused');
  let document: unknown;
  try {
    document = parser.parse(xml, true);
  } catch (error) {
    throw new TcmbBulletinError('TCMB_XML_MALFORMED', error instanceof Error ? error.message : String(error));
  }
  const root = isNode(document) ? document['Tarih_Date'] : undefined;
  if (!isNode(root)) throw new TcmbBulletinError('TCMB_ROOT_MISSING', 'no <Tarih_Date> root element');
  const tarih = root['@_Tarih'];
  const date = root['@_Date'];
  const [year, month, day] = dateParts(typeof tarih === 'string' ? tarih : undefined, /^(\d{2})\.(\d{2})\.(\d{4})$/, 'dmy', 'Tarih');
  const [yearUs, monthUs, dayUs] = dateParts(typeof date === 'string' ? date : undefined, /^(\d{2})\/(\d{2})\/(\d{4})$/, 'mdy', 'Date');
  if (year !== yearUs || month !== monthUs || day !== dayUs) {
    throw new TcmbBulletinError('TCMB_DATE_MISMATCH', `Tarih='${String(tarih)}' and Date='${String(date)}' differ`);
  }
  const bulletinNumber = root['@_Bulten_No'];
  if (typeof bulletinNumber !== 'string' || !/^\d{4}\/[1-9]\d{0,2}$/.test(bulletinNumber) || !bulletinNumber.startsWith(`${year}/`)) {
    throw new TcmbBulletinError('TCMB_BULLETIN_NUMBER_INVALID', `Bulten_No='${String(bulletinNumber)}' for a bulletin of ${year}`);
  }
  const nodes = root['Currency'];
  if (!Array.isArray(nodes) || nodes.length === 0) throw new TcmbBulletinError('TCMB_NO_CURRENCIES', 'no <Currency> elements');
  if (nodes.length > tcmbCurrenciesMax) {
    throw new TcmbBulletinError('TCMB_CURRENCY_INVALID', `${nodes.length} currencies, limit ${tcmbCurrenciesMax}`);
  }
  const seen = new Set<string>();
  const currencies = nodes.map((node) => parseCurrency(node, seen));
  const publishedAtMs = Date.UTC(year, month - 1, day, tcmbPublicationTimeOfDay.hour, tcmbPublicationTimeOfDay.minute)
    - istanbulUtcOffsetMinutes * 60_000;
  const bulletinDate = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return { bulletinDate, bulletinNumber, publishedAtMs, currencies };
}
