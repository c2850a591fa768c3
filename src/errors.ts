/**
 * The one registry of duban's error and warning codes.
 *
 * Every code a person can meet (a lead unit in a reply, an admin in the CLI or the logs) is listed
 * here with what it means. The README's "Error codes" table mirrors this registry, and a test keeps
 * the two in step. Messages for lead units are formal zh-CN and built where the issue is found
 * (they need the cell and the value); the descriptions here are for operators, in English.
 */

export type Severity = 'error' | 'warning';

interface CodeInfo {
  /** error: the input cannot be used; warning: used, but someone should look. */
  severity: Severity;
  /** Operator-facing description (English). */
  description: string;
  /**
   * Whether trying the same unit of work again can succeed without anyone changing anything (a
   * server that is down, a 4xx). A queue job failing with a code that is not retryable is not
   * retried (src/adapters/queue/worker.ts).
   */
  retryable?: boolean;
}

export const CODES = {
  // The file itself (sheet reading refuses the whole file).
  NOT_A_WORKBOOK: {
    severity: 'error',
    description: 'The file is not an .xlsx workbook (not a zip package).',
  },
  PASSWORD_PROTECTED: {
    severity: 'error',
    description: 'The workbook is encrypted with a password.',
  },
  LEGACY_FORMAT: {
    severity: 'error',
    description: 'A legacy .xls (Excel 97-2003) or WPS .et file; .xlsx is asked for.',
  },
  UNSUPPORTED_FORMAT: {
    severity: 'error',
    description: 'A spreadsheet in another format (OpenDocument .ods); .xlsx is asked for.',
  },
  CORRUPT_WORKBOOK: {
    severity: 'error',
    description: 'The zip package or an XML part inside it is damaged.',
  },
  WORKBOOK_TOO_LARGE: {
    severity: 'error',
    description: 'The file, or what it expands to, exceeds the size limits (zip-bomb guard).',
  },
  PARSE_RESOURCE_LIMIT: {
    severity: 'error',
    description: 'Reading the workbook exceeded the memory or time limit of the sandbox.',
  },
  CONVERTER_MISSING: {
    severity: 'error',
    description:
      'The file needs LibreOffice to be read (.xls/.et, .doc/.wps, .odt) and soffice is not installed; the sender is asked for .xlsx.',
  },
  CONVERSION_FAILED: {
    severity: 'error',
    description:
      'LibreOffice could not convert the file within its time and memory limits (damaged, hostile or too large).',
  },
  ARCHIVE_ENCRYPTED: {
    severity: 'error',
    description: 'An archive (or an entry in it) is password-protected; nothing in it can be read.',
  },
  ARCHIVE_TOO_LARGE: {
    severity: 'error',
    description:
      'An archive over a limit (entries, total unpacked size, compression ratio); refused unread.',
  },
  ARCHIVE_NESTED_TOO_DEEP: {
    severity: 'error',
    description: 'Archives nested more than one level (an archive in an archive in an archive).',
  },
  ARCHIVE_DAMAGED: {
    severity: 'error',
    description: 'An archive (.zip, .7z, .rar, winmail.dat) that cannot be read.',
  },
  ARCHIVE_NO_SHEET: {
    severity: 'error',
    description: 'An archive that holds no file that could be the sheet.',
  },
  NO_WORKSHEET: { severity: 'error', description: 'The workbook holds no worksheet with cells.' },
  NO_HEADER: {
    severity: 'error',
    description:
      'No sheet has the issue-sheet header row (项目名称, 攻坚目标, 存在问题 …) in its first 20 rows.',
  },
  EMPTY_SHEET: {
    severity: 'error',
    description: 'The header was found but no project rows follow it.',
  },
  NOT_FILLED: {
    severity: 'error',
    description:
      'Project rows are present but none of the unit-filled columns (problems, departments, progress, next steps) has content.',
  },
  // Cells (the sheet is used; the unit is told what to check).
  DUE_DATE_UNREADABLE: {
    severity: 'warning',
    description: 'A due date could not be read as a date (e.g. 月底); kept as text.',
  },
  DUE_DATE_INVALID: {
    severity: 'warning',
    description: 'A due date names a day that does not exist (e.g. 2月30日).',
  },
  DUE_DATE_AMBIGUOUS: {
    severity: 'warning',
    description:
      'A due date typed as a number such as 3.3 could mean 3月3日 or 3月30日; the first was read.',
  },
  TARGET_WITHOUT_DUE: { severity: 'warning', description: 'A target row has no due date.' },
  DUE_WITHOUT_TARGET: {
    severity: 'warning',
    description: 'A due date is filled on a row without target text.',
  },
  STATUS_UNREADABLE: {
    severity: 'warning',
    description: 'The 完成情况 value is not one of 已完成 / 推进中 / 未启动.',
  },
  PROBLEMS_UNCATEGORIZED: {
    severity: 'warning',
    description:
      'Problem text was written outside the five category prompts; it is kept as uncategorised text.',
  },
  PROJECT_UNKNOWN: {
    severity: 'warning',
    description: 'A project name matches no project (name or alias) in the schedule.',
  },
  PROJECT_NAME_MISSING: {
    severity: 'warning',
    description: 'Rows with content but no project name before them; they were skipped.',
  },
  PROJECT_OF_OTHER_UNIT: {
    severity: 'warning',
    description:
      'The sheet holds a project led by another unit; it is recorded, the lead unit’s sheet counts.',
  },
  PROJECT_MISSING: {
    severity: 'warning',
    description: 'A project the sending unit leads is missing from its sheet.',
  },
  DUE_DATE_DIFFERS: {
    severity: 'warning',
    description: 'A target’s due date in the sheet differs from the schedule.',
  },
  NO_PROJECT_OF_UNIT: {
    severity: 'error',
    description:
      'The sheet holds none of the projects the sending unit leads, so it cannot count as its submission.',
  },
  FILLED_ON_UNREADABLE: {
    severity: 'warning',
    description: 'The 填报时间 line could not be read as a date.',
  },
  // The message (the sender gets a correction request).
  NO_ATTACHMENT: {
    severity: 'error',
    description: 'The message carries no attachment that could be the issue sheet.',
  },
  // Outgoing mail (admin-facing: logs and the outgoing_mails record).
  CLOUD_LINK: {
    severity: 'error',
    description:
      'The mail carries a cloud-attachment link (QQ Mail 超大附件, 163/126 大附件, Coremail, Tencent Exmail) instead of the file; links expire and are not fetched.',
  },
  SMTP_CONFIG_INVALID: {
    severity: 'error',
    description:
      'The SMTP_* / MAIL_FROM / OUTBOX_DIR / MAIL_DAILY_CAP settings are invalid; every problem is listed.',
  },
  MAIL_ADDRESS_INVALID: {
    severity: 'error',
    description:
      'An address of an outgoing mail is not a single plain address (name@domain); nothing was sent.',
  },
  SMTP_TEMPORARY_FAILURE: {
    retryable: true,
    severity: 'error',
    description:
      'The SMTP server answered 4xx, or the connection failed or timed out; the mail is retried.',
  },
  SMTP_REJECTED: {
    severity: 'error',
    description:
      'The SMTP server refused the mail permanently (5xx); not retried, the response is recorded.',
  },
  SMTP_AUTH_FAILED: {
    retryable: true,
    severity: 'error',
    description:
      'The SMTP login failed (wrong user or authorization code); retried, since the mail itself is fine.',
  },
  OUTBOX_WRITE_FAILED: {
    retryable: true,
    severity: 'error',
    description: 'The file outbox (no SMTP configured) could not write the .eml file; retried.',
  },
  MAIL_CAPPED: {
    severity: 'warning',
    description:
      'Not sent: the recipient already got the daily maximum of automatic replies (mail-loop guard).',
  },
  // The schedule (admin-facing, from `duban config check`).
  CONFIG_INVALID: {
    severity: 'error',
    description: 'The schedule YAML has errors; each is listed with file:line:column.',
  },
  CONFIG_NOT_FOUND: {
    severity: 'error',
    description: 'The schedule file does not exist or cannot be read.',
  },
  // Storage.
  DATABASE_URL_INVALID: {
    severity: 'error',
    description:
      "DATABASE_URL (or DATABASE_URL_FILE) is neither sqlite:<path> nor postgres://…, both are set, or the SQLite file's directory does not exist.",
  },
  DATABASE_UNAVAILABLE: {
    retryable: true,
    severity: 'error',
    description: 'The database could not be reached or opened.',
  },
  DATABASE_NOT_MIGRATED: {
    severity: 'error',
    description:
      'The database has no duban tables yet (or the SQLite file does not exist), or a command that only reads met one behind this version: run duban migrate, or start duban serve, which migrates.',
  },
  MIGRATION_FAILED: {
    severity: 'error',
    description:
      'A database migration failed (rolled back), or the database holds migrations this version does not know.',
  },
  // The environment (admin-facing, at start).
  ENV_INVALID: {
    severity: 'error',
    description: 'Environment variables have errors; each is listed naming its variable.',
  },
  // Mail intake (IMAP). Connection problems are retried with backoff; none loses a message.
  IMAP_UNAVAILABLE: {
    retryable: true,
    severity: 'error',
    description:
      'The IMAP server could not be reached, or dropped the connection; retried with backoff.',
  },
  IMAP_AUTH_FAILED: {
    retryable: true,
    severity: 'error',
    description:
      'The IMAP server refused the login (IMAP_USER and password); retried with backoff.',
  },
  IMAP_MAILBOX_NOT_FOUND: {
    severity: 'error',
    description: 'The watched mailbox (IMAP_MAILBOX) does not exist on the server.',
  },
  IMAP_SYNC_FAILED: {
    retryable: true,
    severity: 'error',
    description:
      'A mailbox sync failed after connecting (storage, or handing a message on); the message is tried again.',
  },
  IMAP_STALLED: {
    severity: 'warning',
    description: 'No successful mailbox sync for IMAP_STALL_MINUTES; see the last error.',
  },
  MESSAGE_TOO_LARGE: {
    severity: 'error',
    description:
      'A message is larger than IMAP_MAX_MESSAGE_MB; only its headers were stored, and the sender is told.',
  },
  // The queues (Redis).
  REDIS_UNAVAILABLE: {
    retryable: true,
    severity: 'error',
    description:
      'Redis could not be reached; logged once per outage. Messages stay stored and are handed on when it is back.',
  },
  // Reading a message (src/adapters/mail/parse-message.ts).
  MESSAGE_TOO_COMPLEX: {
    severity: 'error',
    description:
      'A message nests MIME parts or forwarded messages too deeply, has too many parts or too large a header block (hostile-mail guard); refused unread.',
  },
  MESSAGE_UNREADABLE: {
    severity: 'error',
    description:
      'A message could not be parsed as MIME at all (no header fields, or a parser failure).',
  },
  // Agreed items (议定事项) and their follow-up (src/domain/decisions, src/app/decisions).
  ITEM_LIST_ROW_INCOMPLETE: {
    severity: 'warning',
    description:
      'A row of a list of agreed items lacks 议定事项, 责任单位 or a readable 办结时限; the row is not recorded and the office is told.',
  },
  ITEM_LIST_DUPLICATE_NUMBER: {
    severity: 'warning',
    description:
      'Two rows of a list of agreed items have the same 序号 (one id); the later row is not recorded and the office is told.',
  },
  ITEM_LIST_NO_MEETING_DATE: {
    severity: 'error',
    description:
      'A list of agreed items names no meeting date above its header (会议时间 / 会议日期, or a date in the title); nothing is recorded.',
  },
  ITEM_LIST_FROM_UNIT: {
    severity: 'error',
    description:
      'A list of agreed items came from an address that is not an office member; only the office records agreed items.',
  },
  ITEM_UNIT_UNMATCHED: {
    severity: 'warning',
    description:
      'A unit named in an agreed item (责任单位 / 配合单位) matches no unit of the schedule; it is recorded as written and listed by `duban config check`.',
  },
  ITEM_REPORT_UNKNOWN: {
    severity: 'warning',
    description:
      'A row of the section 议定事项落实情况 names an item id that is not an open item of the sending unit; the row is ignored and the unit is told.',
  },
  ITEM_REPORT_STATUS_UNREADABLE: {
    severity: 'warning',
    description: '是否办结 in the section 议定事项落实情况 is not one of 已办结 / 推进中 / 未启动.',
  },
  ITEM_NOT_FOUND: {
    severity: 'error',
    description: 'No agreed item has this id (`duban decisions close ID`, the console).',
  },
  ITEM_STATE_CONFLICT: {
    severity: 'error',
    description:
      'The agreed item is not in a state that allows this change (closing a closed item, sending back an open one).',
  },
} as const satisfies Record<string, CodeInfo>;

export type Code = keyof typeof CODES;

/** A problem found in an input, tied to a place in it where there is one. */
export interface Issue {
  severity: Severity;
  code: Code;
  /** A1 reference ("E9") for sheet issues, or null. */
  cell: string | null;
  /** For lead units: formal zh-CN, says what is wrong and how to fix it. */
  message: string;
}

export function issue(code: Code, message: string, cell: string | null = null): Issue {
  return { severity: CODES[code].severity, code, cell, message };
}

/** Whether the registry calls a code retryable (see CodeInfo.retryable). */
export function isRetryable(code: Code): boolean {
  const info: CodeInfo = CODES[code];
  return info.retryable === true;
}

/** An error that stops a unit of work, carrying a registered code. */
export class DubanError extends Error {
  /** Whether trying again can succeed: the registry's answer for the code (a subclass may know better). */
  readonly retryable: boolean;

  constructor(
    readonly code: Code,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DubanError';
    this.retryable = isRetryable(code);
  }
}
