/**
 * Dates and weekdays as every mail, digest and sheet writes them (formal zh-CN), one rule each:
 * "2021年3月15日", "3月15日", "星期一", "2021年3月15日当周". Calendar dates only (no zone, no
 * clock), so week.ts can share them; instants are in times.ts.
 */
import { inferYear } from '../sheet/dates';

const WEEKDAYS_ZH = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];

/** "2021年3月15日" */
export function formatDateZh(iso: string): string {
  return `${Number(iso.slice(0, 4))}年${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日`;
}

/** "3月15日" (the year left out, as the notice writes due dates). */
export function formatMonthDayZh(iso: string): string {
  return `${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日`;
}

/** "星期一" */
export function weekdayZh(iso: string): string {
  return WEEKDAYS_ZH[new Date(`${iso}T00:00:00Z`).getUTCDay()] ?? '';
}

/** "3月15日（星期一）" (the year left out). */
export function monthDayWeekdayZh(iso: string): string {
  return `${formatMonthDayZh(iso)}（${weekdayZh(iso)}）`;
}

/** A reporting week as people name it: "2021年3月15日当周". */
export function weekLabelZh(week: string): string {
  return `${formatDateZh(week)}当周`;
}

/**
 * A due date as the notice writes it ("3月25日"), with the year only when a reader would
 * otherwise take another one: a date without a year is read as the nearest to the sheet's week
 * (sheet/dates.ts, inferYear), so 2月25日 on an August sheet would become next February, and
 * 1月15日 on a December sheet is next January without saying so.
 */
export function dueDateZh(due: string, week: string): string {
  const month = Number(due.slice(5, 7));
  const day = Number(due.slice(8, 10));
  return inferYear(month, day, week) === Number(due.slice(0, 4))
    ? formatMonthDayZh(due)
    : formatDateZh(due);
}
