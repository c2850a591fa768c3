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
    description: 'DATABASE_URL is neither sqlite:<path> nor postgres://…',
  },
  DATABASE_UNAVAILABLE: {
    severity: 'error',
    description: 'The database could not be reached or opened.',
  },
  MIGRATION_FAILED: {
    severity: 'error',
    description:
      'A database migration failed (rolled back), or the database holds migrations this version does not know.',
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

/** An error that stops a unit of work, carrying a registered code. */
export class DubanError extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DubanError';
  }
}
