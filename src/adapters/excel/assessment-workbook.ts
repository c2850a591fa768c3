/**
 * The assessment record (考评) as a workbook, ready to print:
 *
 * 1. 考评记录: one row per unit, the facts in the record's order (zh-CN column heads), the score
 *    and its formula when the schedule defines weights. A4 landscape fitted to the width, the
 *    header row repeated on every page, the header and the unit column frozen.
 * 2. 指标说明: each fact's definition (the score's too, when there is one).
 */
import ExcelJS from 'exceljs';
import { FACT_DEFINITIONS, SCORE_DEFINITION } from '../../domain/assessment/definitions';
import type { AssessmentRecord } from '../../domain/assessment/types';
import { formatDateZh } from '../../domain/zh/dates';
import { HEADER_FILL, PAGE_FOOTER, printSetup, SHEET_FONT, THIN_BORDER } from './sheet-layout';

export const RECORD_SHEET = '考评记录';
export const NOTES_SHEET = '指标说明';

const HEADER_ROW = 3;

export interface AssessmentWorkbookInput {
  record: AssessmentRecord;
  /** The units' display names by id (the id is shown for a unit the schedule no longer has). */
  unitNames: ReadonlyMap<string, string>;
  /** The programme's name, for the title. */
  programme: string;
}

function columnLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26))
    s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

export function assessmentWorkbook(input: AssessmentWorkbookInput): ExcelJS.Workbook {
  const { record } = input;
  const scored = record.units.some((u) => u.score !== undefined);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'duban';
  const font = { name: SHEET_FONT, size: 10 };
  const period = `${formatDateZh(record.from)}至${formatDateZh(record.to)}`;

  const heads = [
    '序号',
    '单位',
    ...FACT_DEFINITIONS.map((d) => d.label),
    ...(scored ? ['得分', '计算式'] : []),
  ];
  const last = heads.length;
  const ws = wb.addWorksheet(RECORD_SHEET, {
    views: [{ state: 'frozen', ySplit: HEADER_ROW, xSplit: 2, showGridLines: false }],
    pageSetup: printSetup(`${HEADER_ROW}:${HEADER_ROW}`),
    headerFooter: PAGE_FOOTER,
  });
  ws.getColumn(1).width = 6;
  ws.getColumn(2).width = 22;
  for (let c = 3; c <= 2 + FACT_DEFINITIONS.length; c++) ws.getColumn(c).width = 9;
  if (scored) {
    ws.getColumn(last - 1).width = 8;
    ws.getColumn(last).width = 60;
  }
  ws.mergeCells(1, 1, 1, last);
  const title = ws.getCell(1, 1);
  title.value = `${input.programme}考评记录`;
  title.font = { name: SHEET_FONT, size: 16, bold: true };
  title.alignment = { horizontal: 'center', vertical: 'middle' };
  ws.getRow(1).height = 28;
  ws.mergeCells(2, 1, 2, last);
  const sub = ws.getCell(2, 1);
  sub.value = `统计期：${period}\u3000\u3000各项定义见“${NOTES_SHEET}”`;
  sub.font = font;

  const header = ws.getRow(HEADER_ROW);
  heads.forEach((h, i) => {
    const cell = header.getCell(i + 1);
    cell.value = h;
    cell.font = { ...font, bold: true };
    cell.fill = HEADER_FILL;
    cell.border = THIN_BORDER;
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  });
  header.height = 42;

  record.units.forEach((u, index) => {
    const row = ws.getRow(HEADER_ROW + 1 + index);
    const values: Array<string | number> = [
      index + 1,
      input.unitNames.get(u.unit) ?? u.unit,
      ...FACT_DEFINITIONS.map((d) => u[d.name]),
      ...(scored ? [u.score?.value ?? '', u.score?.formula ?? ''] : []),
    ];
    values.forEach((v, i) => {
      const cell = row.getCell(i + 1);
      cell.value = v;
      cell.font = font;
      cell.border = THIN_BORDER;
      cell.alignment =
        i === 1 || (scored && i === last - 1)
          ? { vertical: 'middle', wrapText: true }
          : { horizontal: 'center', vertical: 'middle' };
    });
  });
  ws.pageSetup.printArea = `A1:${columnLetter(last)}${HEADER_ROW + Math.max(1, record.units.length)}`;

  const notes = wb.addWorksheet(NOTES_SHEET, {
    views: [{ state: 'frozen', ySplit: 1, xSplit: 0, showGridLines: false }],
    pageSetup: { ...printSetup('1:1'), orientation: 'portrait' },
    headerFooter: PAGE_FOOTER,
  });
  notes.getColumn(1).width = 18;
  notes.getColumn(2).width = 80;
  const rows: Array<[string, string]> = [
    ['指标', '定义'],
    ['统计期', `${period}（起止日均含在内）`],
    ...FACT_DEFINITIONS.map((d): [string, string] => [d.label, d.definition]),
    ...(scored ? [['得分', SCORE_DEFINITION] as [string, string]] : []),
  ];
  rows.forEach(([a, b], i) => {
    const row = notes.getRow(i + 1);
    row.getCell(1).value = a;
    row.getCell(2).value = b;
    for (const c of [1, 2]) {
      const cell = row.getCell(c);
      cell.font = i === 0 ? { ...font, bold: true } : font;
      cell.border = THIN_BORDER;
      cell.alignment = { vertical: 'middle', wrapText: true };
      if (i === 0) cell.fill = HEADER_FILL;
    }
  });
  return wb;
}

export async function writeAssessmentWorkbook(input: AssessmentWorkbookInput): Promise<Buffer> {
  const wb = assessmentWorkbook(input);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
