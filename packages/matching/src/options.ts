export interface OrderBookOptions {
  /** Resting orders the book may hold; a GTC order beyond it is refused with BookFull. */
  ordersMax?: number;
}
