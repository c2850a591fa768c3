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
 * 3. 议定事项 (when the programme has agreed items): the items the digest lists — red, yellow,
 *    blue, awaiting confirmation, closed this week — with 编号, 项目, 事项, 责任单位, 办结时限 and
 *    最新进展.
 *
 * Row heights are estimated from the text (Excel and WPS do not grow merged rows to fit).
 *
 * Speed (a 500-project digest writes 10,000 cells): every cell of a column shares one style
 * object — exceljs maps a style object to its style id once (a WeakMap), where a fresh font,
 * border and alignment per cell cost a JSON key each — and the zip is deflated at level 1 (the
 * text compresses nearly as well; the default level took a third of the writing).
 */
import ExcelJS from 'exceljs';
import type { DigestWorkbookWriter } from '../../app/ports/digest-workbook';
import { ITEM_GROUPS, markLabel } from '../../domain/digest/format';
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
  type SheetLayout,
  mergeColumnRange,
  type ProjectRows,
} from './sheet-layout';

export const SUMMARY_SHEET = '问题清单汇总';
export const DEPARTMENT_SHEET = '按责任部门';
export const ITEMS_SHEET = '议定事项';

/** The 完成情况 drop-down, as the units' sheets have it (one object for every cell). */
const STATUS_VALIDATION: ExcelJS.DataValidation = {
  type: 'list',
  allowBlank: true,
  formulae: [`"${Object.values(STATUS_LABELS).join(',')}"`],
  showErrorMessage: true,
  errorStyle: 'stop',
  errorTitle: '完成情况',
  error: '请从“已完成”“推进中”“未启动”中选择。',
  showInputMessage: true,
  promptTitle: '完成情况',
  prompt: '请选择：已完成、推进中或未启动',
};

const BODY_FONT: Partial<ExcelJS.Font> = { name: SHEET_FONT, size: 11 };

/** One style object per (vertical, horizontal) alignment, shared by every cell that has it. */
function cellStyles(): (
  vertical: 'top' | 'middle',
  horizontal: 'center' | 'left',
) => Partial<ExcelJS.Style> {
  const cache = new Map<string, Partial<ExcelJS.Style>>();
  return (vertical, horizontal) => {
    const key = `${vertical}:${horizontal}`;
    let style = cache.get(key);
    if (!style) {
      style = {
        font: BODY_FONT,
        border: THIN_BORDER,
        alignment: { vertical, horizontal, wrapText: true },
      };
      cache.set(key, style);
    }
    return style;
  };
}

/**
 * One project of the official layout (as writeProjectRows in sheet-layout.ts writes it), with
 * the styles shared: a row per target, the other columns merged over them.
 */
function writeDigestProjectRows(
  ws: ExcelJS.Worksheet,
  first: number,
  p: ProjectRows,
  layout: SheetLayout,
  columnStyles: ReadonlyArray<Partial<ExcelJS.Style>>,
): number {
  const { lastCol, col } = layout;
  const statusCol = col('status');
  const targets = p.targets.length ? p.targets : [{ text: '', due: '' }];
  const last = first + targets.length - 1;
  const height = Math.max(36, Math.ceil(p.height / targets.length));
  targets.forEach((t, i) => {
    const r = ws.getRow(first + i);
    for (let c = 1; c <= lastCol; c++) {
      const style = columnStyles[c - 1];
      if (style) r.getCell(c).style = style;
    }
    r.getCell(col('target')).value = t.text;
    r.getCell(col('due')).value = t.due;
    if (statusCol > 0) r.getCell(statusCol).value = t.status ?? '';
    r.height = height;
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
  return last + 1;
}

/** The 完成情况 drop-down over the whole column at once (one range, not a cell each). */
function addStatusValidation(ws: ExcelJS.Worksheet, first: number, last: number): void {
  const col = LAYOUT.col('status');
  if (col === 0 || last < first) return;
  const letter = ws.getColumn(col).letter;
  // exceljs keeps range addresses as they are and writes them as one sqref.
  const { dataValidations } = ws as unknown as {
    dataValidations: { add(address: string, validation: ExcelJS.DataValidation): void };
  };
  dataValidations.add(`${letter}${first}:${letter}${last}`, STATUS_VALIDATION);
}

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
  const styleOf = cellStyles();
  const topAligned = new Set([
    LAYOUT.col('problems'),
    LAYOUT.col('progress'),
    LAYOUT.col('nextSteps'),
  ]);
  const centred = new Set([LAYOUT.col('seq'), LAYOUT.col('due'), LAYOUT.col('status')]);
  const columnStyles = LAYOUT.columns.map((_, i) =>
    styleOf(topAligned.has(i + 1) ? 'top' : 'middle', centred.has(i + 1) ? 'center' : 'left'),
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
    row = writeDigestProjectRows(
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
      columnStyles,
    );
  }
  addStatusValidation(ws, HEADER_ROW + 1, row - 1);
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
  const wd = addListSheet(wb, DEPARTMENT_SHEET, {
    widths,
    headers,
    title: '重点项目存在问题按责任部门汇总',
    subtitle: `汇总周次：${m.weekLabel}当周（汇总时间：${m.generatedAt}）`,
  });

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
    wd.mergeCells(r, 1, r, headers.length);
    wd.getCell(r, 1).value = '本周无填报的存在问题。';
    wd.getRow(r).height = 24;
    r++;
  }
  const departmentStyles = headers.map((_, i) =>
    styleOf(i === 4 ? 'top' : 'middle', i === 0 || i === 3 || i === 5 ? 'center' : 'left'),
  );
  for (let y = 4; y < r; y++) {
    const rowY = wd.getRow(y);
    departmentStyles.forEach((style, i) => (rowY.getCell(i + 1).style = style));
  }
  wd.pageSetup.printArea = `A1:G${r - 1}`;

  // 3. Agreed items.
  if (m.items) addItemsSheet(wb, m, styleOf);
  return wb;
}

