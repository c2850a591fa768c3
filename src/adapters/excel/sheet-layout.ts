/**
 * The official issue sheet's layout in exceljs, shared by the template a unit fills in
 * (template.ts) and the digest workbook (digest-workbook.ts): the columns (the notice's nine, or
 * with 完成情况 after 完成时限), the header block down to the header row, one project's rows with
 * their merged cells, the note row, A4 landscape page setup.
 */
import ExcelJS from 'exceljs';
import {
  ATTACHMENT_LINE,
  FILLED_ON_LINE_LABEL,
  OFFICIAL_HEADER,
  TARGET_STATUS_LABELS,
  SHEET_TITLE,
  UNIT_LINE_LABEL,
  type ColumnField,
} from '../../domain/sheet/layout';

// exceljs 4.4.0 (pinned) keeps merges as its own Range objects in a private map; see below.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ExcelRange = require('exceljs/lib/doc/range') as new (
  top: number,
  left: number,
  bottom: number,
  right: number,
) => unknown;

/**
 * Merges rows first..last of one column. exceljs's mergeCells checks the new range against every
 * merge already on the sheet, which grows with the square of the merges (3,500 in a 500-project
 * digest: about a second). The per-project ranges written here never overlap (each covers its
 * project's own rows in its own column), so the check is skipped: the cells are merged the way
 * mergeCells merges them and the range registered where exceljs keeps it (the private `_merges`
 * map, also read in read-workbook.ts). Falls back to mergeCells if that map is not there.
 */
export function mergeColumnRange(
  ws: ExcelJS.Worksheet,
  first: number,
  last: number,
  col: number,
): void {
  const internal = ws as unknown as { _merges?: Record<string, unknown> };
  if (!internal._merges) {
    ws.mergeCells(first, col, last, col);
    return;
  }
  const master = ws.getCell(first, col);
  for (let r = first + 1; r <= last; r++) {
    (ws.getCell(r, col) as unknown as { merge(master: unknown): void }).merge(master);
  }
  internal._merges[master.address] = new ExcelRange(first, col, last, col);
}

/** The 完成情况 choices offered by the drop-down, as the parser reads them. */
export const STATUS_LABELS = TARGET_STATUS_LABELS;
const STATUS_HEADER = '完成情况';

/** Column widths (characters), in the order of OFFICIAL_HEADER. */
export const COLUMN_WIDTHS: readonly number[] = [5, 20, 13, 28, 11, 40, 16, 30, 30];
/** The row of the nine-column header (below 附件, the title, 填报单位 and 填报时间). */
export const HEADER_ROW = 5;
export const SHEET_FONT = 'SimSun';
export const THIN_BORDER: Partial<ExcelJS.Borders> = {
  top: { style: 'thin' },
  left: { style: 'thin' },
  bottom: { style: 'thin' },
  right: { style: 'thin' },
};
export const HEADER_FILL: ExcelJS.Fill = {
  type: 'pattern',
  pattern: 'solid',
  fgColor: { argb: 'FFE7E6E6' },
};

/** Column widths (characters) by field, for layouts with extra columns. */
const FIELD_WIDTHS: Partial<Record<ColumnField, number>> = {
  ...Object.fromEntries(OFFICIAL_HEADER.map((h, i) => [h.field, COLUMN_WIDTHS[i] ?? 12])),
  status: 10,
};

/**
 * Which column holds what: the notice's nine columns, or the same with 完成情况 after 完成时限.
 * The sheet helpers below take one (default: the nine columns).
 */
export interface SheetLayout {
  columns: ReadonlyArray<{ field: ColumnField; label: string; width: number }>;
  /** 1-based column of a field, 0 when the layout has no such column. */
  col(field: ColumnField): number;
  lastCol: number;
}

export function sheetLayout(options: { statusColumn?: boolean } = {}): SheetLayout {
  const columns: Array<{ field: ColumnField; label: string; width: number }> = [];
  for (const h of OFFICIAL_HEADER) {
    columns.push({ field: h.field, label: h.label, width: FIELD_WIDTHS[h.field] ?? 12 });
    if (h.field === 'due' && options.statusColumn) {
      columns.push({ field: 'status', label: STATUS_HEADER, width: FIELD_WIDTHS.status ?? 10 });
    }
  }
  return {
    columns,
    col: (field) => columns.findIndex((c) => c.field === field) + 1,
    lastCol: columns.length,
  };
}

export const NINE_COLUMNS = sheetLayout();

/** The drop-down of the 完成情况 cells. */
const STATUS_VALIDATION: ExcelJS.DataValidation = {
  type: 'list',
  allowBlank: true,
  formulae: [`"${Object.values(STATUS_LABELS).join(',')}"`],
  showErrorMessage: true,
  errorStyle: 'stop',
  errorTitle: STATUS_HEADER,
  error: '请从“已完成”“推进中”“未启动”中选择。',
  showInputMessage: true,
  promptTitle: STATUS_HEADER,
  prompt: '请选择：已完成、推进中或未启动',
};

/** Page setup shared by the issue sheets: A4 landscape, fitted to the width, centred. */
export function printSetup(headerRows: string): Partial<ExcelJS.PageSetup> {
  return {
    paperSize: 9, // A4
    orientation: 'landscape',
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    horizontalCentered: true,
    margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 },
    printTitlesRow: headerRows,
  };
}

export const PAGE_FOOTER = { oddFooter: '第 &P 页，共 &N 页' };

/**
 * A worksheet in the official layout down to the header row: 附件, the title, the 填报单位 and
 * 填报时间 lines, the nine-column header (frozen, repeated on every printed page), column
 * widths, A4 landscape.
 */
