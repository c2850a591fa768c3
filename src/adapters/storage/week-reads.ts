/**
 * Reads of a reporting week for the status, the reminders and the digest: the storage side of
 * the WeekReads port (src/app/ports/week-reads.ts). `StorageWeekReads` answers the port over a
 * Db; the functions stay exported for the health and admin commands.
 */
import type { DigestEditionRecord, SentReminder, WeekReads } from '../../app/ports/week-reads';
import type {
  QuarantinedFact,
  ReportedProject,
  ReportedSheet,
  SheetIssueFact,
  UnsentMailFact,
  WeekReports,
} from '../../domain/digest';
import type { RejectedVersion } from '../../domain/reminders';
import type { TargetStatus } from '../../domain/sheet/parse';
import { isUsable, type SubmissionFact } from '../../domain/week-status';
import { digestKeyPrefix } from '../../domain/mail-key';
import { cloudLinksOf } from '../../domain/intake/cloud-link-issue';
import { parseJson, parseStringList, toTimestamp } from './codecs';
import type { Db } from './connection';
import { StorageDecisionStore } from './decision-store';
import { digestMails, remindersSent } from './outgoing-mails';
import { quarantinedMessages, unprocessedMessages, unusableUnitMessages } from './raw-messages';
import { countsAsReceived, type UnusableMessageFact } from '../../domain/unusable-message';
import type { SubmissionRow } from './schema';
import { submissionsContent, type SubmissionProjectContent } from './submission-content';

/** When the week's digest was sent (its first version), if it was. */
export async function digestSentAt(db: Db, week: string): Promise<Date | null> {
  const row = await db.kysely
    .selectFrom('outgoing_mails')
    .select('sent_at')
    .where('kind', '=', 'digest')
    .where('reporting_week', '=', week)
    .where('status', '=', 'sent')
    .orderBy('sent_at')
    .executeTakeFirst();
  return row?.sent_at ? new Date(row.sent_at) : null;
}

/** Every version of every unit's sheet for a week: the port's SubmissionFact, as stored. */
export type WeekSubmissionFact = SubmissionFact;

