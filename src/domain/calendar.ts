/**
 * The programme's calendar: working days (weekends, public holidays, make-up working days 调休),
 * each week's deadline, and which reporting week a sheet answers. Pure: instants come in and go
 * out as Date values; wall-clock dates and times are read in the programme's IANA time zone,
 * whatever the server's TZ.
 *
 * Time-zone care: a wall time is converted to an instant through the zone's offset *at that
 * instant* (found by asking Intl), never by adding hours to a UTC date, so a zone with DST would
 * still be right. China has no DST today, but the office's server may run in UTC or elsewhere.
 */
import type { Schedule, Weekday } from '../config/schedule';
import { addDays } from './week';

const WEEKDAY_INDEX: Record<Weekday, number> = {
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
  sunday: 0,
};

export type CalendarView = Pick<Schedule, 'calendar' | 'cycle' | 'programme'>;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** The wall-clock date and time of an instant in a zone. */
export function wallClock(instant: Date, tz: string): { date: string; time: string } {
  const parts: Record<string, string> = {};
  for (const p of formatter(tz).formatToParts(instant)) parts[p.type] = p.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}:${parts.second}`,
  };
}

/** Offset of the zone from UTC at an instant, in milliseconds. */
function offsetAt(instant: number, tz: string): number {
  const { date, time } = wallClock(new Date(instant), tz);
  const asUtc = Date.parse(`${date}T${time}Z`);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** An instant as ISO-8601 with the zone's offset: "2021-03-15T18:00:00+08:00". */
export function isoWithOffset(instant: Date, tz: string): string {
  const { date, time } = wallClock(instant, tz);
  const minutes = Math.round(offsetAt(instant.getTime(), tz) / 60_000);
  const abs = Math.abs(minutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${date}T${time}${minutes < 0 ? '-' : '+'}${hh}:${mm}`;
}

/** The instant at which the zone's clocks show `date` `time` ("HH:MM" or "HH:MM:SS"). */
export function zonedInstant(date: string, time: string, tz: string): Date {
  const wall = Date.parse(`${date}T${time.length === 5 ? `${time}:00` : time}Z`);
  // Two passes settle the offset around a DST change.
  let guess = wall - offsetAt(wall, tz);
  guess = wall - offsetAt(guess, tz);
  return new Date(guess);
}

/** ISO date's day of the week, 0 = Sunday. */
function dayOfWeek(iso: string): number {
  return new Date(`${iso}T00:00:00Z`).getUTCDay();
}

export interface CalendarFacts {
  holidays: ReadonlySet<string>;
  workdays: ReadonlySet<string>;
  years: ReadonlySet<number>;
}

const factsCache = new WeakMap<object, CalendarFacts>();

function facts(schedule: CalendarView): CalendarFacts {
  let f = factsCache.get(schedule.calendar);
  if (!f) {
    f = {
      holidays: new Set(schedule.calendar.years.flatMap((y) => y.holidays)),
      workdays: new Set(schedule.calendar.years.flatMap((y) => y.workdays)),
      years: new Set(schedule.calendar.years.map((y) => y.year)),
    };
    factsCache.set(schedule.calendar, f);
  }
  return f;
}

/** A working day: a weekday that is not a public holiday, or a make-up working day (调休). */
export function isWorkingDay(iso: string, schedule: CalendarView): boolean {
  const f = facts(schedule);
  if (f.workdays.has(iso)) return true;
  if (f.holidays.has(iso)) return false;
  const d = dayOfWeek(iso);
  return d !== 0 && d !== 6;
}

/** Whether the calendar lists holidays for a year (a missing year means weekends only). */
export function hasHolidayList(year: number, schedule: CalendarView): boolean {
  return facts(schedule).years.has(year);
}

/** The nth working day after `iso` (n ≥ 1), or `iso` itself when n = 0. */
export function addWorkingDays(iso: string, n: number, schedule: CalendarView): string {
  let day = iso;
  let left = n;
  while (left > 0) {
    day = addDays(day, 1);
    if (isWorkingDay(day, schedule)) left--;
  }
  return day;
}

