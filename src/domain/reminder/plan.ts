/** Which reminders are due at a moment of a week, and which are held for want of a recipient. */
import type { Project, Schedule, Unit } from '../../config/schedule';
import { reminderKey } from '../mail-key';
import { projectsOfUnit } from '../programme';
import type { CloudLinkFact } from '../intake/cloud-link-issue';
import type { UnitWeekStatus } from '../week-status';
import { reminderLadder, type Ladder, type StageMoment } from './ladder';
import { recipientsFor, type ReminderRecipients } from './recipients';

/** What a unit sent for the week that could not be used (for the escalation's account). */
export interface RejectedVersion {
  at: Date;
  /** Error codes of the version (errors.ts), most important first. */
  codes: string[];
  /** The cloud-attachment links its mail carried instead of the file (CLOUD_LINK). */
  cloudLinks?: CloudLinkFact[];
}

export interface PlannedReminder {
  /** reminder:<week>:<unit>:<stage>: one logical mail, sent at most once. */
  key: string;
  week: string;
  unit: Unit;
  /** The unit's projects (it leads them, alone or with a co-lead unit). */
  projects: Project[];
  state: 'missing' | 'invalid';
  stage: StageMoment;
  recipients: ReminderRecipients;
}

export interface HeldReminder {
  unitId: string;
  stage: string;
  /** no_recipient: every audience of the stage resolved to nobody (e.g. a unit without a head). */
  reason: 'no_recipient';
}

export interface PlanInput {
  schedule: Schedule;
  week: string;
  now: Date;
  /** weekStatus() of the week. */
  units: readonly UnitWeekStatus[];
  /** Stages already sent (remindersSent()). */
  sent: ReadonlyArray<{ unitId: string; stage: string }>;
}

export interface Plan {
  ladder: Ladder;
  due: PlannedReminder[];
  held: HeldReminder[];
}

const DAY_MS = 86_400_000;

/** The reminders due at `now` for one week (see the module comment for the rules). */
export function planReminders(input: PlanInput): Plan {
  const { schedule, week, now, units, sent } = input;
  const ladder = reminderLadder(week, schedule);
  const t = now.getTime();
  const live = ladder.stages.filter((s) => s.skipped === null);
  const reached = live.filter((s) => s.at.getTime() <= t);
  const latest = Math.max(...reached.map((s) => s.at.getTime()));
  // Every stage tied at the latest moment reached, while it is less than a day old.
  const current = reached.filter((s) => s.at.getTime() === latest && t < latest + DAY_MS);
  const due: PlannedReminder[] = [];
  const held: HeldReminder[] = [];
  if (current.length === 0) return { ladder, due, held };

  for (const status of units) {
    if (status.state !== 'missing' && status.state !== 'invalid') continue;
    const unit = schedule.units.find((u) => u.id === status.unit);
    if (!unit) continue;
    for (const stage of current) {
      if (sent.some((s) => s.unitId === unit.id && s.stage === stage.stage.id)) continue;
      const recipients = recipientsFor(stage.stage, unit, schedule);
      if (recipients.to.length === 0) {
        held.push({ unitId: unit.id, stage: stage.stage.id, reason: 'no_recipient' });
        continue;
      }
      due.push({
        key: reminderKey(week, unit.id, stage.stage.id),
        week,
        unit,
        projects: projectsOfUnit(schedule, unit.id),
        state: status.state,
        stage,
        recipients,
      });
    }
  }
  return { ladder, due, held };
}
