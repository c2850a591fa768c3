/**
 * Section 2 of the digest: the schedule's targets overdue or due within DUE_SOON_DAYS of today
 * that the project's latest report does not mark done (完成情况: 已完成).
 */
import { leaderTitle } from '../programme';
import { dueDateZh } from '../zh/dates';
import { daysBetween, DUE_SOON_DAYS, normalizeProblem, reportsOf } from './reports';
import type { DigestInput, ReportedTarget, TargetLine } from './types';

export function targetLines(
  input: Pick<DigestInput, 'schedule' | 'week' | 'current' | 'previous'>,
  today: string,
): TargetLine[] {
  const { schedule, week } = input;
  const targets: TargetLine[] = [];
  schedule.projects.forEach((project, index) => {
    // The latest report decides whether a target is done.
    const latest = reportsOf([{ week, sheets: input.current }, ...input.previous], project)[0];
    project.targets.forEach((target, ti) => {
      const reported = latest
        ? matchTarget(latest.project.targets, target.text, ti, project.targets.length)
        : null;
      const status = reported?.status ?? null;
      if (status === 'done') return;
      const days = daysBetween(today, target.due);
      const kind = days < 0 ? 'overdue' : days <= DUE_SOON_DAYS ? 'due_soon' : null;
      if (kind === null) return;
      targets.push({
        projectSeq: index + 1,
        projectName: project.name,
        text: target.text,
        due: target.due,
        dueLabel: dueDateZh(target.due, week),
        kind,
        days: Math.abs(days),
        status,
        statusWeek: latest && latest.week !== week ? latest.week : null,
        leader: leaderTitle(schedule, project),
      });
    });
  });
  return targets.sort(
    (a, b) =>
      (a.kind === 'overdue' ? 0 : 1) - (b.kind === 'overdue' ? 0 : 1) ||
      a.due.localeCompare(b.due) ||
      a.projectSeq - b.projectSeq,
  );
}

/** Index of the reported target matching a schedule target: same text, else the same position. */
export function matchTarget(
  targets: readonly ReportedTarget[],
  text: string,
  index: number,
  scheduleCount: number,
): ReportedTarget | null {
  const key = normalizeProblem(text);
  const exact = targets.find((t) => normalizeProblem(t.text) === key);
  if (exact) return exact;
  const near = targets.filter((t) => {
    const k = normalizeProblem(t.text);
    return k !== '' && (k.includes(key) || key.includes(k));
  });
  if (near.length === 1 && near[0]) return near[0];
  if (targets.length === scheduleCount) return targets[index] ?? null;
  return null;
}
