/**
 * Reading the section 议定事项落实情况 of a unit's weekly sheet: the unit's report on each of its
 * agreed items. Pure: no I/O, no clock.
 *
 *   议定事项落实情况
 *   | 编号 | 议定事项 | 办结时限 | 落实情况 | 是否办结 |
 *   | 20210316-2 | … | 2021年3月19日 | … | 推进中 |
 *
 * The section is a sheet of its own (the template's second sheet) or stands below the issue table
 * on the same sheet (the title row 议定事项落实情况 ends the issue table: parse.ts). Its header
 * is found by meaning anywhere in a sheet: 编号 (or 序号), 议定事项 and 落实情况 or 是否办结.
 */
import { ITEM_ID, type ItemProgress, type ItemReportRow } from './types';
import { cellRef, SheetView, type Grid, type GridSheet } from '../sheet/grid';
import { cleanMultiline, compact, letters } from '../sheet/text';

type ReportField = 'id' | 'text' | 'due' | 'progress' | 'status';

const REPORT_RULES: ReadonlyArray<{ field: ReportField; re: RegExp }> = [
  { field: 'id', re: /^(?:编号|序号|事项编号|序|no)$/iu },
  { field: 'status', re: /^是否办结|^办结情况$|^是否完成|^办理状态$|^状态$/u },
  { field: 'progress', re: /落实情况|推进情况|办理情况|进展情况|工作进展/u },
  { field: 'due', re: /时限|完成时间|办结时间/u },
  { field: 'text', re: /^(?:会议)?议定(?:事项|内容)|^事项(?:内容)?$/u },
];

function reportField(text: string): ReportField | null {
  if (text.length > 40) return null;
  const t = letters(text);
  if (!t || t.length > 20) return null;
  return REPORT_RULES.find((r) => r.re.test(t))?.field ?? null;
}

type ReportColumns = Partial<Record<ReportField, number>>;

/** The section's header on this row, or null. */
function reportHeader(view: SheetView, row: number): ReportColumns | null {
  const cols = view.filledColumns(row);
  if (cols.length < 3) return null;
  // Cheap first: the header names 议定事项 (most rows of a sheet are data).
  if (!cols.some((c) => /议定|事项/u.test(view.text(row, c)))) return null;
  const columns: ReportColumns = {};
  for (const col of cols) {
    const field = reportField(view.text(row, col));
    if (field && columns[field] === undefined) columns[field] = col;
  }
  if (columns.id === undefined || columns.text === undefined) return null;
  if (columns.progress === undefined && columns.status === undefined) return null;
  return columns;
}

/** The section's title line ("议定事项落实情况", "二、议定事项落实情况（…）"). */
const TITLE = /^(?:[一二三四五六七八九十]{1,2}[、.]|\d{1,2}[、.])?议定事项落实情况/u;

/**
 * Whether this row starts the section: its title line, or its header. The issue table ends here
 * (parse.ts).
 */
export function startsItemReports(view: SheetView, row: number): boolean {
  for (const col of view.filledColumns(row)) {
    const text = view.text(row, col);
    if (text && text.length <= 60 && TITLE.test(letters(text))) return true;
  }
  return reportHeader(view, row) !== null;
}

const STATUS: ReadonlyArray<[RegExp, ItemProgress]> = [
  [/^(?:已办结|办结|已完成|完成|已落实|已办理)$/u, '已办结'],
  [/^(?:推进中|正在推进|正在办理|办理中|进行中|正在落实|落实中|未办结|未完成)$/u, '推进中'],
  [/^(?:未启动|未开始|尚未启动|尚未开始)$/u, '未启动'],
];

/** 是否办结 as one of the three answers, or null. */
export function itemProgressOf(text: string): ItemProgress | null {
  const t = letters(text);
  for (const [re, status] of STATUS) if (re.test(t)) return status;
  return null;
}

/** Notes and signature lines end the section. */
const NOTE_ROW =
  /^(?:填表说明|填报说明|说明|注|备注|附注|联系人|联系电话|填表人|填报人|审核人)\s*[:：]/u;

export interface ItemReportSection {
  sheet: GridSheet;
  /** The section's header row. */
  headerRow: number;
  rows: ItemReportRow[];
}

function sectionIn(sheet: GridSheet, view: SheetView): ItemReportSection | null {
  // Only rows naming 议定事项 can hold the header: found from the cells in one pass, since
  // reading every row of a long issue sheet as a header would cost more than the rest.
  const candidates = new Set<number>();
  for (const cell of sheet.cells) {
    if (cell.value.kind !== 'text') continue;
    const text = cell.value.text;
    if (text.includes('议定') || (text.length <= 12 && text.includes('事项'))) {
      candidates.add(cell.row);
    }
  }
  for (const row of [...candidates].sort((a, b) => a - b)) {
    const columns = reportHeader(view, row);
    if (!columns) continue;
    return { sheet, headerRow: row, rows: readRows(view, row, columns) };
  }
  return null;
}

function readRows(view: SheetView, headerRow: number, columns: ReportColumns): ItemReportRow[] {
  const idCol = columns.id as number;
  const mapped = Object.values(columns).filter((c): c is number => c !== undefined);
  const rows: ItemReportRow[] = [];
  for (let row = headerRow + 1; row <= view.maxRow; row++) {
    const texts = mapped.map((c) => view.text(row, c));
    if (texts.every((t) => t === '')) continue;
    if (reportHeader(view, row)) continue;
    const firstText = texts.find((t) => t !== '') ?? '';
    if (NOTE_ROW.test(firstText)) break;
    const own = (col: number | undefined): string =>
      col !== undefined && view.source(row, col).row === row
        ? cleanMultiline(view.text(row, col))
        : '';
    const idText = own(idCol);
    const progress = own(columns.progress);
    const statusText = own(columns.status);
    if (!idText && !progress && !statusText) continue;
    const id = compact(idText).replace(/[—–－]/gu, '-');
    const status = statusText ? itemProgressOf(statusText) : null;
    rows.push({
      itemId: ITEM_ID.test(id) ? id : null,
      idText,
      cell: cellRef(row, idCol),
      progress: progress || null,
      status,
      ...(statusText && status === null ? { statusText } : {}),
    });
  }
  return rows;
}

/** The section 议定事项落实情况 (its sheet, header row and rows), or null when there is none. */
export function findItemReports(
  grid: Grid,
  viewOf: (sheet: GridSheet) => SheetView = (sheet) => new SheetView(sheet),
): ItemReportSection | null {
  for (const sheet of grid.sheets) {
    if (sheet.cells.length === 0 || sheet.hidden) continue;
    const section = sectionIn(sheet, viewOf(sheet));
    if (section) return section;
  }
  return null;
}

/** The unit's reports on its agreed items, or null when the grid has no such section. */
export function readItemReports(grid: Grid): ItemReportRow[] | null {
  return findItemReports(grid)?.rows ?? null;
}
