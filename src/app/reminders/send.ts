/**
 * Sending the reminders that are due: for the weeks around `now`, read who has sent what
 * (weekStatus), plan the due stages (src/domain/reminders.ts), compose each mail with the unit's
 * pre-filled template, queue it under its key and deliver it.
 *
 * Exactly once: every reminder is one logical mail with the key reminder:<week>:<unit>:<stage>.
 * the outbox stores it once whoever calls and sends it only after winning the
 * database claim on that key. So the job running twice, a retried job, or two workers running
 * the same stage at the same moment send one mail. The queue guarantees none of that.
 *
 * Hazard: a reminder that could not be sent at once (SMTP 4xx) stays queued and is retried
 * later (by the outbound queue or the sweeper). By then the unit may have sent its sheet;
 * `reminderStillDue` tells whether a queued reminder should still go out.
 */
import { randomUUID } from 'node:crypto';
import type { Schedule } from '../../config/schedule';
import { weekContaining } from '../../domain/calendar';
import { parseMailKey } from '../../domain/mail-key';
import { planReminders, type Plan, type PlannedReminder } from '../../domain/reminders';
import { addDays } from '../../domain/week';
import { weekStatus } from '../../domain/week-status';
import type { SendOutcome } from '../ports/outbox';
import type { WeekReads } from '../ports/week-reads';
import { composeReminderMail } from './compose-mail';
import type { PreviewDeps, ReminderDeps } from './deps';

export type { PreviewDeps, ReminderDeps };

export type ReminderOutcome = SendOutcome | 'missing' | 'dry_run';

export interface ReminderReport {
  key: string;
  week: string;
  unitId: string;
  stage: string;
  tone: string;
  /** When the stage was due (ISO, UTC). */
  dueAt: string;
  to: string[];
  cc: string[];
  subject: string;
  outcome: ReminderOutcome;
}

export interface SendRemindersOptions {
  /** Weeks to look at (default: the week of `now`, the one before and the one after). */
  weeks?: readonly string[];
  /** Plan and compose only: nothing is stored or sent. */
  dryRun?: boolean;
}

export interface SendRemindersResult {
  plans: Plan[];
  reminders: ReminderReport[];
}

/**
 * The weeks whose ladder may be running at `now`. A deadline can move into the next calendar
 * week (next_working_day over a long holiday) or into the previous one (previous_working_day),
 * and an escalation comes a day or more after the deadline: three weeks cover every case.
 */
export function weeksAround(now: Date, schedule: Schedule): string[] {
  const here = weekContaining(now, schedule);
  return [addDays(here, -7), here, addDays(here, 7)];
}

function reportOf(r: PlannedReminder): ReminderReport {
  return {
    key: r.key,
    week: r.week,
    unitId: r.unit.id,
    stage: r.stage.stage.id,
    tone: r.stage.tone,
    dueAt: r.stage.at.toISOString(),
    to: r.recipients.to.map((a) => a.address),
    cc: r.recipients.cc.map((a) => a.address),
    subject: '',
    outcome: 'dry_run',
  };
}

/** The reminders that would go out at `now`, composed but neither stored nor sent. */
export async function previewReminders(
  deps: PreviewDeps,
  now: Date,
  options: Pick<SendRemindersOptions, 'weeks'> = {},
): Promise<SendRemindersResult> {
  const plans: Plan[] = [];
  const reminders: ReminderReport[] = [];
  for (const week of options.weeks ?? weeksAround(now, deps.schedule)) {
    const plan = await planWeek(deps.reads, deps.schedule, week, now);
    plans.push(plan);
    for (const r of plan.due) {
      const report = reportOf(r);
      report.subject = (await composeReminderMail(deps, plan, r, now)).subject;
      reminders.push(report);
    }
  }
  return { plans, reminders };
}

/** Plans, composes, queues and sends every reminder due at `now`. */
export async function sendDueReminders(
  deps: ReminderDeps,
  now: Date,
  options: SendRemindersOptions = {},
): Promise<SendRemindersResult> {
  if (options.dryRun) return previewReminders(deps, now, options);
  const { reads, schedule, logger } = deps;
  const outbox = deps.outboxAt(now);
  const plans: Plan[] = [];
  const reminders: ReminderReport[] = [];
  for (const week of options.weeks ?? weeksAround(now, schedule)) {
    const plan = await planWeek(reads, schedule, week, now);
    plans.push(plan);
    for (const held of plan.held) {
      logger.warn({ ...held, week }, 'reminder not sent: its audiences resolve to nobody');
    }
    for (const r of plan.due) {
      const report = reportOf(r);
      reminders.push(report);
      // A mail queued by an earlier run (or a racing worker) is delivered as it was composed.
      const queued = await outbox.summary(r.key);
      if (queued) {
        report.subject = queued.subject;
      } else {
        const mail = await composeReminderMail(deps, plan, r, now);
        report.subject = mail.subject;
        await outbox.queue(mail);
      }
      const claimedBy = `${deps.workerName}:reminder:${randomUUID().slice(0, 8)}`;
      const outcome = await outbox.deliver(r.key, claimedBy);
      report.outcome = outcome;
      if (outcome === 'retry' && deps.enqueueOutbound) await deps.enqueueOutbound(r.key);
      logger.info(
        { mailKey: r.key, unit: r.unit.id, stage: r.stage.stage.id, week, outcome },
        'reminder handled',
      );
    }
  }
  return { plans, reminders };
}

/** The week's plan at `now`, from the database. */
export async function planWeek(
  reads: WeekReads,
  schedule: Schedule,
  week: string,
  now: Date,
): Promise<Plan> {
  const facts = await reads.submissionFacts(week);
  const units = weekStatus(
    schedule,
    week,
    facts,
    await reads.digestSentAt(week),
    await reads.unitsWithOpenItems(week),
  );
  const sent = await reads.remindersSent(week);
  return planReminders({ schedule, week, now, units, sent });
}

/**
 * Whether a queued reminder should still go out at `now`: its unit still has no usable sheet,
 * and its stage is still the current one of the week (within a day of its moment). For the
 * outbound path, which may retry a reminder hours later.
 */
export async function reminderStillDue(
  reads: WeekReads,
  schedule: Schedule,
  key: string,
  now: Date,
): Promise<boolean> {
  const parsed = parseMailKey(key);
  if (parsed?.kind !== 'reminder') return false;
  const { week } = parsed;
  const facts = await reads.submissionFacts(week);
  const units = weekStatus(
    schedule,
    week,
    facts,
    await reads.digestSentAt(week),
    await reads.unitsWithOpenItems(week),
  );
  const plan = planReminders({ schedule, week, now, units, sent: [] });
  return plan.due.some((r) => r.key === key);
}
