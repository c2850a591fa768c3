/** The MailReader port over the hardened mailparser reading (parse-message.ts). */
import type { MailReader } from '../../app/ports/mail-reader';
import { recoverHeaders } from './header-block';
import { parseMessage } from './parse-message';

export const mimeMailReader: MailReader = { read: parseMessage, recoverHeaders };
