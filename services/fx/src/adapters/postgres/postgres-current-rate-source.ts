// The quote service's CurrentRateSource over the stored rate history: the newest stored cycle's rates
// for a pair and segment, every tier, read from PostgreSQL (a quote's evidence is what the database
// holds, never the cache). Tier bounds come from the engine's current settings.

import type { Sql } from '@parite/platform';
import type { AmountTier } from '../../domain/engine-settings.ts';
import type { CurrentPairRates, CurrentRateSource, CurrentTierRate } from '../../app/quote-ports.ts';

interface Row {
  cycle_id: string; tier_id: string; at_ms: bigint; valid_until_ms: bigint; buy_units: bigint; sell_units: bigint;
  mid_units: bigint;
}

export class PostgresCurrentRateSource implements CurrentRateSource {
  constructor(private readonly sql: Sql, private readonly tiers: () => readonly AmountTier[]) {}

  async currentRates(pair: string, segment: string): Promise<CurrentPairRates | undefined> {
    const rows = await this.sql<Row[]>`
      with newest as (
        select cycle_id from fx_rate_history where pair = ${pair} and segment = ${segment}
        order by at_ms desc limit 1)
      select h.cycle_id, h.tier_id, h.at_ms, h.valid_until_ms, h.buy_units, h.sell_units, h.mid_units
      from fx_rate_history h join newest using (cycle_id)
      where h.pair = ${pair} and h.segment = ${segment}`;
    const first = rows[0];
    if (first === undefined) return undefined;
    const byTier = new Map(rows.map((row) => [row.tier_id, row]));
    const tiers: CurrentTierRate[] = [];
    for (const tier of this.tiers()) {
      const row = byTier.get(tier.tierId);
      if (row === undefined) continue;
      tiers.push({ tierId: tier.tierId, upToBaseUnits: tier.upToBaseUnits, buyUnits: Number(row.buy_units),
        sellUnits: Number(row.sell_units) });
    }
    // A cycle stored under tiers that have since changed cannot price a quote safely.
    if (tiers.length === 0 || tiers[tiers.length - 1]!.upToBaseUnits !== null) return undefined;
    return { cycleId: first.cycle_id, pair, segment, atMs: Number(first.at_ms), validUntilMs: Number(first.valid_until_ms),
      midUnits: Number(first.mid_units), tiers };
  }
}
