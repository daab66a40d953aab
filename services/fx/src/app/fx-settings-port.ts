// The settings port: what the admin API changes at runtime and what must survive a restart. The
// settings document's other parts (pairs, tiers, segments, business hours) come from configuration.

import type { HolidayEntry } from '../domain/holiday-calendar.ts';
import type { FxEngineSettings, MarginSchedule, SourceSettings } from '../domain/engine-settings.ts';
import type { RateOverride } from '../domain/rate-override.ts';

export interface PersistedOverride extends RateOverride {
  readonly setAtMs: number;
  readonly approvalId: string | undefined;
}

export interface LoadedFxSettings {
  readonly settings: FxEngineSettings;
  /** Overrides still in force at load time. */
  readonly overrides: readonly PersistedOverride[];
}

/** 'default' or a pair symbol ('USD/TRY'). */
export type MarginScope = string;
export const defaultMarginScope = 'default';

export interface FxSettingsStore {
  /**
   * Overlays the persisted sources, margins and holidays on `base`; first seeds whatever is not
   * persisted yet from `base` (so a new installation starts from the configured defaults).
   */
  load(base: FxEngineSettings, nowMs: number): Promise<LoadedFxSettings>;
  saveSource(source: SourceSettings, actorId: string, nowMs: number): Promise<void>;
  /** `schedule` undefined removes a pair's own schedule (the default one applies again). */
  saveMargins(scope: MarginScope, schedule: MarginSchedule | undefined, actorId: string, approvalId: string | undefined,
    nowMs: number): Promise<void>;
  saveOverride(override: PersistedOverride): Promise<void>;
  /** True when an override was stored for the pair. */
  deleteOverride(pair: string): Promise<boolean>;
  /** False when the date is already in the calendar. */
  addHoliday(calendarId: string, entry: HolidayEntry): Promise<boolean>;
  /** False when the date is not in the calendar. */
  removeHoliday(calendarId: string, date: string): Promise<boolean>;
}
