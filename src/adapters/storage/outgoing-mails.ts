/**
 * The outgoing mail: one row per logical mail (receipt, reminder, digest, …), from queued to
 * sent. The row holds the exact bytes to send (built once, when queued), the recipients record,
 * and the state of sending it:
 *
 *   queued ─claim─▶ claimed ─▶ sent
 *                      │  ├──▶ retrying ─claim─▶ claimed …   (SMTP 4xx, connection)
 *                      │  └──▶ failed                         (5xx, over the cap; re-claimable)
 *                      └─ lease runs out ─claim─▶ claimed     (its holder died: taken over)
 *   queued as failed: a mail that can never be sent (an invalid address), kept as the record.
 *
 * Exactly-once comes from the claim (claimMail): only its winner sends. The policy around it
 * (the lease, the possible duplicate, the daily cap) is the sender's: src/adapters/mail/send.ts.
 */
import type { Db } from './connection';
import { json, optionalIsoDate, toBuffer, toTimestamp } from './codecs';
import type { Insertable } from 'kysely';
import { forgetAutoReply } from './auto-replies';
import { compiledOnce, slot } from './compiled-once';
import type { IsoDateText, MailStatus, OutgoingMailRow, OutgoingMailsTable } from './schema';

export { digestMails, remindersSent } from './outgoing-mail-reads';

export interface NewOutgoingMail {
  /** One per logical mail (src/domain/mail-key.ts). */
  key: string;
  kind: string;
  subject: string;
  /** Stored as JSON (a RecipientsRecord for a mail to be sent). */
  recipients: unknown;
  messageId: string | null;
  /** The message to send (RFC 5322 bytes); null only with `refusal`. */
  eml: Uint8Array | null;
  /** Why the mail can never be sent: it is stored as 'failed' with this error. */
  refusal?: string | null;
  rawMessageId?: number | null;
  submissionId?: number | null;
  unitId?: string | null;
  reportingWeek?: IsoDateText | null;
  now?: Date;
}

/**
 * Stores a mail to be sent, once per key: a second call with the same key changes nothing (the
 * mail first queued is the one sent). Returns whether this call stored it, and the row.
 */
const ROW_WITHOUT_EML = [
  'id',
  'mail_key',
  'kind',
  'recipients_json',
  'subject',
  'status',
  'message_id',
  'claimed_at',
  'claimed_by',
  'sent_at',
  'attempts',
  'smtp_response',
  'error',
  'raw_message_id',
  'submission_id',
  'unit_id',
  'reporting_week',
  'created_at',
  'updated_at',
] as const;

export async function queueMail(
  db: Db,
  input: NewOutgoingMail,
): Promise<{ queued: boolean; mail: OutgoingMailRow }> {
  const now = toTimestamp(input.now ?? new Date());
  const refused = input.refusal !== undefined && input.refusal !== null;
  const eml = input.eml ? toBuffer(input.eml) : null;
  const { rows } = await insertQueued(db, {
    key: input.key,
    kind: input.kind,
    recipients: json(input.recipients),
    subject: input.subject,
    status: refused ? 'failed' : 'queued',
    messageId: input.messageId,
    eml,
    error: refused ? input.refusal : null,
    rawMessageId: input.rawMessageId ?? null,
    submissionId: input.submissionId ?? null,
    unitId: input.unitId ?? null,
    reportingWeek: optionalIsoDate(input.reportingWeek, 'reportingWeek'),
    now,
  });
  const inserted = rows[0];
  if (inserted) return { queued: true, mail: { ...inserted, eml } };
  return { queued: false, mail: await conflictingMail(db, input.key) };
}

/** What ties a mail to its cause (the message, submission, unit, week), and when it was made. */
function linkColumns(
  input: Pick<NewOutgoingMail, 'rawMessageId' | 'submissionId' | 'unitId' | 'reportingWeek'>,
  now: string,
) {
  return {
    raw_message_id: input.rawMessageId ?? null,
    submission_id: input.submissionId ?? null,
    unit_id: input.unitId ?? null,
    reporting_week: optionalIsoDate(input.reportingWeek, 'reportingWeek'),
    created_at: now,
    updated_at: now,
  };
}

