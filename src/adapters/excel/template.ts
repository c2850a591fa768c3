/**
 * Writing the weekly issue sheet a lead unit fills in: the official layout of the notice's
 * attachment (附件 / title / 填报单位 / 填报时间, the nine-column header, one row per target, the
 * per-project columns merged vertically, the 存在问题 cell pre-printed with the five prompts),
 * pre-filled with the unit's projects, targets and due dates from the schedule, ready to print
 * on A4 landscape.
 */
import ExcelJS from 'exceljs';
import type { Project, Schedule, Unit } from '../../config/schedule';
import {
  ATTACHMENT_LINE,
  EMPTY_PROBLEMS_CELL,
  FILLED_ON_LINE_LABEL,
  FILLING_NOTE,
  OFFICIAL_HEADER,
  SHEET_TITLE,
  UNIT_LINE_LABEL,
} from '../../domain/sheet/layout';
import { formatDateZh, formatMonthDayZh } from '../../domain/week';

export interface TemplateRequest {
  schedule: Schedule;
  unitId: string;
  /** The reporting week's Monday (ISO). */
  week: string;
}

/** Column widths (characters), in the order of OFFICIAL_HEADER. */
const WIDTHS = [5, 20, 13, 28, 11, 40, 16, 30, 30];
const HEADER_ROW = 5;
/** Points of height per project (about twelve lines of 11-point text). */
const PROJECT_HEIGHT = 200;
const FONT = 'SimSun';
const THIN: Partial<ExcelJS.Borders> = {
  top: { style: 'thin' },
  left: { style: 'thin' },
  bottom: { style: 'thin' },
  right: { style: 'thin' },
};

export function projectsLedBy(schedule: Schedule, unitId: string): Project[] {
  return schedule.projects.filter((p) => p.leadUnits.includes(unitId));
}

/** How the lead-unit column names a unit: the short form the notice uses when there is one. */
function leadUnitLabel(schedule: Schedule, unitId: string): string {
  const unit: Unit | undefined = schedule.units.find((u) => u.id === unitId);
  if (!unit) return unitId;
  return unit.aliases[0] ?? unit.name;
}

function dueText(due: string, week: string): string {
  return due.slice(0, 4) === week.slice(0, 4) ? formatMonthDayZh(due) : formatDateZh(due);
}

export function buildTemplate(req: TemplateRequest): ExcelJS.Workbook {
  const { schedule, unitId, week } = req;
  const unit = schedule.units.find((u) => u.id === unitId);
  if (!unit) throw new Error(`unknown unit ${unitId}`);
  const projects = projectsLedBy(schedule, unitId);
  const lastCol = OFFICIAL_HEADER.length;

  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'duban';
  workbook.title = SHEET_TITLE;
  const ws = workbook.addWorksheet('问题清单', {
    views: [{ state: 'frozen', ySplit: HEADER_ROW, xSplit: 0, showGridLines: false }],
    pageSetup: {
      paperSize: 9, // A4
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 },
      printTitlesRow: `${HEADER_ROW}:${HEADER_ROW}`,
    },
    headerFooter: { oddFooter: '第 &P 页，共 &N 页' },
  });
  WIDTHS.forEach((w, i) => (ws.getColumn(i + 1).width = w));

  ws.getCell('A1').value = ATTACHMENT_LINE;
  ws.getCell('A1').font = { name: FONT, size: 12, bold: true };
  ws.mergeCells(2, 1, 2, lastCol);
  const title = ws.getCell(2, 1);
  title.value = SHEET_TITLE;
  title.font = { name: FONT, size: 18, bold: true };
  title.alignment = { horizontal: 'center', vertical: 'middle' };
  ws.getRow(2).height = 36;
  ws.mergeCells(3, 1, 3, lastCol);
  ws.getCell(3, 1).value = `${UNIT_LINE_LABEL}${unit.name}`;
  ws.mergeCells(4, 1, 4, lastCol);
  ws.getCell(4, 1).value = `${FILLED_ON_LINE_LABEL}${formatDateZh(week)}`;
  for (const r of [3, 4]) {
    ws.getCell(r, 1).font = { name: FONT, size: 12 };
    ws.getRow(r).height = 20;
  }

  const header = ws.getRow(HEADER_ROW);
  OFFICIAL_HEADER.forEach((h, i) => {
    const cell = header.getCell(i + 1);
    cell.value = h.label;
    cell.font = { name: FONT, size: 11, bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7E6E6' } };
    cell.border = THIN;
  });
  header.height = 36;

  let row = HEADER_ROW + 1;
  projects.forEach((project, index) => {
    const targets = project.targets.length ? project.targets : [{ text: '', due: '' }];
    const first = row;
    const last = row + targets.length - 1;
    targets.forEach((t, i) => {
      const r = ws.getRow(first + i);
      r.getCell(4).value = t.text;
      r.getCell(5).value = t.due ? dueText(t.due, week) : '';
      // Excel does not grow merged cells to fit: leave room for the five prompts and the unit's
      // answers, shared among the project's rows.
      r.height = Math.max(36, Math.ceil(PROJECT_HEIGHT / targets.length));
    });
    const perProject: Array<[number, ExcelJS.CellValue]> = [
      [1, index + 1],
      [2, project.name],
      [3, project.leadUnits.map((u) => leadUnitLabel(schedule, u)).join('\n')],
      [6, EMPTY_PROBLEMS_CELL],
      [7, ''],
      [8, ''],
      [9, ''],
    ];
    for (const [col, value] of perProject) {
      ws.getCell(first, col).value = value;
      if (last > first) ws.mergeCells(first, col, last, col);
    }
    for (let r = first; r <= last; r++) {
      for (let c = 1; c <= lastCol; c++) {
        const cell = ws.getCell(r, c);
        cell.border = THIN;
        cell.font = { name: FONT, size: 11 };
        cell.alignment = {
          vertical: c === 6 || c >= 8 ? 'top' : 'middle',
          horizontal: c === 1 || c === 5 ? 'center' : 'left',
          wrapText: true,
        };
      }
    }
    row = last + 1;
  });

  ws.mergeCells(row, 1, row, lastCol);
  const note = ws.getCell(row, 1);
  note.value = FILLING_NOTE;
  note.font = { name: FONT, size: 10 };
  note.alignment = { wrapText: true, vertical: 'top' };
  ws.getRow(row).height = 32;
  ws.pageSetup.printArea = `A1:I${row}`;
  return workbook;
}

export async function writeTemplate(req: TemplateRequest): Promise<Buffer> {
  const data = await buildTemplate(req).xlsx.writeBuffer();
  return Buffer.from(data as ArrayBuffer);
}
