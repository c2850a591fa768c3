/**
 * The limits a raw message is read under. The reading itself is in ./parse-message.ts; what it
 * gives (ParsedMessage, its attachments and forwarded messages) is the domain's.
 */
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

// The parts of a read message are the domain's (src/domain/intake/message.ts).
export type { ForwardedMessage, MailAttachment } from '../../domain/intake/message';
