/**
 * Where each expected unit (a lead unit, or one with an open agreed item) stands for a reporting
 * week: on time, late, missing, invalid (sent only something unusable), or not expected (outside
 * the programme's active period). Pure: the submissions of the week come in, states go out.
 *
 * Rules (documented in the README):
 * - A unit is judged by its first usable sheet of the week: on time if that one arrived by the
 *   deadline, late otherwise (a later correction does not make an on-time unit late, and a late
 *   unit stays late). `submissionId` and `submittedAt` name the current (latest usable) version.
 * - A project with two lead units is reported by either: a unit all of whose projects were
 *   reported by a co-lead unit takes that unit's state (and is not reminded).
 * - A unit that sent only unusable files is invalid; one that sent nothing is missing. An invalid
 *   unit's `unusable` says why (the first error code of its last unusable version, e.g.
 *   CLOUD_LINK: it sent only a large-attachment link) and lists the links it sent: "received,
 *   not usable", never "not sent".
 */
import type { Schedule, Unit } from '../config/schedule';
import { deadlineOf } from './calendar';
import type { CloudLinkFact } from './intake/cloud-link-issue';

export type UnitState = 'on_time' | 'late' | 'missing' | 'invalid' | 'not_expected';

export interface SubmissionFact {
  id: number;
  unitId: string;
  arrivedAt: Date;
  /** 'accepted' | 'accepted_with_warnings' | 'rejected' */
  status: string;
  late: boolean;
  isCurrent: boolean;
  /** Schedule project ids the sheet reported. */
  projectIds: string[];
  /** For an unusable version: its first error code (errors.ts), e.g. 'CLOUD_LINK'. */
  reason?: string | null;
  /** Cloud-attachment links the version's mail carried instead of the file. */
  cloudLinks?: readonly CloudLinkFact[];
}

/** What an invalid unit sent this week that could not be used. */
export interface UnusableFacts {
  /** The first error code of the last unusable version (null when it recorded none). */
  reason: string | null;
  /** Every cloud-attachment link of the week's unusable versions, in arrival order. */
  cloudLinks: CloudLinkFact[];
}

export interface UnitWeekStatus {
  unit: string;
  state: UnitState;
  /** When the current usable version arrived (or the last unusable one, for invalid). */
  submittedAt: Date | null;
  submissionId: number | null;
  /** The co-lead unit whose sheet covered this unit's projects, if that is why it is not missing. */
  coveredBy: string | null;
  /** Late and after the week's digest went out. */
  afterDigest: boolean;
  /** Set for an invalid unit: why its mail could not be used, and the links it sent. */
  unusable?: UnusableFacts;
}

function unusableOf(rejected: readonly SubmissionFact[]): UnusableFacts {
  const last = rejected[rejected.length - 1];
  const seen = new Set<string>();
  const cloudLinks: CloudLinkFact[] = [];
  for (const f of rejected) {
    for (const l of f.cloudLinks ?? []) {
      if (seen.has(l.url)) continue;
      seen.add(l.url);
      cloudLinks.push(l);
    }
  }
  return { reason: last?.reason ?? null, cloudLinks };
}

export function isUsable(status: string): boolean {
  return status === 'accepted' || status === 'accepted_with_warnings';
}

/** Units that lead at least one project: the ones expected to send a sheet. */
export function leadUnits(schedule: Pick<Schedule, 'units' | 'projects'>): Unit[] {
  const leading = new Set(schedule.projects.flatMap((p) => p.leadUnits));
  return schedule.units.filter((u) => leading.has(u.id));
}

/**
 * The units expected to send a sheet for a week: the lead units and the units with an open
 * agreed item that week (`itemUnits`), in the schedule's order.
 */
export function expectedUnits(
  schedule: Pick<Schedule, 'units' | 'projects'>,
  itemUnits: readonly string[] = [],
): Unit[] {
  const expected = new Set([...schedule.projects.flatMap((p) => p.leadUnits), ...itemUnits]);
  return schedule.units.filter((u) => expected.has(u.id));
}

/** Whether the week's sheets are expected at all (its deadline inside the active period). */
export function isExpectedWeek(week: string, schedule: Schedule): boolean {
  const { activeFrom, activeTo } = schedule.programme;
  const day = deadlineOf(week, schedule).date;
  return day >= activeFrom && (activeTo === null || day <= activeTo);
}

export function weekStatus(
  schedule: Schedule,
  week: string,
  facts: readonly SubmissionFact[],
  digestSentAt: Date | null,
  /**
   * Units that are not lead units but had an open agreed item during the week
   * (DecisionStore.unitsWithOpenItems): they are expected to send the sheet's section
   * 议定事项落实情况 that week too, and are judged (and reminded) like a lead unit.
   */
  itemUnits: readonly string[] = [],
): UnitWeekStatus[] {
  const expected = isExpectedWeek(week, schedule);
  const own = (
    unitId: string,
  ): {
    first: SubmissionFact | null;
    current: SubmissionFact | null;
    lastRejected: SubmissionFact | null;
    rejected: SubmissionFact[];
  } => {
    const mine = facts
      .filter((f) => f.unitId === unitId)
      .sort((a, b) => a.arrivedAt.getTime() - b.arrivedAt.getTime());
    const usable = mine.filter((f) => isUsable(f.status));
    const rejected = mine.filter((f) => !isUsable(f.status));
    return {
      first: usable[0] ?? null,
      current: usable.find((f) => f.isCurrent) ?? usable[usable.length - 1] ?? null,
      lastRejected: rejected[rejected.length - 1] ?? null,
      rejected,
    };
  };
  const judged = (
    unit: string,
    first: SubmissionFact,
    current: SubmissionFact,
    coveredBy: string | null,
  ): UnitWeekStatus => ({
    unit,
    state: first.late ? 'late' : 'on_time',
    submittedAt: current.arrivedAt,
    submissionId: current.id,
    coveredBy,
    afterDigest:
      first.late && digestSentAt !== null && first.arrivedAt.getTime() > digestSentAt.getTime(),
  });

  return expectedUnits(schedule, itemUnits).map((unit) => {
    const blank: UnitWeekStatus = {
      unit: unit.id,
      state: 'missing',
      submittedAt: null,
      submissionId: null,
      coveredBy: null,
      afterDigest: false,
    };
    if (!expected) return { ...blank, state: 'not_expected' };
    const mine = own(unit.id);
    if (mine.first && mine.current) return judged(unit.id, mine.first, mine.current, null);
    // Every project of this unit reported by a co-lead unit's usable sheet?
    const projects = schedule.projects.filter((p) => p.leadUnits.includes(unit.id));
    for (const other of new Set(
      projects.flatMap((p) => p.leadUnits).filter((u) => u !== unit.id),
    )) {
      const theirs = own(other);
      if (!theirs.first || !theirs.current) continue;
      const covered = projects.every((p) =>
        facts.some((f) => f.unitId === other && isUsable(f.status) && f.projectIds.includes(p.id)),
      );
      if (covered) return judged(unit.id, theirs.first, theirs.current, other);
    }
    if (mine.lastRejected) {
      return {
        ...blank,
        state: 'invalid',
        submittedAt: mine.lastRejected.arrivedAt,
        submissionId: mine.lastRejected.id,
        unusable: unusableOf(mine.rejected),
      };
    }
    return blank;
  });
}
