/**
 * The way every automatic mail leaves: composed → stored in mail_queue under its key (once) →
 * delivered by `deliverQueued` (an outbound job, or inline for `duban ingest`), which sends it
 * exactly once through the database claim in sendMail.
 */
import type { Logger } from 'pino';
import { sendMail, type OutgoingMail, type SendOutcome } from '../../adapters/mail/send';
import type { MailTransport } from '../../adapters/mail/transport';
import { queueMail, queuedMail, type Db } from '../../adapters/storage';

interface StoredAttachment {
  filename: string;
  contentType: string;
  base64: string;
}

/** OutgoingMail as stored JSON (attachments in base64). */
export function serializeMail(mail: OutgoingMail): string {
  const { attachments, ...rest } = mail;
  const stored: StoredAttachment[] = attachments.map((a) => ({
    filename: a.filename,
    contentType: a.contentType,
    base64: Buffer.from(a.content).toString('base64'),
  }));
  return JSON.stringify({ ...rest, attachments: stored });
}

export function deserializeMail(json: string): OutgoingMail {
  const parsed = JSON.parse(json) as Omit<OutgoingMail, 'attachments'> & {
    attachments: StoredAttachment[];
  };
  return {
    ...parsed,
    attachments: parsed.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: Buffer.from(a.base64, 'base64'),
    })),
  };
}

/** Stores a composed mail under its key; true when it was not stored before. */
export async function enqueueComposed(db: Db, mail: OutgoingMail, now: Date): Promise<boolean> {
  return queueMail(
    db,
    {
      key: mail.key,
      kind: mail.kind,
      payloadJson: serializeMail(mail),
      rawMessageId: mail.rawMessageId ?? null,
    },
    now,
  );
}

export interface DeliverDeps {
  db: Db;
  transport: MailTransport;
  logger: Logger;
  dailyCap: number;
  now(): Date;
}

/** Sends the queued mail with this key (at most once, whoever calls). */
export async function deliverQueued(
  deps: DeliverDeps,
  key: string,
  claimedBy: string,
): Promise<SendOutcome | 'missing'> {
  const queued = await queuedMail(deps.db, key);
  if (!queued) {
    deps.logger.error({ mailKey: key }, 'no queued mail under this key');
    return 'missing';
  }
  return sendMail(deps.db, deps.transport, deserializeMail(queued.payloadJson), {
    claimedBy,
    now: deps.now(),
    logger: deps.logger,
    dailyCap: deps.dailyCap,
  });
}
