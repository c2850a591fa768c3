/**
 * The tables of duban's database, as Kysely sees them. One schema for SQLite and PostgreSQL:
 * the migrations (./migrations.ts) branch the DDL by dialect so that every value below comes
 * back with the same JavaScript type on both.
 *
 * Conventions, chosen so the same query code works on both dialects:
 * - ids are integers (SQLite INTEGER, PostgreSQL BIGINT identity) and come back as JS numbers
 *   (the pg pool parses int8 to number, see ./connection.ts);
 * - timestamps are ISO-8601 UTC text with milliseconds ("2021-03-15T01:02:03.000Z") on both
 *   dialects, written only through `toTimestamp()` (./codecs.ts). A fixed format makes text
 *   order equal time order, so `claimed_at < $cutoff` compares correctly on both;
 * - calendar dates (a reporting week's Monday, a due date) are ISO date text ("2021-03-15");
 * - flags are INTEGER 0/1 (better-sqlite3 cannot bind JS booleans);
 * - bytes are BLOB / BYTEA and come back as Buffer on both;
 * - JSON is stored as text in `*_json` columns (no JSON type is shared by both dialects).
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/** ISO-8601 UTC timestamp text, always in `Date.prototype.toISOString()` form. */
export type Timestamp = string;
/** ISO calendar date text ("2021-03-15"). */
export type IsoDateText = string;
/** 0 or 1: booleans are integers on both dialects. */
export type Flag = 0 | 1;
/** JSON text. */
export type JsonText = string;

/** A reference to another table's generated id. */
type IdRef = number;

export type RawMessageSource = 'imap' | 'file';

/**
 * Every message received, byte for byte, before anything is made of it. The raw bytes are the
 * record the office can always go back to (a parser fix, a dispute about lateness).
 */
export interface RawMessagesTable {
  id: Generated<number>;
  /** Lower-case hex SHA-256 of `raw`; unique: the same bytes are stored once. */
  sha256: string;
  raw: Buffer;
  size: number;
  /**
   * The Message-ID header, for looking up and threading only. Not unique: it is sometimes
   * missing, and some clients and servers reuse one.
   */
  message_id: string | null;
  /** Which IMAP login ("office@imap.example.cn"); null for files. */
  account: string | null;
  mailbox: string | null;
  /**
   * UIDVALIDITY is an unsigned 32-bit number: it overflows a PostgreSQL INTEGER and some
   * libraries hand it over as a bigint. Kept as decimal text; only compared for equality.
   */
  uidvalidity: string | null;
  uid: number | null;
  /** 1 when only the header block was stored (the message was over the size limit). */
  truncated: Generated<number>;
  /** The size the server reported, when the message was truncated. */
  declared_size: number | null;
  /** IMAP INTERNALDATE: when the server received it (the sender's Date header can lie). */
  internal_date: Timestamp | null;
  source: RawMessageSource;
  /** For source 'file': the file name it was read from. */
  file_name: string | null;
  /** When duban stored it. */
  received_at: Timestamp;
  /** Filled when the message is processed. */
  from_address: string | null;
  subject: string | null;
  /** What processing made of it ('submission', 'ignored', 'rejected', …): the caller's words. */
  outcome: string | null;
  outcome_reason: string | null;
  processed_at: Timestamp | null;
  /** The registered unit it came from, whatever its outcome; null for strangers (0009). */
  unit_id: string | null;
  /** The reporting week its arrival points to, when it came from a unit (0009). */
  reporting_week: IsoDateText | null;
}

/** The parts of a message that are files. */
export interface AttachmentsTable {
  id: Generated<number>;
  raw_message_id: IdRef;
  /** Position among the message's attachments (0-based); unique per message. */
  ordinal: number;
  /** Decoded file name (GBK mojibake already repaired by the caller), or null if none. */
  filename: string | null;
  content_type: string | null;
  size: number;
  sha256: string;
  /**
   * The extracted file, when the caller keeps it (candidate sheets), so that a replay does not
   * have to parse the MIME again; null for files that were ignored (signature images …). The raw
   * message always holds every part, so null loses nothing.
   */
  bytes: Buffer | null;
  /** 1 when the file was read as the unit's sheet. */
  used: Flag;
  note: string | null;
  created_at: Timestamp;
}

/**
 * One received version of a unit's sheet for a reporting week. Every version is kept; at most
 * one per (unit, week) is current (a partial unique index enforces it): the latest to arrive
 * (arrived_at, then raw_message_id) among those that may be current. One version per raw message
 * (a unique index, 0004).
 */