/**
 * A sheet's title (merged across the table, at `titleRow`) and the 填报单位 / 填报时间 lines under
 * it, as the notice's form has them: the issue sheet and the 议定事项落实情况 sheet alike.
 */
export function writeTitleLines(
  ws: ExcelJS.Worksheet,
  titleRow: number,
  lastCol: number,
  text: string,
  lines: { unit: string; filledOn: string },
): void {
  ws.mergeCells(titleRow, 1, titleRow, lastCol);
  const title = ws.getCell(titleRow, 1);
  title.value = text;
  title.font = { name: SHEET_FONT, size: 18, bold: true };
  title.alignment = { horizontal: 'center', vertical: 'middle' };
  ws.getRow(titleRow).height = 36;
  const labelled = [`${UNIT_LINE_LABEL}${lines.unit}`, `${FILLED_ON_LINE_LABEL}${lines.filledOn}`];
  labelled.forEach((value, i) => {
    const r = titleRow + 1 + i;
    ws.mergeCells(r, 1, r, lastCol);
    ws.getCell(r, 1).value = value;
    ws.getCell(r, 1).font = { name: SHEET_FONT, size: 12 };
    ws.getRow(r).height = 20;
  });
}

export function addIssueSheet(
  workbook: ExcelJS.Workbook,
  name: string,
  lines: { unit: string; filledOn: string },
  layout: SheetLayout = NINE_COLUMNS,
): ExcelJS.Worksheet {
  const { lastCol } = layout;
  const ws = workbook.addWorksheet(name, {
    views: [{ state: 'frozen', ySplit: HEADER_ROW, xSplit: 0, showGridLines: false }],
    pageSetup: printSetup(`${HEADER_ROW}:${HEADER_ROW}`),
    headerFooter: PAGE_FOOTER,
  });
  layout.columns.forEach((c, i) => (ws.getColumn(i + 1).width = c.width));

  ws.getCell('A1').value = ATTACHMENT_LINE;
  ws.getCell('A1').font = { name: SHEET_FONT, size: 12, bold: true };
  writeTitleLines(ws, 2, lastCol, SHEET_TITLE, lines);

  const header = ws.getRow(HEADER_ROW);
  layout.columns.forEach((h, i) => {
    const cell = header.getCell(i + 1);
    cell.value = h.label;
    cell.font = { name: SHEET_FONT, size: 11, bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.fill = HEADER_FILL;
    cell.border = THIN_BORDER;
  });
  header.height = 36;
  return ws;
}

/** One project of the official layout: a row per target, the other columns merged over them. */
export interface ProjectRows {
  seq: number;
  name: string;
  /** The 项目总牵头单位 cell (one unit per line). */
  leadUnits: string;
  /** `status` (已完成 …) is written only by a layout with the 完成情况 column. */
  targets: ReadonlyArray<{ text: string; due: string; status?: string }>;
  problems: string;
  departments: string;
  progress: string;
  nextSteps: string;
  /** Points of height for the whole project (shared among its rows, at least 36 each). */
  height: number;
}

/** Writes a project's rows from `first`; returns the row after them. */
export function writeProjectRows(
  ws: ExcelJS.Worksheet,
  first: number,
  p: ProjectRows,
  layout: SheetLayout = NINE_COLUMNS,
): number {
  const { lastCol, col } = layout;
  const statusCol = col('status');
  const targets = p.targets.length ? p.targets : [{ text: '', due: '' }];
  const last = first + targets.length - 1;
  targets.forEach((t, i) => {
    const r = ws.getRow(first + i);
    r.getCell(col('target')).value = t.text;
    r.getCell(col('due')).value = t.due;
    if (statusCol > 0) {
      r.getCell(statusCol).value = t.status ?? '';
      r.getCell(statusCol).dataValidation = STATUS_VALIDATION;
    }
    // Excel does not grow merged cells to fit: leave room for the five prompts and the unit's
    // answers, shared among the project's rows.
    r.height = Math.max(36, Math.ceil(p.height / targets.length));
  });
  const perProject: Array<[number, ExcelJS.CellValue]> = [
    [col('seq'), p.seq],
    [col('projectName'), p.name],
    [col('leadUnits'), p.leadUnits],
    [col('problems'), p.problems],
    [col('departments'), p.departments],
    [col('progress'), p.progress],
    [col('nextSteps'), p.nextSteps],
  ];
  for (const [c, value] of perProject) {
    ws.getCell(first, c).value = value;
    if (last > first) mergeColumnRange(ws, first, last, c);
  }
  const topAligned = new Set([col('problems'), col('progress'), col('nextSteps')]);
  const centred = new Set([col('seq'), col('due'), statusCol]);
  for (let r = first; r <= last; r++) {
    for (let c = 1; c <= lastCol; c++) {
      const cell = ws.getCell(r, c);
      cell.border = THIN_BORDER;
      cell.font = { name: SHEET_FONT, size: 11 };
      cell.alignment = {
        vertical: topAligned.has(c) ? 'top' : 'middle',
        horizontal: centred.has(c) ? 'center' : 'left',
        wrapText: true,
      };
    }
  }
  return last + 1;
}

/** A note merged across the table below its last row; sets the print area to end there. */
export function writeNoteRow(
  ws: ExcelJS.Worksheet,
  row: number,
  text: string,
  layout: SheetLayout = NINE_COLUMNS,
): void {
  const { lastCol } = layout;
  ws.mergeCells(row, 1, row, lastCol);
  const note = ws.getCell(row, 1);
  note.value = text;
  note.font = { name: SHEET_FONT, size: 10 };
  note.alignment = { wrapText: true, vertical: 'top' };
  ws.getRow(row).height = 16 * (text.split('\n').length + 1);
  ws.pageSetup.printArea = `A1:${String.fromCharCode(64 + lastCol)}${row}`;
}
