/**
 * The office pages' port (/messages, /quarantine, /digests): what they read of the received
 * messages, their attachments and the digests sent, and the office's own records (who released
 * or dismissed a held message). Every list is bounded by its caller's limit.
 */

/** The received messages' filters, as the /messages page takes them from its query. */
export interface MessageFilter {
  /** A reporting week's Monday (ISO date). */
  week?: string;
  unitId?: string;
  outcome?: string;
}

/** A received message as listed (without its bytes). */
export interface ReceivedMessage {
  id: number;
  /** When the mail server received it (else when duban stored it). */
  receivedAt: Date;
  from: string | null;
  subject: string | null;
  unitId: string | null;
  week: string | null;
  outcome: string | null;
  reason: string | null;
  size: number;
  truncated: boolean;
}

/** An attachment as recorded by the intake. */
export interface RecordedAttachment {
  id: number;
  rawMessageId: number;
  /** 0-based position among the message's attachments (as the mail reader lists them). */
  ordinal: number;
  filename: string | null;
  size: number;
  /** The kept bytes; null when only the raw message holds them. */
  bytes: Buffer | null;
}

/** A digest version as queued or sent. */
export interface DigestMailRecord {
  id: number;
  key: string;
  week: string | null;
  subject: string;
  status: string;
  sentAt: Date | null;
  createdAt: Date;
}

/** A decision of the office about a held message, for the audit log. */
export interface OfficeAction {
  /** 'message.released' | 'message.dismissed' | 'message.reprocessed' | 'digest.sent_now' */
  event: string;
  /** The signed-in person's address (or the CLI's --by). */
  actor: string;
  rawMessageId?: number | null;
  unitId?: string | null;
  reportingWeek?: string | null;
  submissionId?: number | null;
  details?: unknown;
}

export interface OfficeReads {
  /** The page of messages matching `filter`, newest first, and how many match in all. */
  messages(
    filter: MessageFilter,
    page: { offset: number; limit: number },
  ): Promise<{ rows: ReceivedMessage[]; total: number }>;
  message(id: number): Promise<ReceivedMessage | null>;
  /** The stored raw bytes of a message. */
  rawMessage(id: number): Promise<Buffer | null>;
  /** The recorded attachments of these messages. */
  attachmentsOf(rawMessageIds: readonly number[]): Promise<RecordedAttachment[]>;
  attachment(id: number): Promise<RecordedAttachment | null>;
  /**
   * Messages held for the office, newest first: quarantined, or from a unit but not usable
   * (ignored or rejected before a sheet was read); without those the office dismissed.
   */
  heldMessages(limit: number): Promise<ReceivedMessage[]>;
  /** How many times the office took this action on the message already (audit event). */
  actionCount(rawMessageId: number, event: string): Promise<number>;
  /** Every digest version queued or sent, newest first. */
  digestMails(limit: number): Promise<DigestMailRecord[]>;
  /** A digest mail with the bytes it was queued as (null when it was refused). */
  digestMail(id: number): Promise<{ record: DigestMailRecord; eml: Buffer | null } | null>;
}

export interface OfficeRecords {
  record(action: OfficeAction, now: Date): Promise<void>;
}

/** What the office is shown of a stored message's contents (src/adapters/mail/message-preview.ts). */
export interface MessagePreviewView {
  attachments: Array<{ filename: string; contentType: string; size: number; inner?: string[] }>;
  firstLines: string;
  /** The error code when the message could not be read. */
  unreadable: string | null;
}

/** Reads a stored message's contents for the office (decoded names, archives' inner names). */
export type MessagePreviewer = (raw: Buffer) => Promise<MessagePreviewView>;
