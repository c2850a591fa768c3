/**
 * Data access for the queue of composed mails (mail_queue) and the reminders already sent.
 * Business rules stay with the caller.
 */
import type { Db } from './connection';
import { toTimestamp } from './repository';

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
