/**
 * Calendar-date helpers for the schedule: ISO dates ("2021-03-25") as plain strings, computed in
 * UTC so the machine's own timezone can never shift a day.
 */

import type { IsoDate, Weekday } from './schedule';

export const ISO_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export const WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const satisfies readonly Weekday[];

/** True for a well-formed date that exists on the calendar (rejects 2021-02-30, 2021-13-01). */
export function isRealIsoDate(text: string): boolean {
  const m = ISO_DATE_PATTERN.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 2021-02-30 over to 2021-03-02; a real date survives the round trip.
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

function toUtc(date: IsoDate): Date {
  return new Date(`${date}T00:00:00Z`);
}

function fromUtc(d: Date): IsoDate {
  return d.toISOString().slice(0, 10);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const d = toUtc(date);
  d.setUTCDate(d.getUTCDate() + days);
  return fromUtc(d);
}

/** The day of the week of a (real) ISO date. */
export function weekdayOf(date: IsoDate): Weekday {
  // getUTCDay: 0 = Sunday; WEEKDAYS starts on Monday.
  return WEEKDAYS[(toUtc(date).getUTCDay() + 6) % 7] as Weekday;
}

export function isWeekend(date: IsoDate): boolean {
  const day = weekdayOf(date);
  return day === 'saturday' || day === 'sunday';
}

/** Every date from `from` to `to`, both included (empty when `to` is before `from`). */
export function datesBetween(from: IsoDate, to: IsoDate): IsoDate[] {
  const out: IsoDate[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** Number of days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((toUtc(to).getTime() - toUtc(from).getTime()) / 86_400_000);
}
