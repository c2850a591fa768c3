/** The data of an automatic reply: what is answered, with what, and the composed mail. */
import type { Schedule, Unit } from '../../../config/schedule';
import type { Issue } from '../../../errors';
import type { ParsedSheet } from '../../sheet/parse';

export type ReplyKind =
  | 'receipt'
  | 'correction_request'
  | 'unknown_sender'
  | 'too_large'
  | 'unreadable'
  /** To an office member: the list of agreed items they mailed, as recorded. */
  | 'item_list_confirmation'
  /** To a unit that mailed a list of agreed items (only the office records them). */
  | 'item_list_refused';

/** The message being answered, as the mail parser read it. Every field is untrusted. */
export interface OriginalMessage {
  /** Message-ID with or without angle brackets; null when the message had none. */
  messageId: string | null;
  /** The References header's ids, oldest first. */
  references: string[];
  subject: string;
  from: { address: string; name: string };
}

/** An attachment of the original message and what became of it. */
export interface AttachmentNote {
  filename: string;
  /** True when it was read as the unit's sheet. */
  used: boolean;
  /** Why it was not used, for the sender (formal zh-CN, e.g. "不是Excel工作簿"). */
  why?: string;
}

export interface ReplyContext {
  schedule: Schedule;
  /** The registered unit the sender's address belongs to; null for an unknown sender. */
  unit: Unit | null;
  /** The reporting week's Monday (ISO date), or null when it could not be decided. */
  reportingWeek: string | null;
  /** Whether the sheet arrived after the deadline; null when not judged. */
  late: boolean | null;
  /** The (holiday-shifted) deadline, ISO-8601 with offset ("2021-03-15T18:00:00+08:00"). */
  deadline: string | null;
  /** When the message counts as arrived (ISO-8601); null or absent to leave it out. */
  receivedAt?: string | null;
  original: OriginalMessage;
  attachments: AttachmentNote[];
}

/** A sheet read from one attachment. */
export interface ReadSheet {
  /** How the answer names the file: "问题清单.xlsx", or "材料.zip 中的 问题清单.xlsx". */
  filename: string;
  /** Found inside an archive or winmail.dat: the answer always names it. */
  contained?: boolean;
  parsed: ParsedSheet;
  /** Further issues about this sheet found by other checks (e.g. checkSheetForUnit). */
  issues?: Issue[];
}

export interface ReplyAttachment {
  filename: string;
  contentType: string;
  content: Uint8Array;
}

/** A composed reply: everything the sender needs except our From, the key and the Message-ID. */
export interface ComposedReply {
  kind: ReplyKind;
  /** Replies to a person's mail are RFC 3834 "auto-replied". */
  autoSubmitted: 'auto-replied';
  /** The original sender. The address is still untrusted: the sender validates it. */
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  /** The original Message-ID (angle brackets included), or null. */
  inReplyTo: string | null;
  /** The original references followed by the original Message-ID. */
  references: string[];
  attachments: ReplyAttachment[];
}

export interface TemplateFile {
  filename: string;
  content: Uint8Array;
}

export interface CorrectionInput {
  /** Sheets that were read but cannot count (each with its issues); may be empty. */
  sheets: ReadSheet[];
  /** Issues about the message itself, e.g. noAttachmentIssue(). */
  issues?: Issue[];
  /** The unit's pre-filled template for the week, attached to the mail; null for none. */
  template: TemplateFile | null;
}

export interface SizeLimit {
  /** The message's size in bytes. */
  sizeBytes: number;
  /** The largest message the office mailbox processes, in bytes. */
  limitBytes: number;
}
