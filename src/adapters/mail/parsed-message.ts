/**
 * The limits a raw message is read under, and the parts of what reading it gives: attachments
 * and forwarded messages. The reading itself, and ParsedMessage, are in ./parse-message.ts.
 */
import type { AttachmentKind, MailAddress } from '../../domain/intake/classify';

export interface ParseLimits {
  /** Largest raw message accepted (MESSAGE_TOO_LARGE). */
  maxBytes: number;
  /** Deepest nesting of multiparts and forwarded messages (MESSAGE_TOO_COMPLEX). */
  maxDepth: number;
  /** Most MIME parts in one message or one forwarded message (MESSAGE_TOO_COMPLEX). */
  maxParts: number;
  /** Largest header block of one part, in bytes (MESSAGE_TOO_COMPLEX). */
  maxHeaderBytes: number;
  /**
   * Bytes parsed in total, the message and every forwarded message inside it (each is parsed
   * again on its own), so nested forwards cannot multiply the work (MESSAGE_TOO_COMPLEX).
   */
  maxParsedBytes: number;
}

const MIB = 1024 * 1024;

export const DEFAULT_PARSE_LIMITS: ParseLimits = {
  maxBytes: 25 * MIB,
  // Real mail nests 3-4 levels (mixed > related > alternative); a forward of a forward adds 2-4.
  maxDepth: 64,
  maxParts: 500,
  maxHeaderBytes: 512 * 1024,
  maxParsedBytes: 50 * MIB,
};

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
