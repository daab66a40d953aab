// Where a TCMB bulletin comes from: a file (an operator-provided copy, an air-gapped bank), today.xml
// over HTTPS, or the daily archive. Reads are bounded in size and time.
import { readFile } from 'node:fs/promises';
import { parseTcmbBulletin, tcmbDocumentLengthMax, TcmbBulletinError, type TcmbBulletin } from './tcmb-bulletin.ts';

export const tcmbTodayUrl = 'https://www.tcmb.gov.tr/kurlar/today.xml';
export const tcmbArchiveBaseUrl = 'https://www.tcmb.gov.tr/kurlar';
/**
 * Days walked back looking for the last published archive file. The longest Turkish run without a
 * bulletin (Kurban Bayramı with its eve, a decreed bridge and two weekends) is about ten days.
 */
export const archiveLookbackDaysMax = 14;
export const fetchTimeoutMsDefault = 10_000;

export type TcmbSource = { readonly kind: 'file'; readonly path: string } | { readonly kind: 'url'; readonly url: string };

export type FetchFunction = (url: string, init: { signal: AbortSignal; headers: Record<string, string> }) => Promise<Response>;

export class TcmbFetchError extends Error {
  override readonly name = 'TcmbFetchError';
  constructor(readonly status: number | undefined, message: string) {
    super(message);
  }
}

export interface TcmbReadOptions {
  readonly fetch?: FetchFunction;
  readonly timeoutMs?: number;
}

async function fetchText(url: string, options: TcmbReadOptions): Promise<string> {
  const fetcher: FetchFunction = options.fetch ?? ((target, init) => fetch(target, init));
  const response = await fetcher(url, {
    signal: AbortSignal.timeout(options.timeoutMs ?? fetchTimeoutMsDefault),
    headers: { accept: 'application/xml, text/xml' },
  });
  if (!response.ok) {
    await response.body?.cancel();
    throw new TcmbFetchError(response.status, `GET ${url}: HTTP ${response.status}`);
  }
  const declaredLength = Number(response.headers.get('content-length') ?? '0');
  if (declaredLength > tcmbDocumentLengthMax) {
    await response.body?.cancel();
    throw new TcmbBulletinError('TCMB_DOCUMENT_TOO_LARGE', `GET ${url}: content-length ${declaredLength}`);
  }
  return response.text();
}

export async function readTcmbBulletin(source: TcmbSource, options: TcmbReadOptions = {}): Promise<TcmbBulletin> {
  const xml = source.kind === 'file' ? await readFile(source.path, 'utf8') : await fetchText(source.url, options);
  return parseTcmbBulletin(xml);
}

/** https://www.tcmb.gov.tr/kurlar/YYYYMM/DDMMYYYY.xml for a 'YYYY-MM-DD' date. */
export function tcmbArchiveUrl(baseUrl: string, isoDate: string): string {
  const [year, month, day] = isoDate.split('-');
  return `${baseUrl}/${year}${month}/${day}${month}${year}.xml`;
}

function previousDay(isoDate: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - 1);
  return date.toISOString().slice(0, 10);
}

/**
 * The bulletin in force on `isoDate`: that day's archive file, or, on a weekend or holiday (no file:
 * HTTP 404), the closest earlier one. The bulletin's own date says which day it is from.
 */
export async function readTcmbBulletinOnOrBefore(isoDate: string, options: TcmbReadOptions & { readonly baseUrl?: string } = {}):
Promise<TcmbBulletin> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDate)) throw new TcmbBulletinError('TCMB_DATE_INVALID', `'${isoDate}' is not YYYY-MM-DD`);
  let day = isoDate;
  for (let step = 0; step <= archiveLookbackDaysMax; step++) {
    try {
      const bulletin = await readTcmbBulletin({ kind: 'url', url: tcmbArchiveUrl(options.baseUrl ?? tcmbArchiveBaseUrl, day) }, options);
      if (bulletin.bulletinDate !== day) {
        throw new TcmbBulletinError('TCMB_DATE_MISMATCH', `archive file for ${day} holds the bulletin of ${bulletin.bulletinDate}`);
      }
      return bulletin;
    } catch (error) {
      if (!(error instanceof TcmbFetchError && error.status === 404)) throw error;
    }
    day = previousDay(day);
  }
  throw new TcmbFetchError(404, `no TCMB bulletin in the ${archiveLookbackDaysMax} days up to ${isoDate}`);
}
