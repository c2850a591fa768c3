/**
 * The outgoing mails not sent yet: what the sweeper hands to the outbound queue again, and what
 * the sweeper and `duban health` report as late (see src/adapters/mail/send.ts for the policy).
 */
import type { Db } from './connection';
import { toTimestamp } from './codecs';
import type { MailStatus } from './schema';

/**
 * Keys of mails to hand to the outbound queue again, oldest first: queued or waiting for a retry
 * since before `createdBefore` (their job may be lost), and, given `claimedBefore`, claimed
 * before it (their holder's lease ran out: it presumably died).
 */
export async function unsentQueuedMails(
  db: Db,
  createdBefore: Date,
  limit = 500,
  options: { claimedBefore?: Date } = {},
): Promise<string[]> {
  const { claimedBefore } = options;
  const rows = await db.kysely
    .selectFrom('outgoing_mails')
    .select('mail_key')
    .where((eb) =>
      eb.or([
        eb.and([
          eb('status', 'in', ['queued', 'retrying']),
          eb('created_at', '<', toTimestamp(createdBefore)),
        ]),
        ...(claimedBefore === undefined
          ? []
          : [
              eb.and([
                eb('status', '=', 'claimed'),
                eb('claimed_at', '<', toTimestamp(claimedBefore)),
              ]),
            ]),
      ]),
    )
    .orderBy('created_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.mail_key);
}

export interface UnsentMail {
  key: string;
  kind: string;
  status: MailStatus;
  queuedAt: Date;
  attempts: number;
  claimedBy: string | null;
  error: string | null;
}

/** Mails queued before `queuedBefore` and not sent nor failed for good, oldest first. */
export async function unsentMails(db: Db, queuedBefore: Date, limit = 200): Promise<UnsentMail[]> {
  const rows = await db.kysely
    .selectFrom('outgoing_mails')
    .select(['mail_key', 'kind', 'status', 'created_at', 'attempts', 'claimed_by', 'error'])
    .where('status', 'in', ['queued', 'claimed', 'retrying'])
    .where('created_at', '<', toTimestamp(queuedBefore))
    .orderBy('created_at')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    key: r.mail_key,
    kind: r.kind,
    status: r.status,
    queuedAt: new Date(r.created_at),
    attempts: r.attempts,
    claimedBy: r.claimed_by,
    error: r.error,
  }));
}
