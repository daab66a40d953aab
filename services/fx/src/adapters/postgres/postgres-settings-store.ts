// PostgreSQL adapter of the settings port: fx_sources + fx_source_pairs, fx_margin_schedules,
// fx_overrides and fx_holidays (seeded by the migration with the Turkish calendar).

import type { Sql } from '@parite/platform';
import type { HolidayEntry, HolidayKind } from '../../domain/holiday-calendar.ts';
import { holidayEntriesMax } from '../../domain/limits.ts';
import type { FxEngineSettings, MarginSchedule, PairSettings, SourceSettings } from '../../domain/engine-settings.ts';
import type { FxSettingsStore, LoadedFxSettings, MarginScope, PersistedOverride } from '../../app/fx-settings-port.ts';
import { defaultMarginScope } from '../../app/fx-settings-port.ts';

interface SourceRow {
  source_id: string; enabled: boolean; priority: number; smoothing_depth: number; spike_confirmation_ticks: number;
}
interface SourcePairRow { source_id: string; pair: string; enabled: boolean; max_age_ms: bigint }
interface MarginRow { scope: string; schedule: MarginSchedule }
interface OverrideRow {
  pair: string; mid_units: bigint | null; extra_buy_ppm: number; extra_sell_ppm: number; expires_at_ms: bigint;
  reference: string; set_at_ms: bigint; approval_id: string | null;
}
interface HolidayRow { holiday_date: string; kind: HolidayKind; name: string }

const seedActor = 'system:seed';

export class PostgresFxSettingsStore implements FxSettingsStore {
  constructor(private readonly sql: Sql) {}

  async load(base: FxEngineSettings, nowMs: number): Promise<LoadedFxSettings> {
    await this.seed(base, nowMs);
    const sourceRows = await this.sql<SourceRow[]>`select * from fx_sources`;
    const pairRows = await this.sql<SourcePairRow[]>`select * from fx_source_pairs order by source_id, pair`;
    const marginRows = await this.sql<MarginRow[]>`select scope, schedule from fx_margin_schedules`;
    const holidayRows = await this.sql<HolidayRow[]>`
      select to_char(holiday_date, 'YYYY-MM-DD') as holiday_date, kind, name from fx_holidays
      where calendar_id = ${base.calendar.calendarId} order by holiday_date limit ${holidayEntriesMax + 1}`;
    const overrideRows = await this.sql<OverrideRow[]>`select * from fx_overrides where expires_at_ms > ${nowMs}`;

    const knownPairs = new Set(base.pairs.map((pair) => pair.pair));
    const sourceById = new Map(sourceRows.map((row) => [row.source_id, row]));
    const sources = base.sources.map((configured): SourceSettings => {
      const row = sourceById.get(configured.sourceId);
      if (row === undefined) return configured;
      return { ...configured, enabled: row.enabled, priority: row.priority, smoothingDepth: row.smoothing_depth,
        spikeConfirmationTicks: row.spike_confirmation_ticks,
        pairs: pairRows.filter((pair) => pair.source_id === row.source_id && knownPairs.has(pair.pair))
          .map((pair) => ({ pair: pair.pair, enabled: pair.enabled, maxAgeMs: Number(pair.max_age_ms) })) };
    });
    const margins = new Map(marginRows.map((row) => [row.scope, row.schedule]));
    const pairs = base.pairs.map((pair): PairSettings => ({ ...pair, margins: margins.get(pair.pair) ?? undefined }));
    const settings: FxEngineSettings = { ...base, sources, pairs,
      defaultMargins: margins.get(defaultMarginScope) ?? base.defaultMargins,
      calendar: { ...base.calendar, entries: holidayRows.map((row) => ({ date: row.holiday_date, kind: row.kind, name: row.name })) } };
    const overrides = overrideRows.map((row): PersistedOverride => ({ pair: row.pair,
      midUnits: row.mid_units === null ? undefined : Number(row.mid_units), extraBuyPpm: row.extra_buy_ppm,
      extraSellPpm: row.extra_sell_ppm, expiresAtMs: Number(row.expires_at_ms), reference: row.reference,
      setAtMs: Number(row.set_at_ms), approvalId: row.approval_id ?? undefined }));
    return { settings, overrides };
  }

