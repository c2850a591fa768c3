/** The MailReader port over the hardened mailparser reading (parse-message.ts). */
import type { MailReader } from '../../app/ports/mail-reader';
import { parseMessage } from './parse-message';

export const mimeMailReader: MailReader = { read: parseMessage };