/** The Monday (ISO date) of the week containing `iso`. */
export function mondayOf(iso: string): string {
  return addDays(iso, -((dayOfWeek(iso) + 6) % 7));
}

/** The reporting week (its Monday) containing an instant, in the programme's zone. */
export function weekContaining(instant: Date, schedule: CalendarView): string {
  return mondayOf(wallClock(instant, schedule.programme.timezone).date);
}

export interface Deadline {
  week: string;
  /** The deadline's nominal day (e.g. the week's Monday). */
  nominalDate: string;
  /** The day it falls on after the holiday rule. */
  date: string;
  at: Date;
  shifted: boolean;
}

/** Days from Monday to a weekday (Monday 0 … Sunday 6). */
function fromMonday(weekday: Weekday): number {
  return (WEEKDAY_INDEX[weekday] + 6) % 7;
}

/** The week's deadline: its nominal day moved by the holiday rule, at the deadline time. */
export function deadlineOf(week: string, schedule: CalendarView): Deadline {
  const { deadline, onHoliday } = schedule.cycle;
  const nominalDate = addDays(week, fromMonday(deadline.weekday));
  let date = nominalDate;
  if (onHoliday !== 'keep') {
    const step = onHoliday === 'next_working_day' ? 1 : -1;
    // Bounded: even the Spring Festival's week-long break ends well within 14 days.
    for (let i = 0; i < 14 && !isWorkingDay(date, schedule); i++) date = addDays(date, step);
  }
  return {
    week,
    nominalDate,
    date,
    at: zonedInstant(date, deadline.time, schedule.programme.timezone),
    shifted: date !== nominalDate,
  };
}

/**
 * When the week's digest is due. The one rule for digest times (the scheduler, `duban digest` and
 * the late window all read it):
 * - a week whose deadline kept its day: the digest weekday and time at or after the deadline;
 * - a week whose deadline a holiday moved: the digest time on the first working day after the
 *   moved deadline. Waiting for the digest weekday instead would put it on the *next* week's
 *   digest day (Qingming 2021: Tuesday 04-13), and the late window, which runs until the digest,
 *   would then file every Monday sheet of the next week under the week before.
 */
export function digestDueOf(week: string, schedule: CalendarView): Date {
  const d = deadlineOf(week, schedule);
  const { digest } = schedule.cycle;
  const tz = schedule.programme.timezone;
  if (d.shifted) {
    // Bounded like deadlineOf: no break is three weeks long.
    for (let i = 0, day = d.date; i < 21; i++, day = addDays(day, 1)) {
      if (!isWorkingDay(day, schedule)) continue;
      const at = zonedInstant(day, digest.time, tz);
      if (at.getTime() >= d.at.getTime()) return at;
    }
  }
  for (let i = 0; i < 8; i++) {
    const day = addDays(d.date, i);
    if (dayOfWeek(day) !== WEEKDAY_INDEX[digest.weekday]) continue;
    const at = zonedInstant(day, digest.time, tz);
    if (at.getTime() >= d.at.getTime()) return at;
  }
  return d.at;
}

/**
 * Until when a sheet arriving after the week's deadline may still count, late, for that week: the
 * end of the configured number of working days after the deadline day, or the moment that week's
 * digest went out (its due time while it has not), whichever is later. (reportingWeekOf also
 * never lets it take a sheet that can still be on time for the week it arrived in.)
 */
export function lateUntil(week: string, schedule: CalendarView, digestSentAt: Date | null): Date {
  const d = deadlineOf(week, schedule);
  const tz = schedule.programme.timezone;
  const lastDay = addWorkingDays(d.date, schedule.cycle.lateWindowWorkingDays, schedule);
  const windowEnd = zonedInstant(addDays(lastDay, 1), '00:00', tz).getTime() - 1;
  const digest = (digestSentAt ?? digestDueOf(week, schedule)).getTime();
  return new Date(Math.max(windowEnd, digest, d.at.getTime()));
}

