/**
 * Sending a mail exactly once, and never losing one.
 *
 * A person must get each receipt, reminder or digest once, even when the queue runs a job twice,
 * a job is retried after a crash, or two workers race. The queue cannot promise that; the
 * database can. Every logical mail has a unique key (src/domain/mail-key.ts) and one row in
 * outgoing_mails (src/adapters/storage/outgoing-mails.ts):
 *
 *   queueOutgoing  checks the addresses and builds the MIME once (Message-ID derived from the
 *                  key, Date = the queue time) and stores those bytes as 'queued'; an invalid
 *                  address is stored as 'failed' (MAIL_ADDRESS_INVALID), never thrown away.
 *   sendQueued     claims the row (one atomic statement; only the winner sends), delivers the
 *                  stored bytes and records the outcome:
 *     sent      → 'sent', with the server's reply
 *     4xx, connection errors → 'retrying' (the caller's queue retries with backoff; the next
 *                 attempt wins the claim again)
 *     5xx       → 'failed' with the server's reply; not retried (a duplicate job reports 'failed'
 *                 without sending; `retryFailed` is for an admin's deliberate re-run)
 *     over the daily cap → 'failed' with MAIL_CAPPED, reported as 'capped'
 *
 * The policy for a sender that dies mid-send. SMTP has no idempotency: a crash between the end
 * of DATA and the server's reply (or before the row is marked sent) cannot know whether the mail
 * left. Such a row stays 'claimed'. A claim has a lease (MAIL_CLAIM_LEASE_MS, default 10 min):
 * - within it, another attempt leaves the mail alone ('claimed_elsewhere'): its holder may be
 *   sending it right now;
 * - past it, the sweeper hands the mail to the outbound queue again and the next attempt takes
 *   the claim over and sends it again: the SAME bytes, so the SAME Message-ID (a recipient's
 *   client can recognise the duplicate), with a warning in the log and an audit entry
 *   `mail.possible_duplicate` (previous claimant, attempts). A possible duplicate is better than
 *   a silently lost receipt: a person who gets no receipt re-sends the sheet or phones.
 * - whatever happens, a mail not sent within its window is never silent: the sweeper logs it
 *   (warn past the lease, error past LATE_ERROR_AFTER_MS = 1 h) and `duban health` lists it and
 *   reports unhealthy.
 * The lease must be longer than one delivery can take (SMTP timeouts are about 2 minutes).
 */
import type { Logger } from 'pino';
import type { Db } from '../storage/connection';
import {
  claimMail,
  claimWaitingMail,
  getMail,
  mailQueued,
  markMailFailed,
  markMailSent,
  queueMail,
} from '../storage/outgoing-mails';
import { audit } from '../storage/audit';
import type { OutgoingMailRow } from '../storage/schema';
import { failpoint } from '../../failpoint';
import { oneLine } from '../../domain/one-line';
import { envelopeRecipients, freezeMail, type OutgoingMail } from './outgoing-mail';
import { autoRepliesSentTo, parseRecipients } from './send-cap';
import { classifyDeliveryError, DEFAULT_DAILY_CAP, type MailTransport } from './transport';

export type { AutoSubmitted, MailAddress, OutgoingAttachment } from './compose-mime';
export { checkAddress, isPlainAddress, mailAddress } from './compose-mime';
export { replyMail, type OutgoingMail } from './outgoing-mail';

export type SendOutcome =
  'sent' | 'already_sent' | 'claimed_elsewhere' | 'retry' | 'failed' | 'capped';

export type MailLogger = Pick<Logger, 'info' | 'warn' | 'error'> & Partial<Pick<Logger, 'debug'>>;

/** How long a claim holds before it is taken over (MAIL_CLAIM_LEASE_MS). */
export const DEFAULT_CLAIM_LEASE_MS = 10 * 60_000;
export { LATE_ERROR_AFTER_MS, lateness } from '../../domain/mail-lateness';

export interface SendOptions {
  /** Unique per attempt, e.g. "<host>:<pid>:<job id>:<attempt>". */
  claimedBy: string;
  now: Date;
  logger: MailLogger;
  /** Auto-replied mails one address may get in the 24 hours before `now` (default 10). */
  dailyCap?: number;
  /** Send a mail whose last attempt failed for good (an admin's re-run); default false. */
  retryFailed?: boolean;
  /** The claim's lease (default DEFAULT_CLAIM_LEASE_MS). */
  claimLeaseMs?: number;
  /**
   * The level of the "mail sent" line (default info). A reply delivered by the intake job that
   * logged its message at info already is logged at debug: one info line per message.
   */
  sentLogLevel?: 'info' | 'debug';
}

const DAY_MS = 86_400_000;
const KEY_MAX = 200;

/**
 * Stores `mail` to be sent, built once (see the module comment); a mail already stored under its
 * key is left as it was. Returns true when this call stored it.
 */
