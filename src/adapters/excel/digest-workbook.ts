/**
 * The consolidated 问题清单 attached to the digest, ready to print for the joint meeting:
 *
 * 1. 问题清单汇总: every project of the programme in the layout of the sheet the units fill (the
 *    template's: 附件, title, 填报单位 / 填报时间 lines, the notice's nine columns plus 完成情况,
 *    the header repeated on every page, one row per target with the other columns merged,
 *    borders, A4 landscape). Content as the lead units wrote it; a project not reported this
 *    week says so.
 * 2. 按责任部门: the open problems grouped by responsible department, each with its project,
 *    category and mark (新增 / 有变化 / 未变化).
 *
 * Row heights are estimated from the text (Excel and WPS do not grow merged rows to fit).
 */
import ExcelJS from 'exceljs';
import type { DigestWorkbookWriter } from '../../app/ports/digest-workbook';
import { markLabel } from '../../domain/digest/format';
import type { DigestModel, ProjectSection } from '../../domain/digest/model';
import { EMPTY_PROBLEMS_CELL, PROBLEM_CATEGORIES, SHEET_TITLE } from '../../domain/sheet/layout';
import {
  addIssueSheet,
  HEADER_FILL,
  HEADER_ROW,
  PAGE_FOOTER,
  printSetup,
  SHEET_FONT,
  sheetLayout,
  STATUS_LABELS,
  THIN_BORDER,
  writeNoteRow,
  writeProjectRows,
  type SheetLayout,
  mergeColumnRange,
} from './sheet-layout';

export const SUMMARY_SHEET = '问题清单汇总';
export const DEPARTMENT_SHEET = '按责任部门';

/** Points per line of 11-point SimSun, and the padding of a cell. */
const LINE_PT = 15;
const PAD_PT = 8;

/** Lines a text takes in a column of `width` characters (CJK counts as two). */
export function wrappedLines(text: string, width: number): number {
  const usable = Math.max(4, width - 1.5);
  let lines = 0;
  for (const line of text.split('\n')) {
    let units = 0;
    for (const ch of line) units += ch.charCodeAt(0) < 0x100 ? 1.05 : 2.1;
    lines += Math.max(1, Math.ceil(units / usable));
  }
  return lines;
}

function heightFor(text: string, width: number): number {
  return wrappedLines(text, width) * LINE_PT + PAD_PT;
}

/** The 存在问题 cell: the five prompts, each followed by the unit's text. */
export function problemsCell(p: ProjectSection): string {
  if (!p.reported) return EMPTY_PROBLEMS_CELL;
  const lines = PROBLEM_CATEGORIES.map((c) => {
    const text = p.problems.find((q) => q.key === c.key)?.text ?? '';
    return `${c.prompt}${text}`;
  });
  const other = p.problems.find((q) => q.key === 'uncategorized');
  if (other) lines.push(`${other.label}：${other.text}`);
  return lines.join('\n');
}

/** The template's layout with its 完成情况 column, as the units' sheets have it. */
const LAYOUT: SheetLayout = sheetLayout({ statusColumn: true });

function width(field: Parameters<SheetLayout['col']>[0]): number {
  return LAYOUT.columns[LAYOUT.col(field) - 1]?.width ?? 12;
}

