/**
 * Data access for intake, processing, receipts, reminders and the digest. Every function works
 * the same on SQLite and PostgreSQL and holds no business rule: whether a sheet is late, whether
 * a rejected sheet should replace a good one, whether a failed mail is worth another try is the
 * caller's decision; this module stores it faithfully and makes the races safe.
 *
 * Times are taken as Date (or ISO text) and stored as canonical ISO-8601 UTC text; `now` is an
 * argument wherever a time is written, so tests and replays control the clock.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { ProblemCategory } from '../../domain/sheet/layout';
import type { Db } from './connection';
import type {
  AttachmentRow,
  AuditLogRow,
  Flag,
  IsoDateText,
  MailboxStateRow,
  OutgoingMailRow,
  RawMessageRow,
  RawMessageSource,
  SubmissionProjectRow,
  SubmissionRow,
  SubmissionTargetRow,
  Timestamp,
} from './schema';

// ---------------------------------------------------------------------------------------------
// Values

/**
 * The one way a time is written to the database: `toISOString()` form, always UTC with
 * milliseconds, so that comparing the text compares the times (on both dialects).
 */
export function toTimestamp(value: Date | string | number): Timestamp {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a valid time: ${String(value)}`);
  return date.toISOString();
}

function toIsoDate(value: string, what: string): IsoDateText {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    throw new RangeError(`${what} must be an ISO date (YYYY-MM-DD), got ${JSON.stringify(value)}`);
  }
  return value;
}

function optionalIsoDate(value: string | null | undefined, what: string): IsoDateText | null {
  return value === null || value === undefined ? null : toIsoDate(value, what);
}

function flag(value: boolean): Flag {
  return value ? 1 : 0;
}

/** better-sqlite3 binds only Buffer (not a plain Uint8Array) as a BLOB. */
function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}

// ---------------------------------------------------------------------------------------------
// Transactions

/**
 * Runs `fn` in a transaction, or inside the caller's transaction when `db` already is one, so
 * that operations compose (processing a message can record its attachments, its submission and
 * its outcome atomically). The `Db` given to `fn` must not be closed or used after `fn` ends.
 */
export async function inTransaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  if (db.kysely.isTransaction) return fn(db);
  return db.kysely.transaction().execute((trx) =>
    fn({
      kysely: trx,
      dialect: db.dialect,
      description: db.description,
      close: async () => undefined,
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Raw messages

export interface NewRawMessage {
  /** The message exactly as fetched (RFC 5322 bytes). Its SHA-256 is computed here. */
  raw: Uint8Array;
  source: RawMessageSource;
  messageId?: string | null;
  /** IMAP location; all four are required for source 'imap'. */
  account?: string | null;
  mailbox?: string | null;
  /** Unsigned 32-bit: pass the string, number or bigint the IMAP library gives; stored as text. */
  uidvalidity?: string | number | bigint | null;
  uid?: number | null;
  internalDate?: Date | string | null;
  fileName?: string | null;
  /** When duban stored it (default: now). */
  receivedAt?: Date;
}

export interface StoredRawMessage {
  id: number;
  /** False when the message was already stored; then nothing was written. */
  isNew: boolean;
  /** What recognised the existing row: the same bytes, or the same IMAP location. */
  duplicateBy: 'sha256' | 'location' | null;
}

/**
 * Stores a received message once. Idempotent by content (sha256: the same message delivered
 * again under a new UID, or re-scanned after a UIDVALIDITY change) and by IMAP location
 * (account, mailbox, uidvalidity, uid: a poll repeated after a crash). Message-ID is not used:
 * it is sometimes missing and sometimes reused.
 *
 * The insert is `ON CONFLICT DO NOTHING` rather than "look, then insert", so two pollers racing
 * on the same message store it once and exactly one of them sees `isNew`.
 */
export async function storeRawMessage(db: Db, input: NewRawMessage): Promise<StoredRawMessage> {
  const raw = toBuffer(input.raw);
  const sha256 = sha256Hex(raw);
  const uidvalidity =
    input.uidvalidity === null || input.uidvalidity === undefined
      ? null
      : String(input.uidvalidity);
  const location = {
    account: input.account ?? null,
    mailbox: input.mailbox ?? null,
    uidvalidity,
    uid: input.uid ?? null,
  };
  // The table's CHECK says the same; saying it here gives one clear error on both dialects.
  if (input.source === 'imap' && Object.values(location).some((v) => v === null)) {
    throw new RangeError('an IMAP message needs its account, mailbox, UIDVALIDITY and UID');
  }
  const inserted = await db.kysely
    .insertInto('raw_messages')
    .values({
      sha256,
      raw,
      size: raw.length,
      message_id: input.messageId ?? null,
      ...location,
      internal_date:
        input.internalDate === null || input.internalDate === undefined
          ? null
          : toTimestamp(input.internalDate),
      source: input.source,
      file_name: input.fileName ?? null,
      received_at: toTimestamp(input.receivedAt ?? new Date()),
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, isNew: true, duplicateBy: null };

  const bySha = await db.kysely
    .selectFrom('raw_messages')
    .select('id')
    .where('sha256', '=', sha256)
    .executeTakeFirst();
  if (bySha) return { id: bySha.id, isNew: false, duplicateBy: 'sha256' };
  if (
    location.account !== null &&
    location.mailbox !== null &&
    location.uidvalidity !== null &&
    location.uid !== null
  ) {
    const byLocation = await db.kysely
      .selectFrom('raw_messages')
      .select('id')
      .where('account', '=', location.account)
      .where('mailbox', '=', location.mailbox)
      .where('uidvalidity', '=', location.uidvalidity)
      .where('uid', '=', location.uid)
      .executeTakeFirst();
    if (byLocation) return { id: byLocation.id, isNew: false, duplicateBy: 'location' };
  }
  throw new Error('raw message insert conflicted, but no row matches its sha256 or location');
}

export async function getRawMessage(db: Db, id: number): Promise<RawMessageRow | undefined> {
  return db.kysely.selectFrom('raw_messages').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface RawMessageOutcome {
  /** The caller's word for what became of it ('submission', 'ignored', 'rejected', …). */
  outcome: string;
  reason?: string | null;
  fromAddress?: string | null;
  subject?: string | null;
  /** The Message-ID as parsed (files are stored before they are parsed). */
  messageId?: string | null;
  now?: Date;
}

/** Records what processing made of a message (overwrites: a replay records its own outcome). */
export async function setRawMessageOutcome(
  db: Db,
  id: number,
  input: RawMessageOutcome,
): Promise<void> {
  await db.kysely
    .updateTable('raw_messages')
    .set({
      outcome: input.outcome,
      outcome_reason: input.reason ?? null,
      processed_at: toTimestamp(input.now ?? new Date()),
      ...(input.fromAddress !== undefined ? { from_address: input.fromAddress } : {}),
      ...(input.subject !== undefined ? { subject: input.subject } : {}),
      ...(input.messageId ? { message_id: input.messageId } : {}),
    })
    .where('id', '=', id)
    .execute();
}

// ---------------------------------------------------------------------------------------------
// Attachments

export interface NewAttachment {
  rawMessageId: number;
  /** 0-based position among the message's attachments. */
  ordinal: number;
  filename: string | null;
  contentType: string | null;
  /** The decoded file; its size and SHA-256 are computed here. */
  content: Uint8Array;
  /** Store the bytes too (default true). False for ignored files: the raw message has them. */
  keepBytes?: boolean;
  used: boolean;
  note?: string | null;
  now?: Date;
}

/**
 * Records an attachment and returns its id. Keyed by (message, ordinal): processing the same
 * message again (a replay, a retried job) updates the row instead of adding a second one.
 */
export async function recordAttachment(db: Db, input: NewAttachment): Promise<number> {
  const content = toBuffer(input.content);
  const row = await db.kysely
    .insertInto('attachments')
    .values({
      raw_message_id: input.rawMessageId,
      ordinal: input.ordinal,
      filename: input.filename,
      content_type: input.contentType,
      size: content.length,
      sha256: sha256Hex(content),
      bytes: input.keepBytes === false ? null : content,
      used: flag(input.used),
      note: input.note ?? null,
      created_at: toTimestamp(input.now ?? new Date()),
    })
    .onConflict((oc) =>
      oc.columns(['raw_message_id', 'ordinal']).doUpdateSet((eb) => ({
        filename: eb.ref('excluded.filename'),
        content_type: eb.ref('excluded.content_type'),
        size: eb.ref('excluded.size'),
        sha256: eb.ref('excluded.sha256'),
        bytes: eb.ref('excluded.bytes'),
        used: eb.ref('excluded.used'),
        note: eb.ref('excluded.note'),
      })),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function setAttachmentUse(
  db: Db,
  id: number,
  used: boolean,
  note: string | null = null,
): Promise<void> {
  await db.kysely
    .updateTable('attachments')
    .set({ used: flag(used), note })
    .where('id', '=', id)
    .execute();
}

export async function attachmentsOf(db: Db, rawMessageId: number): Promise<AttachmentRow[]> {
  return db.kysely
    .selectFrom('attachments')
    .selectAll()
    .where('raw_message_id', '=', rawMessageId)
    .orderBy('ordinal')
    .execute();
}

// ---------------------------------------------------------------------------------------------
// Submissions

export interface NewSubmissionTarget {
  text: string;
  due?: IsoDateText | null;
  dueText?: string | null;
  status?: string | null;
  cell?: string | null;
}

export interface NewSubmissionProject {
  nameAsWritten: string;
  projectId?: string | null;
  leadUnits: readonly string[];
  problems: Partial<Record<ProblemCategory, string | null>>;
  uncategorizedProblems?: string | null;
  responsibleDepartments: readonly string[];
  progress?: string | null;
  nextSteps?: string | null;
  remarks?: string | null;
  cell?: string | null;
  targets: readonly NewSubmissionTarget[];
}

export interface NewSubmission {
  unitId: string;
  /** ISO date of the reporting week's nominal Monday. */
  reportingWeek: IsoDateText;
  rawMessageId: number;
  attachmentId?: number | null;
  arrivedAt: Date | string;
  deadlineAt?: Date | string | null;
  /** 'accepted' | 'accepted_with_warnings' | 'rejected' | … */
  status: string;
  late: boolean;
  /** The issues found, stored as JSON. */
  issues: readonly unknown[];
  filledOn?: IsoDateText | null;
  unitAsWritten?: string | null;
  /**
   * True (default): the new version becomes the current one and supersedes the previous
   * current. False: it is only recorded (e.g. a rejected sheet that must not replace a good one).
   */
  makeCurrent?: boolean;
  projects: readonly NewSubmissionProject[];
  /** Who records it, for the audit log (default 'system'). */
  actor?: string;
  now?: Date;
}

export interface RecordedSubmission {
  id: number;
  /** The version this one replaced as current, if any. */
  supersededId: number | null;
}

/**
 * Records a version of a unit's sheet with its projects and targets, in one transaction. When
 * it becomes current, the previous current version of the same (unit, week) is kept but marked
 * not current, and the new one points at it through `supersedes_id`; both steps are written to
 * the audit log.
 *
 * Two versions of one unit's week can be processed at the same moment (a unit sends a correction
 * an hour later and both jobs run). Without care both would read "the current one is X" and both
 * become current. So the writer takes a lock first: on PostgreSQL a transaction-scoped advisory
 * lock per (unit, week); on SQLite the first statement is the UPDATE that clears the old current
 * row, which takes the database write lock before anything is read. A partial unique index
 * (one current row per unit and week) backs this up.
 */
export async function recordSubmission(db: Db, input: NewSubmission): Promise<RecordedSubmission> {
  const reportingWeek = toIsoDate(input.reportingWeek, 'reportingWeek');
  const now = toTimestamp(input.now ?? new Date());
  const makeCurrent = input.makeCurrent ?? true;
  const actor = input.actor ?? 'system';
  return inTransaction(db, async (tx) => {
    let supersededId: number | null = null;
    if (makeCurrent) {
      if (tx.dialect === 'postgres') {
        const lockKey = `duban:submission:${input.unitId}:${reportingWeek}`;
        await sql`select pg_advisory_xact_lock(hashtextextended(${lockKey}, 0))`.execute(tx.kysely);
      }
      const previous = await tx.kysely
        .updateTable('submissions')
        .set({ is_current: 0 })
        .where('unit_id', '=', input.unitId)
        .where('reporting_week', '=', reportingWeek)
        .where('is_current', '=', 1)
        .returning('id')
        .execute();
      supersededId = previous[0]?.id ?? null;
    }
    const submission = await tx.kysely
      .insertInto('submissions')
      .values({
        unit_id: input.unitId,
        reporting_week: reportingWeek,
        raw_message_id: input.rawMessageId,
        attachment_id: input.attachmentId ?? null,
        arrived_at: toTimestamp(input.arrivedAt),
        deadline_at:
          input.deadlineAt === null || input.deadlineAt === undefined
            ? null
            : toTimestamp(input.deadlineAt),
        status: input.status,
        late: flag(input.late),
        supersedes_id: supersededId,
        is_current: flag(makeCurrent),
        issues_json: json(input.issues),
        filled_on: optionalIsoDate(input.filledOn, 'filledOn'),
        unit_as_written: input.unitAsWritten ?? null,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();

    for (const [ordinal, project] of input.projects.entries()) {
      const projectRow = await tx.kysely
        .insertInto('submission_projects')
        .values({
          submission_id: submission.id,
          ordinal,
          name_as_written: project.nameAsWritten,
          project_id: project.projectId ?? null,
          lead_units_json: json(project.leadUnits),
          problems_approval: project.problems.approval ?? null,
          problems_funding: project.problems.funding ?? null,
          problems_land: project.problems.land ?? null,
          problems_construction: project.problems.construction ?? null,
          problems_community: project.problems.community ?? null,
          uncategorized_problems: project.uncategorizedProblems ?? null,
          responsible_departments_json: json(project.responsibleDepartments),
          progress: project.progress ?? null,
          next_steps: project.nextSteps ?? null,
          remarks: project.remarks ?? null,
          cell: project.cell ?? null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (project.targets.length > 0) {
        await tx.kysely
          .insertInto('submission_targets')
          .values(
            project.targets.map((target, targetOrdinal) => ({
              submission_project_id: projectRow.id,
              ordinal: targetOrdinal,
              text: target.text,
              due: optionalIsoDate(target.due, 'target due'),
              due_text: target.dueText ?? null,
              status: target.status ?? null,
              cell: target.cell ?? null,
            })),
          )
          .execute();
      }
    }

    const subject = {
      rawMessageId: input.rawMessageId,
      unitId: input.unitId,
      reportingWeek,
      actor,
      now: input.now,
    };
    await audit(tx, {
      ...subject,
      event: 'submission.recorded',
      submissionId: submission.id,
      details: { status: input.status, late: input.late, current: makeCurrent, supersededId },
    });
    if (supersededId !== null) {
      await audit(tx, {
        ...subject,
        event: 'submission.superseded',
        submissionId: supersededId,
        details: { supersededBy: submission.id },
      });
    }
    return { id: submission.id, supersededId };
  });
}

export async function getSubmission(db: Db, id: number): Promise<SubmissionRow | undefined> {
  return db.kysely.selectFrom('submissions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The current version of a unit's sheet for a week, if any. */
export async function currentSubmission(
  db: Db,
  unitId: string,
  reportingWeek: IsoDateText,
): Promise<SubmissionRow | undefined> {
  return db.kysely
    .selectFrom('submissions')
    .selectAll()
    .where('unit_id', '=', unitId)
    .where('reporting_week', '=', toIsoDate(reportingWeek, 'reportingWeek'))
    .where('is_current', '=', 1)
    .executeTakeFirst();
}

/** The current versions of every unit for a week (who has submitted), by unit id. */
export async function currentSubmissionsForWeek(
  db: Db,
  reportingWeek: IsoDateText,
): Promise<SubmissionRow[]> {
  return db.kysely
    .selectFrom('submissions')
    .selectAll()
    .where('reporting_week', '=', toIsoDate(reportingWeek, 'reportingWeek'))
    .where('is_current', '=', 1)
    .orderBy('unit_id')
    .execute();
}

/** Every version of a unit's sheet for a week, newest first. */
export async function submissionVersions(
  db: Db,
  unitId: string,
  reportingWeek: IsoDateText,
): Promise<SubmissionRow[]> {
  return db.kysely
    .selectFrom('submissions')
    .selectAll()
    .where('unit_id', '=', unitId)
    .where('reporting_week', '=', toIsoDate(reportingWeek, 'reportingWeek'))
    .orderBy('id', 'desc')
    .execute();
}

/** The submissions made from one message (to tell whether a retried job already recorded it). */
export async function submissionsForRawMessage(
  db: Db,
  rawMessageId: number,
): Promise<SubmissionRow[]> {
  return db.kysely
    .selectFrom('submissions')
    .selectAll()
    .where('raw_message_id', '=', rawMessageId)
    .orderBy('id')
    .execute();
}

export interface SubmissionProjectContent extends SubmissionProjectRow {
  targets: SubmissionTargetRow[];
}

/** The projects of a submission, in sheet order, each with its targets in sheet order. */
export async function submissionContent(
  db: Db,
  submissionId: number,
): Promise<SubmissionProjectContent[]> {
  const projects = await db.kysely
    .selectFrom('submission_projects')
    .selectAll()
    .where('submission_id', '=', submissionId)
    .orderBy('ordinal')
    .execute();
  if (projects.length === 0) return [];
  const targets = await db.kysely
    .selectFrom('submission_targets')
    .selectAll()
    .where(
      'submission_project_id',
      'in',
      projects.map((p) => p.id),
    )
    .orderBy('submission_project_id')
    .orderBy('ordinal')
    .execute();
  return projects.map((p) => ({
    ...p,
    targets: targets.filter((t) => t.submission_project_id === p.id),
  }));
}

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

// ---------------------------------------------------------------------------------------------
// Mailbox state

export async function getMailboxState(
  db: Db,
  account: string,
  mailbox: string,
): Promise<MailboxStateRow | undefined> {
  return db.kysely
    .selectFrom('mailbox_state')
    .selectAll()
    .where('account', '=', account)
    .where('mailbox', '=', mailbox)
    .executeTakeFirst();
}

export interface MailboxProgress {
  account: string;
  mailbox: string;
  /** Unsigned 32-bit: stored as text. */
  uidvalidity: string | number | bigint;
  /** The highest UID whose message is stored. */
  lastUid: number;
  now?: Date;
}

/**
 * Records a successful poll. Within the same UIDVALIDITY `last_uid` never moves backwards (two
 * pollers finishing out of order must not make the next poll fetch everything again); a new
 * UIDVALIDITY replaces it, since every old UID is void then. Returns false when the stored
 * state was ahead and was kept.
 */
export async function saveMailboxState(db: Db, input: MailboxProgress): Promise<boolean> {
  const now = toTimestamp(input.now ?? new Date());
  const saved = await db.kysely
    .insertInto('mailbox_state')
    .values({
      account: input.account,
      mailbox: input.mailbox,
      uidvalidity: String(input.uidvalidity),
      last_uid: input.lastUid,
      last_success_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc
        .columns(['account', 'mailbox'])
        .doUpdateSet((eb) => ({
          uidvalidity: eb.ref('excluded.uidvalidity'),
          last_uid: eb.ref('excluded.last_uid'),
          last_success_at: eb.ref('excluded.last_success_at'),
          updated_at: eb.ref('excluded.updated_at'),
        }))
        .where((eb) =>
          eb.or([
            eb('mailbox_state.uidvalidity', 'is distinct from', eb.ref('excluded.uidvalidity')),
            eb('mailbox_state.last_uid', '<=', eb.ref('excluded.last_uid')),
          ]),
        ),
    )
    .returning('account')
    .executeTakeFirst();
  return saved !== undefined;
}

/** Records a failed poll (keeps the position). */
export async function recordMailboxError(
  db: Db,
  input: { account: string; mailbox: string; error: string; now?: Date },
): Promise<void> {
  const now = toTimestamp(input.now ?? new Date());
  await db.kysely
    .insertInto('mailbox_state')
    .values({
      account: input.account,
      mailbox: input.mailbox,
      uidvalidity: null,
      last_uid: 0,
      last_error: input.error,
      last_error_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.columns(['account', 'mailbox']).doUpdateSet((eb) => ({
        last_error: eb.ref('excluded.last_error'),
        last_error_at: eb.ref('excluded.last_error_at'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}

// ---------------------------------------------------------------------------------------------
// Audit log

export interface AuditEntry {
  /** Dotted name: 'submission.recorded', 'submission.superseded', 'mail.sent', … */
  event: string;
  /** 'system' (default), 'cli', … */
  actor?: string;
  rawMessageId?: number | null;
  submissionId?: number | null;
  mailId?: number | null;
  unitId?: string | null;
  reportingWeek?: IsoDateText | null;
  /** Stored as JSON; never put message bodies or attachment contents here. */
  details?: unknown;
  now?: Date;
}

export async function audit(db: Db, entry: AuditEntry): Promise<number> {
  const row = await db.kysely
    .insertInto('audit_log')
    .values({
      at: toTimestamp(entry.now ?? new Date()),
      actor: entry.actor ?? 'system',
      event: entry.event,
      raw_message_id: entry.rawMessageId ?? null,
      submission_id: entry.submissionId ?? null,
      mail_id: entry.mailId ?? null,
      unit_id: entry.unitId ?? null,
      reporting_week: optionalIsoDate(entry.reportingWeek, 'reportingWeek'),
      details_json: entry.details === undefined ? null : json(entry.details),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface AuditQuery {
  event?: string;
  unitId?: string;
  reportingWeek?: IsoDateText;
  submissionId?: number;
  rawMessageId?: number;
}

/** Audit entries matching every given field, oldest first. */
export async function auditEntries(db: Db, query: AuditQuery = {}): Promise<AuditLogRow[]> {
  let q = db.kysely.selectFrom('audit_log').selectAll();
  if (query.event !== undefined) q = q.where('event', '=', query.event);
  if (query.unitId !== undefined) q = q.where('unit_id', '=', query.unitId);
  if (query.reportingWeek !== undefined) q = q.where('reporting_week', '=', query.reportingWeek);
  if (query.submissionId !== undefined) q = q.where('submission_id', '=', query.submissionId);
  if (query.rawMessageId !== undefined) q = q.where('raw_message_id', '=', query.rawMessageId);
  return q.orderBy('id').execute();
}