function addItemsSheet(
  wb: ExcelJS.Workbook,
  m: DigestModel,
  styleOf: ReturnType<typeof cellStyles>,
): void {
  const items = m.items;
  if (!items) return;
  const widths = [13, 10, 22, 40, 18, 14, 40, 26];
  const headers = [
    '编号',
    '督办状态',
    '项目',
    '议定事项',
    '责任单位',
    '办结时限',
    '最新进展',
    '说明',
  ];
  const ws = addListSheet(wb, ITEMS_SHEET, {
    widths,
    headers,
    title: '议定事项督办情况',
    subtitle: `截至${m.generatedAt}：议定事项${items.total}项，红色${items.red.length}项、黄色${items.yellow.length}项、蓝色${items.blue.length}项，待确认办结${items.awaiting.length}项，本周办结${items.closedThisWeek.length}项，正常推进${items.onTrack}项（不逐项列出）。`,
  });
  const styles = headers.map((_, i) =>
    styleOf('middle', i === 0 || i === 1 || i === 5 ? 'center' : 'left'),
  );
  let r = 4;
  for (const g of ITEM_GROUPS) {
    for (const i of items[g.key]) {
      const values = [i.id, g.label, i.project, i.text, i.units, i.dueLabel, i.latest, i.why ?? ''];
      const row = ws.getRow(r);
      values.forEach((v, x) => {
        const cell = row.getCell(x + 1);
        cell.value = v;
        const style = styles[x];
        if (style) cell.style = style;
      });
      row.height = Math.max(
        30,
        heightFor(i.text, widths[3] ?? 40),
        heightFor(i.latest, widths[6] ?? 40),
      );
      r++;
    }
  }
  if (r === 4) {
    ws.mergeCells(r, 1, r, headers.length);
    ws.getCell(r, 1).value = '本周无需督办的议定事项。';
    ws.getRow(r).height = 24;
    r++;
  }
  ws.pageSetup.printArea = `A1:H${r - 1}`;
}

/** Deflate level of the .xlsx zip (1: fastest; the workbook is mostly text). */
const ZIP_LEVEL = 1;

export async function writeDigestWorkbook(m: DigestModel, now: Date): Promise<Buffer> {
  const data = await buildDigestWorkbook(m, now).xlsx.writeBuffer({
    zip: { compression: 'DEFLATE', compressionOptions: { level: ZIP_LEVEL } },
  } as Partial<ExcelJS.XlsxWriteOptions>);
  return Buffer.from(data as ArrayBuffer);
}

/** The digest workbook port (src/app/ports/digest-workbook.ts) over exceljs. */
export const excelDigestWorkbookWriter: DigestWorkbookWriter = { write: writeDigestWorkbook };

/**
 * A list sheet of the digest workbook: its title merged across row 1, a subtitle line in row 2
 * (wrapped), the header in row 3 (frozen, repeated on every printed page), column widths set.
 */
function addListSheet(
  wb: ExcelJS.Workbook,
  name: string,
  spec: { widths: readonly number[]; headers: readonly string[]; title: string; subtitle: string },
): ExcelJS.Worksheet {
  const last = spec.headers.length;
  const ws = wb.addWorksheet(name, {
    views: [{ state: 'frozen', ySplit: 3, xSplit: 0, showGridLines: false }],
    pageSetup: printSetup('3:3'),
    headerFooter: PAGE_FOOTER,
  });
  spec.widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  ws.mergeCells(1, 1, 1, last);
  const title = ws.getCell(1, 1);
  title.value = spec.title;
  title.font = { name: SHEET_FONT, size: 18, bold: true };
  title.alignment = { horizontal: 'center', vertical: 'middle' };
  ws.getRow(1).height = 36;
  ws.mergeCells(2, 1, 2, last);
  const subtitle = ws.getCell(2, 1);
  subtitle.value = spec.subtitle;
  subtitle.font = { name: SHEET_FONT, size: 12 };
  subtitle.alignment = { wrapText: true, vertical: 'middle' };
  ws.getRow(2).height = spec.subtitle.length > 60 ? 32 : 20;
  const headerStyle: Partial<ExcelJS.Style> = {
    font: { name: SHEET_FONT, size: 11, bold: true },
    alignment: { horizontal: 'center', vertical: 'middle', wrapText: true },
    fill: HEADER_FILL,
    border: THIN_BORDER,
  };
  spec.headers.forEach((h, i) => {
    const cell = ws.getCell(3, i + 1);
    cell.value = h;
    cell.style = headerStyle;
  });
  ws.getRow(3).height = 28;
  return ws;
}
