/**
 * Sending a mail exactly once.
 *
 * A person must get each receipt, reminder or digest once, even when the queue runs a job twice,
 * a job is retried after a crash, or two workers race. The queue cannot promise that; the
 * database can. Every logical mail has a unique key ("receipt:<raw_message_id>", …) and a worker
 * must win the claim on that key's row (claimMail: one atomic statement) before it sends; only
 * the winner talks to SMTP, and it records the outcome:
 *
 *   sent      → markMailSent, with the exact bytes sent (eml) and the server's reply
 *   4xx, connection errors → 'retrying' (the caller's queue retries with backoff; the next
 *               attempt wins the claim again)
 *   5xx       → 'failed' with the server's reply; not retried (a duplicate job reports 'failed'
 *               without sending; `retryFailed` is for an admin's deliberate re-run)
 *   over the daily cap → 'failed' with MAIL_CAPPED, reported as 'capped'
 *
 * Hazards:
 * - A crash between the server accepting the mail and markMailSent leaves the row 'claimed'.
 *   It is never taken over automatically (no reclaimStaleAfterMs here): the mail most likely
 *   went out, and a person getting it twice is worse than an admin looking at a stuck row.
 * - The same holds when markMailSent itself fails: the error is logged and thrown, the row stays
 *   'claimed', and a retried job answers 'claimed_elsewhere' rather than sending again.
 * - Everything that can fail before SMTP without the database's help (validation, building the
 *   bytes) happens before the claim, so a bug there leaves no row claimed forever.
 */
import type { Logger } from 'pino';
import type { ComposedReply } from '../../domain/intake/replies';
import { headerText } from '../../domain/intake/replies';
import type { Db } from '../storage/connection';
import { claimMail, getMail, markMailFailed, markMailSent } from '../storage/repository';
import type { OutgoingMailRow } from '../storage/schema';
import {
  buildMime,
  checkAddress,
  messageIdFor,
  type AutoSubmitted,
  type MailAddress,
  type OutgoingAttachment,
} from './compose-mime';
import { autoRepliesSentTo, type RecipientsRecord } from './send-cap';
import { classifyDeliveryError, DEFAULT_DAILY_CAP, type MailTransport } from './transport';

export type { AutoSubmitted, MailAddress, OutgoingAttachment } from './compose-mime';
export { checkAddress, isPlainAddress, mailAddress } from './compose-mime';

/** One logical mail. */
export interface OutgoingMail {
  /** Unique per logical mail: "receipt:<raw_message_id>", "reminder:<week>:<unit>:<stage>" … */
  key: string;
  /** 'receipt' | 'correction_request' | 'unknown_sender' | 'too_large' | 'reminder' | 'digest' … */
  kind: string;
  /** auto-replied: answers to a person's mail (capped per address and day); auto-generated: the rest. */
  autoSubmitted: AutoSubmitted;
  /** Build addresses with mailAddress()/checkAddress(); they are checked again here. */
  from: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  subject: string;
  text: string;
  html: string | null;
  /** Message-ID of the mail answered (angle brackets included), or null. */
  inReplyTo: string | null;
  references: string[];
  attachments: OutgoingAttachment[];
  /** Links for the record (outgoing_mails). */
  rawMessageId?: number | null;
  submissionId?: number | null;
  unitId?: string | null;
  reportingWeek?: string | null;
}

export type SendOutcome =
  'sent' | 'already_sent' | 'claimed_elsewhere' | 'retry' | 'failed' | 'capped';

export type MailLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

export interface SendOptions {
  /** Unique per attempt, e.g. "<host>:<pid>:<job id>:<attempt>". */
  claimedBy: string;
  now: Date;
  logger: MailLogger;
  /** Auto-replied mails one address may get in the 24 hours before `now` (default 10). */
  dailyCap?: number;
  /** Send a mail whose last attempt failed for good (an admin's re-run); default false. */
  retryFailed?: boolean;
}

const DAY_MS = 86_400_000;
const KEY_MAX = 200;