export async function queueOutgoing(
  db: Db,
  mail: OutgoingMail,
  now: Date,
  logger?: MailLogger,
  options: { likelyNew?: boolean } = {},
): Promise<boolean> {
  if (mail.key === '' || mail.key.length > KEY_MAX || /[\s\p{Cc}]/u.test(mail.key)) {
    throw new RangeError(`invalid mail key ${JSON.stringify(mail.key.slice(0, KEY_MAX))}`);
  }
  // A mail already stored is not built again (a digest's workbook is costly); a caller that
  // knows the key is new (a reply to a message processed for the first time) skips the look-up.
  if (!options.likelyNew && (await mailQueued(db, mail.key))) return false;
  const frozen = await freezeMail(mail, now);
  const { queued } = await queueMail(db, {
    key: mail.key,
    kind: mail.kind,
    subject: frozen.subject,
    recipients: frozen.recipients,
    messageId: frozen.messageId,
    eml: frozen.eml,
    refusal: frozen.refusal,
    rawMessageId: mail.rawMessageId ?? null,
    submissionId: mail.submissionId ?? null,
    unitId: mail.unitId ?? null,
    reportingWeek: mail.reportingWeek ?? null,
    now,
  });
  if (queued && frozen.refusal !== null) {
    logger?.error(
      { mailKey: mail.key, kind: mail.kind, reason: frozen.refusal },
      'mail not sent: invalid address',
    );
  }
  return queued;
}

/** Queues `mail` (once) and sends it unless it was sent (or is being sent) already. */
export async function sendMail(
  db: Db,
  transport: MailTransport,
  mail: OutgoingMail,
  options: SendOptions,
): Promise<SendOutcome> {
  await queueOutgoing(db, mail, options.now, options.logger);
  const outcome = await sendQueued(db, transport, mail.key, options);
  if (outcome === 'missing') throw new Error(`mail ${mail.key} was queued but cannot be read`);
  return outcome;
}

function isCapped(row: OutgoingMailRow): boolean {
  return row.status === 'failed' && (row.error ?? '').startsWith('MAIL_CAPPED');
}

/** The outcome when the row already settles it without a claim, or null to go on and claim. */
function settled(row: OutgoingMailRow, retryFailed: boolean): SendOutcome | null {
  if (row.status === 'sent') return 'already_sent';
  if (row.status === 'failed' && (!retryFailed || row.eml === null)) {
    return isCapped(row) ? 'capped' : 'failed';
  }
  return null;
}

/** The outcome for a caller that lost the claim, from the row as the winner left it. */
function lostClaim(row: OutgoingMailRow): SendOutcome {
  switch (row.status) {
    case 'sent':
      return 'already_sent';
    case 'queued':
    case 'claimed':
      return 'claimed_elsewhere';
    case 'retrying':
      return 'retry';
    case 'failed':
      return isCapped(row) ? 'capped' : 'failed';
  }
}

/**
 * Sends the mail stored under `key` unless it was sent (or is being sent) already; see the
 * module comment. Returns:
 * - 'sent': this call delivered it;
 * - 'already_sent': an earlier attempt did; 'claimed_elsewhere': another attempt holds it, within
 *   its lease;
 * - 'retry': a transient failure (4xx, connection): run again later with backoff;
 * - 'failed': refused for good (5xx, invalid address), recorded; 'capped': over the daily cap;
 * - 'missing': nothing is stored under this key.
 * Throws only when the database fails (then nothing was sent, or the row stays 'claimed' until
 * its lease runs out).
 */