  /** Inserts what is configured but not stored yet; never overwrites an operator's change. */
  private async seed(base: FxEngineSettings, nowMs: number): Promise<void> {
    await this.sql.begin(async (transaction) => {
      for (const source of base.sources) {
        const [inserted] = await transaction<{ source_id: string }[]>`
          insert into fx_sources (source_id, enabled, priority, smoothing_depth, spike_confirmation_ticks, updated_at_ms, updated_by)
          values (${source.sourceId}, ${source.enabled}, ${source.priority}, ${source.smoothingDepth},
            ${source.spikeConfirmationTicks}, ${nowMs}, ${seedActor})
          on conflict (source_id) do nothing returning source_id`;
        if (inserted === undefined) continue;
        for (const pair of source.pairs) {
          await transaction`insert into fx_source_pairs (source_id, pair, enabled, max_age_ms)
            values (${source.sourceId}, ${pair.pair}, ${pair.enabled}, ${pair.maxAgeMs}) on conflict do nothing`;
        }
      }
      await transaction`insert into fx_margin_schedules (scope, schedule, updated_at_ms, updated_by)
        values (${defaultMarginScope}, ${transaction.json(base.defaultMargins as never)}, ${nowMs}, ${seedActor})
        on conflict (scope) do nothing`;
      for (const pair of base.pairs) {
        if (pair.margins === undefined) continue;
        await transaction`insert into fx_margin_schedules (scope, schedule, updated_at_ms, updated_by)
          values (${pair.pair}, ${transaction.json(pair.margins as never)}, ${nowMs}, ${seedActor}) on conflict (scope) do nothing`;
      }
    });
  }

  async saveSource(source: SourceSettings, actorId: string, nowMs: number): Promise<void> {
    await this.sql.begin(async (transaction) => {
      await transaction`
        insert into fx_sources (source_id, enabled, priority, smoothing_depth, spike_confirmation_ticks, updated_at_ms, updated_by)
        values (${source.sourceId}, ${source.enabled}, ${source.priority}, ${source.smoothingDepth},
          ${source.spikeConfirmationTicks}, ${nowMs}, ${actorId})
        on conflict (source_id) do update set enabled = excluded.enabled, priority = excluded.priority,
          smoothing_depth = excluded.smoothing_depth, spike_confirmation_ticks = excluded.spike_confirmation_ticks,
          updated_at_ms = excluded.updated_at_ms, updated_by = excluded.updated_by`;
      await transaction`delete from fx_source_pairs where source_id = ${source.sourceId}`;
      for (const pair of source.pairs) {
        await transaction`insert into fx_source_pairs (source_id, pair, enabled, max_age_ms)
          values (${source.sourceId}, ${pair.pair}, ${pair.enabled}, ${pair.maxAgeMs})`;
      }
    });
  }

  async saveMargins(scope: MarginScope, schedule: MarginSchedule | undefined, actorId: string, approvalId: string | undefined,
    nowMs: number): Promise<void> {
    if (schedule === undefined) {
      await this.sql`delete from fx_margin_schedules where scope = ${scope}`;
      return;
    }
    await this.sql`
      insert into fx_margin_schedules (scope, schedule, updated_at_ms, updated_by, approval_id)
      values (${scope}, ${this.sql.json(schedule as never)}, ${nowMs}, ${actorId}, ${approvalId ?? null})
      on conflict (scope) do update set schedule = excluded.schedule, updated_at_ms = excluded.updated_at_ms,
        updated_by = excluded.updated_by, approval_id = excluded.approval_id`;
  }

  async saveOverride(override: PersistedOverride): Promise<void> {
    await this.sql`
      insert into fx_overrides (pair, mid_units, extra_buy_ppm, extra_sell_ppm, expires_at_ms, reference, set_at_ms, approval_id)
      values (${override.pair}, ${override.midUnits ?? null}, ${override.extraBuyPpm}, ${override.extraSellPpm},
        ${override.expiresAtMs}, ${override.reference}, ${override.setAtMs}, ${override.approvalId ?? null})
      on conflict (pair) do update set mid_units = excluded.mid_units, extra_buy_ppm = excluded.extra_buy_ppm,
        extra_sell_ppm = excluded.extra_sell_ppm, expires_at_ms = excluded.expires_at_ms, reference = excluded.reference,
        set_at_ms = excluded.set_at_ms, approval_id = excluded.approval_id`;
  }

  async deleteOverride(pair: string): Promise<boolean> {
    const deleted = await this.sql`delete from fx_overrides where pair = ${pair}`;
    return deleted.count > 0;
  }

  async addHoliday(calendarId: string, entry: HolidayEntry): Promise<boolean> {
    const inserted = await this.sql`
      insert into fx_holidays (calendar_id, holiday_date, kind, name, origin)
      values (${calendarId}, ${entry.date}, ${entry.kind}, ${entry.name}, 'operator') on conflict do nothing`;
    return inserted.count > 0;
  }

  async removeHoliday(calendarId: string, date: string): Promise<boolean> {
    const deleted = await this.sql`delete from fx_holidays where calendar_id = ${calendarId} and holiday_date = ${date}`;
    return deleted.count > 0;
  }
}
