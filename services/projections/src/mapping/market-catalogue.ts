// The markets the projector knows, as of the last projected sequence. Order and trade rows need the
// tick and lot sizes in force when they happened, and a batch may change them (market.updated), so a
// batch works on a fork: its changes reach the parent only once the batch's transaction commits. A
// failed transaction leaves the parent as it was, and the retry sees exactly what the first try saw.

import { assert } from '@parite/kernel';
import type { MarketSpec } from '@parite/exchange/domain';
import type { MarketRow } from './rows.ts';

export class MarketCatalogue {
  private readonly rows = new Map<number, MarketRow>();

  constructor(private readonly parent: MarketCatalogue | undefined = undefined) {}

  get(marketId: number): MarketRow | undefined {
    return this.rows.get(marketId) ?? this.parent?.get(marketId);
  }

  set(row: MarketRow): void {
    this.rows.set(row.marketId, row);
  }

  fork(): MarketCatalogue {
    return new MarketCatalogue(this);
  }

  /** Rows this fork changed, in first-change order. */
  changed(): MarketRow[] {
    return [...this.rows.values()];
  }

  /** Publishes a fork's changes to its parent. */
  commit(): void {
    assert(this.parent !== undefined, 'only a fork commits');
    for (const row of this.rows.values()) this.parent.set(row);
    this.rows.clear();
  }
}

/** Row for a market.created / market.updated event; the reference price resets when the grid changes. */
export function marketRow(spec: MarketSpec, previous: MarketRow | undefined, sequence: bigint): MarketRow {
  const gridKept = previous !== undefined && previous.tickSizeUnits === spec.tickSizeUnits &&
    previous.lotSizeUnits === spec.lotSizeUnits;
  return {
    marketId: spec.marketId, symbol: spec.symbol, baseAssetId: spec.baseAssetId, quoteAssetId: spec.quoteAssetId,
    status: spec.status, version: spec.version, tickSizeUnits: spec.tickSizeUnits, lotSizeUnits: spec.lotSizeUnits,
    spec: copyMarketSpec(spec), referencePriceTicks: gridKept ? previous.referencePriceTicks : null,
    updatedSequence: sequence,
  };
}

function copyMarketSpec(spec: MarketSpec): MarketSpec {
  return { ...spec, feeTiers: spec.feeTiers.map((tier) => ({ ...tier })) };
}

const bigintSpecFields = ['tickSizeUnits', 'lotSizeUnits', 'notionalMinUnits'] as const;

/** JSON for the spec column: bigint fields become decimal strings, JSON numbers would round them. */
export function encodeMarketSpec(spec: MarketSpec): string {
  return JSON.stringify(spec, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
}

export function decodeMarketSpec(value: unknown): MarketSpec {
  assert(value !== null && typeof value === 'object', 'market spec must be an object');
  const record: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const field of bigintSpecFields) {
    const text = record[field];
    assert(typeof text === 'string' && /^-?[0-9]+$/.test(text), `market spec ${field} must be an integer string`);
    record[field] = BigInt(text);
  }
  return record as unknown as MarketSpec;
}
