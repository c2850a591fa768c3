/**
 * The mail reader port: a stored raw message (RFC 5322 bytes) read into the message as the domain
 * sees it. Throws only DubanErrors (MESSAGE_TOO_LARGE, MESSAGE_TOO_COMPLEX, MESSAGE_UNREADABLE);
 * anything merely malformed is read as far as it goes.
 */
import type { ParsedMessage } from '../../domain/intake/message';

export interface MailReader {
  read(raw: Buffer, limits: { maxBytes: number }): Promise<ParsedMessage>;
}
