/**
 * The mail reader port: a stored raw message (RFC 5322 bytes) read into the message as the domain
 * sees it. Throws only DubanErrors (MESSAGE_TOO_LARGE, MESSAGE_TOO_COMPLEX, MESSAGE_UNREADABLE);
 * anything merely malformed is read as far as it goes.
 */
import type { ParsedMessage, RecoveredHeaders } from '../../domain/intake/message';

export interface MailReader {
  read(raw: Buffer, limits: { maxBytes: number }): Promise<ParsedMessage>;
  /**
   * The sender and automatic-mail headers of the top-level header block only, read without MIME
   * parsing (bounded): for answering a known unit whose message `read` refused. Null when no
   * usable From is found. Never throws.
   */
  recoverHeaders(raw: Buffer): RecoveredHeaders | null;
}
