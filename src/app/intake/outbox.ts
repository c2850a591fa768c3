/**
 * The way every automatic mail leaves: composed → stored once under its key in outgoing_mails,
 * as the exact bytes to send (`enqueueComposed`) → delivered by `deliverQueued` (an outbound
 * job, or inline for `duban ingest`), which sends it exactly once through the database claim.
 * A claim whose holder died is taken over after its lease and the mail sent again with the same
 * Message-ID (see src/adapters/mail/send.ts).
 */
import type { Logger } from 'pino';
import { thawMail, type OutgoingMail } from '../../adapters/mail/outgoing-mail';
import { parseRecipients } from '../../adapters/mail/send-cap';
import {
  queueOutgoing,
  sendQueued,
  type MailLogger,
  type SendOutcome,
} from '../../adapters/mail/send';
import type { MailTransport } from '../../adapters/mail/transport';
import { getMail, type Db } from '../../adapters/storage';

/** Stores a composed mail under its key; true when it was not stored before. */
export async function enqueueComposed(
  db: Db,
  mail: OutgoingMail,
  now: Date,
  logger?: MailLogger,
): Promise<boolean> {
  return queueOutgoing(db, mail, now, logger);
}

/** What a queued mail is, without its bytes: for reports. */
export interface QueuedMailSummary {
  key: string;
  kind: string;
  subject: string;
  status: string;
}

export async function queuedMail(db: Db, key: string): Promise<QueuedMailSummary | null> {
  const row = await getMail(db, key);
  return row ? { key, kind: row.kind, subject: row.subject, status: row.status } : null;
}

/** The queued mail read back from its stored bytes (null when none, or it was refused). */
export async function storedMail(db: Db, key: string): Promise<OutgoingMail | null> {
  const row = await getMail(db, key);
  if (!row?.eml) return null;
  const record = parseRecipients(row.recipients_json);
  return thawMail(key, row.kind, row.eml, record?.autoSubmitted ?? 'auto-generated');
}

export interface DeliverDeps {
  db: Db;
  transport: MailTransport;
  logger: Logger;
  dailyCap: number;
  now(): Date;
  /** How long a claim holds before it is taken over (MAIL_CLAIM_LEASE_MS; default 10 min). */
  claimLeaseMs?: number;
}

/** Sends the queued mail with this key (at most once, whoever calls; see the module comment). */
export async function deliverQueued(
  deps: DeliverDeps,
  key: string,
  claimedBy: string,
): Promise<SendOutcome | 'missing'> {
  return sendQueued(deps.db, deps.transport, key, {
    claimedBy,
    now: deps.now(),
    logger: deps.logger,
    dailyCap: deps.dailyCap,
    ...(deps.claimLeaseMs !== undefined ? { claimLeaseMs: deps.claimLeaseMs } : {}),
  });
}
