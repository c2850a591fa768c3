/**
 * What `duban reprocess` walks: the stored messages of a reporting week, of a unit, or by id, and
 * the answers each has already had (so a reprocess does not answer twice).
 */
import { isAnswerTo } from '../../domain/mail-key';
import type { Db } from './connection';

export interface ReprocessSelection {
  /** The reporting week (its Monday) the message's arrival pointed to. */
  week?: string;
  unitId?: string;
  ids?: number[];
}

export interface MessageToReprocess {
  id: number;
  unitId: string | null;
  outcome: string | null;
  reason: string | null;
}

/** The stored messages matching every given criterion, oldest first. */
export async function messagesToReprocess(
  db: Db,
  selection: ReprocessSelection,
): Promise<MessageToReprocess[]> {
  let q = db.kysely
    .selectFrom('raw_messages')
    .select(['id', 'unit_id', 'outcome', 'outcome_reason']);
  if (selection.week !== undefined) q = q.where('reporting_week', '=', selection.week);
  if (selection.unitId !== undefined) q = q.where('unit_id', '=', selection.unitId);
  if (selection.ids !== undefined)
    q = q.where('id', 'in', selection.ids.length ? selection.ids : [0]);
  const rows = await q.orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    unitId: r.unit_id,
    outcome: r.outcome,
    reason: r.outcome_reason,
  }));
}

export interface AnswerMail {
  key: string;
  status: string;
}

/** The answers queued for a message (reply, release and reprocess keys), oldest first. */
export async function answersTo(db: Db, rawMessageId: number): Promise<AnswerMail[]> {
  const rows = await db.kysely
    .selectFrom('outgoing_mails')
    .select(['mail_key', 'status'])
    .where((eb) =>
      eb.or([
        eb('mail_key', '=', `reply:${rawMessageId}`),
        eb('mail_key', 'like', `release:${rawMessageId}:%`),
        eb('mail_key', 'like', `reprocess:${rawMessageId}:%`),
      ]),
    )
    .orderBy('id')
    .execute();
  return rows
    .filter((r) => isAnswerTo(r.mail_key, rawMessageId))
    .map((r) => ({ key: r.mail_key, status: r.status }));
}
