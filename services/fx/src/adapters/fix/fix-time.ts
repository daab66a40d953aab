// FIX UTCTimestamp (SendingTime 52, OrigSendingTime 122) and UTCDateOnly + UTCTimeOnly (MDEntryDate 272,
// MDEntryTime 273), parsed strictly into epoch milliseconds. Fractions finer than a millisecond (FIX 5
// allows micro- and nanoseconds) are truncated, never rounded up into the future.

const utcTimestampPattern = /^(\d{4})(\d{2})(\d{2})-(\d{2}):(\d{2}):(\d{2})(?:\.(\d{3}|\d{6}|\d{9}))?$/;
const utcDatePattern = /^(\d{4})(\d{2})(\d{2})$/;
const utcTimePattern = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{3}|\d{6}|\d{9}))?$/;

function epochMs(year: number, month: number, day: number, hour: number, minute: number, second: number,
  fraction: string | undefined): number | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  // FIX allows second 60 for a leap second; it is folded into the next second as UTC clocks do.
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const dayStartMs = Date.UTC(year, month - 1, day);
  const check = new Date(dayStartMs);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  const millisecond = fraction === undefined ? 0 : Number(fraction.slice(0, 3));
  return dayStartMs + ((hour * 60 + minute) * 60 + second) * 1000 + millisecond;
}

/** '20261122-05:59:00.779' -> epoch ms; undefined when the text is not a valid UTCTimestamp. */
export function parseFixUtcTimestamp(text: string | null | undefined): number | undefined {
  if (text === null || text === undefined) return undefined;
  const match = utcTimestampPattern.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second, fraction] = match;
  return epochMs(Number(year), Number(month), Number(day), Number(hour), Number(minute), Number(second), fraction);
}

/** MDEntryDate '20261122' + MDEntryTime '05:59:00.779' -> epoch ms. */
export function parseFixUtcDateAndTime(dateText: string | null | undefined, timeText: string | null | undefined): number | undefined {
  if (dateText === null || dateText === undefined || timeText === null || timeText === undefined) return undefined;
  const date = utcDatePattern.exec(dateText);
  const time = utcTimePattern.exec(timeText);
  if (date === null || time === null) return undefined;
  const [, year, month, day] = date;
  const [, hour, minute, second, fraction] = time;
  return epochMs(Number(year), Number(month), Number(day), Number(hour), Number(minute), Number(second), fraction);
}

/** Compact UTC label for references: 2026-11-22T05:59:00.779Z -> '20261122T055900.779Z'. */
export function compactUtcLabel(epochMsValue: number): string {
  return new Date(epochMsValue).toISOString().replace(/[-:]/g, '');
}
