/**
 * Reads for the console's read-only pages: the storage side of the BoardReads port
 * (src/app/ports/board-reads.ts). The week's facts come from the week reads; what is added here
 * is a unit's versions with their content and files, the mails sent to a unit with their text,
 * and one project's reports across weeks.
 */
import type {
  BoardReads,
  SheetFile,
  UnitMailRecord,
  UnitVersionRecord,
} from '../../app/ports/board-reads';
import type { ReportedSheet, WeekReports } from '../../domain/digest';
import { isUsable } from '../../domain/week-status';
import { thawMail } from '../mail/outgoing-mail';
import { chunks, parseJson } from './codecs';
import type { Db } from './connection';
import { submissionsContent } from './submission-content';
import { reportedProject, sheetIssues, StorageWeekReads, unusableFacts } from './week-reads';

/**
 * The files the given submissions were read from, by submission id: the submission's own
 * attachment when it names one, else the attachment of its message that was read as the sheet.
 */
export async function sheetFiles(
  db: Db,
  submissionIds: readonly number[],
): Promise<Map<number, SheetFile>> {
  const out = new Map<number, SheetFile>();
  for (const ids of chunks(submissionIds, 1000)) {
    const rows = await db.kysely
      .selectFrom('submissions')
      .innerJoin('attachments', 'attachments.raw_message_id', 'submissions.raw_message_id')
      .select([
        'submissions.id as submission_id',
        'submissions.attachment_id',
        'attachments.id',
        'attachments.filename',
        'attachments.used',
      ])
      .where('submissions.id', 'in', ids)
      .orderBy('attachments.ordinal')
      .execute();
    for (const r of rows) {
      const named = r.attachment_id !== null;
      if (named ? r.attachment_id !== r.id : r.used !== 1) continue;
      if (!out.has(r.submission_id)) {
        out.set(r.submission_id, { attachmentId: r.id, filename: r.filename });
      }
    }
  }
  return out;
}

/** Every version of a unit's sheets in the given weeks, latest arrival first, with content. */
export async function unitVersions(
  db: Db,
  unitId: string,
  weeks: readonly string[],
): Promise<UnitVersionRecord[]> {
  if (weeks.length === 0) return [];
  const rows = await db.kysely
    .selectFrom('submissions')
    .select(['id', 'reporting_week', 'arrived_at', 'status', 'late', 'is_current', 'issues_json'])
    .where('unit_id', '=', unitId)
    .where('reporting_week', 'in', [...weeks])
    .orderBy('arrived_at', 'desc')
    .orderBy('raw_message_id', 'desc')
    .execute();
  const ids = rows.map((r) => r.id);
  const content = await submissionsContent(db, ids);
  const files = await sheetFiles(db, ids);
  return rows.map((r) => {
    const unusable = isUsable(r.status)
      ? { reason: null, cloudLinks: [] }
      : unusableFacts(r.issues_json);
    return {
      submissionId: r.id,
      week: r.reporting_week,
      arrivedAt: new Date(r.arrived_at),
      status: r.status,
      late: r.late === 1,
      isCurrent: r.is_current === 1,
      file: files.get(r.id) ?? null,
      issues: sheetIssues(r.issues_json),
      reason: unusable.reason ?? null,
      cloudLinks: [...(unusable.cloudLinks ?? [])],
      projects: (content.get(r.id) ?? []).map(reportedProject),
    };
  });
}

/** The addresses a stored mail was for (its envelope, else its To). */
function recipientsOf(recipientsJson: string): string[] {
  const r = parseJson<Record<string, unknown>>(recipientsJson, {});
  const list =
    Array.isArray(r.rcpt) && r.rcpt.length > 0 ? r.rcpt : Array.isArray(r.to) ? r.to : [];
  return list.flatMap((a: unknown) =>
    typeof a === 'string'
      ? [a]
      : a && typeof (a as { address?: unknown }).address === 'string'
        ? [(a as { address: string }).address]
        : [],
  );
}

/** The mails to a unit (receipts, correction requests, reminders), newest first, with their text. */
export async function mailsToUnit(
  db: Db,
  unitId: string,
  limit: number,
): Promise<UnitMailRecord[]> {
  const rows = await db.kysely
    .selectFrom('outgoing_mails')
    .select([
      'id',
      'mail_key',
      'kind',
      'subject',
      'status',
      'reporting_week',
      'created_at',
      'sent_at',
      'recipients_json',
      'eml',
    ])
    .where('unit_id', '=', unitId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return Promise.all(
    rows.map(async (r) => ({
      id: r.id,
      kind: r.kind,
      subject: r.subject,
      status: r.status,
      week: r.reporting_week,
      createdAt: new Date(r.created_at),
      sentAt: r.sent_at ? new Date(r.sent_at) : null,
      to: recipientsOf(r.recipients_json),
      text: r.eml ? (await thawMail(r.mail_key, r.kind, r.eml, 'auto-replied')).text : null,
    })),
  );
}

/**
 * The current usable sheets of each week that report the project, each with that project's
 * block only (three queries, whatever the number of weeks).
 */
export async function projectReports(
  db: Db,
  projectId: string,
  weeks: readonly string[],
): Promise<WeekReports[]> {
  if (weeks.length === 0) return [];
  const subs = await db.kysely
    .selectFrom('submissions')
    .innerJoin('submission_projects', 'submission_projects.submission_id', 'submissions.id')
    .select([
      'submissions.id',
      'submissions.unit_id',
      'submissions.reporting_week',
      'submissions.arrived_at',
      'submissions.status',
      'submissions.issues_json',
    ])
    .distinct()
    .where('submission_projects.project_id', '=', projectId)
    .where('submissions.reporting_week', 'in', [...weeks])
    .where('submissions.is_current', '=', 1)
    .orderBy('submissions.id')
    .execute();
  const usable = subs.filter((s) => isUsable(s.status));
  const content = await submissionsContent(
    db,
    usable.map((s) => s.id),
  );
  const sheets: Array<ReportedSheet & { week: string }> = usable.map((s) => ({
    week: s.reporting_week,
    submissionId: s.id,
    unitId: s.unit_id,
    arrivedAt: new Date(s.arrived_at),
    status: s.status,
    issues: sheetIssues(s.issues_json),
    projects: (content.get(s.id) ?? [])
      .filter((p) => p.project_id === projectId)
      .map(reportedProject),
  }));
  return weeks.map((week) => ({
    week,
    sheets: sheets.filter((s) => s.week === week).map(({ week: _w, ...sheet }) => sheet),
  }));
}

/** The BoardReads port over a database. */
export class StorageBoardReads extends StorageWeekReads implements BoardReads {
  constructor(private readonly database: Db) {
    super(database);
  }

  sheetFiles(submissionIds: readonly number[]): Promise<Map<number, SheetFile>> {
    return sheetFiles(this.database, submissionIds);
  }

  unitVersions(unitId: string, weeks: readonly string[]): Promise<UnitVersionRecord[]> {
    return unitVersions(this.database, unitId, weeks);
  }

  mailsToUnit(unitId: string, limit: number): Promise<UnitMailRecord[]> {
    return mailsToUnit(this.database, unitId, limit);
  }

  projectReports(projectId: string, weeks: readonly string[]): Promise<WeekReports[]> {
    return projectReports(this.database, projectId, weeks);
  }
}
