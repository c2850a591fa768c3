/**
 * 0003: one outgoing-mail table. Before, a mail lived in two tables: `mail_queue` (the composed
 * mail as JSON, attachments in base64) and `outgoing_mails` (the claim and the outcome, with the
 * bytes sent), its attachments stored up to three times. Now `outgoing_mails` alone holds a mail
 * from queued to sent, with the bytes to send built once when queued (see ./outgoing-mails.ts):
 * - status gains 'queued'; claimed_at / claimed_by are null until the first claim;
 * - message_id: the Message-ID in the bytes (derived from the key), the same on every attempt.
 *
 * Carried over, ids kept:
 * - every outgoing_mails row as it was (a 'sent' row keeps the bytes that went out);
 * - a mail_queue row with no outgoing_mails row becomes 'queued' (or 'failed' when its address
 *   is invalid), its bytes built now from the stored JSON with the queue time as its Date;
 * - an unsent outgoing_mails row (claimed, retrying, failed) without bytes gets them from its
 *   mail_queue row the same way. A row left 'claimed' by a dead sender is then taken over once
 *   its lease has run out (the sweeper finds it), instead of staying claimed for ever.
 * SQLite cannot change a column's constraints, so the table is rebuilt on both dialects.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { freezeMail, type OutgoingMail } from '../mail/outgoing-mail';
import type { Dialect } from './connection';

/** The JSON mail_queue held (0002): an OutgoingMail with attachments in base64. */
interface LegacyPayload extends Omit<OutgoingMail, 'attachments'> {
  attachments: Array<{ filename: string; contentType: string; base64: string }>;
}

function legacyMail(payloadJson: string): OutgoingMail {
  const parsed = JSON.parse(payloadJson) as LegacyPayload;
  return {
    ...parsed,
    attachments: parsed.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: Buffer.from(a.base64, 'base64'),
    })),
  };
}

const COLUMNS = [
  'id',
  'mail_key',
  'kind',
  'recipients_json',
  'subject',
  'status',
  'claimed_at',
  'claimed_by',
  'sent_at',
  'attempts',
  'smtp_response',
  'error',
  'eml',
  'raw_message_id',
  'submission_id',
  'unit_id',
  'reporting_week',
  'created_at',
  'updated_at',
] as const;

interface QueueRow {
  mail_key: string;
  kind: string;
  payload_json: string;
  raw_message_id: number | string | null;
  created_at: string;
}

interface OldMailRow {
  id: number | string;
  mail_key: string;
  status: string;
  eml: Buffer | null;
}

export function oneOutgoingMailTable(dialect: Dialect): Migration {
  const int64 = dialect === 'postgres' ? 'bigint' : 'integer';
  const bytes = dialect === 'postgres' ? 'bytea' : 'blob';
  return {
    async up(db: Kysely<unknown>) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- old tables, not in the schema
      const q = db as Kysely<any>;
      const table = db.schema.createTable('outgoing_mails_next');
      await (
        dialect === 'postgres'
          ? table.addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
          : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      )
        .addColumn('mail_key', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('recipients_json', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text')
        .addColumn('eml', bytes)
        .addColumn('claimed_at', 'text')
        .addColumn('claimed_by', 'text')
        .addColumn('sent_at', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('smtp_response', 'text')
        .addColumn('error', 'text')
        .addColumn('raw_message_id', int64, (c) => c.references('raw_messages.id'))
        .addColumn('submission_id', int64, (c) => c.references('submissions.id'))
        .addColumn('unit_id', 'text')
        .addColumn('reporting_week', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('outgoing_mails_key_unique', ['mail_key'])
        .addCheckConstraint(
          'outgoing_mails_state_check',
          sql`status in ('queued', 'claimed', 'sent', 'failed', 'retrying')`,
        )
        // A claimed row always says since when and by whom (the lease is counted from it).
        .addCheckConstraint(
          'outgoing_mails_claim_check',
          sql`status <> 'claimed' or (claimed_at is not null and claimed_by is not null)`,
        )
        .execute();

      await q
        .insertInto('outgoing_mails_next')
        .columns([...COLUMNS])
        .expression(q.selectFrom('outgoing_mails').select([...COLUMNS]))
        .execute();
      if (dialect === 'postgres') {
        // Rows were copied with their ids: new ids continue after the highest.
        await sql`select setval(pg_get_serial_sequence('outgoing_mails_next', 'id'),
          coalesce((select max(id) from outgoing_mails_next), 0) + 1, false)`.execute(db);
      }

      const carried = new Map<string, OldMailRow>();
      for (const row of (await q
        .selectFrom('outgoing_mails')
        .select(['id', 'mail_key', 'status', 'eml'])
        .execute()) as OldMailRow[]) {
        carried.set(row.mail_key, row);
      }
      const queue = (await q
        .selectFrom('mail_queue')
        .selectAll()
        .orderBy('created_at')
        .execute()) as QueueRow[];
      for (const queued of queue) {
        const old = carried.get(queued.mail_key);
        if (old && (old.status === 'sent' || old.eml !== null)) continue;
        const mail = legacyMail(queued.payload_json);
        const frozen = await freezeMail(mail, new Date(queued.created_at));
        if (old) {
          await q
            .updateTable('outgoing_mails_next')
            // The record must describe the bytes it is stored with.
            .set({
              eml: frozen.eml,
              message_id: frozen.messageId,
              recipients_json: JSON.stringify(frozen.recipients),
              subject: frozen.subject,
            })
            .where('id', '=', old.id)
            .execute();
          continue;
        }
        const refused = frozen.refusal !== null;
        await q
          .insertInto('outgoing_mails_next')
          .values({
            mail_key: queued.mail_key,
            kind: queued.kind,
            recipients_json: JSON.stringify(frozen.recipients),
            subject: frozen.subject,
            status: refused ? 'failed' : 'queued',
            message_id: frozen.messageId,
            eml: frozen.eml,
            attempts: 0,
            error: frozen.refusal,
            raw_message_id: queued.raw_message_id,
            submission_id: mail.submissionId ?? null,
            unit_id: mail.unitId ?? null,
            reporting_week: mail.reportingWeek ?? null,
            created_at: queued.created_at,
            updated_at: queued.created_at,
          })
          .execute();
      }

      await db.schema.dropTable('mail_queue').execute();
      await db.schema.dropTable('outgoing_mails').execute();
      await db.schema.alterTable('outgoing_mails_next').renameTo('outgoing_mails').execute();
      await db.schema
        .createIndex('outgoing_mails_unit_week_index')
        .on('outgoing_mails')
        .columns(['unit_id', 'reporting_week'])
        .execute();
      await db.schema
        .createIndex('outgoing_mails_status_index')
        .on('outgoing_mails')
        .columns(['status', 'created_at'])
        .execute();
    },
  };
}
