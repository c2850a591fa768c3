/**
 * Sending the reminders that are due: for the weeks around `now`, read who has sent what
 * (weekStatus), plan the due stages (src/domain/reminders.ts), compose each mail with the unit's
 * pre-filled template, queue it under its key and deliver it.
 *
 * Exactly once: every reminder is one logical mail with the key reminder:<week>:<unit>:<stage>.
 * enqueueComposed stores it once whoever calls; deliverQueued sends it only after winning the
 * database claim on that key. So the job running twice, a retried job, or two workers running
 * the same stage at the same moment send one mail. The queue guarantees none of that.
 *
 * Hazard: a reminder that could not be sent at once (SMTP 4xx) stays queued and is retried
 * later (by the outbound queue or the sweeper). By then the unit may have sent its sheet;
 * `reminderStillDue` tells whether a queued reminder should still go out.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  writeTemplate,
  type PreviousAnswers,
  type PreviousProject,
} from '../adapters/excel/template';
import { mailAddress, type OutgoingMail, type SendOutcome } from '../adapters/mail/send';
import type { MailTransport } from '../adapters/mail/transport';
import {
  currentSubmission,
  digestSentAt,
  remindersSent,
  submissionContent,
  weekSubmissionFacts,
  type Db,
} from '../adapters/storage';
import type { Schedule } from '../config/schedule';
import { weekContaining } from '../domain/calendar';
import {
  attachesTemplate,
  composeReminder,
  planReminders,
  projectsOfUnit,
  type Plan,
  type PlannedReminder,
  type RejectedVersion,
} from '../domain/reminders';
import type { TargetStatus } from '../domain/sheet/parse';
import { parseMailKey } from '../domain/mail-key';
import { addDays } from '../domain/week';
import { isUsable, weekStatus } from '../domain/week-status';
import { deliverQueued, enqueueComposed, queuedMail } from './intake/outbox';
import type { Runtime } from './runtime';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface ReminderDeps {
  db: Db;
  schedule: Schedule;
  transport: MailTransport;
  logger: Logger;
  /** Automatic mails one address may get per day (reminders are auto-generated: not capped). */
  dailyCap: number;
  /** The From address of automatic mails (MAIL_FROM, else the programme mailbox). */
  from: string;
  /** This process, for claims ("host:pid"). */
  workerName: string;
  /** Hands a mail that met a temporary failure to the outbound queue (retried with backoff). */
  enqueueOutbound?: (mailKey: string) => Promise<void>;
}

/**
 * Deps from the running service. Read again for every job: the schedule comes through
 * runtime.intakeDeps(), so a reloaded schedule applies from the next job on.
 */
export function reminderDeps(
  runtime: Runtime,
  enqueueOutbound?: (mailKey: string) => Promise<void>,
): ReminderDeps {
  const intake = runtime.intakeDeps();
  const deliver = runtime.deliverDeps();
  return {
    db: intake.db,
    schedule: intake.schedule,
    transport: deliver.transport,
    logger: intake.logger,
    dailyCap: deliver.dailyCap,
    from: intake.settings.from,
    workerName: runtime.workerName,
    ...(enqueueOutbound ? { enqueueOutbound } : {}),
  };
}

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

/** What the preview needs: no transport, nothing is stored. */
export type PreviewDeps = Pick<ReminderDeps, 'db' | 'schedule' | 'from'>;

