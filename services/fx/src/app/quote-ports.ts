// Ports of the customer quote service. The rates a quote is priced from and re-checked against at
// acceptance come from PostgreSQL (the stored rate history of the latest cycle), never from the
// cache: a quote is a promise to deal, and its evidence must be what the database says.

/** One amount tier's customer rates in a cycle, for one pair and segment. */
export interface CurrentTierRate {
  readonly tierId: string;
  /** Up to and including this many whole units of the base currency; null for the open-ended top tier. */
  readonly upToBaseUnits: number | null;
  /** The customer buys the base currency at this rate (10^-8 quote per base). */
  readonly buyUnits: number;
  /** The customer sells the base currency at this rate. */
  readonly sellUnits: number;
}

/** The newest stored cycle's rates for one pair and customer segment. */
export interface CurrentPairRates {
  readonly cycleId: string;
  /** 'USD/TRY' */
  readonly pair: string;
  readonly segment: string;
  readonly atMs: number;
  /** Rates of this cycle must not be dealt on after this instant. */
  readonly validUntilMs: number;
  readonly midUnits: number;
  /** Ascending upToBaseUnits; the last one open-ended. */
  readonly tiers: readonly CurrentTierRate[];
}

/**
 * "The current rate for pair x segment x tier", read from PostgreSQL. Implemented over the FX
 * rate history by the storage adapter; `MemoryCurrentRateSource` serves the tests.
 */
export interface CurrentRateSource {
  /** The newest stored cycle's rates for the pair and segment, or undefined when there is none. */
  currentRates(pair: string, segment: string): Promise<CurrentPairRates | undefined>;
}

/** Which customer segment (retail, private, corporate ...) prices and limits a customer. */
export interface CustomerSegmentSource {
  segmentOf(ownerId: number): Promise<string>;
}

/** Every customer in one segment: installations that do not segment their customers. */
export function fixedCustomerSegment(segment: string): CustomerSegmentSource {
  return { segmentOf: async () => segment };
}

/** Random bytes for quote ids (crypto in production, seeded in tests). */
export interface QuoteRandomSource {
  bytes(length: number): Uint8Array;
}

/** The customer acting: the ledger owner id and the public id the audit log names. */
export interface QuoteCustomer {
  readonly ownerId: number;
  readonly actorId: string;
  readonly requestId?: string;
}
