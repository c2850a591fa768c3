/**
 * Instants as every mail and the digest write them (formal zh-CN): "2021年3月15日（星期一）18:00",
 * "3月15日 10:02", "18:00". Read in the programme's time zone (calendar.ts, wallClock), never in
 * the server's.
 */
import { wallClock } from '../calendar';
import { formatDateZh, formatMonthDayZh, weekdayZh } from './dates';

/** "18:00": the wall-clock time of an instant in the zone, to the minute. */
export function timeZh(at: Date, tz: string): string {
  return wallClock(at, tz).time.slice(0, 5);
}

/** "2021年3月15日": the calendar date of an instant in the zone (a mail's signature date). */
export function dateOfZh(at: Date, tz: string): string {
  return formatDateZh(wallClock(at, tz).date);
}

/** "2021年3月15日（星期一）18:00" in the zone. */
export function dateTimeZh(at: Date, tz: string): string {
  const { date, time } = wallClock(at, tz);
  return `${formatDateZh(date)}（${weekdayZh(date)}）${time.slice(0, 5)}`;
}

/** "3月15日 10:02", with the year when it is not `referenceYear` ("2021"): for lists of arrivals. */
export function shortDateTimeZh(at: Date, tz: string, referenceYear: string): string {
  const { date, time } = wallClock(at, tz);
  const day = date.slice(0, 4) === referenceYear ? formatMonthDayZh(date) : formatDateZh(date);
  return `${day} ${time.slice(0, 5)}`;
}
