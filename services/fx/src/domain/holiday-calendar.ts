// The bank's holiday calendar as data: a table of dates with a kind (full day, or half day off from
// the afternoon) that the admin API will manage, as the FX anchor advises (date-holidays' time
// ranges are wrong for banking). Local dates are computed with a fixed UTC offset: Türkiye has kept
// UTC+3 all year since 2016, so no time-zone database is needed, and the offset stays data.

import { holidayEntriesMax } from './limits.ts';

export type HolidayKind = 'full' | 'half';

export interface HolidayEntry {
  /** Local calendar date, 'YYYY-MM-DD'. */
  readonly date: string;
  readonly kind: HolidayKind;
  readonly name: string;
}

export interface HolidayCalendar {
  readonly calendarId: string;
  /** Local time = UTC + this offset. 180 for Türkiye. */
  readonly utcOffsetMinutes: number;
  /** On a half day, the holiday starts at this local minute of the day (13:00 = 780). */
  readonly halfDayStartMinute: number;
  readonly entries: readonly HolidayEntry[];
}

export interface LocalTime {
  /** 'YYYY-MM-DD' in the calendar's local time. */
  readonly date: string;
  /** 0 = Sunday ... 6 = Saturday. */
  readonly weekday: number;
  readonly minuteOfDay: number;
}

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const minutesPerDay = 1_440;
const millisecondsPerMinute = 60_000;

/** Converts an instant to the calendar's local date and minute (pure arithmetic, no clock read). */
export function localTimeOf(nowMs: number, utcOffsetMinutes: number): LocalTime {
  const shifted = new Date(nowMs + utcOffsetMinutes * millisecondsPerMinute);
  const year = shifted.getUTCFullYear();
  const month = String(shifted.getUTCMonth() + 1).padStart(2, '0');
  const day = String(shifted.getUTCDate()).padStart(2, '0');
  return {
    date: `${year}-${month}-${day}`,
    weekday: shifted.getUTCDay(),
    minuteOfDay: shifted.getUTCHours() * 60 + shifted.getUTCMinutes(),
  };
}

/** A compiled calendar: one map lookup per question. */
export class HolidayTable {
  private readonly byDate = new Map<string, HolidayEntry>();

  constructor(readonly calendar: HolidayCalendar) {
    for (const entry of calendar.entries) this.byDate.set(entry.date, entry);
  }

  entryOn(date: string): HolidayEntry | undefined {
    return this.byDate.get(date);
  }

  /** The holiday in force at this local time: a full day all day, a half day from its start minute. */
  holidayAt(local: LocalTime): HolidayEntry | undefined {
    const entry = this.byDate.get(local.date);
    if (entry === undefined) return undefined;
    if (entry.kind === 'half' && local.minuteOfDay < this.calendar.halfDayStartMinute) return undefined;
    return entry;
  }
}

/** Problems with a calendar document, as readable strings; empty when it is valid. */
export function holidayCalendarProblems(calendar: HolidayCalendar): string[] {
  const problems: string[] = [];
  if (!Number.isSafeInteger(calendar.utcOffsetMinutes) || Math.abs(calendar.utcOffsetMinutes) > 14 * 60) {
    problems.push('calendar.utcOffsetMinutes must be an integer within +/-840');
  }
  const halfStart = calendar.halfDayStartMinute;
  if (!Number.isSafeInteger(halfStart) || halfStart < 0 || halfStart >= minutesPerDay) {
    problems.push('calendar.halfDayStartMinute must be a minute of the day');
  }
  if (calendar.entries.length > holidayEntriesMax) problems.push(`calendar has more than ${holidayEntriesMax} entries`);
  const seen = new Set<string>();
  for (const entry of calendar.entries) {
    if (!isCalendarDate(entry.date)) problems.push(`calendar date ${JSON.stringify(entry.date)} is not YYYY-MM-DD`);
    if (entry.kind !== 'full' && entry.kind !== 'half') problems.push(`calendar ${entry.date}: kind must be full or half`);
    if (seen.has(entry.date)) problems.push(`calendar date ${entry.date} appears twice`);
    seen.add(entry.date);
  }
  return problems;
}

function isCalendarDate(text: string): boolean {
  const match = datePattern.exec(text);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