export interface ReportingWeek {
  week: string;
  deadline: Date;
  late: boolean;
}

/**
 * The weeks a sheet arriving at `arrival` may answer. `byArrival` is what the arrival time alone
 * decides; `others` are the other readings when arrival alone is ambiguous (late for the week
 * just past or on time for another, or on time for two weeks when a holiday moved a deadline
 * into the next week). chooseReportingWeek settles it with the sheet's 填报时间.
 */
export interface ReportingCandidates {
  byArrival: ReportingWeek;
  others: ReportingWeek[];
}

/** The weeks whose digest time `reportingCandidates` may ask for (the arrival's and the one before). */
export function weeksBeforeArrival(arrival: Date, schedule: CalendarView): string[] {
  const here = weekContaining(arrival, schedule);
  return [addDays(here, -7), here];
}

/**
 * The rule (documented in the README, "The reporting week"):
 * - a sheet counts, on time, for the first deadline at or after its arrival;
 * - except that one arriving after a week's deadline and until `lateUntil` of that week (and
 *   not after the next week's deadline) counts, late, for that week;
 * - but the late window never takes a sheet that can still be on time for the calendar week it
 *   arrived in: that week, on time, is then what arrival alone decides.
 */
export function reportingCandidates(
  arrival: Date,
  schedule: CalendarView,
  digestSentAt: (week: string) => Date | null = () => null,
): ReportingCandidates {
  const t = arrival.getTime();
  const here = weekContaining(arrival, schedule);
  const deadline = (week: string): Date => deadlineOf(week, schedule).at;
  // A deadline may move into the next week or back into the previous one (holiday rule), so
  // look one week either side of the arrival's own week. The most recent passed deadline first:
  // a sheet is never late for two weeks.
  let late: ReportingWeek | null = null;
  for (const week of [here, addDays(here, -7)]) {
    const d = deadline(week);
    if (
      t > d.getTime() &&
      t <= lateUntil(week, schedule, digestSentAt(week)).getTime() &&
      t <= deadline(addDays(week, 7)).getTime()
    ) {
      late = { week, deadline: d, late: true };
      break;
    }
  }
  const onTime = (week: string): ReportingWeek => ({ week, deadline: deadline(week), late: false });
  const firstWeek =
    [addDays(here, -7), here, addDays(here, 7), addDays(here, 14)].find(
      (week) => deadline(week).getTime() >= t,
    ) ?? addDays(here, 21);
  const first = onTime(firstWeek);
  const open = [first];
  // The first deadline is the week before's, moved into this week by a holiday: the sheet may
  // also be its own week's, early.
  if (firstWeek < here && deadline(here).getTime() >= t) open.push(onTime(here));
  if (late && late.week === here) return { byArrival: late, others: open };
  // Late for the week before while its own week is still open: on time for its own week.
  return { byArrival: first, others: late ? [...open.slice(1), late] : open.slice(1) };
}

/**
 * Settles an ambiguous arrival by the sheet's 填报时间 (`filledOn`, an ISO date): the candidate
 * week whose calendar week contains it (the template writes the week's Monday; a unit writes the
 * day it fills the sheet). A 填报时间 missing, or naming none of the candidates (a copied
 * sheet's stale date), leaves the decision to the arrival time.
 */
export function chooseReportingWeek(
  candidates: ReportingCandidates,
  filledOn: string | null,
): ReportingWeek {
  if (filledOn === null || candidates.others.length === 0) return candidates.byArrival;
  const named = mondayOf(filledOn);
  if (candidates.byArrival.week === named) return candidates.byArrival;
  return candidates.others.find((c) => c.week === named) ?? candidates.byArrival;
}

/** The reporting week a sheet answers and whether it is late (see reportingCandidates). */
export function reportingWeekOf(
  arrival: Date,
  schedule: CalendarView,
  digestSentAt: (week: string) => Date | null = () => null,
  filledOn: string | null = null,
): ReportingWeek {
  return chooseReportingWeek(reportingCandidates(arrival, schedule, digestSentAt), filledOn);
}
