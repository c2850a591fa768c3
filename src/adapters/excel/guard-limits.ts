/**
 * How much a workbook may hold before any spreadsheet library looks at it (guard.ts): sizes of the
 * file and of its zip entries, the compression ratio, and the rows and cells of a worksheet.
 */

export interface GuardLimits {
  maxFileBytes: number;
  maxEntries: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
  /** Compression ratio allowed for entries larger than `ratioAppliesAbove`. */
  maxRatio: number;
  ratioAppliesAbove: number;
  maxRowsPerSheet: number;
  maxCellsPerSheet: number;
}

export const DEFAULT_LIMITS: GuardLimits = {
  maxFileBytes: 30 * 1024 * 1024,
  maxEntries: 5000,
  maxEntryBytes: 100 * 1024 * 1024,
  maxTotalBytes: 150 * 1024 * 1024,
  maxRatio: 200,
  ratioAppliesAbove: 1024 * 1024,
  maxRowsPerSheet: 50_000,
  maxCellsPerSheet: 1_000_000,
};
