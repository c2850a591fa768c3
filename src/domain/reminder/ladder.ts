/**
 * When each stage of the reminder ladder falls in a reporting week, and its tone (the rules are
 * in reminders.ts's module comment).
 */
import type { Audience, ReminderStage, Schedule } from '../../config/schedule';
import { deadlineOf, isWorkingDay, zonedInstant, type Deadline } from '../calendar';
import { addDays } from '../week';

export type StageTone = 'reminder' | 'overdue' | 'escalation';

/** A stage of the ladder placed in one reporting week. */
export interface StageMoment {
  stage: ReminderStage;
  week: string;
  /** The deadline day plus the stage's offset, before any move. */
  nominalDay: string;
  /** The day it goes out (a working day unless remindOnNonWorkingDays). */
  day: string;
  at: Date;
  /** True when moved off a non-working day. */
  moved: boolean;
  /** 'overtaken': moved past another stage of the ladder, so not sent this week. */
  skipped: 'overtaken' | null;
  tone: StageTone;
}

export interface Ladder {
  week: string;
  deadline: Deadline;
  /** In the schedule's order. */
  stages: StageMoment[];
}

const LEADER_AUDIENCES: ReadonlySet<Audience> = new Set([
  'responsible_leader',
  'chief_convenor',
  'convenors',
]);

type CalendarView = Pick<Schedule, 'calendar' | 'cycle' | 'programme'>;

/** `day` moved by `n` working days (n may be negative; 0 = `day` itself). */
export function shiftWorkingDays(day: string, n: number, schedule: CalendarView): string {
  let d = day;
  const step = n < 0 ? -1 : 1;
  for (let left = Math.abs(n); left > 0;) {
    d = addDays(d, step);
    if (isWorkingDay(d, schedule)) left--;
  }
  return d;
}

/** The nearest working day from `day` in a direction (`day` itself when it is one). */
function nearestWorkingDay(day: string, step: 1 | -1, schedule: CalendarView): string {
  let d = day;
  // Bounded: the longest break (Spring Festival) is well under three weeks.
  for (let i = 0; i < 21 && !isWorkingDay(d, schedule); i++) d = addDays(d, step);
  return d;
}

export function toneOf(stage: ReminderStage, at: Date, deadline: Deadline): StageTone {
  const toUnit = stage.to.includes('unit') || stage.to.includes('unit_head');
  const toLeader = stage.to.some((a) => LEADER_AUDIENCES.has(a));
  if (!toUnit || toLeader) return 'escalation';
  return at.getTime() < deadline.at.getTime() ? 'reminder' : 'overdue';
}

/** Where each stage of the ladder falls in a reporting week (see the module comment). */
export function reminderLadder(week: string, schedule: Schedule): Ladder {
  const deadline = deadlineOf(week, schedule);
  const tz = schedule.programme.timezone;
  const placed = schedule.cycle.reminders.map((stage) => {
    const nominalDay = stage.workingDays
      ? shiftWorkingDays(deadline.date, stage.offsetDays, schedule)
      : addDays(deadline.date, stage.offsetDays);
    const nominalAt = zonedInstant(nominalDay, stage.time, tz);
    let day = nominalDay;
    if (!schedule.calendar.remindOnNonWorkingDays && !isWorkingDay(day, schedule)) {
      day = nearestWorkingDay(day, nominalDay < deadline.date ? -1 : 1, schedule);
    }
    return { stage, nominalDay, nominalAt, day, at: zonedInstant(day, stage.time, tz) };
  });
  const stages = placed.map((p): StageMoment => {
    const moved = p.day !== p.nominalDay;
    const forward = p.day > p.nominalDay;
    const overtaken =
      moved &&
      placed.some((o) =>
        o === p
          ? false
          : forward
            ? o.nominalAt.getTime() > p.nominalAt.getTime() && o.at.getTime() <= p.at.getTime()
            : o.nominalAt.getTime() < p.nominalAt.getTime() && o.at.getTime() >= p.at.getTime(),
      );
    return {
      stage: p.stage,
      week,
      nominalDay: p.nominalDay,
      day: p.day,
      at: p.at,
      moved,
      skipped: overtaken ? 'overtaken' : null,
      tone: toneOf(p.stage, p.at, deadline),
    };
  });
  return { week, deadline, stages };
}
