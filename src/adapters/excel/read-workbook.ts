/**
 * exceljs → Grid: the only place that knows exceljs's cell model. Also repairs, before exceljs
 * sees them, the two things it gets wrong on files real people send (see guard.ts): namespace
 * prefixes and date1904="true".
 */
import type ExcelJS from 'exceljs';
import { DubanError } from '../../errors';
import type { CellValue, Grid, GridCell, GridSheet, MergeRange } from '../../domain/sheet/grid';
import { isoFromUtc } from '../../domain/sheet/dates';
import type { WorkbookFacts } from './guard';

const DAY_MS = 86_400_000;
/** Days between the 1900 and 1904 date systems' day zero. */
export const DAYS_1900_TO_1904 = 1462;

/**
 * Rewrites `<x:c>` to `<c>` (and the matching xmlns) in the parts that use such prefixes, and
 * drops the document-properties parts, whose element names exceljs matches literally (with the
 * usual `cp:` / `ap:` prefixes) and which duban does not need.
 */
export async function repairPackage(bytes: Buffer, parts: Map<string, string[]>): Promise<Buffer> {
  const { default: JSZip } = await import('jszip');
  const zip = await JSZip.loadAsync(bytes);
  for (const [name, prefixes] of parts) {
    const file = zip.file(name);
    if (!file) continue;
    let xml = await file.async('string');
    for (const p of prefixes) {
      xml = xml
        .replace(new RegExp(`<${p}:`, 'g'), '<')
        .replace(new RegExp(`</${p}:`, 'g'), '</')
        .replace(new RegExp(`\\sxmlns:${p}=`, 'g'), ' xmlns=');
    }
    zip.file(name, xml);
  }
  zip.remove('docProps/core.xml');
  zip.remove('docProps/app.xml');
  return zip.generateAsync({ type: 'nodebuffer', compression: 'STORE' });
}

/**
 * exceljs, loaded on first use: most sheets are read by the XML reader (xml-grid.ts), and a
 * sandbox worker that never needs exceljs starts faster and stays smaller without it.
 */
let exceljs: typeof ExcelJS | undefined;

async function exceljsLoad(bytes: Buffer): Promise<ExcelJS.Workbook> {
  exceljs ??= (await import('exceljs')).default;
  const workbook = new exceljs.Workbook();
  // exceljs's types want its own Buffer type; a Node Buffer is what it reads.
  await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  return workbook;
}

export async function loadWorkbook(bytes: Buffer, facts: WorkbookFacts): Promise<ExcelJS.Workbook> {
  const prefixed = facts.prefixedParts.size > 0;
  try {
    return await exceljsLoad(prefixed ? await repairPackage(bytes, facts.prefixedParts) : bytes);
  } catch (first) {
    // Writers other than Excel produce document properties exceljs chokes on; the table does
    // not depend on them, so try once more without them before calling the file damaged.
    if (!prefixed) {
      try {
        return await exceljsLoad(await repairPackage(bytes, new Map()));
      } catch {
        // fall through to the first error, which names the real problem
      }
    }
    throw new DubanError(
      'CORRUPT_WORKBOOK',
      `exceljs could not read the workbook: ${(first as Error).message}`,
    );
  }
}

function dateCell(date: Date, shiftDays: number): CellValue {
  // exceljs returns dates at UTC midnight; floating-point serials can land a hair before it.
  const ms = date.getTime();
  if (Number.isNaN(ms)) return { kind: 'text', text: '' };
  return { kind: 'date', iso: isoFromUtc(ms + shiftDays * DAY_MS + 500) };
}

type RawValue = ExcelJS.CellValue;

/** A cell's value as exceljs gives it, as the grid holds it (both readers use this). */
export function cellValueOf(raw: RawValue, shiftDays: number): CellValue | null {
  return convert(raw, shiftDays);
}

function convert(raw: RawValue, shiftDays: number): CellValue | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'string') return raw.trim() === '' ? null : { kind: 'text', text: raw };
  if (typeof raw === 'number') return { kind: 'number', value: raw };
  if (typeof raw === 'boolean') return { kind: 'bool', value: raw };
  if (raw instanceof Date) return dateCell(raw, shiftDays);
  if (typeof raw === 'object') {
    if ('richText' in raw && Array.isArray(raw.richText)) {
      const text = raw.richText.map((r) => r.text ?? '').join('');
      return text.trim() === '' ? null : { kind: 'text', text };
    }
    if ('formula' in raw || 'sharedFormula' in raw) {
      // Only the cached result counts: we never evaluate formulas.
      const result = (raw as { result?: unknown }).result;
      if (result === undefined || result === null) return null;
      if (typeof result === 'object' && !(result instanceof Date)) return null; // #N/A and friends
      return convert(result as RawValue, shiftDays);
    }
    if ('hyperlink' in raw) {
      const text = (raw as { text?: unknown }).text;
      if (typeof text === 'string') return convert(text, shiftDays);
      return convert(text as RawValue, shiftDays);
    }
    if ('error' in raw) return null;
  }
  return null;
}

/** exceljs keeps merges in a private map; its public `model` getter rebuilds every row (slow). */
function mergesOf(ws: ExcelJS.Worksheet): MergeRange[] {
  const internal = (
    ws as unknown as {
      _merges?: Record<string, { top: number; left: number; bottom: number; right: number }>;
    }
  )._merges;
  return Object.values(internal ?? {}).map((m) => ({
    top: m.top,
    left: m.left,
    bottom: m.bottom,
    right: m.right,
  }));
}

/** exceljs's `ValueType.Merge` (a cell covered by a merge), without loading exceljs for it. */
const MERGE_CELL = 1 as ExcelJS.ValueType.Merge;

export function toGrid(workbook: ExcelJS.Workbook, facts: WorkbookFacts): Grid {
  // exceljs applies the 1904 system only for date1904="1"; for "true" its dates are 1462 days early.
  const exceljsHonoured = Boolean((workbook.properties as { date1904?: boolean }).date1904);
  const shiftDays = facts.date1904 && !exceljsHonoured ? DAYS_1900_TO_1904 : 0;
  const sheets: GridSheet[] = [];
  workbook.eachSheet((ws) => {
    const cells: GridCell[] = [];
    ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      row.eachCell({ includeEmpty: false }, (cell, colNumber) => {
        if (cell.type === MERGE_CELL) return;
        const value = convert(cell.value, shiftDays);
        if (value) cells.push({ row: rowNumber, col: colNumber, value });
      });
    });
    sheets.push({ name: ws.name, hidden: ws.state !== 'visible', cells, merges: mergesOf(ws) });
  });
  return { sheets, date1904: facts.date1904 };
}
