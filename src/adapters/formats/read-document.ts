/**
 * Reading the issue sheet from any file a unit sends, in-process (the sandbox worker runs this):
 * the format decided from the content (sniff.ts), the file read into the one Grid every reader
 * produces, then the one parser. So every rule of the sheet reader holds for every format.
 * Never throws for bad input: a refusal is a ParsedSheet with ok=false and one issue.
 *
 * Legacy binaries (.xls/.et, .doc/.wps, .odt) are converted by LibreOffice before they get here
 * (document-reader.ts, in the parent: a child process must not outlive a worker thread killed at
 * its time limit); `reportAs` then names the format the unit sent.
 */
import { DubanError } from '../../errors';
import type { Grid } from '../../domain/sheet/grid';
import type { SheetFormat } from '../../domain/sheet/formats';
import { parseIssueSheet, type ParsedSheet } from '../../domain/sheet/parse';
import { DEFAULT_LIMITS, inspectWorkbook, type GuardLimits } from '../excel/guard';
import { readGrid, refusal, type ReadSheetOptions } from '../excel/read-sheet';
import { readCsvGrid } from './csv-grid';
import { readDocxGrid } from './docx-grid';
import { readOdsGrid } from './ods-grid';
import { decodeHtmlBytes, readHtmlGrid } from './html-grid';
import { sniffFile } from './sniff';

export interface ReadDocumentOptions extends ReadSheetOptions {
  /** The format the unit sent, when `bytes` are LibreOffice's conversion of it. */
  reportAs?: SheetFormat;
}

/** Formats read only after LibreOffice has converted them (to .xlsx or .docx). */
export const CONVERTED_FORMATS: ReadonlySet<SheetFormat> = new Set(['xls', 'doc', 'odt']);

export async function gridOf(
  format: SheetFormat,
  bytes: Buffer,
  limits: GuardLimits,
): Promise<Grid> {
  switch (format) {
    case 'xlsx':
    case 'xlsm':
      return readGrid(bytes, await inspectWorkbook(bytes, limits));
    case 'csv':
      return readCsvGrid(bytes);
    case 'html':
      return readHtmlGrid(decodeHtmlBytes(bytes));
    case 'docx':
      return readDocxGrid(bytes, limits);
    case 'ods':
      return readOdsGrid(bytes, limits);
    case 'xls':
    case 'doc':
    case 'odt':
      throw new DubanError('CONVERTER_MISSING', `${format} must be converted first`);
  }
}

export async function readDocument(
  bytes: Buffer,
  options: ReadDocumentOptions,
): Promise<ParsedSheet> {
  const identity = sniffFile(bytes);
  const real = identity.kind === 'sheet' || identity.kind === 'encrypted' ? identity.format : null;
  const reported: SheetFormat = options.reportAs ?? (real && isSheetFormat(real) ? real : 'xlsx');
  try {
    if (identity.kind === 'encrypted') {
      throw new DubanError('PASSWORD_PROTECTED', `encrypted ${identity.format}`);
    }
    if (identity.kind !== 'sheet') {
      throw new DubanError('NOT_A_WORKBOOK', `not a sheet: ${identity.kind} ${identity.format}`);
    }
    const grid = await gridOf(identity.format, bytes, options.limits ?? DEFAULT_LIMITS);
    const parsed = parseIssueSheet(grid, {
      catalog: options.catalog,
      referenceDate: options.referenceDate,
    });
    return { ...parsed, format: reported };
  } catch (err) {
    if (err instanceof DubanError) return refusal(err, reported);
    // Anything else thrown while reading a file is a library choking on malformed content.
    return refusal(new DubanError('CORRUPT_WORKBOOK', (err as Error).message), reported);
  }
}

function isSheetFormat(format: string): format is SheetFormat {
  return !['zip', '7z', 'rar', 'tnef'].includes(format);
}
