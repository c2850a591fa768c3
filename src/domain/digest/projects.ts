/**
 * Sections 2 and 3 of the digest: every project's report of the week, its problems marked new,
 * changed or unchanged for n weeks, and its targets as the consolidated sheet prints them.
 */
import type { Project } from '../../config/schedule';
import { leaderTitle, unitLabel, unitName } from '../programme';
import { dueDateZh } from '../zh/dates';
import { shortDateTimeZh } from '../zh/times';
import {
  LOOKBACK_WEEKS,
  PROBLEM_KEYS,
  problemLabel,
  problemText,
  reportOf,
  reportsOf,
  sameText,
  weeksBetween,
  type WeekReport,
} from './reports';
import type {
  DigestInput,
  ProblemItem,
  ProblemKey,
  ProblemMark,
  ProjectSection,
  ProjectTargetRow,
} from './types';

type Facts = Pick<DigestInput, 'schedule' | 'week' | 'current' | 'previous'>;

export function projectSections(input: Facts): ProjectSection[] {
  return input.schedule.projects.map((project, index) => projectSection(input, project, index + 1));
}

function projectSection(input: Facts, project: Project, seq: number): ProjectSection {
  const { schedule, week } = input;
  const current = reportOf(input.current, project);
  const earlier = reportsOf(input.previous, project);
  const base = {
    seq,
    projectId: project.id,
    name: project.name,
    leadUnits: project.leadUnits.map((u) => unitName(schedule, u)),
    leadUnitLabels: project.leadUnits.map((u) => unitLabel(schedule, u)),
    leader: leaderTitle(schedule, project),
  };
  const scheduled = (): ProjectTargetRow[] =>
    project.targets.map((t) => ({ text: t.text, dueLabel: dueDateZh(t.due, week), status: null }));
  if (!current) {
    return {
      ...base,
      reported: false,
      reportedBy: null,
      submittedAt: null,
      lastReportedWeek: earlier[0]?.week ?? null,
      problems: [],
      cleared: [],
      departments: [],
      progress: null,
      nextSteps: null,
      targets: scheduled(),
    };
  }
  const p = current.project;
  const problems: ProblemItem[] = [];
  const cleared: Array<{ key: ProblemKey; label: string }> = [];
  for (const key of PROBLEM_KEYS) {
    const text = problemText(p, key);
    if (text === null) {
      const before = earlier[0] ? problemText(earlier[0].project, key) : null;
      if (before !== null) cleared.push({ key, label: problemLabel(key) });
      continue;
    }
    problems.push({ key, label: problemLabel(key), text, ...markOf(input, text, key, earlier) });
  }
  const targets: ProjectTargetRow[] =
    p.targets.length > 0
      ? p.targets.map((t) => ({
          text: t.text,
          dueLabel: t.due ? dueDateZh(t.due, week) : (t.dueText ?? ''),
          status: t.status,
        }))
      : scheduled();
  return {
    ...base,
    reported: true,
    reportedBy: unitName(schedule, current.sheet.unitId),
    submittedAt: shortDateTimeZh(
      current.sheet.arrivedAt,
      schedule.programme.timezone,
      week.slice(0, 4),
    ),
    lastReportedWeek: week,
    problems,
    cleared,
    departments: p.responsibleDepartments,
    progress: p.progress?.trim() || null,
    nextSteps: p.nextSteps?.trim() || null,
    targets,
  };
}

/** New, changed, or unchanged for how many weeks (the reports of earlier weeks, newest first). */
function markOf(
  input: Facts,
  text: string,
  key: ProblemKey,
  earlier: readonly WeekReport[],
): { mark: ProblemMark; weeks: number; atLeast: boolean } {
  const first = earlier[0];
  const before = first ? problemText(first.project, key) : null;
  if (!first || before === null) return { mark: 'new', weeks: 1, atLeast: false };
  if (!sameText(before, text)) return { mark: 'changed', weeks: 1, atLeast: false };
  let since = first.week;
  let unbroken = true;
  for (const e of earlier.slice(1)) {
    const t = problemText(e.project, key);
    if (t === null || !sameText(t, text)) {
      unbroken = false;
      break;
    }
    since = e.week;
  }
  const oldest = input.previous[input.previous.length - 1]?.week;
  return {
    mark: 'unchanged',
    weeks: weeksBetween(since, input.week) + 1,
    atLeast: unbroken && input.previous.length >= LOOKBACK_WEEKS && since === oldest,
  };
}
