/**
 * The template's sheet 议定事项落实情况: the unit's open agreed items, one row each (编号, 议定事项,
 * 办结时限, 落实情况, 是否办结 with the drop-down 已办结 / 推进中 / 未启动), pre-filled with the
 * unit's last answers, in the look of the issue sheet (title, 填报单位 / 填报时间 lines, borders,
 * widths, wrapped text, A4 landscape, the header repeated on every printed page). Read back by
 * src/domain/decisions/item-report.ts.
 */
import type ExcelJS from 'exceljs';
import { ITEM_PROGRESS_VALUES, type TemplateItem } from '../../domain/decisions/types';
import { formatDateZh } from '../../domain/zh/dates';
import {
  HEADER_FILL,
  PAGE_FOOTER,
  printSetup,
  SHEET_FONT,
  THIN_BORDER,
  writeTitleLines,
} from './sheet-layout';

export const ITEM_SHEET_NAME = '议定事项落实情况';
export const ITEM_SHEET_TITLE = '议定事项落实情况';

const COLUMNS: ReadonlyArray<{ label: string; width: number }> = [
  { label: '编号', width: 14 },
  { label: '议定事项', width: 46 },
  { label: '办结时限', width: 16 },
  { label: '落实情况', width: 52 },
  { label: '是否办结', width: 12 },
];
const STATUS_COL = 5;
const HEADER_ROW = 4;

export const ITEM_SHEET_NOTE =
  '填表说明：请逐项填写议定事项落实情况，“是否办结”从下拉列表中选择已办结、推进中或未启动；报已办结的事项经联合会议办公室确认后销号。';

const STATUS_VALIDATION: ExcelJS.DataValidation = {
  type: 'list',
  allowBlank: true,
  formulae: [`"${ITEM_PROGRESS_VALUES.join(',')}"`],
  showErrorMessage: true,
  errorStyle: 'stop',
  errorTitle: '是否办结',
  error: '请从“已办结”“推进中”“未启动”中选择。',
  showInputMessage: true,
  promptTitle: '是否办结',
  prompt: '请选择：已办结、推进中或未启动',
};

/** Lines a text takes in a column of this width (a CJK character is two widths). */
function lines(text: string, width: number): number {
  return text
    .split('\n')
    .reduce((n, line) => n + Math.max(1, Math.ceil((line.length * 2) / Math.max(width - 2, 4))), 0);
}

export function addItemSheet(
  workbook: ExcelJS.Workbook,
  lines_: { unit: string; filledOn: string },
  items: readonly TemplateItem[],
): ExcelJS.Worksheet {
  const lastCol = COLUMNS.length;
  const ws = workbook.addWorksheet(ITEM_SHEET_NAME, {
    views: [{ state: 'frozen', ySplit: HEADER_ROW, xSplit: 0, showGridLines: false }],
    pageSetup: printSetup(`${HEADER_ROW}:${HEADER_ROW}`),
    headerFooter: PAGE_FOOTER,
  });
  COLUMNS.forEach((c, i) => (ws.getColumn(i + 1).width = c.width));

  writeTitleLines(ws, 1, lastCol, ITEM_SHEET_TITLE, lines_);

  const header = ws.getRow(HEADER_ROW);
  COLUMNS.forEach((h, i) => {
    const cell = header.getCell(i + 1);
    cell.value = h.label;
    cell.font = { name: SHEET_FONT, size: 11, bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.fill = HEADER_FILL;
    cell.border = THIN_BORDER;
  });
  header.height = 28;

  let row = HEADER_ROW + 1;
  for (const item of items) {
    const r = ws.getRow(row);
    const values = [
      item.id,
      item.text,
      formatDateZh(item.due),
      item.progress ?? '',
      item.status ?? '',
    ];
    values.forEach((v, i) => {
      const cell = r.getCell(i + 1);
      cell.value = v;
      cell.border = THIN_BORDER;
      cell.font = { name: SHEET_FONT, size: 11 };
      cell.alignment = {
        vertical: 'middle',
        horizontal: i === 1 || i === 3 ? 'left' : 'center',
        wrapText: true,
      };
    });
    r.getCell(STATUS_COL).dataValidation = STATUS_VALIDATION;
    // Room for the item and for the unit's answer (Excel does not grow rows it did not lay out).
    const needed = Math.max(
      lines(item.text, COLUMNS[1]?.width ?? 40),
      lines(item.progress ?? '', COLUMNS[3]?.width ?? 40) + 2,
      3,
    );
    r.height = Math.min(400, needed * 15);
    row++;
  }

  ws.mergeCells(row, 1, row, lastCol);
  const note = ws.getCell(row, 1);
  note.value = ITEM_SHEET_NOTE;
  note.font = { name: SHEET_FONT, size: 10 };
  note.alignment = { wrapText: true, vertical: 'top' };
  ws.getRow(row).height = 32;
  ws.pageSetup.printArea = `A1:${String.fromCharCode(64 + lastCol)}${row}`;
  return ws;
}
