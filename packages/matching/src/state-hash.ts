// One state hash for every OrderBook implementation: equal resting orders in equal priority order
// give equal hashes, whichever book holds them. Snapshot + replay and the differential tests
// compare books through this function, so it must stay the single definition.
import { StateHasher } from '@parite/kernel';
import { SelfTradePrevention, Side, type BookSnapshot, type OrderBook, type RestingOrder } from './types.ts';

const stateHashVersion = 'parite-book-v1';

/** Hashes the resting orders of a book (bids then asks, each in priority order). */
export function bookStateHash(book: Pick<OrderBook, 'forEachOrder'>): string {
  const hasher = new StateHasher().add(stateHashVersion);
  for (const side of [Side.Buy, Side.Sell] as const) {
    // The side marker and the per-side count keep "last bid" and "first ask" from blurring.
    let count = 0;
    hasher.add(side === Side.Buy ? 'bids' : 'asks');
    book.forEachOrder(side, (order) => {
      hasher.add(restingOrderKey(order));
      count += 1;
    });
    hasher.add(count);
  }
  return hasher.digestHex();
}

/** The same hash, computed from a snapshot without building a book. */
export function snapshotStateHash(snapshot: BookSnapshot): string {
  return bookStateHash({
    forEachOrder(side, visit) {
      for (const order of side === Side.Buy ? snapshot.bids : snapshot.asks) visit(order);
    },
  });
}

// Every field that decides future behaviour is part of the key: postOnly and STP change what an
// amend does, so two books that differ only there are not the same state.
function restingOrderKey(order: RestingOrder): string {
  const postOnly = order.postOnly === true ? 1 : 0;
  const selfTradePrevention = order.selfTradePrevention ?? SelfTradePrevention.None;
  return `${order.orderId},${order.ownerId},${order.side},${order.priceTicks},` +
    `${order.remainingLots},${postOnly},${selfTradePrevention}`;
}
