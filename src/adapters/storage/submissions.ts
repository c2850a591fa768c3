/**
 * Submissions: every received version of a unit's sheet for a reporting week, and which one is
 * current. The current version is the one that ARRIVED last (arrived_at, then raw_message_id),
 * whatever order the jobs that record them finish in: retries, the sweeper, concurrent workers,
 * a crashed worker's job taken over.
 */
import { sql } from 'kysely';
import type { Db } from './connection';
import { auditAll, type AuditEntry } from './audit';
import {
  flag,
  inTransaction,
  json,
  optionalIsoDate,
  optionalTimestamp,
  toIsoDate,
  toTimestamp,
} from './codecs';
import type { IsoDateText, SubmissionRow } from './schema';
import { writeSubmissionContent, type NewSubmissionProject } from './submission-content';

export interface NewSubmission {
  unitId: string;
  /** ISO date of the reporting week's nominal Monday. */
  reportingWeek: IsoDateText;
  rawMessageId: number;
  attachmentId?: number | null;
  /** When the message arrived (normally its IMAP INTERNALDATE): orders the versions. */
  arrivedAt: Date | string;
  deadlineAt?: Date | string | null;
  /** 'accepted' | 'accepted_with_warnings' | 'rejected' | … */
  status: string;
  late: boolean;
  /** The issues found, stored as JSON. */
  issues: readonly unknown[];
  filledOn?: IsoDateText | null;
  unitAsWritten?: string | null;
  /**
   * True (default): the version takes its place among the unit's versions of the week by
   * arrival, and is current when no version recorded so far arrived after it. False: it is only
   * recorded and never current (e.g. a rejected sheet that must not replace a good one).
   */
  makeCurrent?: boolean;
  projects: readonly NewSubmissionProject[];
  /** Who records it, for the audit log (default 'system'). */
  actor?: string;
  now?: Date;
}

export interface RecordedSubmission {
  id: number;
  /** The version before this one by arrival (its supersedes_id); when it became current, the one it replaced. */
  supersededId: number | null;
  /** Whether it was the current version of its unit and week when its transaction committed. */
  current: boolean;
  /** False when the message's submission was already recorded (a retried job): that one is returned and nothing is written. */
  isNew: boolean;
}

/** A version as the ordering needs it. */
interface Version {
  id: number;
  arrived_at: string;
  raw_message_id: number;
  is_current: number;
  supersedes_id: number | null;
}

/** Arrival order: arrived_at (canonical ISO text, so text order is time order), then the message id. */
function byArrival(a: Pick<Version, 'arrived_at' | 'raw_message_id'>, b: typeof a): number {
  if (a.arrived_at !== b.arrived_at) return a.arrived_at < b.arrived_at ? -1 : 1;
  return a.raw_message_id - b.raw_message_id;
}

/**
 * Records a version of a unit's sheet with its projects and targets, in one transaction, once
 * per message and week (a UNIQUE index on (raw_message_id, reporting_week): a retried job gets the recorded version back).
 *
 * The versions that may be current form a chain ordered by arrival: each one's supersedes_id
 * names the one that arrived before it, and the last to arrive is current. A new version is put
 * in its place in that chain: after the last one, it becomes current and the previous current
 * is kept, marked not current; before a version already recorded (its job ran late: a retry
 * after a crash, the sweeper), it is stored superseded at once and the later one now points at
 * it. Every step is written to the audit log.
 *
 * Statements, and why in this order:
 * 1. INSERT … ON CONFLICT (raw_message_id, reporting_week) DO NOTHING, not current yet. It is the idempotency
 *    check; on SQLite, being a write, it also takes the database write lock before anything is
 *    read, so no other process can change the versions between the read and the writes below
 *    (a read first would make the later write fail with SQLITE_BUSY instead of waiting).
 * 2. The projects and targets: multi-row inserts.
 * 3. On PostgreSQL a transaction-scoped advisory lock per (unit, week): two versions recorded at
 *    the same moment (a correction an hour later, both jobs running) are placed one after the
 *    other, each reading the versions the other committed.
 * 4. One read of the week's versions, then at most two updates. The partial unique index (one
 *    current row per unit and week) backs this up.
 */