/** An OutgoingMail for a composed reply. */
export function replyMail(
  reply: ComposedReply,
  fields: {
    key: string;
    from: MailAddress;
    rawMessageId?: number | null;
    submissionId?: number | null;
    unitId?: string | null;
    reportingWeek?: string | null;
  },
): OutgoingMail {
  const { key, from, ...links } = fields;
  return {
    key,
    kind: reply.kind,
    autoSubmitted: reply.autoSubmitted,
    from,
    // Checked in sendMail like every address; an invalid one is recorded as MAIL_ADDRESS_INVALID.
    to: [{ name: reply.to.name, address: reply.to.address }],
    cc: [],
    subject: reply.subject,
    text: reply.text,
    html: reply.html,
    inReplyTo: reply.inReplyTo,
    references: reply.references,
    attachments: reply.attachments,
    ...links,
  };
}

type Prepared =
  | {
      ok: true;
      from: MailAddress;
      to: MailAddress[];
      cc: MailAddress[];
      /** RCPT TO, de-duplicated (case-insensitively), as written. */
      rcpt: string[];
      subject: string;
      record: RecipientsRecord;
    }
  | { ok: false; subject: string; reasons: string[]; record: unknown };

function prepare(mail: OutgoingMail): Prepared {
  const subject = headerText(mail.subject, 200);
  const reasons: string[] = [];
  const check = (a: MailAddress, role: string): MailAddress | null => {
    const checked = checkAddress({ address: String(a.address), name: String(a.name ?? '') });
    if (checked.ok) return checked.value;
    reasons.push(`${role}: ${checked.reason}`);
    return null;
  };
  const from = check(mail.from, 'from');
  const to = mail.to.map((a) => check(a, 'to'));
  const cc = mail.cc.map((a) => check(a, 'cc'));
  if (mail.to.length === 0) reasons.push('to: no recipient');
  const valid = (list: Array<MailAddress | null>): list is MailAddress[] =>
    list.every((a) => a !== null);
  if (reasons.length > 0 || from === null || !valid(to) || !valid(cc)) {
    // The record shows what was refused, flattened and capped (the raw value may be hostile).
    const shown = (a: MailAddress) => headerText(String(a.address), 80);
    return {
      ok: false,
      subject,
      reasons,
      record: {
        from: shown(mail.from),
        to: mail.to.map(shown),
        cc: mail.cc.map(shown),
        rcpt: [],
        autoSubmitted: mail.autoSubmitted,
      },
    };
  }
  const rcpt: string[] = [];
  for (const a of [...to, ...cc]) {
    if (!rcpt.some((r) => r.toLowerCase() === a.address.toLowerCase())) rcpt.push(a.address);
  }
  return {
    ok: true,
    from,
    to,
    cc,
    rcpt,
    subject,
    record: {
      from: from.address,
      to: to.map((a) => ({ name: a.name, address: a.address })),
      cc: cc.map((a) => ({ name: a.name, address: a.address })),
      rcpt: rcpt.map((a) => a.toLowerCase()),
      autoSubmitted: mail.autoSubmitted,
    },
  };
}

function isCapped(row: OutgoingMailRow): boolean {
  return row.status === 'failed' && (row.error ?? '').startsWith('MAIL_CAPPED');
}

/** The outcome when the row already settles it without a claim, or null to go on and claim. */
function settled(row: OutgoingMailRow, retryFailed: boolean): SendOutcome | null {
  if (row.status === 'sent') return 'already_sent';
  if (row.status === 'failed' && !retryFailed) return isCapped(row) ? 'capped' : 'failed';
  return null;
}

/** The outcome for a caller that lost the claim, from the row as the winner left it. */
function lostClaim(row: OutgoingMailRow): SendOutcome {
  switch (row.status) {
    case 'sent':
      return 'already_sent';
    case 'claimed':
      return 'claimed_elsewhere';
    case 'retrying':
      return 'retry';
    case 'failed':
      return isCapped(row) ? 'capped' : 'failed';
  }
}

/**
 * Sends `mail` unless it was sent (or is being sent) already; see the module comment. Returns:
 * - 'sent': this call delivered it;
 * - 'already_sent': an earlier attempt did; 'claimed_elsewhere': another worker holds it now;
 * - 'retry': a transient failure (4xx, connection): run again later with backoff;
 * - 'failed': refused for good (5xx, invalid address), recorded; 'capped': over the daily cap.
 * Throws only when the database fails (then nothing was sent, or the row stays 'claimed').
 */
