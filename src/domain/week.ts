/**
 * Reporting weeks are named by the date of their nominal Monday (YYYY-MM-DD) everywhere.
 * Pure calendar arithmetic on ISO dates (no time zones involved).
 */
import { isValidDate } from './sheet/dates';

export type WeekCheck = { ok: true; week: string } | { ok: false; message: string };

/** Whether `text` is a calendar date that exists, written YYYY-MM-DD. */
export function isIsoDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  return m !== null && isValidDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Checks that `text` is an ISO date that is a Monday; explains what to write otherwise. */
export function checkWeek(text: string): WeekCheck {
  if (!isIsoDate(text)) {
    return { ok: false, message: `"${text}" is not a date in the form YYYY-MM-DD.` };
  }
  const day = new Date(`${text}T00:00:00Z`).getUTCDay();
  if (day !== 1) {
    const monday = addDays(text, -((day + 6) % 7));
    return {
      ok: false,
      message: `${text} is not a Monday; a reporting week is named by its Monday (${monday}).`,
    };
  }
  return { ok: true, week: text };
}

export function addDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

// The Chinese date forms have one home (zh/dates.ts); re-exported for older imports.
export { formatDateZh, formatMonthDayZh, weekdayZh } from './zh/dates';