export interface SubmissionsTable {
  id: Generated<number>;
  /** Unit id from the schedule YAML. */
  unit_id: string;
  /** ISO date of the nominal Monday of the week reported on. */
  reporting_week: IsoDateText;
  raw_message_id: IdRef;
  attachment_id: IdRef | null;
  /** When it counts as arrived (normally the IMAP INTERNALDATE). */
  arrived_at: Timestamp;
  /** The deadline `late` was judged against, kept so a "late" mark can be explained later. */
  deadline_at: Timestamp | null;
  /** 'accepted' | 'accepted_with_warnings' | 'rejected' | …: the caller's words. */
  status: string;
  late: Flag;
  /** The version that arrived just before this one (among those that may be current). */
  supersedes_id: IdRef | null;
  is_current: Flag;
  /** The issues found (codes, cells, messages) as a JSON array. */
  issues_json: JsonText;
  /** 填报时间 as read from the sheet. */
  filled_on: IsoDateText | null;
  /** 填报单位 as written in the sheet. */
  unit_as_written: string | null;
  created_at: Timestamp;
}

/** A project block of a submitted sheet. */
export interface SubmissionProjectsTable {
  id: Generated<number>;
  submission_id: IdRef;
  ordinal: number;
  name_as_written: string;
  /** Matched schedule project id, or null when the name matched none. */
  project_id: string | null;
  /** JSON array of lead units as written. */
  lead_units_json: JsonText;
  /** The five problem categories of the 存在问题 cell; null = not filled. */
  problems_approval: string | null;
  problems_funding: string | null;
  problems_land: string | null;
  problems_construction: string | null;
  problems_community: string | null;
  uncategorized_problems: string | null;
  /** JSON array of responsible departments as written. */
  responsible_departments_json: JsonText;
  progress: string | null;
  next_steps: string | null;
  remarks: string | null;
  /** A1 reference of the project-name cell. */
  cell: string | null;
}

/** A target row (攻坚目标 + 完成时限) of a project block. */
export interface SubmissionTargetsTable {
  id: Generated<number>;
  submission_project_id: IdRef;
  ordinal: number;
  text: string;
  /** The due date when it could be read. */
  due: IsoDateText | null;
  /** The due cell as written ("3月25日", "月底"). */
  due_text: string | null;
  status: string | null;
  cell: string | null;
}

export type MailStatus = 'queued' | 'claimed' | 'sent' | 'failed' | 'retrying';

/**
 * Every mail duban sends (receipts, reminders, digests), one row per logical mail, from queued
 * to sent (0003 made it the one outgoing-mail table). The unique `mail_key` is what makes sending
 * exactly-once: a worker must win the claim on the row before it sends (see claimMail in
 * ./outgoing-mails.ts).
 */
