/** What became of a message, as `duban ingest --json` prints it, and how it is filled in. */
import type { MessageKind } from '../../domain/intake/classify';
import type { ComposedReply } from '../../domain/intake/replies';
import { replyMail } from '../../domain/mail/outgoing-mail';
import type { Outbox } from '../ports/outbox';

export type IntakeOutcomeKind =
  | 'accepted'
  | 'accepted_with_warnings'
  | 'rejected'
  | 'quarantined'
  | 'ignored'
  | 'duplicate'
  /** An office member's list of agreed items, recorded (and confirmed to the sender). */
  | 'items_recorded';

/** What became of a message: the `duban ingest --json` object. */
export interface IntakeOutcome {
  outcome: IntakeOutcomeKind;
  reason: string | null;
  unit: string | null;
  week: string | null;
  late: boolean | null;
  attachments: Array<{
    filename: string;
    contentType: string;
    /** The real format, from the content (xlsx, xls, docx, csv, zip, pdf, …). */
    format?: string;
    size?: number;
    used: boolean;
    /** For an archive or winmail.dat: the files inside it and what became of each. */
    inner?: Array<{ filename: string; format: string; used: boolean; note?: string }>;
  }>;
  submissionId: number | null;
  /** The agreed items an office list created, changed or left as they were (ids). */
  items?: { created: string[]; updated: string[]; unchanged: string[] };
  /** The agreed items a unit's sheet reported on (ids), recorded with its submission. */
  itemReports?: string[];
  /** Sheets in the same mail recorded for an earlier week they name (a correction of it). */
  corrections: Array<{ week: string; late: boolean; submissionId: number }>;
  replies: Array<{ kind: string; to: string[]; subject: string }>;
  /** Keys of the mails queued (for the caller to deliver). */
  mailKeys: string[];
}

export function blankOutcome(): IntakeOutcome {
  return {
    outcome: 'ignored',
    reason: null,
    unit: null,
    week: null,
    late: null,
    attachments: [],
    submissionId: null,
    corrections: [],
    replies: [],
    mailKeys: [],
  };
}

/** Queues the answer under its key (once, whoever calls) and notes it in the outcome. */
export async function queueReply(
  outbox: Outbox,
  result: IntakeOutcome,
  reply: ComposedReply,
  fields: Parameters<typeof replyMail>[1],
): Promise<void> {
  const mail = replyMail(reply, fields);
  await outbox.queue(mail);
  result.replies.push({
    kind: reply.kind,
    to: mail.to.map((a) => a.address),
    subject: mail.subject,
  });
  result.mailKeys.push(mail.key);
}

/** The recorded reason for an automatic mail that is not answered. */
export function reasonForKind(kind: MessageKind): string {
  switch (kind) {
    case 'auto_reply':
      return 'AUTO_REPLY';
    case 'bounce':
      return 'BOUNCE';
    case 'read_receipt':
      return 'READ_RECEIPT';
    case 'own_mail':
      return 'OWN_MAIL';
    case 'auto_forwarded':
      return 'FORWARDED_WITHOUT_SHEET';
    default:
      return kind.toUpperCase();
  }
}