export function buildDigestWorkbook(m: DigestModel, now: Date): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'duban';
  wb.title = `${SHEET_TITLE}（${m.weekLabel}当周汇总）`;
  wb.created = now;
  wb.modified = now;

  // 1. The official layout, all projects.
  const ws = addIssueSheet(
    wb,
    SUMMARY_SHEET,
    { unit: '各项目总牵头单位（联合会议办公室汇总）', filledOn: m.weekLabel },
    LAYOUT,
  );
  let row = HEADER_ROW + 1;
  for (const p of m.projects) {
    const problems = problemsCell(p);
    const departments = p.departments.join('、');
    const progress = p.reported ? (p.progress ?? '') : '（本周未报送问题清单）';
    const nextSteps = p.nextSteps ?? '';
    const merged = Math.max(
      heightFor(p.name, width('projectName')),
      heightFor(p.leadUnitLabels.join('\n'), width('leadUnits')),
      heightFor(problems, width('problems')),
      heightFor(departments, width('departments')),
      heightFor(progress, width('progress')),
      heightFor(nextSteps, width('nextSteps')),
    );
    const perTarget = p.targets.reduce(
      (sum, t) => sum + Math.max(36, heightFor(t.text, width('target'))),
      0,
    );
    row = writeProjectRows(
      ws,
      row,
      {
        seq: p.seq,
        name: p.name,
        leadUnits: p.leadUnitLabels.join('\n'),
        targets: p.targets.map((t) => ({
          text: t.text,
          due: t.dueLabel,
          status: t.status ? STATUS_LABELS[t.status] : '',
        })),
        problems,
        departments,
        progress,
        nextSteps,
        height: Math.max(merged, perTarget),
      },
      LAYOUT,
    );
  }
  writeNoteRow(
    ws,
    row,
    `说明：本表由联合会议办公室根据各项目总牵头单位${m.weekLabel}当周报送的问题清单汇总（汇总时间：${m.generatedAt}）。各项目问题的新增、变化情况见“${DEPARTMENT_SHEET}”工作表及周报正文。`,
    LAYOUT,
  );

  // 2. By responsible department.
  const widths = [5, 16, 24, 13, 58, 14, 14];
  const headers = [
    '序',
    '问题责任部门',
    '项目名称',
    '问题类别',
    '存在问题',
    '变化情况',
    '项目总牵头单位',
  ];
  const last = headers.length;
  const wd = wb.addWorksheet(DEPARTMENT_SHEET, {
    views: [{ state: 'frozen', ySplit: 3, xSplit: 0, showGridLines: false }],
    pageSetup: printSetup('3:3'),
    headerFooter: PAGE_FOOTER,
  });
  widths.forEach((w, i) => (wd.getColumn(i + 1).width = w));
  wd.mergeCells(1, 1, 1, last);
  const title = wd.getCell(1, 1);
  title.value = '重点项目存在问题按责任部门汇总';
  title.font = { name: SHEET_FONT, size: 18, bold: true };
  title.alignment = { horizontal: 'center', vertical: 'middle' };
  wd.getRow(1).height = 36;
  wd.mergeCells(2, 1, 2, last);
  wd.getCell(2, 1).value = `汇总周次：${m.weekLabel}当周（汇总时间：${m.generatedAt}）`;
  wd.getCell(2, 1).font = { name: SHEET_FONT, size: 12 };
  wd.getRow(2).height = 20;
  headers.forEach((h, i) => {
    const cell = wd.getCell(3, i + 1);
    cell.value = h;
    cell.font = { name: SHEET_FONT, size: 11, bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.fill = HEADER_FILL;
    cell.border = THIN_BORDER;
  });
  wd.getRow(3).height = 28;

  let r = 4;
  const leadOf = new Map(m.projects.map((p) => [p.seq, p.leadUnitLabels.join('\n')]));
  m.departments.forEach((d, index) => {
    const first = r;
    for (const item of d.items) {
      const values: ExcelJS.CellValue[] = [
        index + 1,
        d.name,
        item.projectName,
        item.label,
        item.text,
        markLabel(item),
        leadOf.get(item.projectSeq) ?? '',
      ];
      values.forEach((v, i) => (wd.getCell(r, i + 1).value = v));
      wd.getRow(r).height = Math.max(
        30,
        heightFor(item.text, widths[4] ?? 60),
        heightFor(item.projectName, widths[2] ?? 24),
      );
      r++;
    }
    if (r - 1 > first) {
      mergeColumnRange(wd, first, r - 1, 1);
      mergeColumnRange(wd, first, r - 1, 2);
    }
  });
  if (m.departments.length === 0) {
    wd.mergeCells(r, 1, r, last);
    wd.getCell(r, 1).value = '本周无填报的存在问题。';
    wd.getRow(r).height = 24;
    r++;
  }
  for (let y = 4; y < r; y++) {
    for (let x = 1; x <= last; x++) {
      const cell = wd.getCell(y, x);
      cell.border = THIN_BORDER;
      cell.font = { name: SHEET_FONT, size: 11 };
      cell.alignment = {
        vertical: x === 5 ? 'top' : 'middle',
        horizontal: x === 1 || x === 4 || x === 6 ? 'center' : 'left',
        wrapText: true,
      };
    }
  }
  wd.pageSetup.printArea = `A1:G${r - 1}`;
  return wb;
}

export async function writeDigestWorkbook(m: DigestModel, now: Date): Promise<Buffer> {
  const data = await buildDigestWorkbook(m, now).xlsx.writeBuffer();
  return Buffer.from(data as ArrayBuffer);
}

/** The digest workbook port (src/app/ports/digest-workbook.ts) over exceljs. */
export const excelDigestWorkbookWriter: DigestWorkbookWriter = { write: writeDigestWorkbook };