/** Every version of every unit's sheet for a week, with the schedule projects each reported. */
export async function weekSubmissionFacts(db: Db, week: string): Promise<WeekSubmissionFact[]> {
  const rows = await db.kysely
    .selectFrom('submissions')
    .select(['id', 'unit_id', 'arrived_at', 'status', 'late', 'is_current', 'issues_json'])
    .where('reporting_week', '=', week)
    .orderBy('id')
    .execute();
  if (rows.length === 0) return [];
  const projects = await db.kysely
    .selectFrom('submission_projects')
    .select(['submission_id', 'project_id'])
    .where(
      'submission_id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
  const bySubmission = new Map<number, string[]>();
  for (const p of projects) {
    if (!p.project_id) continue;
    const list = bySubmission.get(p.submission_id);
    if (list) list.push(p.project_id);
    else bySubmission.set(p.submission_id, [p.project_id]);
  }
  return rows.map((r) => ({
    id: r.id,
    unitId: r.unit_id,
    arrivedAt: new Date(r.arrived_at),
    status: r.status,
    late: r.late === 1,
    isCurrent: r.is_current === 1,
    projectIds: bySubmission.get(r.id) ?? [],
    ...(isUsable(r.status) ? {} : unusableFacts(r.issues_json)),
  }));
}

/** An unusable version's reason (its first error code) and the cloud links it recorded. */
export function unusableFacts(
  issuesJson: string | null,
): Pick<SubmissionFact, 'reason' | 'cloudLinks'> {
  const parsed = parseJson<unknown>(issuesJson, []);
  const issues = Array.isArray(parsed) ? (parsed as unknown[]) : [];
  const codes = errorCodesFirst(issues);
  return { reason: codes[0] ?? null, cloudLinks: cloudLinksOf(issues) };
}

/** The error codes of stored issues when there are errors, else every code (order kept). */
function errorCodesFirst(issues: readonly unknown[]): string[] {
  const list = issues as Array<{ code?: unknown; severity?: unknown } | null>;
  const errors = list.filter((i) => i?.severity === 'error');
  return (errors.length ? errors : list)
    .map((i) => i?.code)
    .filter((c): c is string => typeof c === 'string');
}

const STATUSES: readonly string[] = ['done', 'in_progress', 'not_started'];

type SheetRow = Pick<
  SubmissionRow,
  'id' | 'unit_id' | 'reporting_week' | 'arrived_at' | 'status' | 'issues_json'
>;

/** The given sheets with their content (projects and targets in sheet order). */
async function sheetsWithContent(
  db: Db,
  usable: readonly SheetRow[],
): Promise<Array<ReportedSheet & { week: string }>> {
  const content = await submissionsContent(
    db,
    usable.map((s) => s.id),
  );
  return usable.map((s) => ({
    week: s.reporting_week,
    submissionId: s.id,
    unitId: s.unit_id,
    arrivedAt: new Date(s.arrived_at),
    status: s.status,
    issues: sheetIssues(s.issues_json),
    projects: (content.get(s.id) ?? []).map(reportedProject),
  }));
}

/** A stored project block (with its targets) as the digest reads it. */
export function reportedProject(p: SubmissionProjectContent): ReportedProject {
  return {
    projectId: p.project_id,
    nameAsWritten: p.name_as_written,
    leadUnits: parseStringList(p.lead_units_json),
    problems: {
      approval: p.problems_approval,
      funding: p.problems_funding,
      land: p.problems_land,
      construction: p.problems_construction,
      community: p.problems_community,
    },
    uncategorizedProblems: p.uncategorized_problems,
    responsibleDepartments: parseStringList(p.responsible_departments_json),
    progress: p.progress,
    nextSteps: p.next_steps,
    targets: p.targets.map((t) => ({
      text: t.text,
      due: t.due,
      dueText: t.due_text,
      status: t.status && STATUSES.includes(t.status) ? (t.status as TargetStatus) : null,
    })),
  };
}

/** A stored issues_json as the issues found (code, cell, message). */
export function sheetIssues(issuesJson: string | null): SheetIssueFact[] {
  return parseJson<unknown[]>(issuesJson, []).flatMap((i) => {
    const o = (i ?? {}) as Record<string, unknown>;
    return typeof o.code === 'string' && typeof o.message === 'string'
      ? [
          {
            severity: typeof o.severity === 'string' ? o.severity : 'warning',
            code: o.code,
            cell: typeof o.cell === 'string' ? o.cell : null,
            message: o.message,
          },
        ]
      : [];
  });
}

/** The current usable sheets of each week, with their content. */
export async function weekReports(db: Db, weeks: readonly string[]): Promise<WeekReports[]> {
  if (weeks.length === 0) return [];
  const subs = await db.kysely
    .selectFrom('submissions')
    .select(['id', 'unit_id', 'reporting_week', 'arrived_at', 'status', 'issues_json'])
    .where('reporting_week', 'in', [...weeks])
    .where('is_current', '=', 1)
    .orderBy('id')
    .execute();
  const sheets = await sheetsWithContent(
    db,
    subs.filter((s) => isUsable(s.status)),
  );
  return weeks.map((week) => ({
    week,
    sheets: sheets.filter((s) => s.week === week).map(({ week: _w, ...sheet }) => sheet),
  }));
}

/** The unit's current sheet of the week with its content; null when it has no usable one. */
export async function currentSheetOf(
  db: Db,
  unitId: string,
  week: string,
): Promise<ReportedSheet | null> {
  const current = await db.kysely
    .selectFrom('submissions')
    .select(['id', 'unit_id', 'reporting_week', 'arrived_at', 'status', 'issues_json'])
    .where('unit_id', '=', unitId)
    .where('reporting_week', '=', week)
    .where('is_current', '=', 1)
    .executeTakeFirst();
  if (!current || !isUsable(current.status)) return null;
  const [sheet] = await sheetsWithContent(db, [current]);
  if (!sheet) return null;
  const { week: _w, ...rest } = sheet;
  return rest;
}

/** The unit's unusable versions of the week with their error codes, oldest first. */
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
      const parsed = parseJson<unknown>(row.issues_json, []);
      const issues = Array.isArray(parsed) ? (parsed as unknown[]) : [];
      // The error codes when there are errors, else every code (most important first).
      const links = cloudLinksOf(issues);
      return {
        at: new Date(row.arrived_at),
        codes: errorCodesFirst(issues),
        ...(links.length > 0 ? { cloudLinks: links } : {}),
      };
    });
}

