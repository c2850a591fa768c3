/**
 * Reporting weeks are named by the date of their nominal Monday (YYYY-MM-DD) everywhere.
 * Pure calendar arithmetic on ISO dates (no time zones involved).
 */
import { isValidDate } from './sheet/dates';

const WEEKDAYS_ZH = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];

export type WeekCheck = { ok: true; week: string } | { ok: false; message: string };

/** Checks that `text` is an ISO date that is a Monday; explains what to write otherwise. */
export function checkWeek(text: string): WeekCheck {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m || !isValidDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
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

/** "2021年3月15日" */
export function formatDateZh(iso: string): string {
  return `${Number(iso.slice(0, 4))}年${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日`;
}

/** "3月15日" (the year left out, as the notice writes due dates). */
export function formatMonthDayZh(iso: string): string {
  return `${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日`;
}

export function weekdayZh(iso: string): string {
  return WEEKDAYS_ZH[new Date(`${iso}T00:00:00Z`).getUTCDay()] ?? '';
}