export interface OutgoingMailsTable {
  id: Generated<number>;
  /** "reply:<raw_message_id>", "reminder:<week>:<unit>:<stage>", "digest:<week>:v1" … */
  mail_key: string;
  kind: string;
  recipients_json: JsonText;
  subject: string;
  status: MailStatus;
  /** The Message-ID in `eml` (derived from the key): the same on every attempt. */
  message_id: string | null;
  /** The message to send (RFC 5322 bytes), built once when queued; null if it was refused. */
  eml: Buffer | null;
  /** When and by whom the last claim was taken; null while only queued. */
  claimed_at: Timestamp | null;
  claimed_by: string | null;
  sent_at: Timestamp | null;
  /** How many times the mail was claimed to be sent. */
  attempts: number;
  smtp_response: string | null;
  error: string | null;
  raw_message_id: IdRef | null;
  submission_id: IdRef | null;
  unit_id: string | null;
  reporting_week: IsoDateText | null;
  /** When it was queued. */
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Where the IMAP intake stands, per account and mailbox. */
export interface MailboxStateTable {
  account: string;
  mailbox: string;
  /** Decimal text (see raw_messages.uidvalidity). When it changes, last_uid is void. */
  uidvalidity: string | null;
  /** The highest UID fully stored under `uidvalidity`. */
  last_uid: number;
  last_success_at: Timestamp | null;
  last_error: string | null;
  last_error_at: Timestamp | null;
  updated_at: Timestamp;
  /** Fencing token of the leased watcher that last wrote the row (0005); null before. */
  fence: number | null;
}

/** What happened, for the office's record. Deliberately without foreign keys: a log never blocks. */
export interface AuditLogTable {
  id: Generated<number>;
  at: Timestamp;
  /** 'system' | 'cli' | … */
  actor: string;
  /** Dotted event name, e.g. 'submission.superseded'. */
  event: string;
  raw_message_id: IdRef | null;
  submission_id: IdRef | null;
  mail_id: IdRef | null;
  unit_id: string | null;
  reporting_week: IsoDateText | null;
  details_json: JsonText | null;
}

export interface Database {
  raw_messages: RawMessagesTable;
  attachments: AttachmentsTable;
  submissions: SubmissionsTable;
  submission_projects: SubmissionProjectsTable;
  submission_targets: SubmissionTargetsTable;
  outgoing_mails: OutgoingMailsTable;
  mailbox_state: MailboxStateTable;
  audit_log: AuditLogTable;
  message_claims: MessageClaimsTable;
  role_fences: RoleFencesTable;
  auto_replies: AutoRepliesTable;
  login_tokens: LoginTokensTable;
  console_sessions: ConsoleSessionsTable;
  agreed_items: AgreedItemsTable;
  item_reports: ItemReportsTable;
  item_events: ItemEventsTable;
}

/** An agreed item (议定事项) of a joint meeting (0013), by its id "YYYYMMDD-N". */
export interface AgreedItemsTable {
  id: string;
  /** The item's 序号: the id's second part, as a number (id order). */
  n: number;
  meeting_date: IsoDateText;
  meeting_name: string;
  project_id: string | null;
  project_as_written: string | null;
  text: string;
  /** Schedule unit ids, in the list's order. */
  responsible_units_json: JsonText;
  cooperating_units_json: JsonText;
  /** Names written in the list that matched no unit. */
  unmatched_units_json: JsonText;
  due: IsoDateText;
  note: string | null;
  state: 'open' | 'awaiting_confirmation' | 'closed';
  recorded_at: Timestamp;
  state_since: Timestamp;
  closed_at: Timestamp | null;
  updated_at: Timestamp;
}

/** A unit's report on an item in one weekly sheet (0013). */
export interface ItemReportsTable {
  id: Generated<number>;
  item_id: string;
  unit_id: string;
  /** The reporting week (Monday). */
  week: IsoDateText;
  progress: string | null;
  status: '已办结' | '推进中' | '未启动' | null;
  reported_at: Timestamp;
  submission_id: IdRef | null;
  raw_message_id: IdRef | null;
  /** "s<submission id>", else "m<raw message id>" (or "m"): unique per (item, unit). */
  source_key: string;
}

/** What happened to an item (0013), for the ledger. */
export interface ItemEventsTable {
  id: Generated<number>;
  item_id: string;
  at: Timestamp;
  kind: 'recorded' | 'updated' | 'reported_done' | 'confirmed' | 'sent_back' | 'reopened';
  /** Who: "office:<address>", "cli", "unit:<id>", "console:<address>". */
  actor: string;
  note: string | null;
  /** For 'updated': { field: [before, after] }. */
  changes_json: JsonText | null;
}

/** A one-time sign-in link of the console (0011), by the sha-256 of its token. */
export interface LoginTokensTable {
  token_hash: string;
  /** Lower-cased. */
  email: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  /** Set when the link was used: a link works once. */
  used_at: Timestamp | null;
}

/** A signed-in browser (0011), by the sha-256 of its cookie's random id. */
export interface ConsoleSessionsTable {
  id_hash: string;
  /** Lower-cased; the role is read from the schedule in force at each request. */
  email: string;
  csrf_token: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
}

/** An automatic reply counting for the daily cap, per RCPT TO address (0007). */
export interface AutoRepliesTable {
  mail_id: number;
  /** Lower-cased. */
  address: string;
  /** When the reply was claimed for sending. */
  at: Timestamp;
}

/** The largest lease fence handed out per singleton role (0006). */
export interface RoleFencesTable {
  role: string;
  fence: number;
  /** The lease holder it was handed to ("host:pid:random"). */
  holder: string;
  acquired_at: Timestamp;
}

/** Which stored message answers for a (sender, Message-ID) (0002). */
export interface MessageClaimsTable {
  sender: string;
  message_id: string;
  raw_message_id: number;
  created_at: Timestamp;
}

export type RawMessageRow = Selectable<RawMessagesTable>;
export type AttachmentRow = Selectable<AttachmentsTable>;
export type SubmissionRow = Selectable<SubmissionsTable>;
export type SubmissionProjectRow = Selectable<SubmissionProjectsTable>;
export type SubmissionTargetRow = Selectable<SubmissionTargetsTable>;
export type OutgoingMailRow = Selectable<OutgoingMailsTable>;
export type MailboxStateRow = Selectable<MailboxStateTable>;
export type AuditLogRow = Selectable<AuditLogTable>;

export type NewRawMessageRow = Insertable<RawMessagesTable>;
export type OutgoingMailUpdate = Updateable<OutgoingMailsTable>;
