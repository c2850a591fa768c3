/**
 * The departments page (/departments): a week's open problems by responsible department across
 * projects, as the digest's by-department section lists them (one department however it is
 * spelt, the busiest first), with the digest's marks.
 */
import type { Schedule } from '../../config/schedule';
import { deadlineOf, weekContaining } from '../../domain/calendar';
import { lookbackWeeks, STUCK_WEEKS } from '../../domain/digest';
import { departmentLists } from '../../domain/decisions/mails/departments';
import { departmentSections } from '../../domain/digest/departments';
import { byProject, markLabel, markTone, type Tone } from '../../domain/digest/format';
import { projectSections } from '../../domain/digest/projects';
import { addDays } from '../../domain/week';
import { weekLabelZh } from '../../domain/zh/dates';
import type { WeekReports } from '../../domain/digest';
import type { BoardReads } from '../ports/board-reads';

export interface DepartmentView {
  name: string;
  itemCount: number;
  projects: Array<{
    projectId: string | null;
    projectName: string;
    items: Array<{ label: string; text: string; markLabel: string; tone: Tone }>;
  }>;
}

export interface DepartmentsPageView {
  week: string;
  weekLabel: string;
  previousWeek: string;
  nextWeek: string;
  departments: DepartmentView[];
  /** 问题责任部门 as written that match no unit of the schedule (the office adds them or aliases). */
  unmatched: string[];
}

/** The week shown by default: the latest whose deadline has passed. */
export function latestClosedWeek(schedule: Schedule, now: Date): string {
  const week = weekContaining(now, schedule);
  return now.getTime() > deadlineOf(week, schedule).at.getTime() ? week : addDays(week, -7);
}

export async function departmentsPage(
  reads: BoardReads,
  schedule: Schedule,
  week: string,
): Promise<DepartmentsPageView> {
  const [current, ...previous] = await reads.currentSheets([week, ...lookbackWeeks(week)]);
  return buildDepartmentsPage(schedule, week, current?.sheets ?? [], previous);
}

/** Pure: the page from the week's sheets and the earlier weeks' (newest first). */
export function buildDepartmentsPage(
  schedule: Schedule,
  week: string,
  current: WeekReports['sheets'],
  previous: readonly WeekReports[],
): DepartmentsPageView {
  const input = { schedule, week, current, previous };
  const projects = projectSections(input);
  const departments = departmentSections(input, projects);
  const { unmatched } = departmentLists(input, projects);
  return {
    unmatched,
    week,
    weekLabel: weekLabelZh(week),
    previousWeek: addDays(week, -7),
    nextWeek: addDays(week, 7),
    departments: departments.map((d) => ({
      name: d.name,
      itemCount: d.items.length,
      projects: byProject(d.items).map((g) => ({
        projectId: schedule.projects[g.projectSeq - 1]?.id ?? null,
        projectName: g.projectName,
        items: g.items.map((i) => ({
          label: i.label,
          text: i.text,
          markLabel: markLabel(i),
          tone: markTone(i, STUCK_WEEKS),
        })),
      })),
    })),
  };
}
