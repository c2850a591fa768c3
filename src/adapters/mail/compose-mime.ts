/**
 * Building the exact bytes of an outgoing mail, and the address checks that come first.
 *
 * The bytes are built once, by nodemailer's stream transport (buffer mode, CRLF), and those same
 * bytes are then handed to SMTP as a raw message (or written to the file outbox) and stored as
 * the record of what was sent. Building once means the stored .eml is exactly what went out.
 *
 * Hazard (docs/pitfalls.md): nodemailer parses address STRINGS as RFC 5322 lists, so
 * 'a@x\r\nBcc: evil@y' became a group and the mail went to the attacker. Addresses therefore
 * reach nodemailer only as `{ name, address }` objects whose address passed `checkAddress`
 * (one plain addr-spec, nothing else), and the SMTP envelope is always given explicitly from
 * those validated addresses, never derived from headers.
 */
import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import { oneLine } from '../../domain/one-line';

export type {
  AddressCheck,
  AutoSubmitted,
  MailAddress,
  OutgoingAttachment,
} from '../../domain/mail/address';
export { checkAddress, isPlainAddress, mailAddress } from '../../domain/mail/address';
import type { AutoSubmitted, MailAddress, OutgoingAttachment } from '../../domain/mail/address';

/**
 * The Message-ID of a logical mail, on our own domain (the From address's): derived from the
 * mail key, so a retried attempt carries the same id and a recipient's client can tell a
 * duplicate, should one ever get through, from a new mail.
 */
export function messageIdFor(key: string, from: MailAddress): string {
  const domain = from.address.slice(from.address.lastIndexOf('@') + 1).toLowerCase();
  const hash = createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 32);
  return `<duban.${hash}@${domain}>`;
}

export interface MimeInput {
  from: MailAddress;
  to: readonly MailAddress[];
  cc: readonly MailAddress[];
  subject: string;
  text: string;
  html: string | null;
  inReplyTo: string | null;
  references: readonly string[];
  attachments: readonly OutgoingAttachment[];
  autoSubmitted: AutoSubmitted;
  messageId: string;
  date: Date;
}

/**
 * Text parts in canonical form (RFC 2046: CRLF line breaks). The bodies are base64-encoded, so
 * nodemailer's `newline` option does not reach inside them.
 */
function crlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

/** A file name safe for a Content-Disposition parameter: one line, no path, capped. */
function attachmentName(filename: string): string {
  const base = filename.split(/[\\/]/u).pop() ?? '';
  return oneLine(base, 120) || 'attachment';
}

/**
 * The message as RFC 5322 bytes (CRLF line ends). Besides the usual headers every mail carries
 * `Auto-Submitted` (RFC 3834: auto-replied for answers to a person's mail, auto-generated for
 * reminders and digests) and `X-Auto-Response-Suppress: All` (quiets Exchange out-of-office
 * and delivery-report replies), the first guard against mail loops.
 */
export async function buildMime(input: MimeInput): Promise<Buffer> {
  const builder = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
    // Content comes only from the Buffers below: a path or URL must never be read.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const info = await builder.sendMail({
    from: { name: input.from.name, address: input.from.address },
    to: input.to.map((a) => ({ name: a.name, address: a.address })),
    ...(input.cc.length > 0
      ? { cc: input.cc.map((a) => ({ name: a.name, address: a.address })) }
      : {}),
    envelope: {
      from: input.from.address,
      to: [...input.to, ...input.cc].map((a) => a.address),
    },
    subject: oneLine(input.subject, 200),
    messageId: input.messageId,
    date: input.date,
    ...(input.inReplyTo ? { inReplyTo: input.inReplyTo } : {}),
    ...(input.references.length > 0 ? { references: [...input.references] } : {}),
    headers: [
      { key: 'Auto-Submitted', value: input.autoSubmitted },
      { key: 'X-Auto-Response-Suppress', value: 'All' },
    ],
    text: crlf(input.text),
    ...(input.html !== null ? { html: crlf(input.html) } : {}),
    attachments: input.attachments.map((a) => ({
      filename: attachmentName(a.filename),
      contentType: a.contentType,
      content: Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength),
    })),
    xMailer: false,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const message: unknown = info.message;
  if (!Buffer.isBuffer(message)) throw new Error('nodemailer stream transport returned no buffer');
  return message;
}
