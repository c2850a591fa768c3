/**
 * A logical mail and how it is frozen for sending. A mail is built once, when it is queued: its
 * addresses are checked, its MIME is built with a Message-ID derived from its key and the queue
 * time as its Date, and those exact bytes are what every attempt delivers. So a mail sent twice
 * (a claim taken over after its holder died mid-send) carries the same Message-ID both times,
 * and the attachments live in one place: the stored message.
 */
import { simpleParser, type AddressObject } from 'mailparser';
import type { OutgoingMail } from '../../domain/mail/outgoing-mail';
import { oneLine } from '../../domain/one-line';
import {
  buildMime,
  checkAddress,
  messageIdFor,
  type AutoSubmitted,
  type MailAddress,
} from './compose-mime';
import type { RecipientsRecord } from './send-cap';

export { replyMail, type OutgoingMail } from '../../domain/mail/outgoing-mail';

/** A mail as it is stored to be sent: the bytes and the record, or why it can never be sent. */
export interface FrozenMail {
  subject: string;
  /** A RecipientsRecord; for a refused mail, what was refused (flattened and capped). */
  recipients: RecipientsRecord | Record<string, unknown>;
  messageId: string | null;
  /** The RFC 5322 bytes every attempt delivers; null when the mail was refused. */
  eml: Buffer | null;
  /** Why it was refused ("MAIL_ADDRESS_INVALID: …"), or null. */
  refusal: string | null;
}

/** Checks the addresses and builds the bytes. `date` is the queue time, fixed for every attempt. */
export async function freezeMail(mail: OutgoingMail, date: Date): Promise<FrozenMail> {
  const subject = oneLine(mail.subject, 200);
  const reasons: string[] = [];
  const check = (a: MailAddress, role: string): MailAddress | null => {
    const checked = checkAddress({ address: String(a.address), name: String(a.name ?? '') });
    if (checked.ok) return checked.value;
    reasons.push(`${role}: ${checked.reason}`);
    return null;
  };
  const from = check(mail.from, 'from');
  const to = mail.to.map((a) => check(a, 'to'));
  const cc = mail.cc.map((a) => check(a, 'cc'));
  if (mail.to.length === 0) reasons.push('to: no recipient');
  const valid = (list: Array<MailAddress | null>): list is MailAddress[] =>
    list.every((a) => a !== null);
  if (reasons.length > 0 || from === null || !valid(to) || !valid(cc)) {
    // The record shows what was refused, flattened and capped (the raw value may be hostile).
    const shown = (a: MailAddress) => oneLine(String(a.address), 80);
    return {
      subject,
      recipients: {
        from: shown(mail.from),
        to: mail.to.map(shown),
        cc: mail.cc.map(shown),
        rcpt: [],
        autoSubmitted: mail.autoSubmitted,
      },
      messageId: null,
      eml: null,
      refusal: oneLine(`MAIL_ADDRESS_INVALID: ${reasons.join('; ')}`, 2000, ''),
    };
  }
  const messageId = messageIdFor(mail.key, from);
  const eml = await buildMime({
    from,
    to,
    cc,
    subject,
    text: mail.text,
    html: mail.html,
    inReplyTo: mail.inReplyTo,
    references: mail.references,
    attachments: mail.attachments,
    autoSubmitted: mail.autoSubmitted,
    messageId,
    date,
  });
  const rcpt = envelopeRecipients([...to, ...cc]);
  return {
    subject,
    recipients: {
      from: from.address,
      to: to.map((a) => ({ name: a.name, address: a.address })),
      cc: cc.map((a) => ({ name: a.name, address: a.address })),
      rcpt: rcpt.map((a) => a.toLowerCase()),
      autoSubmitted: mail.autoSubmitted,
    },
    messageId,
    eml,
    refusal: null,
  };
}

/** RCPT TO: every address once (case-insensitively), as written. */
export function envelopeRecipients(addresses: ReadonlyArray<{ address: string }>): string[] {
  const rcpt: string[] = [];
  for (const a of addresses) {
    if (!rcpt.some((r) => r.toLowerCase() === a.address.toLowerCase())) rcpt.push(a.address);
  }
  return rcpt;
}

/**
 * A stored mail read back as an OutgoingMail (for a caller that shows or saves what was queued,
 * e.g. `duban digest` writing the digest's files). Links are not restored.
 */
export async function thawMail(
  key: string,
  kind: string,
  eml: Buffer,
  autoSubmitted: AutoSubmitted,
): Promise<OutgoingMail> {
  const parsed = await simpleParser(eml);
  const list = (field: AddressObject | AddressObject[] | undefined): MailAddress[] =>
    (Array.isArray(field) ? field : field ? [field] : []).flatMap((group) =>
      group.value.map((a) => ({ name: a.name, address: a.address ?? '' })),
    );
  const fromList = list(parsed.from);
  const references = parsed.references;
  return {
    key,
    kind,
    autoSubmitted,
    from: fromList[0] ?? { name: '', address: '' },
    to: list(parsed.to),
    cc: list(parsed.cc),
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : null,
    inReplyTo: parsed.inReplyTo ?? null,
    references: Array.isArray(references) ? references : references ? [references] : [],
    attachments: parsed.attachments.map((a) => ({
      filename: a.filename ?? 'attachment',
      contentType: a.contentType,
      content: a.content,
    })),
  };
}
