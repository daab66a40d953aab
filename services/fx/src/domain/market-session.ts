// Which margin regime the clock is in. The order of the checks is the precedence: a holiday (or the
// afternoon of a half day) beats a weekend, a weekend beats the hours of the day.

import type { HolidayTable } from './holiday-calendar.ts';
import { localTimeOf } from './holiday-calendar.ts';

export type MarketSessionKind = 'business-hours' | 'out-of-hours' | 'weekend' | 'holiday';
export const marketSessionKinds: readonly MarketSessionKind[] = ['business-hours', 'out-of-hours', 'weekend', 'holiday'];

export interface BusinessHours {
  /** Local minute of the day the desk opens (09:00 = 540) and closes (18:00 = 1080, exclusive). */
  readonly openMinute: number;
  readonly closeMinute: number;
  /** Local weekdays the desk works, 0 = Sunday ... 6 = Saturday. */
  readonly weekdays: readonly number[];
}

export interface MarketSession {
  readonly kind: MarketSessionKind;
  readonly localDate: string;
  /** The holiday's name when kind is 'holiday'. */
  readonly holidayName: string | undefined;
}

export function classifyMarketSession(nowMs: number, hours: BusinessHours, holidays: HolidayTable): MarketSession {
  const local = localTimeOf(nowMs, holidays.calendar.utcOffsetMinutes);
  const holiday = holidays.holidayAt(local);
  if (holiday !== undefined) return { kind: 'holiday', localDate: local.date, holidayName: holiday.name };
  if (!hours.weekdays.includes(local.weekday)) return { kind: 'weekend', localDate: local.date, holidayName: undefined };
  const open = local.minuteOfDay >= hours.openMinute && local.minuteOfDay < hours.closeMinute;
  return { kind: open ? 'business-hours' : 'out-of-hours', localDate: local.date, holidayName: undefined };
}

export function businessHoursProblems(hours: BusinessHours): string[] {
  const problems: string[] = [];
  const minute = (value: number) => Number.isSafeInteger(value) && value >= 0 && value <= 1_440;
  if (!minute(hours.openMinute) || !minute(hours.closeMinute) || hours.openMinute >= hours.closeMinute) {
    problems.push('businessHours: openMinute < closeMinute, both minutes of the day');
  }
  if (hours.weekdays.length > 7 || hours.weekdays.some((day) => !Number.isSafeInteger(day) || day < 0 || day > 6)) {
    problems.push('businessHours.weekdays must be day numbers 0..6');
  }
  return problems;
}
