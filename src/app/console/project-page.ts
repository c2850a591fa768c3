/**
 * A project's page (/projects/<id>): its targets with the status reported week by week, each
 * problem category's text across the weeks with the digest's 新增 / 有变化 / 未变化 marks (the
 * digest's own comparison, run for each week as that week's digest saw it), the responsible
 * departments, progress and next steps.
 */
import type { Project, Schedule } from '../../config/schedule';
import { weekContaining } from '../../domain/calendar';
import {
  LOOKBACK_WEEKS,
  normalizeProblem,
  type ProblemKey,
  type ProblemMark,
} from '../../domain/digest';
import { markLabel, markTone, type Tone } from '../../domain/digest/format';
import { projectSections } from '../../domain/digest/projects';
import { PROBLEM_KEYS, problemLabel, reportOf } from '../../domain/digest/reports';
import { STUCK_WEEKS } from '../../domain/digest';
import { leaderTitle, projectById, unitName } from '../../domain/programme';
import { TARGET_STATUS_LABELS } from '../../domain/sheet/layout';
import { addDays } from '../../domain/week';
import { dueDateZh, weekLabelZh } from '../../domain/zh/dates';
import type { WeekReports } from '../../domain/digest';
import type { BoardReads } from '../ports/board-reads';

/** How many weeks a project's page shows. */
export const PROJECT_WEEKS = 12;

export interface ProjectWeekColumn {
  week: string;
  /** "3月15日当周" form: "2021年3月15日当周" */
  weekLabel: string;
  reported: boolean;
  reportedBy: string | null;
  submittedAt: string | null;
  departments: string[];
  progress: string | null;
  nextSteps: string | null;
}

export interface ProblemCell {
  week: string;
  weekLabel: string;
  text: string;
  mark: ProblemMark;
  /** "新增", "有变化", "未变化，连续3周" */
  markLabel: string;
  tone: Tone;
}

export interface ProjectPageView {
  projectId: string;
  name: string;
  leadUnits: Array<{ id: string; name: string }>;
  leader: string;
  /** The shown weeks, newest first. */
  weeks: ProjectWeekColumn[];
  /** Every target (the schedule's, then any other reported), its status per shown week. */
  targets: Array<{ text: string; dueLabel: string; statuses: Array<string | null> }>;
  /** Each problem category reported in the shown weeks, its text per week (newest first). */
  problems: Array<{ key: ProblemKey; label: string; cells: ProblemCell[] }>;
}

export async function projectPage(
  reads: BoardReads,
  schedule: Schedule,
  projectId: string,
  now: Date,
  /** The newest week shown (a Monday); default: the week of `now`. */
  endWeek?: string,
): Promise<ProjectPageView | null> {
  const project = projectById(schedule, projectId);
  if (!project) return null;
  const latest = endWeek ?? weekContaining(now, schedule);
  const all = Array.from({ length: PROJECT_WEEKS + LOOKBACK_WEEKS }, (_, i) =>
    addDays(latest, -7 * i),
  );
  const reports = await reads.projectReports(projectId, all);
  return buildProjectPage(schedule, project, reports);
}

/** Pure: the page from the project's reports of PROJECT_WEEKS + LOOKBACK_WEEKS weeks, newest first. */
export function buildProjectPage(
  schedule: Schedule,
  project: Project,
  reports: readonly WeekReports[],
): ProjectPageView {
  const only = { ...schedule, projects: [project] };
  const shown = reports.slice(0, PROJECT_WEEKS);
  const sections = shown.map((w, i) => {
    const [section] = projectSections({
      schedule: only,
      week: w.week,
      current: w.sheets,
      previous: reports.slice(i + 1, i + 1 + LOOKBACK_WEEKS),
    });
    return { week: w.week, section, report: reportOf(w.sheets, project) };
  });

  const weeks: ProjectWeekColumn[] = sections.map(({ week, section }) => ({
    week,
    weekLabel: weekLabelZh(week),
    reported: section?.reported ?? false,
    reportedBy: section?.reportedBy ?? null,
    submittedAt: section?.submittedAt ?? null,
    departments: section?.departments ?? [],
    progress: section?.progress ?? null,
    nextSteps: section?.nextSteps ?? null,
  }));

  const problems = PROBLEM_KEYS.flatMap((key) => {
    const cells: ProblemCell[] = sections.flatMap(({ week, section }) => {
      const item = section?.problems.find((p) => p.key === key);
      return item
        ? [
            {
              week,
              weekLabel: weekLabelZh(week),
              text: item.text,
              mark: item.mark,
              markLabel: markLabel(item),
              tone: markTone(item, STUCK_WEEKS),
            },
          ]
        : [];
    });
    return cells.length > 0 ? [{ key, label: problemLabel(key), cells }] : [];
  });

  // Targets: the schedule's first, then any other text reported; matched by normalised text,
  // else (same number of rows) by position, as the digest matches them.
  const rows: Array<{ key: string; text: string; dueLabel: string }> = project.targets.map((t) => ({
    key: normalizeProblem(t.text),
    text: t.text,
    dueLabel: dueDateZh(t.due, shown[0]?.week ?? t.due),
  }));
  for (const { report, week } of sections) {
    for (const t of report?.project.targets ?? []) {
      const k = normalizeProblem(t.text);
      if (rows.some((r) => r.key === k)) continue;
      if (report && report.project.targets.length === project.targets.length) continue;
      rows.push({
        key: k,
        text: t.text,
        dueLabel: t.due ? dueDateZh(t.due, week) : (t.dueText ?? ''),
      });
    }
  }
  const targets = rows.map((row, index) => ({
    text: row.text,
    dueLabel: row.dueLabel,
    statuses: sections.map(({ report }) => {
      const reported = report?.project.targets ?? [];
      const match =
        reported.find((t) => normalizeProblem(t.text) === row.key) ??
        (index < project.targets.length && reported.length === project.targets.length
          ? reported[index]
          : undefined);
      if (!report) return null;
      return match?.status ? TARGET_STATUS_LABELS[match.status] : match ? '未填' : null;
    }),
  }));

  return {
    projectId: project.id,
    name: project.name,
    leadUnits: project.leadUnits.map((id) => ({ id, name: unitName(schedule, id) })),
    leader: leaderTitle(schedule, project),
    weeks,
    targets,
    problems,
  };
}