function addressesOf(recipientsJson: string): string[] {
  const r = parseJson<Record<string, unknown>>(recipientsJson, {});
  const rcpt = Array.isArray(r.rcpt)
    ? r.rcpt.filter((v): v is string => typeof v === 'string')
    : [];
  if (rcpt.length > 0) return rcpt;
  const to = Array.isArray(r.to) ? r.to : [];
  return to.flatMap((a: unknown) =>
    typeof a === 'string'
      ? [a]
      : a && typeof (a as { address?: unknown }).address === 'string'
        ? [(a as { address: string }).address]
        : [],
  );
}

/** Mails failed or waiting to retry, of the week or created since `since`, up to `upTo`. */
export async function unsentMailFacts(
  db: Db,
  week: string,
  since: Date,
  upTo: Date,
): Promise<UnsentMailFact[]> {
  const rows = await db.kysely
    .selectFrom('outgoing_mails')
    .select(['kind', 'recipients_json', 'subject', 'status', 'error', 'updated_at'])
    .where('status', 'in', ['failed', 'retrying'])
    .where((eb) =>
      eb.or([eb('reporting_week', '=', week), eb('created_at', '>=', toTimestamp(since))]),
    )
    .where('created_at', '<=', toTimestamp(upTo))
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    kind: r.kind,
    to: addressesOf(r.recipients_json),
    subject: r.subject,
    status:
      r.status === 'retrying'
        ? 'retrying'
        : (r.error ?? '').startsWith('MAIL_CAPPED')
          ? 'capped'
          : 'failed',
    error: r.error,
    at: new Date(r.updated_at),
  }));
}

/** The WeekReads port over a database. */
export class StorageWeekReads implements WeekReads {
  constructor(private readonly db: Db) {}

  submissionFacts(week: string): Promise<SubmissionFact[]> {
    return weekSubmissionFacts(this.db, week);
  }

  digestSentAt(week: string): Promise<Date | null> {
    return digestSentAt(this.db, week);
  }

  remindersSent(week: string): Promise<SentReminder[]> {
    return remindersSent(this.db, week);
  }

  unitsWithOpenItems(week: string): Promise<string[]> {
    return new StorageDecisionStore(this.db).unitsWithOpenItems(week);
  }

  digestEditions(week: string): Promise<DigestEditionRecord[]> {
    return digestMails(this.db, digestKeyPrefix(week));
  }

  currentSheets(weeks: readonly string[]): Promise<WeekReports[]> {
    return weekReports(this.db, weeks);
  }

  currentSheetOf(unitId: string, week: string): Promise<ReportedSheet | null> {
    return currentSheetOf(this.db, unitId, week);
  }

  rejectedVersions(week: string, unitId: string): Promise<RejectedVersion[]> {
    return rejectedVersions(this.db, week, unitId);
  }

  async unusableMessagesOf(week: string): Promise<UnusableMessageFact[]> {
    return (await unusableUnitMessages(this.db, week)).map((m) => ({
      rawMessageId: m.id,
      unitId: m.unit_id ?? '',
      week,
      receivedAt: new Date(m.internal_date ?? m.received_at),
      fromAddress: m.from_address,
      subject: m.subject,
      outcome: m.outcome ?? '',
      reason: m.outcome_reason,
      countsAsReceived: countsAsReceived(m.outcome_reason),
    }));
  }

  async heldMessages(upTo: Date): Promise<QuarantinedFact[]> {
    return (await quarantinedMessages(this.db))
      .filter((q) => q.received_at <= toTimestamp(upTo))
      .map((q) => ({
        receivedAt: new Date(q.internal_date ?? q.received_at),
        from: q.from_address,
        subject: q.subject,
        reason: q.outcome_reason,
      }));
  }

  async unprocessedCount(before: Date): Promise<number> {
    return (await unprocessedMessages(this.db, before)).length;
  }

  unsentMails(week: string, since: Date, upTo: Date): Promise<UnsentMailFact[]> {
    return unsentMailFacts(this.db, week, since, upTo);
  }
}
