/**
 * The intake store port: what processing a received message needs of storage. The message was
 * stored raw by the watcher (or `duban ingest`) before processing; processing records what became
 * of it, each attachment, the Message-ID claim against re-deliveries, the submission, and the
 * audit trail. Every write is keyed by the message, so a job run again after a crash finds what
 * it already wrote.
 */
import type { Issue } from '../../errors';
import type { SheetProject } from '../../domain/sheet/parse';

/** A received message as stored, before it is read. */
export interface StoredMessage {
  id: number;
  raw: Buffer;
  /** Size of the stored bytes. */
  size: number;
  /** Only the header block was stored (the message was over the size limit). */
  truncated: boolean;
  /** The size the server reported, when truncated. */
  declaredSize: number | null;
  /** When the mail server received it (IMAP INTERNALDATE); null for a file. */
  internalDate: Date | null;
  /** When duban stored it. */
  receivedAt: Date;
}

/** What became of a message, with what was read of it (null when it could not be read). */
export interface MessageOutcome {
  outcome: string;
  reason: string | null;
  fromAddress: string | null;
  subject: string | null;
  messageId: string | null;
  /**
   * The registered unit it came from and the reporting week its arrival points to, when known
   * (null for a stranger, or for a message whose sender could not be read): also for messages
   * that are not submissions, so none from a unit goes without a trace.
   */
  unitId?: string | null;
  reportingWeek?: string | null;
}

/** One attachment of a message, recorded whether it was used or not. */
export interface ReceivedAttachment {
  rawMessageId: number;
  /** 0-based position among the message's attachments. */
  ordinal: number;
  filename: string;
  contentType: string;
  content: Buffer;
  /** Keep the bytes too; false for files that are not sheets (the raw message has them). */
  keepBytes: boolean;
  used: boolean;
  /** Why it was not read (zh-CN, as the sender is told), or null. */
  note: string | null;
}

/** A unit's sheet (or its refusal) for a reporting week. */
export interface SubmissionToRecord {
  unitId: string;
  /** ISO date of the reporting week's nominal Monday. */
  reportingWeek: string;
  rawMessageId: number;
  /** When the message arrived: orders the unit's versions of the week. */
  arrivedAt: Date;
  /** The week's deadline, ISO with offset. */
  deadlineAt: string | null;
  late: boolean;
  /** 'accepted' | 'accepted_with_warnings' | 'rejected' */
  status: string;
  issues: readonly Issue[];
  filledOn?: string | null;
  unitAsWritten?: string | null;
  /** False: recorded, never current (a rejected sheet must not replace a good one). */
  makeCurrent?: boolean;
  projects: readonly SheetProject[];
}

export interface RecordedSubmission {
  id: number;
  /** Whether it was the unit's current version of the week when it was recorded. */
  current: boolean;
  /** False when the message's submission was already recorded (a retried job): that one is returned. */
  isNew: boolean;
}

export interface IntakeAuditEntry {
  /** 'message.duplicate', 'message.quarantined', … */
  event: string;
  rawMessageId: number;
  /** Never message bodies or attachment contents. */
  details?: unknown;
}

export interface IntakeStore {
  /** The stored message, or null when there is none with this id. */
  storedMessage(rawMessageId: number): Promise<StoredMessage | null>;
  recordOutcome(rawMessageId: number, outcome: MessageOutcome, now: Date): Promise<void>;
  /**
   * Claims the (sender, Message-ID) pair for this message; returns the id of the message that
   * holds it (this one when it won, the first copy when this is a re-delivery).
   */
  claimMessageId(
    claim: { rawMessageId: number; sender: string; messageId: string },
    now: Date,
  ): Promise<number>;
  recordAttachment(attachment: ReceivedAttachment, now: Date): Promise<void>;
  /** Records the submission once per message (idempotent: a retried job gets the first one). */
  recordSubmission(submission: SubmissionToRecord, now: Date): Promise<RecordedSubmission>;
  audit(entry: IntakeAuditEntry, now: Date): Promise<void>;
  /** When each week's digest was sent (null: not yet), for deciding what a sheet answers. */
  digestsSent(weeks: readonly string[]): Promise<Map<string, Date | null>>;
}
