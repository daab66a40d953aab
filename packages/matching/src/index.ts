// @parite/matching: the order-book contract and its two implementations.
import { FastOrderBook } from './fast-order-book.ts';
import { NaiveOrderBook } from './naive-order-book.ts';
import type { OrderBookOptions } from './options.ts';
import type { BookSnapshot, OrderBook } from './types.ts';

export * from './types.ts';
export { FastOrderBook, fastOrdersMaxDefault, fastOrdersMaxLimit } from './fast-order-book.ts';
export { NaiveOrderBook, naiveOrdersMaxDefault } from './naive-order-book.ts';
export type { OrderBookOptions } from './options.ts';
export { bookStateHash, snapshotStateHash } from './state-hash.ts';
export { assertSnapshotWellFormed } from './validation.ts';

export type OrderBookKind = 'fast' | 'naive';

/** The production engine uses 'fast'; 'naive' is the reference for tests and audits. */
export function createOrderBook(kind: OrderBookKind, options: OrderBookOptions = {}): OrderBook {
  return kind === 'fast' ? new FastOrderBook(options) : new NaiveOrderBook(options);
}

/** Rebuilds a book of either kind from a snapshot taken from either kind. */
export function restoreOrderBook(
  kind: OrderBookKind, snapshot: BookSnapshot, options: OrderBookOptions = {},
): OrderBook {
  return kind === 'fast'
    ? FastOrderBook.restore(snapshot, options)
    : NaiveOrderBook.restore(snapshot, options);
}
