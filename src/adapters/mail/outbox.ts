/**
 * The outbox adapter: the way every automatic mail leaves. Composed → stored once under its key
 * in outgoing_mails, as the exact bytes to send (`queue`) → delivered by `deliver` (an outbound
 * job, or inline for `duban ingest`), which sends it exactly once through the database claim.
 * A claim whose holder died is taken over after its lease and the mail sent again with the same
 * Message-ID (see send.ts).
 *
 * `MailOutbox` implements the use cases' Outbox port; the functions below are the same steps
 * for the callers that still hold a Db (they go once every use case speaks to the port).
 */
import type { Logger } from 'pino';
import type { Clock } from '../../app/ports/clock';
import type { Outbox, QueuedMailSummary } from '../../app/ports/outbox';
import { dropQueuedMail, getMail, type Db } from '../storage';
import { thawMail, type OutgoingMail } from './outgoing-mail';
import { parseRecipients } from './send-cap';
import { parseMailKey } from '../../domain/mail-key';
import { queueOutgoing, sendQueued, type MailLogger, type SendOutcome } from './send';
import type { MailTransport } from './transport';

export type { QueuedMailSummary } from '../../app/ports/outbox';

/**
 * Stores a composed mail under its key; true when it was not stored before. A reply's key (one
 * per message) is new except when a job runs again, so a reply is built and inserted without a
 * look-up first (the insert keeps the mail first stored); a reminder or digest is looked up
 * first, so one queued already is not built again.
 */
export async function enqueueComposed(
  db: Db,
  mail: OutgoingMail,
  now: Date,
  logger?: MailLogger,
): Promise<boolean> {
  return queueOutgoing(db, mail, now, logger, {
    likelyNew: ['reply', 'release', 'reprocess'].includes(parseMailKey(mail.key)?.kind ?? ''),
  });
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
  options: { sentLogLevel?: 'info' | 'debug' } = {},
): Promise<SendOutcome | 'missing'> {
  return sendQueued(deps.db, deps.transport, key, {
    claimedBy,
    now: deps.now(),
    logger: deps.logger,
    dailyCap: deps.dailyCap,
    ...(deps.claimLeaseMs !== undefined ? { claimLeaseMs: deps.claimLeaseMs } : {}),
    ...options,
  });
}

/** The Outbox port over the outgoing_mails table and an SMTP (or file) transport. */
export class MailOutbox implements Outbox {
  constructor(private readonly deps: DeliverDeps) {}

  /** The same outbox seen through another clock (a command's or a test's fixed time). */
  at(clock: Clock): MailOutbox {
    return new MailOutbox({ ...this.deps, now: () => clock.now() });
  }

  queue(mail: OutgoingMail): Promise<boolean> {
    return enqueueComposed(this.deps.db, mail, this.deps.now(), this.deps.logger);
  }

  deliver(key: string, claimedBy: string): Promise<SendOutcome | 'missing'> {
    return deliverQueued(this.deps, key, claimedBy);
  }

  summary(key: string): Promise<QueuedMailSummary | null> {
    return queuedMail(this.deps.db, key);
  }

  stored(key: string): Promise<OutgoingMail | null> {
    return storedMail(this.deps.db, key);
  }

  withdraw(key: string): Promise<boolean> {
    return dropQueuedMail(this.deps.db, key);
  }
}