export async function recordSubmission(db: Db, input: NewSubmission): Promise<RecordedSubmission> {
  const reportingWeek = toIsoDate(input.reportingWeek, 'reportingWeek');
  const arrivedAt = toTimestamp(input.arrivedAt);
  const eligible = input.makeCurrent ?? true;
  return inTransaction(db, async (tx) => {
    const inserted = await tx.kysely
      .insertInto('submissions')
      .values({
        unit_id: input.unitId,
        reporting_week: reportingWeek,
        raw_message_id: input.rawMessageId,
        attachment_id: input.attachmentId ?? null,
        arrived_at: arrivedAt,
        deadline_at: optionalTimestamp(input.deadlineAt),
        status: input.status,
        late: flag(input.late),
        supersedes_id: null,
        is_current: 0,
        issues_json: json(input.issues),
        filled_on: optionalIsoDate(input.filledOn, 'filledOn'),
        unit_as_written: input.unitAsWritten ?? null,
        created_at: toTimestamp(input.now ?? new Date()),
      })
      .onConflict((oc) => oc.columns(['raw_message_id', 'reporting_week']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) {
      const existing = await tx.kysely
        .selectFrom('submissions')
        .select(['id', 'supersedes_id', 'is_current'])
        .where('raw_message_id', '=', input.rawMessageId)
        .where('reporting_week', '=', reportingWeek)
        .executeTakeFirstOrThrow();
      return {
        id: existing.id,
        supersededId: existing.supersedes_id,
        current: existing.is_current === 1,
        isNew: false,
      };
    }
    const id = inserted.id;
    await writeSubmissionContent(tx, id, input.projects);

    const subject = {
      rawMessageId: input.rawMessageId,
      unitId: input.unitId,
      reportingWeek,
      actor: input.actor ?? 'system',
      now: input.now,
    };
    const placed = eligible
      ? await placeByArrival(tx, {
          id,
          unitId: input.unitId,
          reportingWeek,
          arrived_at: arrivedAt,
          raw_message_id: input.rawMessageId,
        })
      : { supersededId: null, current: false, replaced: null, supersededBy: null };
    const entries: AuditEntry[] = [
      {
        ...subject,
        event: 'submission.recorded',
        submissionId: id,
        details: {
          status: input.status,
          late: input.late,
          current: placed.current,
          supersededId: placed.supersededId,
        },
      },
    ];
    if (placed.replaced !== null) {
      entries.push({
        ...subject,
        event: 'submission.superseded',
        submissionId: placed.replaced,
        details: { supersededBy: id },
      });
    }
    if (placed.supersededBy !== null) {
      entries.push({
        ...subject,
        event: 'submission.superseded',
        submissionId: id,
        details: { supersededBy: placed.supersededBy, arrivedEarlier: true },
      });
    }
    await auditAll(tx, entries);
    return { id, supersededId: placed.supersededId, current: placed.current, isNew: true };
  });
}

interface Placement {
  supersededId: number | null;
  current: boolean;
  /** The previous current version, when this one replaced it. */
  replaced: number | null;
  /** The version recorded earlier that arrived after this one. */
  supersededBy: number | null;
}

/** Puts a just-inserted version in its place among the week's versions by arrival (see above). */
async function placeByArrival(
  tx: Db,
  added: Pick<Version, 'id' | 'arrived_at' | 'raw_message_id'> & {
    unitId: string;
    reportingWeek: IsoDateText;
  },
): Promise<Placement> {
  if (tx.dialect === 'postgres') {
    const lockKey = `duban:submission:${added.unitId}:${added.reportingWeek}`;
    await sql`select pg_advisory_xact_lock(hashtextextended(${lockKey}, 0))`.execute(tx.kysely);
  }
  const versions: Version[] = await tx.kysely
    .selectFrom('submissions')
    .select(['id', 'arrived_at', 'raw_message_id', 'is_current', 'supersedes_id'])
    .where('unit_id', '=', added.unitId)
    .where('reporting_week', '=', added.reportingWeek)
    .where('id', '<>', added.id)
    .execute();
  // The chain: versions that are or were current. A version recorded with makeCurrent false is
  // neither current nor linked, and never enters it.
  const linked = new Set(versions.map((v) => v.supersedes_id));
  const chain = versions
    .filter((v) => v.is_current === 1 || v.supersedes_id !== null || linked.has(v.id))
    .sort(byArrival);
  const before = chain.filter((v) => byArrival(v, added) < 0).at(-1) ?? null;
  const after = chain.find((v) => byArrival(v, added) > 0) ?? null;
  const supersededId = before?.id ?? null;

  if (after === null) {
    // The latest arrival so far: it becomes current. The old current row is cleared first (the
    // partial unique index is checked row by row).
    const previous = versions.find((v) => v.is_current === 1) ?? null;
    if (previous) {
      await tx.kysely
        .updateTable('submissions')
        .set({ is_current: 0 })
        .where('id', '=', previous.id)
        .execute();
    }
    await tx.kysely
      .updateTable('submissions')
      .set({ is_current: 1, supersedes_id: supersededId })
      .where('id', '=', added.id)
      .execute();
    return { supersededId, current: true, replaced: previous?.id ?? null, supersededBy: null };
  }

  // A version that arrived after it is already recorded: it joins the chain superseded.
  if (supersededId !== null) {
    await tx.kysely
      .updateTable('submissions')
      .set({ supersedes_id: supersededId })
      .where('id', '=', added.id)
      .execute();
  }
  await tx.kysely
    .updateTable('submissions')
    .set({ supersedes_id: added.id })
    .where('id', '=', after.id)
    .execute();
  return { supersededId, current: false, replaced: null, supersededBy: after.id };
}

export async function getSubmission(db: Db, id: number): Promise<SubmissionRow | undefined> {
  return db.kysely.selectFrom('submissions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The current version of a unit's sheet for a week (its latest arrival), if any. */
export async function currentSubmission(
  db: Db,
  unitId: string,
  reportingWeek: IsoDateText,
): Promise<SubmissionRow | undefined> {
  return db.kysely
    .selectFrom('submissions')
    .selectAll()
    .where('unit_id', '=', unitId)
    .where('reporting_week', '=', toIsoDate(reportingWeek, 'reportingWeek'))
    .where('is_current', '=', 1)
    .executeTakeFirst();
}

/** The current versions of every unit for a week (who has submitted), by unit id. */
export async function currentSubmissionsForWeek(
  db: Db,
  reportingWeek: IsoDateText,
): Promise<SubmissionRow[]> {
  return db.kysely
    .selectFrom('submissions')
    .selectAll()
    .where('reporting_week', '=', toIsoDate(reportingWeek, 'reportingWeek'))
    .where('is_current', '=', 1)
    .orderBy('unit_id')
    .execute();
}

/** Every version of a unit's sheet for a week, latest arrival first. */
export async function submissionVersions(
  db: Db,
  unitId: string,
  reportingWeek: IsoDateText,
): Promise<SubmissionRow[]> {
  return db.kysely
    .selectFrom('submissions')
    .selectAll()
    .where('unit_id', '=', unitId)
    .where('reporting_week', '=', toIsoDate(reportingWeek, 'reportingWeek'))
    .orderBy('arrived_at', 'desc')
    .orderBy('raw_message_id', 'desc')
    .execute();
}

/** The submissions made from one message: at most one per reporting week (a UNIQUE index). */
export async function submissionsForRawMessage(
  db: Db,
  rawMessageId: number,
): Promise<SubmissionRow[]> {
  return db.kysely
    .selectFrom('submissions')
    .selectAll()
    .where('raw_message_id', '=', rawMessageId)
    .orderBy('id')
    .execute();
}
