/** The AssessmentReads port over the database: outgoing_mails and the submissions' targets. */
import type { AssessmentReads } from '../../app/ports/assessment-reads';
import type { SentMailFact, TargetReportSheet } from '../../domain/assessment/compute';
import { isUsable } from '../../domain/week-status';
import { toTimestamp } from './codecs';
import type { Db } from './connection';
import { submissionsContent } from './submission-content';
import { reportedProject } from './week-reads';

/** Mails of these kinds sent to a unit in [since, before), oldest first. */
export async function sentUnitMails(
  db: Db,
  kinds: readonly string[],
  since: Date,
  before: Date,
): Promise<SentMailFact[]> {
  if (kinds.length === 0) return [];
  const rows = await db.kysely
    .selectFrom('outgoing_mails')
    .select(['kind', 'unit_id', 'mail_key', 'sent_at'])
    .where('kind', 'in', [...kinds])
    .where('status', '=', 'sent')
    .where('unit_id', 'is not', null)
    .where('sent_at', '>=', toTimestamp(since))
    .where('sent_at', '<', toTimestamp(before))
    .orderBy('sent_at')
    .orderBy('id')
    .execute();
  return rows.flatMap((r) =>
    r.unit_id && r.sent_at
      ? [{ kind: r.kind, unitId: r.unit_id, key: r.mail_key, sentAt: new Date(r.sent_at) }]
      : [],
  );
}

/** Every usable version that arrived before `before`, with its projects' targets. */
export async function targetReports(db: Db, before: Date): Promise<TargetReportSheet[]> {
  const rows = await db.kysely
    .selectFrom('submissions')
    .select(['id', 'unit_id', 'arrived_at', 'status'])
    .where('arrived_at', '<', toTimestamp(before))
    .orderBy('id')
    .execute();
  const usable = rows.filter((r) => isUsable(r.status));
  const content = await submissionsContent(
    db,
    usable.map((r) => r.id),
  );
  return usable.map((r) => ({
    unitId: r.unit_id,
    arrivedAt: new Date(r.arrived_at),
    projects: (content.get(r.id) ?? []).map((p) => {
      const reported = reportedProject(p);
      return { projectId: reported.projectId, targets: reported.targets };
    }),
  }));
}

export class StorageAssessmentReads implements AssessmentReads {
  constructor(private readonly db: Db) {}

  sentMails(kinds: readonly string[], since: Date, before: Date): Promise<SentMailFact[]> {
    return sentUnitMails(this.db, kinds, since, before);
  }

  targetReports(before: Date): Promise<TargetReportSheet[]> {
    return targetReports(this.db, before);
  }
}