export async function sendMail(
  db: Db,
  transport: MailTransport,
  mail: OutgoingMail,
  options: SendOptions,
): Promise<SendOutcome> {
  const { now, claimedBy, logger } = options;
  if (mail.key === '' || mail.key.length > KEY_MAX || /[\s\p{Cc}]/u.test(mail.key)) {
    throw new RangeError(`invalid mail key ${JSON.stringify(mail.key.slice(0, KEY_MAX))}`);
  }
  const about = { mailKey: mail.key, kind: mail.kind };

  const existing = await getMail(db, mail.key);
  const early = existing ? settled(existing, options.retryFailed === true) : null;
  if (early) {
    logger.info({ ...about, outcome: early }, 'mail not sent: already settled');
    return early;
  }

  const prepared = prepare(mail);
  const raw = prepared.ok
    ? await buildMime({
        from: prepared.from,
        to: prepared.to,
        cc: prepared.cc,
        subject: prepared.subject,
        text: mail.text,
        html: mail.html,
        inReplyTo: mail.inReplyTo,
        references: mail.references,
        attachments: mail.attachments,
        autoSubmitted: mail.autoSubmitted,
        messageId: messageIdFor(mail.key, prepared.from),
        date: now,
      })
    : null;

  const claim = await claimMail(db, {
    key: mail.key,
    kind: mail.kind,
    recipients: prepared.record,
    subject: prepared.subject,
    claimedBy,
    rawMessageId: mail.rawMessageId ?? null,
    submissionId: mail.submissionId ?? null,
    unitId: mail.unitId ?? null,
    reportingWeek: mail.reportingWeek ?? null,
    now,
  });
  if (!claim.won) {
    const outcome = lostClaim(claim.mail);
    logger.info({ ...about, outcome }, 'mail not sent: claimed by another attempt');
    return outcome;
  }
  const mailId = claim.mail.id;
  const attempt = { ...about, mailId, attempt: claim.mail.attempts };

  if (!prepared.ok || raw === null) {
    const reasons = prepared.ok ? [] : prepared.reasons;
    await recordFailure(db, mailId, claimedBy, now, logger, attempt, {
      error: `MAIL_ADDRESS_INVALID: ${reasons.join('; ')}`,
      retryable: false,
      smtpResponse: null,
    });
    logger.error({ ...attempt, reasons }, 'mail not sent: invalid address');
    return 'failed';
  }

  if (mail.autoSubmitted === 'auto-replied') {
    const cap = options.dailyCap ?? DEFAULT_DAILY_CAP;
    const counts = await autoRepliesSentTo(db, prepared.rcpt, {
      since: new Date(now.getTime() - DAY_MS),
      excludeKey: mail.key,
    });
    const over = prepared.record.rcpt.filter((a) => (counts.get(a) ?? 0) >= cap);
    if (over.length > 0) {
      await recordFailure(db, mailId, claimedBy, now, logger, attempt, {
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
      key: mail.key,
      raw,
      envelope: { from: prepared.from.address, to: prepared.rcpt },
      now,
    });
  } catch (err) {
    const failure = classifyDeliveryError(err);
    await recordFailure(db, mailId, claimedBy, now, logger, attempt, {
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

  const response =
    delivery.rejected.length > 0
      ? `${delivery.response} (refused: ${delivery.rejected.join(', ')})`
      : delivery.response;
  let recorded: boolean;
  try {
    recorded = await markMailSent(db, mailId, { smtpResponse: response, eml: raw, now });
  } catch (err) {
    logger.error(
      { ...attempt, err },
      'mail delivered but not recorded as sent; it stays claimed and is not sent again',
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
  logger.info({ ...attempt, transport: transport.mode }, 'mail sent');
  return 'sent';
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
    error: failure.error.slice(0, 2000),
    retryable: failure.retryable,
    smtpResponse: failure.smtpResponse,
    now,
  });
  if (!ours) {
    // Our claim was taken over as stale meanwhile; its new holder records the outcome.
    logger.warn(about, 'mail failure not recorded: the claim was taken over');
  }
}
