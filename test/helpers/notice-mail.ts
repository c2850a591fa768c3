/** A supervision notice as the follow-up run leaves it in outgoing_mails (sent), for tests. */
import type { Db } from '../../src/adapters/storage';

export async function insertSentNotice(db: Db, key: string, at: string): Promise<void> {
  await db.kysely
    .insertInto('outgoing_mails')
    .values({
      mail_key: key,
      kind: 'supervision_notice',
      recipients_json: '[]',
      subject: '督办单',
      status: 'sent',
      message_id: null,
      eml: null,
      claimed_at: null,
      claimed_by: null,
      sent_at: at,
      attempts: 1,
      smtp_response: null,
      error: null,
      raw_message_id: null,
      submission_id: null,
      unit_id: null,
      reporting_week: null,
      created_at: at,
      updated_at: at,
    })
    .execute();
}
