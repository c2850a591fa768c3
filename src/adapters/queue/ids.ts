/**
 * Job ids. BullMQ ids must not contain ':' and only deduplicate while the job exists, so they
 * are derived from what the job works on (the same message or mail always gets the same id).
 */
import { createHash } from 'node:crypto';

/**
 * The id of a message's intake job, from where it was found. Mailbox names may hold anything,
 * so the mailbox is hashed.
 */
export function intakeJobId(mailbox: string, uidvalidity: string, uid: number): string {
  const box = createHash('sha1').update(mailbox).digest('hex').slice(0, 12);
  return `imap-${box}-${uidvalidity}-${uid}`;
}

export function outboundJobId(mailKey: string): string {
  return `mail-${createHash('sha1').update(mailKey).digest('hex')}`;
}
