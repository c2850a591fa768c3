/** What the week's reads need to know of the outgoing mails: reminders and digests sent. */
import { parseMailKey } from '../../domain/mail-key';
import type { Db } from './connection';
import type { MailStatus } from './schema';

/** The reminder stages already sent to units for a week. */
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
  return rows.map((r) => {
    const key = parseMailKey(r.mail_key);
    return {
      unitId: r.unit_id ?? '',
      stage: key?.kind === 'reminder' ? key.stage : '',
    };
  });
}

/** The state of every version of a week's digest (queued, being sent, sent, …). */
export async function digestMails(
  db: Db,
  keyPrefix: string,
): Promise<Array<{ key: string; status: MailStatus; sentAt: Date | null }>> {
  const rows = await db.kysely
    .selectFrom('outgoing_mails')
    .select(['mail_key', 'status', 'sent_at'])
    .where('kind', '=', 'digest')
    .where('mail_key', 'like', `${keyPrefix}%`)
    .execute();
  return rows.map((r) => ({
    key: r.mail_key,
    status: r.status,
    sentAt: r.sent_at ? new Date(r.sent_at) : null,
  }));
}