/** Inserts the row unless its key is there: the stored row, or undefined when it was there. */
async function insertOnce(
  db: Db,
  row: Insertable<OutgoingMailsTable>,
): Promise<OutgoingMailRow | undefined> {
  return db.kysely
    .insertInto('outgoing_mails')
    .values(row)
    .onConflict((oc) => oc.column('mail_key').doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** The row whose key an insert just conflicted on (so it must exist). */
async function conflictingMail(db: Db, key: string): Promise<OutgoingMailRow> {
  const existing = await getMail(db, key);
  if (!existing) throw new Error(`mail ${key} conflicted on insert but does not exist`);
  return existing;
}

const insertQueued = compiledOnce((k) =>
  k
    .insertInto('outgoing_mails')
    .values({
      mail_key: slot('key'),
      kind: slot('kind'),
      recipients_json: slot('recipients'),
      subject: slot('subject'),
      status: slot<MailStatus>('status'),
      message_id: slot('messageId'),
      eml: slot<Buffer | null>('eml'),
      error: slot('error'),
      attempts: 0,
      raw_message_id: slot('rawMessageId'),
      submission_id: slot('submissionId'),
      unit_id: slot('unitId'),
      reporting_week: slot('reportingWeek'),
      created_at: slot('now'),
      updated_at: slot('now'),
    })
    .onConflict((oc) => oc.column('mail_key').doNothing())
    // Every column but the bytes just written: reading them back would copy them again.
    .returning(ROW_WITHOUT_EML),
);

/** Whether a mail is stored under this key (an index look-up: the row and its bytes are not read). */
export async function mailQueued(db: Db, key: string): Promise<boolean> {
  const row = await db.kysely
    .selectFrom('outgoing_mails')
    .select('id')
    .where('mail_key', '=', key)
    .executeTakeFirst();
  return row !== undefined;
}

export async function getMail(db: Db, key: string): Promise<OutgoingMailRow | undefined> {
  return db.kysely
    .selectFrom('outgoing_mails')
    .selectAll()
    .where('mail_key', '=', key)
    .executeTakeFirst();
}

export interface ClaimMailInput {
  key: string;
  /**
   * Who is claiming: unique per attempt (e.g. "<host>:<pid>:<job id>"), because marking a
   * failure is only accepted from the holder of the claim.
   */
  claimedBy: string;
  /**
   * The claim's lease: a claim older than this is taken over (its holder is presumed dead).
   * Hazard: that holder may have sent the mail before dying, so a takeover can duplicate it
   * (the sender records that as a possible duplicate). Left out, a claim is never taken over.
   */
  reclaimStaleAfterMs?: number;
  /**
   * For a mail that was never queued (tests, tools): the row the claim creates. A queued mail
   * keeps its own record; these fields are then ignored.
   */
  kind?: string;
  recipients?: unknown;
  subject?: string;
  rawMessageId?: number | null;
  submissionId?: number | null;
  unitId?: string | null;
  reportingWeek?: IsoDateText | null;
  now?: Date;
}

export interface MailClaim {
  /** True for exactly one caller per attempt: only that caller may send. */
  won: boolean;
  /** The row after the claim (when lost: as the winner or a previous attempt left it). */
  mail: OutgoingMailRow;
  /** When won: the row as it was before (status 'claimed' means a stale claim was taken over). */
  previous: OutgoingMailRow | null;
}

const CLAIMABLE: ReadonlySet<MailStatus> = new Set(['queued', 'retrying', 'failed']);

/**
 * Claims the right to send a mail; only the winner sends. This is what makes a person receive a
 * receipt, reminder or digest once even when the queue runs a job twice or two workers race.
 *
 * The claim must be decided by the database in single statements, never by "read the row, then
 * write it" alone: two workers could both read "not sent" and both send. So:
 * 1. INSERT … ON CONFLICT (mail_key) DO NOTHING: for a mail never queued, the first caller
 *    creates the row as 'claimed' and wins; everyone else inserts nothing.
 * 2. Otherwise the row is read, and if it may be claimed ('queued', 'retrying', 'failed', or
 *    'claimed' past its lease) a conditional UPDATE takes it over only if it is still exactly as
 *    read: same status and same `attempts` (every claim increments it, so it is the row's
 *    version). The database applies the condition to the row as it is when the update runs
 *    (PostgreSQL re-checks it after waiting for a concurrent writer's lock), so at most one
 *    racer updates it.
 * A 'sent' mail is never claimed again.
 */
export async function claimMail(db: Db, input: ClaimMailInput): Promise<MailClaim> {
  const nowDate = input.now ?? new Date();
  const now = toTimestamp(nowDate);
  const inserted = await insertOnce(db, {
    mail_key: input.key,
    kind: input.kind ?? 'unknown',
    recipients_json: json(input.recipients),
    subject: input.subject ?? '',
    status: 'claimed',
    claimed_at: now,
    claimed_by: input.claimedBy,
    attempts: 1,
    ...linkColumns(input, now),
  });
  if (inserted) return { won: true, mail: inserted, previous: null };

  const current = await conflictingMail(db, input.key);
  const staleBefore =
    input.reclaimStaleAfterMs === undefined
      ? null
      : toTimestamp(nowDate.getTime() - input.reclaimStaleAfterMs);
  const stale =
    current.status === 'claimed' &&
    staleBefore !== null &&
    (current.claimed_at === null || current.claimed_at < staleBefore);
  if (!CLAIMABLE.has(current.status) && !stale)
    return { won: false, mail: current, previous: null };

  const claimed = await db.kysely
    .updateTable('outgoing_mails')
    .set({
      status: 'claimed',
      claimed_at: now,
      claimed_by: input.claimedBy,
      attempts: current.attempts + 1,
      updated_at: now,
    })
    .where('id', '=', current.id)
    .where('status', '=', current.status)
    .where('attempts', '=', current.attempts)
    .returningAll()
    .executeTakeFirst();
  if (claimed) return { won: true, mail: claimed, previous: current };
  const after = await getMail(db, input.key);
  if (!after) throw new Error(`mail ${input.key} vanished while being claimed`);
  return { won: false, mail: after, previous: null };
}

/**
 * The common claim in one statement: a mail waiting to be sent ('queued' or 'retrying') is
 * claimed by a conditional UPDATE that returns the claimed row; at most one racer's update
 * matches (see claimMail). Undefined when the row is in any other state (or absent): the caller
 * then reads it and goes through claimMail, which also takes over stale claims.
 */
export async function claimWaitingMail(
  db: Db,
  key: string,
  claimedBy: string,
  nowDate: Date,
): Promise<OutgoingMailRow | undefined> {
  const { rows } = await claimWaiting(db, { key, claimedBy, now: toTimestamp(nowDate) });
  return rows[0];
}

const claimWaiting = compiledOnce((k) =>
  k
    .updateTable('outgoing_mails')
    .set((eb) => ({
      status: 'claimed',
      claimed_at: slot<string>('now'),
      claimed_by: slot<string>('claimedBy'),
      attempts: eb('attempts', '+', 1),
      updated_at: slot<string>('now'),
    }))
    .where('mail_key', '=', slot<string>('key'))
    .where('status', 'in', ['queued', 'retrying'])
    .returningAll(),
);

export interface MailSent {
  smtpResponse?: string | null;
  /** The message as handed to SMTP, when the row does not hold it yet. */
  eml?: Uint8Array | null;
  now?: Date;
}

/**
 * Records that a mail went out. Accepted whoever holds the claim (it did go out); returns false
 * when the row was already 'sent', which means a duplicate was delivered: log it loudly.
 */
export async function markMailSent(db: Db, mailId: number, input: MailSent = {}): Promise<boolean> {
  const now = toTimestamp(input.now ?? new Date());
  const smtpResponse = input.smtpResponse ?? null;
  if (!input.eml) {
    const result = await markSent(db, { id: mailId, now, smtpResponse });
    return (result.numAffectedRows ?? 0n) > 0n;
  }
  const result = await db.kysely
    .updateTable('outgoing_mails')
    .set({
      status: 'sent',
      sent_at: now,
      smtp_response: smtpResponse,
      eml: toBuffer(input.eml),
      error: null,
      updated_at: now,
    })
    .where('id', '=', mailId)
    .where('status', '<>', 'sent')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

const markSent = compiledOnce((k) =>
  k
    .updateTable('outgoing_mails')
    .set({
      status: 'sent',
      sent_at: slot<string>('now'),
      smtp_response: slot<string | null>('smtpResponse'),
      error: null,
      updated_at: slot<string>('now'),
    })
    .where('id', '=', slot<number>('id'))
    .where('status', '<>', 'sent'),
);

export interface MailFailed {
  /** Must be the claimant that won the claim. */
  claimedBy: string;
  error: string;
  /** True: a transient failure ('retrying'); false: permanent ('failed'). Both can be re-claimed. */
  retryable: boolean;
  smtpResponse?: string | null;
  now?: Date;
}

/**
 * Records that sending failed. Only the current claimant may do so: if its claim was taken over
 * as stale, the new holder may be sending right now, and releasing the row would let a third
 * worker send too. Returns false when the claim was no longer ours (nothing was changed).
 */
export async function markMailFailed(db: Db, mailId: number, input: MailFailed): Promise<boolean> {
  const result = await db.kysely
    .updateTable('outgoing_mails')
    .set({
      status: input.retryable ? 'retrying' : 'failed',
      error: input.error,
      smtp_response: input.smtpResponse ?? null,
      updated_at: toTimestamp(input.now ?? new Date()),
    })
    .where('id', '=', mailId)
    .where('status', '=', 'claimed')
    .where('claimed_by', '=', input.claimedBy)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) return false;
  // Neither sent nor being sent now: it no longer counts for the daily cap.
  await forgetAutoReply(db, mailId);
  return true;
}

/**
 * Forgets a mail that will not be sent after all (a reminder that is no longer due). Only a mail
 * nobody sends or sent (queued, or waiting for a retry) is forgotten.
 */
export async function dropQueuedMail(db: Db, key: string): Promise<boolean> {
  const result = await db.kysely
    .deleteFrom('outgoing_mails')
    .where('mail_key', '=', key)
    .where('status', 'in', ['queued', 'retrying'])
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