/** The reminders that would go out at `now`, composed but neither stored nor sent. */
export async function previewReminders(
  deps: PreviewDeps,
  now: Date,
  options: Pick<SendRemindersOptions, 'weeks'> = {},
): Promise<SendRemindersResult> {
  const plans: Plan[] = [];
  const reminders: ReminderReport[] = [];
  for (const week of options.weeks ?? weeksAround(now, deps.schedule)) {
    const plan = await planWeek(deps.db, deps.schedule, week, now);
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
  const { db, schedule, logger } = deps;
  const plans: Plan[] = [];
  const reminders: ReminderReport[] = [];
  for (const week of options.weeks ?? weeksAround(now, schedule)) {
    const plan = await planWeek(db, schedule, week, now);
    plans.push(plan);
    for (const held of plan.held) {
      logger.warn({ ...held, week }, 'reminder not sent: its audiences resolve to nobody');
    }
    for (const r of plan.due) {
      const report = reportOf(r);
      reminders.push(report);
      // A mail queued by an earlier run (or a racing worker) is delivered as it was composed.
      const queued = await queuedMail(db, r.key);
      if (queued) {
        report.subject = queued.subject;
      } else {
        const mail = await composeReminderMail(deps, plan, r, now);
        report.subject = mail.subject;
        await enqueueComposed(db, mail, now, logger);
      }
      const claimedBy = `${deps.workerName}:reminder:${randomUUID().slice(0, 8)}`;
      const outcome = await deliverQueued(
        { db, transport: deps.transport, logger, dailyCap: deps.dailyCap, now: () => now },
        r.key,
        claimedBy,
      );
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
export async function planWeek(db: Db, schedule: Schedule, week: string, now: Date): Promise<Plan> {
  const facts = await weekSubmissionFacts(db, week);
  const units = weekStatus(schedule, week, facts, await digestSentAt(db, week));
  const sent = await remindersSent(db, week);
  return planReminders({ schedule, week, now, units, sent });
}

/**
 * Whether a queued reminder should still go out at `now`: its unit still has no usable sheet,
 * and its stage is still the current one of the week (within a day of its moment). For the
 * outbound path, which may retry a reminder hours later.
 */
export async function reminderStillDue(
  db: Db,
  schedule: Schedule,
  key: string,
  now: Date,
): Promise<boolean> {
  const parsed = parseMailKey(key);
  if (parsed?.kind !== 'reminder') return false;
  const { week } = parsed;
  const facts = await weekSubmissionFacts(db, week);
  const units = weekStatus(schedule, week, facts, await digestSentAt(db, week));
  const plan = planReminders({ schedule, week, now, units, sent: [] });
  return plan.due.some((r) => r.key === key);
}

async function composeReminderMail(
  deps: PreviewDeps,
  plan: Plan,
  r: PlannedReminder,
  now: Date,
): Promise<OutgoingMail> {
  const { db, schedule } = deps;
  const sent = await remindersSent(db, r.week);
  const withTemplate = attachesTemplate(r.stage.stage);
  const previous = withTemplate ? await loadPreviousAnswers(db, schedule, r.unit.id, r.week) : null;
  const templateFile = withTemplate ? `问题清单-${r.unit.id}-${r.week}.xlsx` : null;
  const composed = composeReminder(r, {
    schedule,
    now,
    ladder: plan.ladder,
    sentStages: sent.filter((s) => s.unitId === r.unit.id).map((s) => s.stage),
    rejected: r.state === 'invalid' ? await rejectedVersions(db, r.week, r.unit.id) : [],
    templateFile,
    previousWeek: previous?.week ?? null,
  });
  const attachments = templateFile
    ? [
        {
          filename: templateFile,
          contentType: XLSX_TYPE,
          content: await writeTemplate({
            schedule,
            unitId: r.unit.id,
            week: r.week,
            statusColumn: true,
            previous,
          }),
        },
      ]
    : [];
  return {
    key: r.key,
    kind: 'reminder',
    autoSubmitted: 'auto-generated',
    from: mailAddress(deps.from, schedule.programme.signature),
    to: r.recipients.to.map((a) => ({ name: a.name, address: a.address })),
    cc: r.recipients.cc.map((a) => ({ name: a.name, address: a.address })),
    subject: composed.subject,
    text: composed.text,
    html: composed.html,
    inReplyTo: null,
    references: [],
    attachments,
    unitId: r.unit.id,
    reportingWeek: r.week,
  };
}

/**
 * The unit's unusable versions of the week with their error codes, oldest first. (A direct
 * read of submissions.issues_json: weekSubmissionFacts carries no issues.)
 */
export async function rejectedVersions(
  db: Db,
  week: string,
  unitId: string,
): Promise<RejectedVersion[]> {
  const rows = await db.kysely
    .selectFrom('submissions')
    .select(['arrived_at', 'status', 'issues_json'])
    .where('reporting_week', '=', week)
    .where('unit_id', '=', unitId)
    .orderBy('arrived_at')
    .orderBy('id')
    .execute();
  return rows
    .filter((row) => !isUsable(row.status))
    .map((row) => {
      let codes: string[] = [];
      try {
        const issues = JSON.parse(row.issues_json) as Array<{ code?: unknown; severity?: unknown }>;
        const errors = issues.filter((i) => i.severity === 'error');
        codes = (errors.length ? errors : issues)
          .map((i) => i.code)
          .filter((c): c is string => typeof c === 'string');
      } catch {
        codes = [];
      }
      return { at: new Date(row.arrived_at), codes };
    });
}

const STATUSES: ReadonlySet<string> = new Set<TargetStatus>(['done', 'in_progress', 'not_started']);

/**
 * Last week's answers for a unit's template: for each project it leads, the project block of
 * the unit's current (latest usable) sheet of the previous week, or else of a co-lead unit's.
 * Null when there is none.
 */
export async function loadPreviousAnswers(
  db: Db,
  schedule: Schedule,
  unitId: string,
  week: string,
): Promise<PreviousAnswers | null> {
  const previousWeek = addDays(week, -7);
  const projects = projectsOfUnit(schedule, unitId);
  const candidates = [unitId, ...new Set(projects.flatMap((p) => p.leadUnits))].filter(
    (u, i, all) => all.indexOf(u) === i,
  );
  const contents = new Map<string, Awaited<ReturnType<typeof submissionContent>>>();
  for (const candidate of candidates) {
    const current = await currentSubmission(db, candidate, previousWeek);
    if (current && isUsable(current.status)) {
      contents.set(candidate, await submissionContent(db, current.id));
    }
  }
  const answers: PreviousProject[] = [];
  for (const project of projects) {
    const block = candidates
      .filter((u) => u === unitId || project.leadUnits.includes(u))
      .map((u) => contents.get(u)?.find((p) => p.project_id === project.id))
      .find((b) => b !== undefined);
    if (!block) continue;
    answers.push({
      projectId: project.id,
      problems: {
        approval: block.problems_approval,
        funding: block.problems_funding,
        land: block.problems_land,
        construction: block.problems_construction,
        community: block.problems_community,
      },
      uncategorizedProblems: block.uncategorized_problems,
      responsibleDepartments: parseStringList(block.responsible_departments_json),
      progress: block.progress,
      nextSteps: block.next_steps,
      targets: block.targets.map((t) => ({
        text: t.text,
        status: t.status !== null && STATUSES.has(t.status) ? (t.status as TargetStatus) : null,
      })),
    });
  }
  return answers.length ? { week: previousWeek, projects: answers } : null;
}

function parseStringList(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}
