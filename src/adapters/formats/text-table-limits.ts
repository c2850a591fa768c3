/**
 * How much a text table (CSV, an HTML table) may hold before its reader refuses it. A weekly issue
 * sheet has a few dozen rows and nine columns; these limits are far above that and far below what
 * would make a reader slow or its grid large. The size of the file itself is bounded by the caller
 * (the message size limit); the readers run in time linear in their input whatever it holds.
 */
import { DubanError } from '../../errors';

export interface TextTableLimits {
  /** A value in a row below this one is refused (trailing empty rows are not counted). */
  maxRows: number;
  /** A value in a column right of this one is refused (trailing empty fields are not counted). */
  maxCols: number;
  /** Characters in one cell. */
  maxCellChars: number;
  /** Non-empty cells in the whole file (all tables together). */
  maxCells: number;
  /** HTML only: tables in one document, and tables nested inside one another. */
  maxTables: number;
  maxTableDepth: number;
}

export const TEXT_TABLE_LIMITS: TextTableLimits = {
  maxRows: 20_000,
  maxCols: 200,
  maxCellChars: 1024 * 1024,
  maxCells: 1_000_000,
  maxTables: 1000,
  maxTableDepth: 64,
};

export function tooLarge(what: string): never {
  throw new DubanError('WORKBOOK_TOO_LARGE', what);
}
