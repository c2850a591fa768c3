/** Section 1 of the digest: each lead unit's submission state, reminders and projects. */
import type { Schedule } from '../../config/schedule';
import { leaderTitle, projectsOfUnit, unitName } from '../programme';
import { linksOnlyZh } from '../intake/cloud-link-issue';
import { rejectionZh } from '../reminder/compose';
import type { UnitWeekStatus } from '../week-status';
import { shortDateTimeZh } from '../zh/times';
import type { DigestInput, SubmissionLine } from './types';

/** The audiences that make a reminder stage an escalation to the leadership (督办). */
const LEADERS = new Set(['responsible_leader', 'chief_convenor']);

export function submissionLines(
  input: Pick<DigestInput, 'schedule' | 'week' | 'current' | 'reminders'>,
  statuses: readonly UnitWeekStatus[],
  deadlinePassed: boolean,
): SubmissionLine[] {
  const { schedule, week } = input;
  const tz = schedule.programme.timezone;
  const year = week.slice(0, 4);
  const stageOrder = schedule.cycle.reminders.map((r) => r.id);
  return statuses.map((s) => {
    const projects = projectsOfUnit(schedule, s.unit);
    const sheet = input.current.find((c) => c.submissionId === s.submissionId);
    const stages = input.reminders.filter((r) => r.unitId === s.unit).map((r) => r.stage);
    const reminders = [...new Set(stages)].sort(
      (a, b) => rank(stageOrder, a) - rank(stageOrder, b) || a.localeCompare(b),
    );
    return {
      unitId: s.unit,
      unitName: unitName(schedule, s.unit),
      state: s.state,
      pending: s.state === 'missing' && !deadlinePassed,
      afterDigest: s.afterDigest,
      submittedAt: s.submittedAt ? shortDateTimeZh(s.submittedAt, tz, year) : null,
      coveredBy: s.coveredBy ? unitName(schedule, s.coveredBy) : null,
      reminders,
      escalated: escalated(schedule, reminders),
      projects: projects.map((p) => p.name),
      leaders: [...new Set(projects.map((p) => leaderTitle(schedule, p)))].filter((t) => t !== ''),
      warnings:
        s.coveredBy === null && sheet
          ? sheet.issues.filter((i) => i.severity === 'warning').length
          : 0,
      unusable: s.state === 'invalid' ? unusableZh(s) : null,
    };
  });
}

/** Why an invalid unit's mail could not be used, in a few words. */
function unusableZh(s: UnitWeekStatus): string {
  const links = s.unusable?.cloudLinks ?? [];
  const reason = s.unusable?.reason ?? null;
  if (reason === 'CLOUD_LINK' && links.length > 0) return linksOnlyZh(links);
  return rejectionZh(reason ? [reason] : []);
}

/** Whether a stage sent went to the responsible leader or the chief convenor. */
function escalated(schedule: Schedule, sent: readonly string[]): boolean {
  return schedule.cycle.reminders.some(
    (r) => sent.includes(r.id) && [...r.to, ...r.cc].some((a) => LEADERS.has(a)),
  );
}

function rank(order: readonly string[], id: string): number {
  const i = order.indexOf(id);
  return i < 0 ? order.length : i;
}