export async function sendQueued(
  db: Db,
  transport: MailTransport,
  key: string,
  options: SendOptions,
): Promise<SendOutcome | 'missing'> {
  const { now, claimedBy, logger } = options;
  const leaseMs = options.claimLeaseMs ?? DEFAULT_CLAIM_LEASE_MS;
  // The common case in one statement: a mail waiting to be sent, claimed and returned.
  const waiting = await claimWaitingMail(db, key, claimedBy, now);
  const claim = waiting
    ? { won: true as const, mail: waiting, previous: null }
    : await claimSettledOrStale(db, key, options, leaseMs);
  if (claim === 'missing' || !claim.won) return claim === 'missing' ? claim : claim.outcome;
  const row = claim.mail;
  const about = { mailKey: key, kind: row.kind };
  const attempt = { ...about, mailId: row.id, attempt: row.attempts };
  if (claim.previous?.status === 'claimed') {
    // Its holder died (or hung) mid-send: the mail may have left already. Sent again, with the
    // same bytes and Message-ID, and recorded.
    const details = { previousClaimant: claim.previous.claimed_by, attempts: row.attempts };
    logger.warn(
      { ...attempt, ...details },
      'mail claim taken over after its lease: possible duplicate',
    );
    await audit(db, {
      event: 'mail.possible_duplicate',
      mailId: row.id,
      rawMessageId: row.raw_message_id,
      unitId: row.unit_id,
      reportingWeek: row.reporting_week,
      details: { mailKey: key, messageId: row.message_id, ...details },
      now,
    });
  }

  const recipients = parseRecipients(row.recipients_json);
  if (row.eml === null || recipients === null) {
    await recordFailure(db, row.id, claimedBy, now, logger, attempt, {
      error: 'MAIL_NOT_COMPOSED: no message stored to send',
      retryable: false,
      smtpResponse: null,
    });
    logger.error(attempt, 'mail not sent: nothing stored to send');
    return 'failed';
  }

  if (recipients.autoSubmitted === 'auto-replied') {
    const cap = options.dailyCap ?? DEFAULT_DAILY_CAP;
    const counts = await autoRepliesSentTo(db, recipients.rcpt, {
      mailId: row.id,
      now,
      since: new Date(now.getTime() - DAY_MS),
    });
    const over = recipients.rcpt.filter((a) => (counts.get(a) ?? 0) >= cap);
    if (over.length > 0) {
      await recordFailure(db, row.id, claimedBy, now, logger, attempt, {
        error: `MAIL_CAPPED: ${over.join(', ')} already got ${cap} automatic replies in 24 hours`,
        retryable: false,
        smtpResponse: null,
      });
      logger.warn({ ...attempt, cap, recipients: over.length }, 'mail not sent: daily cap reached');
      return 'capped';
    }
  }

  let delivery;
  try {
    delivery = await transport.deliver({
      key,
      raw: row.eml,
      envelope: {
        from: recipients.from,
        to: envelopeRecipients([...recipients.to, ...recipients.cc]),
      },
      now,
    });
  } catch (err) {
    const failure = classifyDeliveryError(err);
    await recordFailure(db, row.id, claimedBy, now, logger, attempt, {
      error: `${failure.code}: ${failure.message}`,
      retryable: failure.retryable,
      smtpResponse: failure.smtpResponse,
    });
    const fields = { ...attempt, code: failure.code, responseCode: failure.responseCode, err };
    if (failure.retryable) {
      logger.warn(fields, 'mail delivery failed; to be retried');
      return 'retry';
    }
    logger.error(fields, 'mail delivery failed for good');
    return 'failed';
  }
  // The ambiguous moment the lease exists for: the mail left, and nothing records it yet.
  failpoint('after-delivery');

  const response =
    delivery.rejected.length > 0
      ? `${delivery.response} (refused: ${delivery.rejected.join(', ')})`
      : delivery.response;
  let recorded: boolean;
  try {
    recorded = await markMailSent(db, row.id, { smtpResponse: response, now });
  } catch (err) {
    logger.error(
      { ...attempt, err },
      'mail delivered but not recorded as sent; it is sent again once its claim lease runs out',
    );
    throw err;
  }
  if (!recorded) {
    logger.error(attempt, 'mail delivered although it was already recorded as sent');
  }
  if (delivery.rejected.length > 0) {
    logger.warn(
      { ...attempt, refused: delivery.rejected.length },
      'mail sent, but the server refused some recipients',
    );
  }
  if (options.sentLogLevel === 'debug') {
    logger.debug?.({ ...attempt, transport: transport.mode }, 'mail sent');
  } else logger.info({ ...attempt, transport: transport.mode }, 'mail sent');
  return 'sent';
}

type SlowClaim =
  | { won: true; mail: OutgoingMailRow; previous: OutgoingMailRow | null }
  | { won: false; outcome: SendOutcome };

/**
 * The claim of a mail not waiting to be sent: settled already (sent, failed), held by another
 * attempt (taken over past its lease), or absent.
 */
async function claimSettledOrStale(
  db: Db,
  key: string,
  options: SendOptions,
  leaseMs: number,
): Promise<SlowClaim | 'missing'> {
  const { now, claimedBy, logger } = options;
  const stored = await getMail(db, key);
  if (!stored) {
    logger.error({ mailKey: key }, 'no queued mail under this key');
    return 'missing';
  }
  const about = { mailKey: key, kind: stored.kind };
  const early = settled(stored, options.retryFailed === true);
  if (early) {
    logger.info({ ...about, outcome: early }, 'mail not sent: already settled');
    return { won: false, outcome: early };
  }
  const claim = await claimMail(db, { key, claimedBy, now, reclaimStaleAfterMs: leaseMs });
  if (claim.won) return { won: true, mail: claim.mail, previous: claim.previous };
  const outcome = lostClaim(claim.mail);
  const held = claim.mail.claimed_at ? Date.parse(claim.mail.claimed_at) : now.getTime();
  logger.info(
    {
      ...about,
      outcome,
      claimedBy: claim.mail.claimed_by,
      leaseEndsAt: new Date(held + leaseMs).toISOString(),
    },
    'mail not sent now: another attempt holds it within its lease',
  );
  return { won: false, outcome };
}

async function recordFailure(
  db: Db,
  mailId: number,
  claimedBy: string,
  now: Date,
  logger: MailLogger,
  about: Record<string, unknown>,
  failure: { error: string; retryable: boolean; smtpResponse: string | null },
): Promise<void> {
  const ours = await markMailFailed(db, mailId, {
    claimedBy,
    error: oneLine(failure.error, 2000, ''),
    retryable: failure.retryable,
    smtpResponse: failure.smtpResponse,
    now,
  });
  if (!ours) {
    // Our claim was taken over as stale meanwhile; its new holder records the outcome.
    logger.warn(about, 'mail failure not recorded: the claim was taken over');
  }
}
