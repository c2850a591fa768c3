/**
 * Data access for the intake beyond the first repository: the queue of composed mails, the
 * truncated-message flag, and the look-ups processing and the sweeper need. Business rules stay
 * with the caller.
 */
import type { Db } from './connection';
import { toTimestamp } from './repository';
import type { RawMessageRow } from './schema';

export interface QueuedMail {
  key: string;
  kind: string;
  payloadJson: string;
  rawMessageId: number | null;
}

/** Stores a composed mail once per key; a second call with the same key changes nothing. */
export async function queueMail(
  db: Db,
  mail: QueuedMail,
  now: Date = new Date(),
): Promise<boolean> {
  const result = await db.kysely
    .insertInto('mail_queue')
    .values({
      mail_key: mail.key,
      kind: mail.kind,
      payload_json: mail.payloadJson,
      raw_message_id: mail.rawMessageId,
      created_at: toTimestamp(now),
    })
    .onConflict((oc) => oc.column('mail_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function queuedMail(db: Db, key: string): Promise<QueuedMail | null> {
  const row = await db.kysely
    .selectFrom('mail_queue')
    .selectAll()
    .where('mail_key', '=', key)
    .executeTakeFirst();
  return row
    ? {
        key: row.mail_key,
        kind: row.kind,
        payloadJson: row.payload_json,
        rawMessageId: row.raw_message_id,
      }
    : null;
}

/** Queued mails with no final record yet (never claimed, or waiting for a retry), oldest first. */
export async function unsentQueuedMails(
  db: Db,
  createdBefore: Date,
  limit = 500,
): Promise<string[]> {
  const rows = await db.kysely
    .selectFrom('mail_queue as q')
    .leftJoin('outgoing_mails as o', 'o.mail_key', 'q.mail_key')
    .select('q.mail_key')
    .where('q.created_at', '<', toTimestamp(createdBefore))
    .where((eb) => eb.or([eb('o.id', 'is', null), eb('o.status', '=', 'retrying')]))
    .orderBy('q.created_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.mail_key);
}

/** Marks a stored message as its header block only (it was over the size limit). */
export async function markTruncated(
  db: Db,
  rawMessageId: number,
  declaredSize: number,
): Promise<void> {
  await db.kysely
    .updateTable('raw_messages')
    .set({ truncated: 1, declared_size: declaredSize })
    .where('id', '=', rawMessageId)
    .execute();
}

/** Stored messages not processed yet (no outcome), received before a moment, oldest first. */
export async function unprocessedMessages(
  db: Db,
  receivedBefore: Date,
  limit = 500,
): Promise<number[]> {
  const rows = await db.kysely
    .selectFrom('raw_messages')
    .select('id')
    .where('outcome', 'is', null)
    .where('received_at', '<', toTimestamp(receivedBefore))
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Claims a (sender, Message-ID) for a stored message and returns the message that holds the
 * claim: this one, or an earlier copy of the same mail (delivered again under another UID, with
 * other headers). The insert is the arbiter, so two workers processing both copies at once
 * cannot both win.
 */
export async function claimMessageId(
  db: Db,
  input: { rawMessageId: number; sender: string; messageId: string; now?: Date },
): Promise<number> {
  await db.kysely
    .insertInto('message_claims')
    .values({
      sender: input.sender,
      message_id: input.messageId,
      raw_message_id: input.rawMessageId,
      created_at: toTimestamp(input.now ?? new Date()),
    })
    .onConflict((oc) => oc.columns(['sender', 'message_id']).doNothing())
    .execute();
  const row = await db.kysely
    .selectFrom('message_claims')
    .select('raw_message_id')
    .where('sender', '=', input.sender)
    .where('message_id', '=', input.messageId)
    .executeTakeFirstOrThrow();
  return row.raw_message_id;
}

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

/** Messages held back for the office (unknown senders, failed DMARC), newest first. */
export async function quarantinedMessages(db: Db, limit = 200): Promise<RawMessageRow[]> {
  return db.kysely
    .selectFrom('raw_messages')
    .selectAll()
    .where('outcome', '=', 'quarantined')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Every version of every unit's sheet for a week, with the schedule projects each reported. */
export async function weekSubmissionFacts(
  db: Db,
  week: string,
): Promise<
  Array<{
    id: number;
    unitId: string;
    arrivedAt: Date;
    status: string;
    late: boolean;
    isCurrent: boolean;
    projectIds: string[];
  }>
> {
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
  return rows.map((r) => ({
    id: r.id,
    unitId: r.unit_id,
    arrivedAt: new Date(r.arrived_at),
    status: r.status,
    late: r.late === 1,
    isCurrent: r.is_current === 1,
    projectIds: projects
      .filter((p) => p.submission_id === r.id && p.project_id)
      .map((p) => p.project_id as string),
  }));
}

/** Keys of the reminder stages already sent to a unit for a week. */
export async function remindersSent(
  db: Db,
  week: string,
): Promise<Array<{ unitId: string; stage: string }>> {
  const rows = await db.kysely
    .selectFrom('outgoing_mails')
    .select(['mail_key', 'unit_id'])
    .where('kind', '=', 'reminder')
    .where('reporting_week', '=', week)
    .where('status', '=', 'sent')
    .execute();
  // Keys are "reminder:<week>:<unit>:<stage>".
  return rows.map((r) => ({ unitId: r.unit_id ?? '', stage: r.mail_key.split(':')[3] ?? '' }));
}

/** Forgets a queued mail that will not be sent (a reminder that is no longer due). */
export async function dropQueuedMail(db: Db, key: string): Promise<void> {
  await db.kysely.deleteFrom('mail_queue').where('mail_key', '=', key).execute();
}
