/**
 * Reading a weekly issue sheet from a file's bytes, in-process: guard → grid (the XML reader, or
 * exceljs) → domain.
 * Never throws for bad input: every refusal becomes a ParsedSheet with ok=false and one precise
 * issue in Chinese for the sender. Use `readIssueSheetSandboxed` for untrusted files in services.
 */
import type { SheetReadOptions } from '../../app/ports/sheet-reader';
import { DubanError, issue } from '../../errors';
import { failed, parseIssueSheet, type ParsedSheet } from '../../domain/sheet/parse';
import type { Grid } from '../../domain/sheet/grid';
import type { SheetFormat } from '../../domain/sheet/formats';
import { refusalMessage } from '../../domain/sheet/refusals';
import { DEFAULT_LIMITS, inspectWorkbook, type GuardLimits, type WorkbookFacts } from './guard';
import { loadWorkbook, toGrid } from './read-workbook';
import { readGridFromXml } from './xml-grid';

// Both now live in the domain; re-exported for the callers that read sheets directly.
export { catalogOf } from '../../domain/sheet/catalog';
export { REFUSAL_MESSAGES } from '../../domain/sheet/refusals';

export interface ReadSheetOptions extends SheetReadOptions {
  limits?: GuardLimits;
}

export function refusal(err: DubanError, format: SheetFormat = 'xlsx'): ParsedSheet {
  return failed([issue(err.code, refusalMessage(err.code, format))], format);
}

/**
 * The workbook's grid: read from its XML directly (xml-grid.ts, several times faster), or by
 * exceljs when the XML reader declines the file (or fails on it), so the outcome is exceljs's.
 */
export async function readGrid(bytes: Buffer, facts: WorkbookFacts): Promise<Grid> {
  try {
    return readGridFromXml(bytes, facts);
  } catch {
    return toGrid(await loadWorkbook(bytes, facts), facts);
  }
}

export async function readIssueSheet(
  bytes: Buffer,
  options: ReadSheetOptions,
): Promise<ParsedSheet> {
  try {
    const facts = await inspectWorkbook(bytes, options.limits ?? DEFAULT_LIMITS);
    const grid = await readGrid(bytes, facts);
    return parseIssueSheet(grid, {
      catalog: options.catalog,
      referenceDate: options.referenceDate,
    });
  } catch (err) {
    if (err instanceof DubanError) return refusal(err);
    // Anything else thrown while reading a file is a library choking on malformed content.
    return refusal(new DubanError('CORRUPT_WORKBOOK', (err as Error).message));
  }
}
