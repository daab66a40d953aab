// PostgreSQL adapter of the rate history port: fx_rate_cycles + fx_rate_history (append-only, bulk
// inserted with unnest, idempotent on the primary key) and fx_alerts.

import type { Sql } from '@parite/platform';
import type { RateCycle } from '../../domain/rate-cycle.ts';
import type { FxAlert, RateHistoryStore, StoredFxAlert, StoredRate } from '../../app/rate-history-port.ts';
import { alertListLimitMax } from '../../app/rate-history-port.ts';

interface RateRow {
  cycle_id: string; pair: string; segment: string; tier_id: string; at_ms: bigint; valid_until_ms: bigint;
  buy_units: bigint; sell_units: bigint; buy_margin_ppm: number; sell_margin_ppm: number; mid_units: bigint;
  market_bid_units: bigint; market_ask_units: bigint; precision_digits: number; source_ids: string[];
  override_reference: string | null;
}

interface AlertRow {
  alert_id: bigint; code: string; severity: FxAlert['severity']; pair: string | null; source_id: string | null;
  at_ms: bigint; message: string;
}

function toStoredRate(row: RateRow): StoredRate {
  return { cycleId: row.cycle_id, pair: row.pair, segment: row.segment, tierId: row.tier_id, atMs: Number(row.at_ms),
    validUntilMs: Number(row.valid_until_ms), buyUnits: Number(row.buy_units), sellUnits: Number(row.sell_units),
    buyMarginPpm: row.buy_margin_ppm, sellMarginPpm: row.sell_margin_ppm, midUnits: Number(row.mid_units),
    marketBidUnits: Number(row.market_bid_units), marketAskUnits: Number(row.market_ask_units),
    precisionDigits: row.precision_digits, sourceIds: row.source_ids, overrideReference: row.override_reference ?? undefined };
}

export class PostgresRateHistoryStore implements RateHistoryStore {
  constructor(private readonly sql: Sql) {}

  async insertCycle(cycle: RateCycle): Promise<void> {
    const columns = {
      pair: [] as string[], segment: [] as string[], tier: [] as string[], buy: [] as string[], sell: [] as string[],
      buyMargin: [] as number[], sellMargin: [] as number[], mid: [] as string[], marketBid: [] as string[],
      marketAsk: [] as string[], precision: [] as number[], sources: [] as string[], override: [] as (string | null)[],
    };
    for (const rate of cycle.rates) {
      for (const variation of rate.variations) {
        columns.pair.push(rate.pair);
        columns.segment.push(variation.segment);
        columns.tier.push(variation.tierId);
        columns.buy.push(String(variation.buyUnits));
        columns.sell.push(String(variation.sellUnits));
        columns.buyMargin.push(variation.buyMarginPpm);
        columns.sellMargin.push(variation.sellMarginPpm);
        columns.mid.push(String(rate.midUnits));
        columns.marketBid.push(String(rate.marketBidUnits));
        columns.marketAsk.push(String(rate.marketAskUnits));
        columns.precision.push(rate.precisionDigits);
        // A text[] per row cannot ride in one unnest of a 2-D array (ragged); a separator-joined text can.
        columns.sources.push(rate.sourceIds.join(','));
        columns.override.push(rate.overrideReference ?? null);
      }
    }
    await this.sql.begin(async (transaction) => {
      await transaction`
        insert into fx_rate_cycles (cycle_id, sequence, at_ms, valid_until_ms, session_kind, pairs_without_rate, dropped)
        values (${cycle.cycleId}, ${cycle.sequence}, ${cycle.atMs}, ${cycle.validUntilMs}, ${cycle.session.kind},
          ${transaction.array([...cycle.pairsWithoutRate])}, ${transaction.json(cycle.dropped as never)})
        on conflict (cycle_id) do nothing`;
      // Not gated on the cycle row: a cycle published in parts inserts its header once, its rows per part.
      if (columns.pair.length === 0) return;
      await transaction`
        insert into fx_rate_history (cycle_id, pair, segment, tier_id, at_ms, valid_until_ms, buy_units, sell_units,
          buy_margin_ppm, sell_margin_ppm, mid_units, market_bid_units, market_ask_units, precision_digits, source_ids,
          override_reference)
        select ${cycle.cycleId}, pair, segment, tier_id, ${cycle.atMs}, ${cycle.validUntilMs}, buy, sell, buy_margin,
          sell_margin, mid, market_bid, market_ask, precision_digits, string_to_array(sources, ','), override_reference
        from unnest(${columns.pair}::text[], ${columns.segment}::text[], ${columns.tier}::text[], ${columns.buy}::int8[],
          ${columns.sell}::int8[], ${columns.buyMargin}::int4[], ${columns.sellMargin}::int4[], ${columns.mid}::int8[],
          ${columns.marketBid}::int8[], ${columns.marketAsk}::int8[], ${columns.precision}::int2[], ${columns.sources}::text[],
          ${columns.override}::text[])
          as rows (pair, segment, tier_id, buy, sell, buy_margin, sell_margin, mid, market_bid, market_ask, precision_digits,
            sources, override_reference)
        on conflict do nothing`;
    });
  }

  async rateAt(pair: string, segment: string, tierId: string, atMs: number): Promise<StoredRate | undefined> {
    const [row] = await this.sql<RateRow[]>`
      select * from fx_rate_history
      where pair = ${pair} and segment = ${segment} and tier_id = ${tierId} and at_ms <= ${atMs}
      order by at_ms desc limit 1`;
    return row === undefined || Number(row.valid_until_ms) <= atMs ? undefined : toStoredRate(row);
  }

  async currentRates(segment: string, tierId: string, nowMs: number, lookbackMs: number): Promise<StoredRate[]> {
    const rows = await this.sql<RateRow[]>`
      select distinct on (pair) * from fx_rate_history
      where at_ms > ${nowMs - lookbackMs} and at_ms <= ${nowMs} and segment = ${segment} and tier_id = ${tierId}
      order by pair, at_ms desc`;
    return rows.filter((row) => Number(row.valid_until_ms) > nowMs).map(toStoredRate);
  }

  async insertAlerts(alerts: readonly FxAlert[]): Promise<void> {
    if (alerts.length === 0) return;
    await this.sql`
      insert into fx_alerts (code, severity, pair, source_id, at_ms, message)
      select * from unnest(${alerts.map((alert) => alert.code)}::text[], ${alerts.map((alert) => alert.severity)}::text[],
        ${alerts.map((alert) => alert.pair ?? null)}::text[], ${alerts.map((alert) => alert.sourceId ?? null)}::text[],
        ${alerts.map((alert) => String(alert.atMs))}::int8[], ${alerts.map((alert) => alert.message)}::text[])`;
  }

  async listAlerts(limit: number): Promise<StoredFxAlert[]> {
    const bounded = Math.min(Math.max(1, limit), alertListLimitMax);
    const rows = await this.sql<AlertRow[]>`select * from fx_alerts order by alert_id desc limit ${bounded}`;
    return rows.map((row) => ({ alertId: Number(row.alert_id), code: row.code, severity: row.severity,
      pair: row.pair ?? undefined, sourceId: row.source_id ?? undefined, atMs: Number(row.at_ms), message: row.message }));
  }
}
