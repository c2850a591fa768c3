/**
 * The week board (/weeks/<monday>): the week's deadline as moved by holidays and each lead unit's
 * state, as `duban status` reads them (the week reads, weekStatus) and as the digest words them
 * (submission lines), with the reminders and escalations sent and the sheet's file.
 */
import type { Schedule } from '../../config/schedule';
import { deadlineOf } from '../../domain/calendar';
import { stateDetails, stateLabel, type Tone } from '../../domain/digest/format';
import { submissionLines } from '../../domain/digest/submissions';
import { providerZh, type CloudLinkFact } from '../../domain/intake/cloud-link-issue';
import { addDays } from '../../domain/week';
import { weekStatus, type UnitState } from '../../domain/week-status';
import { formatDateZh, weekLabelZh } from '../../domain/zh/dates';
import { dateTimeZh } from '../../domain/zh/times';
import type { BoardReads, SheetFile } from '../ports/board-reads';
import { stagesSent, type StageSent } from './reminder-stages';

export interface BoardUnitRow {
  unitId: string;
  unitName: string;
  state: UnitState;
  stateLabel: string;
  tone: Tone;
  /** "2021年3月15日（星期一）10:00": when its (current) sheet came, or null. */
  submittedAt: string | null;
  /** The digest's detail lines (who covered it, reminders, projects and leaders when missing). */
  details: string[];
  reminders: StageSent[];
  /** For an invalid unit: the error code, and the links its mail carried (not fetched). */
  reason: string | null;
  cloudLinks: Array<CloudLinkFact & { providerLabel: string }>;
  submissionId: number | null;
  file: SheetFile | null;
}

export interface WeekBoardView {
  week: string;
  /** "2021年3月15日当周" */
  weekLabel: string;
  previousWeek: string;
  nextWeek: string;
  deadline: {
    /** "2021年3月15日（星期一）18:00" */
    label: string;
    shifted: boolean;
    /** The nominal day when a holiday moved it: "2021年4月5日". */
    nominalLabel: string;
    passed: boolean;
  };
  digestSentAt: string | null;
  units: BoardUnitRow[];
}

export async function weekBoard(
  reads: BoardReads,
  schedule: Schedule,
  week: string,
  now: Date,
): Promise<WeekBoardView> {
  const [facts, sent, digestSent, currentWeeks, itemUnits] = await Promise.all([
    reads.submissionFacts(week),
    reads.remindersSent(week),
    reads.digestSentAt(week),
    reads.currentSheets([week]),
    reads.unitsWithOpenItems(week),
  ]);
  const statuses = weekStatus(schedule, week, facts, digestSent, itemUnits);
  const files = await reads.sheetFiles(
    statuses.flatMap((s) => (s.submissionId === null ? [] : [s.submissionId])),
  );
  return buildWeekBoard({
    schedule,
    week,
    now,
    statuses,
    reminders: sent,
    digestSentAt: digestSent,
    current: currentWeeks[0]?.sheets ?? [],
    files,
  });
}

/** Pure: the board from the week's facts. */
export function buildWeekBoard(input: {
  schedule: Schedule;
  week: string;
  now: Date;
  statuses: ReturnType<typeof weekStatus>;
  reminders: ReadonlyArray<{ unitId: string; stage: string }>;
  digestSentAt: Date | null;
  current: Parameters<typeof submissionLines>[0]['current'];
  files: ReadonlyMap<number, SheetFile>;
}): WeekBoardView {
  const { schedule, week, now, statuses } = input;
  const tz = schedule.programme.timezone;
  const deadline = deadlineOf(week, schedule);
  const passed = now.getTime() > deadline.at.getTime();
  const lines = submissionLines(
    { schedule, week, current: input.current, reminders: input.reminders },
    statuses,
    passed,
  );
  const units = statuses.map((s, i): BoardUnitRow => {
    const line = lines[i];
    const label = line ? stateLabel(line) : { label: s.state, tone: 'muted' as Tone };
    const stages = input.reminders.filter((r) => r.unitId === s.unit).map((r) => r.stage);
    return {
      unitId: s.unit,
      unitName: line?.unitName ?? s.unit,
      state: s.state,
      stateLabel: label.label,
      tone: label.tone,
      submittedAt: s.submittedAt ? dateTimeZh(s.submittedAt, tz) : null,
      // The arrival has its own column; the digest's pointer to its section 5 means nothing here.
      details: line
        ? stateDetails(line).filter((d) => !d.endsWith('收到') && !d.includes('第五部分'))
        : [],
      reminders: stagesSent(schedule, stages),
      reason: s.unusable?.reason ?? null,
      cloudLinks: (s.unusable?.cloudLinks ?? []).map((l) => ({
        ...l,
        providerLabel: providerZh(l.provider),
      })),
      submissionId: s.submissionId,
      file: s.submissionId === null ? null : (input.files.get(s.submissionId) ?? null),
    };
  });
  return {
    week,
    weekLabel: weekLabelZh(week),
    previousWeek: addDays(week, -7),
    nextWeek: addDays(week, 7),
    deadline: {
      label: dateTimeZh(deadline.at, tz),
      shifted: deadline.shifted,
      nominalLabel: formatDateZh(deadline.nominalDate),
      passed,
    },
    digestSentAt: input.digestSentAt ? dateTimeZh(input.digestSentAt, tz) : null,
    units,
  };
}
