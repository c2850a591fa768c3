/**
 * Data access for outgoing mail. Every function works the same on SQLite and PostgreSQL and
 * holds no business rule: whether a failed mail is worth another try is the caller's decision;
 * this module stores it faithfully and makes the races safe. The other tables have their own
 * modules (raw-messages, attachments, submissions, mailbox-state, audit, week-reads); the value
 * codecs live in ./codecs and are re-exported here for the modules that import them from here.
 *
 * Times are taken as Date (or ISO text) and stored as canonical ISO-8601 UTC text; `now` is an
 * argument wherever a time is written, so tests and replays control the clock.
 */
import type { Db } from './connection';
import { json, optionalIsoDate, toBuffer, toTimestamp } from './codecs';
import type { IsoDateText, OutgoingMailRow } from './schema';

export {
  chunks,
  flag,
  inTransaction,
  json,
  optionalIsoDate,
  optionalTimestamp,
  parseJson,
  parseStringList,
  sha256Hex,
  toBuffer,
  toIsoDate,
  toTimestamp,
} from './codecs';

// ---------------------------------------------------------------------------------------------
// Outgoing mail

export interface ClaimMailInput {
  /** One per logical mail: "receipt:<raw_message_id>", "reminder:<week>:<unit>:<stage>" … */
  key: string;
  kind: string;
  recipients: unknown;
  subject: string;
  /**
   * Who is claiming: unique per attempt (e.g. "<host>:<pid>:<job id>"), because marking a
   * failure is only accepted from the holder of the claim.
   */
  claimedBy: string;
  /**
   * A claim older than this may be taken over (the worker that held it is presumed dead).
   * Hazard: that worker may have sent the mail before dying, so a takeover can duplicate it;
   * leaving it out (the default) means a claimed mail is never taken over automatically.
   */
  reclaimStaleAfterMs?: number;
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
}

/**
 * Claims the right to send a mail; only the winner sends. This is what makes a person receive a
 * receipt, reminder or digest once even when the queue runs a job twice or two workers race.
 *
 * The claim must be decided by the database in single statements, never by "read the row, then
 * write it": two workers could both read "not sent" and both send. So:
 * 1. INSERT … ON CONFLICT (mail_key) DO NOTHING: the first caller creates the row as 'claimed'
 *    and wins; everyone else inserts nothing.
 * 2. Otherwise a conditional UPDATE takes the row over only if its last attempt failed
 *    ('failed' or 'retrying'; nothing went out) or its claim is stale (see reclaimStaleAfterMs).
 *    The database applies the condition to the row as it is when the update runs (PostgreSQL
 *    re-checks it after waiting for a concurrent writer's lock), so at most one racer updates it.
 * A 'sent' mail is never claimed again.
 */
export async function claimMail(db: Db, input: ClaimMailInput): Promise<MailClaim> {
  const nowDate = input.now ?? new Date();
  const now = toTimestamp(nowDate);
  const recipientsJson = json(input.recipients);
  const inserted = await db.kysely
    .insertInto('outgoing_mails')
    .values({
      mail_key: input.key,
      kind: input.kind,
      recipients_json: recipientsJson,
      subject: input.subject,
      status: 'claimed',
      claimed_at: now,
      claimed_by: input.claimedBy,
      attempts: 1,
      raw_message_id: input.rawMessageId ?? null,
      submission_id: input.submissionId ?? null,
      unit_id: input.unitId ?? null,
      reporting_week: optionalIsoDate(input.reportingWeek, 'reportingWeek'),
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('mail_key').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { won: true, mail: inserted };

  const staleBefore =
    input.reclaimStaleAfterMs === undefined
      ? null
      : toTimestamp(nowDate.getTime() - input.reclaimStaleAfterMs);
  const reclaimed = await db.kysely
    .updateTable('outgoing_mails')
    .set((eb) => ({
      status: 'claimed',
      claimed_at: now,
      claimed_by: input.claimedBy,
      attempts: eb('attempts', '+', 1),
      // The mail about to be sent is the one the caller built now.
      recipients_json: recipientsJson,
      subject: input.subject,
      updated_at: now,
    }))
    .where('mail_key', '=', input.key)
    .where((eb) =>
      eb.or([
        eb('status', 'in', ['failed', 'retrying']),
        ...(staleBefore === null
          ? []
          : [eb.and([eb('status', '=', 'claimed'), eb('claimed_at', '<', staleBefore)])]),
      ]),
    )
    .returningAll()
    .executeTakeFirst();
  if (reclaimed) return { won: true, mail: reclaimed };

  const existing = await getMail(db, input.key);
  if (!existing) throw new Error(`mail ${input.key} conflicted on insert but does not exist`);
  return { won: false, mail: existing };
}

export async function getMail(db: Db, key: string): Promise<OutgoingMailRow | undefined> {
  return db.kysely
    .selectFrom('outgoing_mails')
    .selectAll()
    .where('mail_key', '=', key)
    .executeTakeFirst();
}

export interface MailSent {
  smtpResponse?: string | null;
  /** The message as handed to SMTP. */
  eml?: Uint8Array | null;
  now?: Date;
}

/**
 * Records that a mail went out. Accepted whoever holds the claim (it did go out); returns false
 * when the row was already 'sent', which means a duplicate was delivered: log it loudly.
 */
export async function markMailSent(db: Db, mailId: number, input: MailSent = {}): Promise<boolean> {
  const now = toTimestamp(input.now ?? new Date());
  const result = await db.kysely
    .updateTable('outgoing_mails')
    .set({
      status: 'sent',
      sent_at: now,
      smtp_response: input.smtpResponse ?? null,
      eml: input.eml ? toBuffer(input.eml) : null,
      error: null,
      updated_at: now,
    })
    .where('id', '=', mailId)
    .where('status', '<>', 'sent')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

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
  return result.numUpdatedRows > 0n;
}
