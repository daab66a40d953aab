// The seeded Turkish public-holiday calendar for 2026 and 2027. Religious holidays use the start
// dates the FX anchor verified (Ramazan Bayramı 20 Mar 2026 and 9 Mar 2027, Kurban Bayramı 27 May
// 2026 and 16 May 2027) with their lengths (3 and 4 days); the eve (arife) and 28 October are half
// days from 13:00. Decreed bridge days are not known in advance: operators add them through the
// admin API. When a national day falls inside a bayram, the date appears once with both names.

import type { HolidayCalendar, HolidayEntry } from './holiday-calendar.ts';

function full(date: string, name: string): HolidayEntry {
  return { date, kind: 'full', name };
}

function half(date: string, name: string): HolidayEntry {
  return { date, kind: 'half', name };
}

const ramazan = 'Ramazan Bayramı';
const kurban = 'Kurban Bayramı';

const entries2026: HolidayEntry[] = [
  full('2026-01-01', 'Yılbaşı'),
  half('2026-03-19', `${ramazan} arifesi`),
  full('2026-03-20', `${ramazan} 1. gün`),
  full('2026-03-21', `${ramazan} 2. gün`),
  full('2026-03-22', `${ramazan} 3. gün`),
  full('2026-04-23', 'Ulusal Egemenlik ve Çocuk Bayramı'),
  full('2026-05-01', 'Emek ve Dayanışma Günü'),
  full('2026-05-19', 'Atatürk\'ü Anma, Gençlik ve Spor Bayramı'),
  half('2026-05-26', `${kurban} arifesi`),
  full('2026-05-27', `${kurban} 1. gün`),
  full('2026-05-28', `${kurban} 2. gün`),
  full('2026-05-29', `${kurban} 3. gün`),
  full('2026-05-30', `${kurban} 4. gün`),
  full('2026-07-15', 'Demokrasi ve Millî Birlik Günü'),
  full('2026-08-30', 'Zafer Bayramı'),
  half('2026-10-28', 'Cumhuriyet Bayramı arifesi'),
  full('2026-10-29', 'Cumhuriyet Bayramı'),
];

const entries2027: HolidayEntry[] = [
  full('2027-01-01', 'Yılbaşı'),
  half('2027-03-08', `${ramazan} arifesi`),
  full('2027-03-09', `${ramazan} 1. gün`),
  full('2027-03-10', `${ramazan} 2. gün`),
  full('2027-03-11', `${ramazan} 3. gün`),
  full('2027-04-23', 'Ulusal Egemenlik ve Çocuk Bayramı'),
  full('2027-05-01', 'Emek ve Dayanışma Günü'),
  half('2027-05-15', `${kurban} arifesi`),
  full('2027-05-16', `${kurban} 1. gün`),
  full('2027-05-17', `${kurban} 2. gün`),
  full('2027-05-18', `${kurban} 3. gün`),
  full('2027-05-19', `${kurban} 4. gün; Atatürk'ü Anma, Gençlik ve Spor Bayramı`),
  full('2027-07-15', 'Demokrasi ve Millî Birlik Günü'),
  full('2027-08-30', 'Zafer Bayramı'),
  half('2027-10-28', 'Cumhuriyet Bayramı arifesi'),
  full('2027-10-29', 'Cumhuriyet Bayramı'),
];

export const turkishHolidayCalendar: HolidayCalendar = {
  calendarId: 'TR',
  utcOffsetMinutes: 180,
  halfDayStartMinute: 13 * 60,
  entries: [...entries2026, ...entries2027],
};
