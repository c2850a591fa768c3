/**
 * A received message as the intake reads it: who sent it, what it says about itself, and its
 * attachments (those of forwarded messages included). The mail parser adapter
 * (src/adapters/mail/parse-message.ts) fills it from the raw bytes; the use cases and the
 * classification read it.
 */
import type { AttachmentKind, IntakeHeaders, MailAddress, MessageFacts } from './classify';

export interface MailAttachment {
  /** Decoded file name, directory part and control/bidi characters removed; "" when unnamed. */
  filename: string;
  /** Lower-cased MIME type (mailparser infers it from the name for application/octet-stream). */
  contentType: string;
  size: number;
  content: Buffer;
  /** Found inside a forwarded (message/rfc822) part, at any depth. */
  viaForward: boolean;
  kind: AttachmentKind;
  /** An image or part referenced from the HTML (multipart/related, cid:), e.g. a signature logo. */
  embedded: boolean;
}

/** A message found inside this one (a forward as attachment, or a bounce's returned original). */
export interface ForwardedMessage {
  from: MailAddress | null;
  subject: string;
  date: Date | null;
  messageId: string | null;
}

export interface ParsedMessage extends MessageFacts {
  /** Message-ID with angle brackets, or null. Not unique in practice: also hash the content. */
  messageId: string | null;
  inReplyTo: string | null;
  /** Message-IDs of the References header, oldest first (the last 100 at most). */
  references: string[];
  /** The first mailbox of From; null when there is none that is a usable address. */
  from: MailAddress | null;
  sender: MailAddress | null;
  /** The first mailbox of Reply-To. Never reply to it blindly: anyone can set it. */
  replyTo: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  /** Decoded, one line, trimmed, at most 500 characters. */
  subject: string;
  /** The Date header; null when missing or unreadable (never "now"). */
  date: Date | null;
  headers: IntakeHeaders;
  /** The plain-text body (HTML converted when there is no text part), at most 100 000 chars. */
  text: string;
  /**
   * The HTML body as sent (not sanitised: never render it), at most 1 000 000 chars; null when
   * the message has no HTML part. Untrusted: read it only with bounded, linear scans.
   */
  html: string | null;
  /** Every attachment, those of forwarded messages included (forwarded containers are not). */
  attachments: MailAttachment[];
  /** Messages found inside this one, outermost first. */
  forwarded: ForwardedMessage[];
  /** Size of the raw message in bytes. */
  size: number;
}

/**
 * What a bounded header-only read recovers of a message the MIME reader refused: enough to know
 * who sent it and whether it is automatic (its subject decoded, Content-Type and the rest raw).
 */
export interface RecoveredHeaders {
  from: MailAddress;
  sender: MailAddress | null;
  subject: string;
  /** Message-ID with angle brackets, or null. */
  messageId: string | null;
  headers: IntakeHeaders;
}
