/**
 * Several sheets in one mail for different weeks: this week's, and a correction of an earlier
 * week's (a unit that found a mistake in last week's sheet sends both). Each counts for the week
 * its own 填报时间 names. Pure.
 *
 * One sheet, or sheets that all name one week, change nothing: the arrival decides, settled by
 * 填报时间 only among the arrival's own candidates (calendar.ts, chooseReportingWeek), so a sheet
 * copied with last week's date still counts for this week. Only when the sheets of one mail name
 * different weeks is one of them taken as a correction of the earlier week it names: not later
 * than the mail's own week, at most CORRECTION_WEEKS_BACK weeks before it. A sheet naming no
 * week, or one outside that range, goes with the mail's own week.
 */
import {
  chooseReportingWeek,
  deadlineOf,
  mondayOf,
  type CalendarView,
  type ReportingCandidates,
  type ReportingWeek,
} from '../calendar';
import type { ReadSheet } from './reply/types';

export const CORRECTION_WEEKS_BACK = 8;

export interface WeekOfSheets {
  reporting: ReportingWeek;
  sheets: ReadSheet[];
}

const DAY_MS = 86_400_000;

/** The usable sheets grouped by the week each counts for; the mail's own week first. */
export function sheetsByWeek(
  usable: readonly ReadSheet[],
  candidates: ReportingCandidates,
  arrival: Date,
  schedule: CalendarView,
): WeekOfSheets[] {
  const first = usable[0];
  if (!first) return [];
  const own = chooseReportingWeek(candidates, first.parsed.filledOn);
  const named = (s: ReadSheet): string | null =>
    s.parsed.filledOn === null ? null : mondayOf(s.parsed.filledOn);
  const weeks = new Set(usable.map(named).filter((w): w is string => w !== null));
  if (weeks.size < 2) return [{ reporting: own, sheets: [...usable] }];

  // The mail's own week: the latest week any sheet names among the arrival's candidates, else
  // the arrival's choice for the first sheet.
  const candidateWeeks = [candidates.byArrival, ...candidates.others];
  const ownWeek =
    candidateWeeks.filter((c) => weeks.has(c.week)).sort((a, b) => (a.week < b.week ? 1 : -1))[0] ??
    own;
  const earliest = new Date(
    Date.parse(`${ownWeek.week}T00:00:00Z`) - CORRECTION_WEEKS_BACK * 7 * DAY_MS,
  )
    .toISOString()
    .slice(0, 10);
  const groups = new Map<string, WeekOfSheets>([
    [ownWeek.week, { reporting: ownWeek, sheets: [] }],
  ]);
  for (const s of usable) {
    const week = named(s);
    const correction = week !== null && week < ownWeek.week && week >= earliest;
    if (!correction) {
      groups.get(ownWeek.week)?.sheets.push(s);
      continue;
    }
    let group = groups.get(week);
    if (!group) {
      const deadline = deadlineOf(week, schedule).at;
      group = {
        reporting: { week, deadline, late: arrival.getTime() > deadline.getTime() },
        sheets: [],
      };
      groups.set(week, group);
    }
    group.sheets.push(s);
  }
  return [...groups.values()].filter((g) => g.sheets.length > 0);
}
