/** Reads of a reporting week for the status, the reminders and the digest. */
import type { Db } from './connection';

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

export interface WeekSubmissionFact {
  id: number;
  unitId: string;
  arrivedAt: Date;
  status: string;
  late: boolean;
  /** The current version of its unit (the latest arrival; is_current). */
  isCurrent: boolean;
  projectIds: string[];
}

/** Every version of every unit's sheet for a week, with the schedule projects each reported. */
export async function weekSubmissionFacts(db: Db, week: string): Promise<WeekSubmissionFact[]> {
  const rows = await db.kysely
    .selectFrom('submissions')
    .select(['id', 'unit_id', 'arrived_at', 'status', 'late', 'is_current'])
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
  }));
}
