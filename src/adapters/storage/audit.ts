/** The audit log: what happened, for the office's record. */
import type { Db } from './connection';
import { json, optionalIsoDate, toTimestamp } from './codecs';
import type { AuditLogRow, IsoDateText } from './schema';

export interface AuditEntry {
  /** Dotted name: 'submission.recorded', 'submission.superseded', 'mail.sent', … */
  event: string;
  /** 'system' (default), 'cli', … */
  actor?: string;
  rawMessageId?: number | null;
  submissionId?: number | null;
  mailId?: number | null;
  unitId?: string | null;
  reportingWeek?: IsoDateText | null;
  /** Stored as JSON; never put message bodies or attachment contents here. */
  details?: unknown;
  now?: Date;
}

function auditRow(entry: AuditEntry) {
  return {
    at: toTimestamp(entry.now ?? new Date()),
    actor: entry.actor ?? 'system',
    event: entry.event,
    raw_message_id: entry.rawMessageId ?? null,
    submission_id: entry.submissionId ?? null,
    mail_id: entry.mailId ?? null,
    unit_id: entry.unitId ?? null,
    reporting_week: optionalIsoDate(entry.reportingWeek, 'reportingWeek'),
    details_json: entry.details === undefined ? null : json(entry.details),
  };
}

export async function audit(db: Db, entry: AuditEntry): Promise<number> {
  const row = await db.kysely
    .insertInto('audit_log')
    .values(auditRow(entry))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Writes several entries in one statement (in the given order). */
export async function auditAll(db: Db, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.kysely.insertInto('audit_log').values(entries.map(auditRow)).execute();
}

export interface AuditQuery {
  event?: string;
  unitId?: string;
  reportingWeek?: IsoDateText;
  submissionId?: number;
  rawMessageId?: number;
}

/** Audit entries matching every given field, oldest first. */
export async function auditEntries(db: Db, query: AuditQuery = {}): Promise<AuditLogRow[]> {
  let q = db.kysely.selectFrom('audit_log').selectAll();
  if (query.event !== undefined) q = q.where('event', '=', query.event);
  if (query.unitId !== undefined) q = q.where('unit_id', '=', query.unitId);
  if (query.reportingWeek !== undefined) q = q.where('reporting_week', '=', query.reportingWeek);
  if (query.submissionId !== undefined) q = q.where('submission_id', '=', query.submissionId);
  if (query.rawMessageId !== undefined) q = q.where('raw_message_id', '=', query.rawMessageId);
  return q.orderBy('id').execute();
}
