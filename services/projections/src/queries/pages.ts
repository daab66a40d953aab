// Keyset pagination: every page is ordered newest first and `before` is the key of the last item of
// the previous page, so a page costs one index range scan however deep the client has paged, and
// rows inserted meanwhile never shift a page.

import { assert } from '@parite/kernel';

export const historyPageLimitDefault = 100;
export const historyPageLimitMax = 500;

export interface Page<Item> {
  items: Item[];
  /** Pass as `before` for the next (older) page; null when this page was the last. */
  nextBefore: string | null;
}

export function pageOf<Item>(items: Item[], limit: number, cursor: (item: Item) => string): Page<Item> {
  assert(items.length <= limit, 'a page holds at most limit items');
  const last = items[items.length - 1];
  return { items, nextBefore: items.length === limit && last !== undefined ? cursor(last) : null };
}

export function assertLimit(limit: number): void {
  assert(Number.isSafeInteger(limit) && limit >= 1 && limit <= historyPageLimitMax, 'page limit out of range');
}

/** Fills rank taker above maker, so a self-trade's two fills have a fixed order on a page. */
export type FillRole = 'maker' | 'taker';
export const fillCursorPattern = '^[0-9]{1,16}:(maker|taker)$';
export const entryCursorPattern = '^[0-9]{1,16}:[0-9]{1,4}$';
export const orderCursorPattern = '^[0-9]{1,16}$';

export interface FillCursor {
  tradeId: number;
  role: FillRole;
}

export interface EntryCursor {
  postingId: number;
  legIndex: number;
}

function safeInteger(text: string | undefined): number | undefined {
  if (text === undefined || !/^[0-9]{1,16}$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

export function parseOrderCursor(text: string): number | undefined {
  return safeInteger(text);
}

export function parseFillCursor(text: string): FillCursor | undefined {
  const [id, role, extra] = text.split(':');
  const tradeId = safeInteger(id);
  if (tradeId === undefined || extra !== undefined || (role !== 'maker' && role !== 'taker')) return undefined;
  return { tradeId, role };
}

export function parseEntryCursor(text: string): EntryCursor | undefined {
  const [posting, leg, extra] = text.split(':');
  const postingId = safeInteger(posting);
  const legIndex = safeInteger(leg);
  if (postingId === undefined || legIndex === undefined || extra !== undefined) return undefined;
  return { postingId, legIndex };
}

/**
 * Fills are ordered by (trade id, role) descending with taker > maker. After the cursor come maker
 * fills with a trade id below `makerBefore` and taker fills below `takerBefore`: the plain integer
 * bounds each index range scan takes.
 */
export function fillBounds(cursor: FillCursor | undefined): { makerBefore: number; takerBefore: number } | undefined {
  if (cursor === undefined) return undefined;
  return { makerBefore: cursor.role === 'taker' ? cursor.tradeId + 1 : cursor.tradeId, takerBefore: cursor.tradeId };
}
