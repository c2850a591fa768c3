/**
 * One logical mail duban sends (a receipt, a correction request, a reminder, a digest …), as the
 * use cases compose it. The outbox freezes it into bytes once, when it is queued.
 */
import type { ComposedReply } from '../intake/replies';
import type { AutoSubmitted, MailAddress, OutgoingAttachment } from './address';

/** One logical mail. */
export interface OutgoingMail {
  /** Unique per logical mail (src/domain/mail-key.ts): "reply:<raw_message_id>", … */
  key: string;
  /** 'receipt' | 'correction_request' | 'unknown_sender' | 'too_large' | 'unreadable' | 'reminder' | 'digest' … */
  kind: string;
  /** auto-replied: answers to a person's mail (capped per address and day); auto-generated: the rest. */
  autoSubmitted: AutoSubmitted;
  /** Build addresses with mailAddress()/checkAddress(); they are checked again when queued. */
  from: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  subject: string;
  text: string;
  html: string | null;
  /** Message-ID of the mail answered (angle brackets included), or null. */
  inReplyTo: string | null;
  references: string[];
  attachments: OutgoingAttachment[];
  /** Links for the record (outgoing_mails). */
  rawMessageId?: number | null;
  submissionId?: number | null;
  unitId?: string | null;
  reportingWeek?: string | null;
}

/** An OutgoingMail for a composed reply. */
export function replyMail(
  reply: ComposedReply,
  fields: {
    key: string;
    from: MailAddress;
    rawMessageId?: number | null;
    submissionId?: number | null;
    unitId?: string | null;
    reportingWeek?: string | null;
  },
): OutgoingMail {
  const { key, from, ...links } = fields;
  return {
    key,
    kind: reply.kind,
    autoSubmitted: reply.autoSubmitted,
    from,
    // Checked when queued like every address; an invalid one is recorded as MAIL_ADDRESS_INVALID.
    to: [{ name: reply.to.name, address: reply.to.address }],
    cc: [],
    subject: reply.subject,
    text: reply.text,
    html: reply.html,
    inReplyTo: reply.inReplyTo,
    references: reply.references,
    attachments: reply.attachments,
    ...links,
  };
}
