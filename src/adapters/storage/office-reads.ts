/**
 * The office pages' reads and records over the database: the OfficeReads and OfficeRecords ports
 * (src/app/ports/office-reads.ts). Every list is bounded (LIMIT), newest first.
 */
import type {
  DigestMailRecord,
  MessageFilter,
  OfficeAction,
  OfficeReads,
  OfficeRecords,
  ReceivedMessage,
  RecordedAttachment,
} from '../../app/ports/office-reads';
import { OFFICE_EVENTS } from '../../app/console/office-actions';
import { audit } from './audit';
import type { Db } from './connection';
import type { AttachmentRow, OutgoingMailRow, RawMessageRow } from './schema';

const MESSAGE_COLUMNS = [
  'm.id',
  'm.internal_date',
  'm.received_at',
  'm.from_address',
  'm.subject',
  'm.unit_id',
  'm.reporting_week',
  'm.outcome',
  'm.outcome_reason',
  'm.size',
  'm.truncated',
] as const;

type MessageColumns = Pick<
  RawMessageRow,
  | 'id'
  | 'internal_date'
  | 'received_at'
  | 'from_address'
  | 'subject'
  | 'unit_id'
  | 'reporting_week'
  | 'outcome'
  | 'outcome_reason'
  | 'size'
  | 'truncated'
>;

function toMessage(r: MessageColumns): ReceivedMessage {
  return {
    id: r.id,
    receivedAt: new Date(r.internal_date ?? r.received_at),
    from: r.from_address,
    subject: r.subject,
    unitId: r.unit_id,
    week: r.reporting_week,
    outcome: r.outcome,
    reason: r.outcome_reason,
    size: r.size,
    truncated: r.truncated === 1,
  };
}

function toAttachment(r: AttachmentRow): RecordedAttachment {
  return {
    id: r.id,
    rawMessageId: r.raw_message_id,
    ordinal: r.ordinal,
    filename: r.filename,
    size: r.size,
    bytes: r.bytes,
  };
}

function toDigest(
  r: Pick<
    OutgoingMailRow,
    'id' | 'mail_key' | 'reporting_week' | 'subject' | 'status' | 'sent_at' | 'created_at'
  >,
): DigestMailRecord {
  return {
    id: r.id,
    key: r.mail_key,
    week: r.reporting_week,
    subject: r.subject,
    status: r.status,
    sentAt: r.sent_at ? new Date(r.sent_at) : null,
    createdAt: new Date(r.created_at),
  };
}

const DIGEST_COLUMNS = [
  'id',
  'mail_key',
  'reporting_week',
  'subject',
  'status',
  'sent_at',
  'created_at',
] as const;

export class StorageOfficeReads implements OfficeReads, OfficeRecords {
  constructor(private readonly db: Db) {}

  async messages(
    filter: MessageFilter,
    page: { offset: number; limit: number },
  ): Promise<{ rows: ReceivedMessage[]; total: number }> {
    let q = this.db.kysely.selectFrom('raw_messages as m');
    if (filter.week) q = q.where('m.reporting_week', '=', filter.week);
    if (filter.unitId) q = q.where('m.unit_id', '=', filter.unitId);
    if (filter.outcome) q = q.where('m.outcome', '=', filter.outcome);
    const count = await q
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirst();
    const rows = await q
      .select([...MESSAGE_COLUMNS])
      .orderBy('m.id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    return { rows: rows.map(toMessage), total: Number(count?.n ?? 0) };
  }

  async message(id: number): Promise<ReceivedMessage | null> {
    const r = await this.db.kysely
      .selectFrom('raw_messages as m')
      .select([...MESSAGE_COLUMNS])
      .where('m.id', '=', id)
      .executeTakeFirst();
    return r ? toMessage(r) : null;
  }

  async rawMessage(id: number): Promise<Buffer | null> {
    const r = await this.db.kysely
      .selectFrom('raw_messages')
      .select('raw')
      .where('id', '=', id)
      .executeTakeFirst();
    return r?.raw ?? null;
  }

  async attachmentsOf(rawMessageIds: readonly number[]): Promise<RecordedAttachment[]> {
    if (rawMessageIds.length === 0) return [];
    const rows = await this.db.kysely
      .selectFrom('attachments')
      .selectAll()
      .where('raw_message_id', 'in', [...rawMessageIds])
      .orderBy('raw_message_id')
      .orderBy('ordinal')
      .execute();
    return rows.map(toAttachment);
  }

  async attachment(id: number): Promise<RecordedAttachment | null> {
    const r = await this.db.kysely
      .selectFrom('attachments')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return r ? toAttachment(r) : null;
  }

  async heldMessages(limit: number): Promise<ReceivedMessage[]> {
    const rows = await this.db.kysely
      .selectFrom('raw_messages as m')
      .select([...MESSAGE_COLUMNS])
      .where((eb) =>
        eb.or([
          eb('m.outcome', '=', 'quarantined'),
          eb.and([
            eb('m.outcome', 'in', ['ignored', 'rejected']),
            eb('m.unit_id', 'is not', null),
            eb.not(
              eb.exists(
                eb
                  .selectFrom('submissions as s')
                  .select('s.id')
                  .whereRef('s.raw_message_id', '=', 'm.id'),
              ),
            ),
          ]),
        ]),
      )
      // A dismissal holds until the message is processed again (a reprocess after it).
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('audit_log as a')
              .select('a.id')
              .whereRef('a.raw_message_id', '=', 'm.id')
              .where('a.event', '=', OFFICE_EVENTS.dismissed)
              .whereRef('a.at', '>=', 'm.processed_at'),
          ),
        ),
      )
      .orderBy('m.id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toMessage);
  }

  async actionCount(rawMessageId: number, event: string): Promise<number> {
    const r = await this.db.kysely
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('raw_message_id', '=', rawMessageId)
      .where('event', '=', event)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async digestMails(limit: number): Promise<DigestMailRecord[]> {
    const rows = await this.db.kysely
      .selectFrom('outgoing_mails')
      .select([...DIGEST_COLUMNS])
      .where('kind', '=', 'digest')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toDigest);
  }

  async digestMail(id: number): Promise<{ record: DigestMailRecord; eml: Buffer | null } | null> {
    const r = await this.db.kysely
      .selectFrom('outgoing_mails')
      .select([...DIGEST_COLUMNS, 'eml'])
      .where('kind', '=', 'digest')
      .where('id', '=', id)
      .executeTakeFirst();
    return r ? { record: toDigest(r), eml: r.eml } : null;
  }

  async record(action: OfficeAction, now: Date): Promise<void> {
    await audit(this.db, {
      event: action.event,
      actor: action.actor,
      rawMessageId: action.rawMessageId ?? null,
      unitId: action.unitId ?? null,
      reportingWeek: action.reportingWeek ?? null,
      submissionId: action.submissionId ?? null,
      details: action.details,
      now,
    });
  }
}
