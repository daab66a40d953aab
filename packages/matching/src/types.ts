// The order-book contract: one deterministic, synchronous, integer-only book per market.
// Prices are integer ticks, quantities integer lots, ids and owners safe integers assigned by the
// engine. No I/O, no clock, no randomness, no exceptions for business outcomes: a result code is
// returned and everything that happened is reported, in order, to a BookEventSink.
//
// Two implementations honour this contract and pass one shared test suite plus randomized
// differential tests: NaiveOrderBook (obviously correct reference) and FastOrderBook (fast).

export const Side = { Buy: 1, Sell: 2 } as const;
export type Side = (typeof Side)[keyof typeof Side];

export const TimeInForce = {
  /** Good till cancelled: the remainder rests. */
  GoodTillCancelled: 1,
  /** Immediate or cancel: trade what crosses now, drop the remainder. */
  ImmediateOrCancel: 2,
  /** Fill or kill: trade the whole quantity now or nothing at all (nothing changes). */
  FillOrKill: 3,
} as const;
export type TimeInForce = (typeof TimeInForce)[keyof typeof TimeInForce];

/** What to do when a taker would trade against a resting order of the same owner. */
export const SelfTradePrevention = {
  /** No prevention: same-owner orders trade (only for markets that allow it, e.g. tests). */
  None: 0,
  /** Cancel the taker's remainder (newest); the resting order stays. */
  CancelNewest: 1,
  /** Cancel the resting order (oldest) and keep matching the taker. */
  CancelOldest: 2,
  /** Cancel both the resting order and the taker's remainder. */
  CancelBoth: 3,
  /** Reduce both by the overlapping quantity without a trade; whichever reaches zero is done. */
  Decrement: 4,
} as const;
export type SelfTradePrevention = (typeof SelfTradePrevention)[keyof typeof SelfTradePrevention];

export const DoneReason = {
  Filled: 1,
  Cancelled: 2,
  /** IOC / market remainder that could not trade. */
  Expired: 3,
  SelfTradePrevented: 4,
} as const;
export type DoneReason = (typeof DoneReason)[keyof typeof DoneReason];

export const BookResult = {
  Ok: 0,
  PostOnlyWouldTake: 1,
  FillOrKillUnfillable: 2,
  UnknownOrder: 3,
  DuplicateOrderId: 4,
  AmendNoChange: 5,
  BookFull: 6,
} as const;
export type BookResult = (typeof BookResult)[keyof typeof BookResult];

export interface PlaceOrderInput {
  orderId: number;
  ownerId: number;
  side: Side;
  /** Limit price in ticks (> 0). A market order passes its protection price here (worst acceptable). */
  priceTicks: number;
  quantityLots: number;
  timeInForce: TimeInForce;
  postOnly: boolean;
  selfTradePrevention: SelfTradePrevention;
}

/**
 * Receives everything a command did, in the exact order it happened. The engine turns these calls
 * into ledger postings and events. Implementations must not call back into the book.
 */
export interface BookEventSink {
  /** A trade at the maker's price. Remaining quantities are after this trade. */
  trade(
    makerOrderId: number, makerOwnerId: number,
    takerOrderId: number, takerOwnerId: number,
    takerSide: Side, priceTicks: number, quantityLots: number,
    makerRemainingLots: number, takerRemainingLots: number,
  ): void;
  /** The taker's remainder now rests in the book at its limit price. */
  rested(orderId: number, ownerId: number, side: Side, priceTicks: number, remainingLots: number): void;
  /** An order (resting or the taker) is finished; `remainingLots` is what never traded. */
  done(orderId: number, ownerId: number, side: Side, reason: DoneReason, remainingLots: number): void;
  /** A resting order's remaining quantity went down without a trade (amend down, STP decrement). */
  reduced(orderId: number, ownerId: number, side: Side, reducedByLots: number, remainingLots: number): void;
}

export interface RestingOrder {
  orderId: number;
  ownerId: number;
  side: Side;
  priceTicks: number;
  remainingLots: number;
  /**
   * Kept by a resting order because amend() re-places it with the same postOnly and STP, so a
   * snapshot must carry them for restore + replay to behave like the uninterrupted book.
   * Optional for callers that build orders by hand: missing means false / None. The books
   * always fill them in.
   */
  postOnly?: boolean;
  selfTradePrevention?: SelfTradePrevention;
}

export interface DepthLevel {
  priceTicks: number;
  quantityLots: number;
  orderCount: number;
}

export interface BookSnapshot {
  version: 1;
  /** Orders per side in priority order (best price first, then time). */
  bids: RestingOrder[];
  asks: RestingOrder[];
}

/**
 * Semantics both books must share exactly (the shared suite pins each point):
 * - Price-time priority; a trade happens at the resting (maker) order's price.
 * - place(): post-only that would cross -> PostOnlyWouldTake, nothing changes, no sink calls.
 *   FOK: if the quantity that could trade at acceptable prices (excluding resting orders of the same
 *   owner when selfTradePrevention != None) is below quantityLots -> FillOrKillUnfillable, nothing
 *   changes. Duplicate live orderId -> DuplicateOrderId. Otherwise Ok: match, then GTC rests
 *   (sink.rested) and IOC/FOK drop the remainder (sink.done Expired, only if remainder > 0).
 *   A fully filled taker gets sink.done(Filled, 0); each fully filled maker gets sink.done(Filled, 0)
 *   right after its trade.
 * - Self-trade: when the next resting order at the best price has the taker's owner:
 *   CancelNewest -> taker done(SelfTradePrevented, remaining), stop. CancelOldest -> maker
 *   done(SelfTradePrevented), continue. CancelBoth -> maker then taker done(SelfTradePrevented).
 *   Decrement -> overlap = min(both); maker and taker reduced by overlap (maker gets sink.reduced,
 *   or done(SelfTradePrevented, 0) when it reaches zero; taker done(SelfTradePrevented, 0) when it
 *   reaches zero), continue.
 * - cancel(): removes a resting order -> sink.done(Cancelled, remaining); unknown -> UnknownOrder.
 * - amend(orderId, newPriceTicks, newQuantityLots): newQuantityLots is the new *remaining* quantity.
 *   Same price and smaller quantity -> keeps priority, sink.reduced. Same price and same quantity ->
 *   AmendNoChange. Otherwise the order loses priority: it is taken out and placed again as a GTC
 *   taker with the same id, owner, side, postOnly and STP (it may trade). A post-only order whose new
 *   price would cross -> PostOnlyWouldTake and the order stays exactly as it was.
 * - The state hash depends only on the resting orders in priority order, so equal books hash equal.
 */
export interface OrderBook {
  place(order: PlaceOrderInput, sink: BookEventSink): BookResult;
  cancel(orderId: number, sink: BookEventSink): BookResult;
  amend(orderId: number, newPriceTicks: number, newQuantityLots: number, sink: BookEventSink): BookResult;
  getOrder(orderId: number): RestingOrder | undefined;
  bestBidTicks(): number | undefined;
  bestAskTicks(): number | undefined;
  /** Aggregated levels, best first, at most `levelsMax` per side. */
  depth(levelsMax: number): { bids: DepthLevel[]; asks: DepthLevel[] };
  orderCount(): number;
  /** Visits resting orders of one side in priority order. */
  forEachOrder(side: Side, visit: (order: RestingOrder) => void): void;
  snapshot(): BookSnapshot;
  stateHash(): string;
}
