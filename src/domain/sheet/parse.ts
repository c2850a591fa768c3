/**
 * Reading the weekly issue sheet (问题清单) from a cell grid. Pure: no I/O, no clock.
 *
 * The steps: find the sheet and the header (by meaning, in the first 20 rows; one row, or two when
 * a merged header such as 存在问题 has its sub-headers below: table-header.ts); read the
 * 填报单位 / 填报时间 lines above it; then walk the rows below, grouping them into projects.
 * A project starts where the 项目名称 cell (merged or not) holds a new name; rows with an empty
 * name continue the current project (people unmerge and leave the cells below blank); a row that
 * repeats the current name unmerged also continues it. Blank rows and a repeated header (the
 * notice's table restarts on page 2, with its second header row if it has one) are skipped; a
 * 填表说明 / 备注 / 填表人 line ends the table, and so does the section 议定事项落实情况.
 *
 * Two more readings come with it (ParsedSheet.itemList / itemReports, see sheet-types.ts): a
 * meeting's list of agreed items (../decisions/item-list.ts) is read instead of an issue sheet;
 * the section 议定事项落实情况 (../decisions/item-report.ts, on its own sheet or below the table)
 * is read besides it, and alone makes a usable sheet.
 */
import { issue, type Issue } from '../../errors';
import { findItemListHeader, readItemListAt } from '../decisions/item-list';
import {
  findItemReports,
  startsItemReports,
  type ItemReportSection,
} from '../decisions/item-report';
import { readFilledOn, type DueReading } from './dates';
import { cellRef, SheetView, type Grid, type GridSheet } from './grid';
import { headerField, readHeaderRow } from './headers';
import type { ColumnField } from './layout';
import { addProblemCells, finishProject, newDraft, type ProjectDraft } from './project-draft';
import type { SheetFormat } from './formats';
import type { ParsedSheet, ParseOptions } from './sheet-types';
import { isSubHeaderRow, readTableHeader, type TableHeader } from './table-header';
import { readTargetRow } from './target-row';
import { cleanMultiline, compact } from './text';

export type {
  ParsedSheet,
  ParseOptions,
  SheetProject,
  SheetTarget,
  TargetStatus,
} from './sheet-types';

const HEADER_SEARCH_ROWS = 20;

export function failed(issues: Issue[], format: SheetFormat = 'xlsx'): ParsedSheet {
  return {
    ok: false,
    format,
    sheet: null,
    unit: null,
    filledOn: null,
    projects: [],
    issues,
  };
}

interface HeaderHit {
  view: SheetView;
  header: TableHeader;
  score: number;
}

function findHeader(
  sheets: GridSheet[],
  viewOf: (sheet: GridSheet) => SheetView,
): HeaderHit | null {
  let best: HeaderHit | null = null;
  for (const sheet of sheets) {
    if (sheet.cells.length === 0) continue;
    const view = viewOf(sheet);
    const last = Math.min(view.maxRow, HEADER_SEARCH_ROWS);
    for (let row = 1; row <= last; row++) {
      const header = readTableHeader(view, row);
      if (!header) continue;
      // Hidden sheets lose to visible ones; more recognised columns win.
      const recognised = Object.keys(header.columns).length + Object.keys(header.categories).length;
      const score = recognised - (sheet.hidden ? 100 : 0);
      if (!best || score > best.score) best = { view, header, score };
      break;
    }
  }
  return best;
}

const UNIT_LABEL = /填报单位\s*[:：]?/u;
const FILLED_LABEL = /填报(?:时间|日期)\s*[:：]?/u;

/** The 填报单位 and 填报时间 lines: label and value in one cell, or the value in the next cell. */
function readTitleLines(
  view: SheetView,
  headerRow: number,
  date1904: boolean,
  issues: Issue[],
): { unit: string | null; filledOn: string | null } {
  let unit: string | null = null;
  let filledOn: string | null = null;
  for (let row = 1; row < headerRow; row++) {
    for (const col of view.filledColumns(row)) {
      const text = view.text(row, col);
      if (!text) continue;
      const unitAt = UNIT_LABEL.exec(text);
      if (unitAt && unit === null) {
        let rest = text.slice(unitAt.index + unitAt[0].length);
        const cut = FILLED_LABEL.exec(rest);
        if (cut) rest = rest.slice(0, cut.index);
        rest = rest.trim();
        if (!rest) rest = nextText(view, row, col);
        unit = rest && !FILLED_LABEL.test(rest) ? rest.replace(/\s+/gu, ' ') : null;
      }
      const filledAt = FILLED_LABEL.exec(text);
      if (filledAt && filledOn === null) {
        const rest = text.slice(filledAt.index + filledAt[0].length).trim();
        let reading: DueReading;
        let ref = cellRef(row, col);
        if (rest) {
          reading = readFilledOn({ kind: 'text', text: rest }, date1904);
        } else {
          const next = nextCell(view, row, col);
          reading = next ? readFilledOn(view.value(row, next), date1904) : { kind: 'empty' };
          if (next) ref = cellRef(row, next);
        }
        if (reading.kind === 'date') filledOn = reading.iso;
        else if (reading.kind !== 'empty') {
          issues.push(
            issue(
              'FILLED_ON_UNREADABLE',
              `填报时间“${reading.text}”无法识别为完整日期，请填写如“2021年3月15日”。`,
              ref,
            ),
          );
        }
      }
    }
  }
  return { unit, filledOn };
}

function nextCell(view: SheetView, row: number, col: number): number | null {
  return view.filledColumns(row).find((c) => c > col && view.text(row, c) !== '') ?? null;
}

function nextText(view: SheetView, row: number, col: number): string {
  const c = nextCell(view, row, col);
  return c ? view.text(row, c) : '';
}

/** Notes and signature lines: the table ends where they start. */
const NOTE_ROW =
  /^(?:填表说明|填报说明)|^(?:说明|注|备注|附注|联系人|联系电话|填表人|填报人|审核人|审核|审核领导)\s*[:：]/u;

export function parseIssueSheet(grid: Grid, options: ParseOptions): ParsedSheet {
  const sheets = grid.sheets.filter((s) => s.cells.length > 0);
  if (sheets.length === 0) {
    return failed([
      issue('NO_WORKSHEET', '工作簿中没有包含内容的工作表，请使用下发的模板填写后重新发送。'),
    ]);
  }
  // Each sheet indexed once, for the issue table, the list and the section alike.
  const views = new Map<GridSheet, SheetView>();
  const viewOf = (sheet: GridSheet): SheetView => {
    let view = views.get(sheet);
    if (!view) views.set(sheet, (view = new SheetView(sheet)));
    return view;
  };
  const header = findHeader(sheets, viewOf);
  // A meeting's list of agreed items (only the office sends these): its header names 议定事项,
  // which an issue sheet's never does; on the same row as an issue header, or above it, it wins.
  const listAt = findItemListHeader(sheets, viewOf);
  if (
    listAt &&
    (!header || (header.view.sheet === listAt.view.sheet && listAt.row <= header.header.row))
  ) {
    const itemList = readItemListAt(grid, listAt, { referenceDate: options.referenceDate });
    return { ...okEmpty(), sheet: listAt.view.sheet.name, itemList };
  }
  const reports = findItemReports(grid, viewOf);
  if (!header && reports) {
    // Only the section 议定事项落实情况: a unit responsible for agreed items and no project.
    const view = viewOf(reports.sheet);
    const issues: Issue[] = [];
    const lines = readTitleLines(view, reports.headerRow, grid.date1904, issues);
    issues.push(...reportIssues(reports));
    return {
      ...okEmpty(),
      sheet: reports.sheet.name,
      ...lines,
      issues,
      itemReports: reports.rows,
    };
  }
  if (!header) {
    return failed([
      issue(
        'NO_HEADER',
        '未找到问题清单的表头（序、项目名称、项目总牵头单位、攻坚目标、完成时限、存在问题（需协调事项）、问题责任部门、协调推进情况、下阶段工作对策建议）。请使用下发的模板填写，表头须在前20行内。',
      ),
    ]);
  }
  const { view } = header;
  const { row: headerRow, columns, categories } = header.header;
  const issues: Issue[] = [];
  const { unit, filledOn } = readTitleLines(view, headerRow, grid.date1904, issues);
  const referenceDate = filledOn ?? options.referenceDate;

  const col = (field: ColumnField): number | undefined => columns[field];
  const nameCol = col('projectName') as number;
  const mapped = [...Object.values(columns), ...Object.values(categories)].filter(
    (c): c is number => c !== undefined,
  );
  const drafts: ProjectDraft[] = [];
  let current: ProjectDraft | null = null;

  for (let row = headerRow + header.header.rows; row <= view.maxRow; row++) {
    const texts = mapped.map((c) => view.text(row, c));
    if (texts.every((t) => t === '')) continue;
    // The header repeated (a table continued on the next page): checked only when the name
    // column says 项目名称, since reading every row as a header is the costliest step here.
    const nameText = view.text(row, nameCol);
    if (nameText.length < 16 && headerField(nameText) === 'projectName') {
      if (readHeaderRow(mapped.map((c, i) => ({ col: c, text: texts[i] ?? '' })))) {
        // Its second row too, when it has one.
        if (isSubHeaderRow(view, row)) row++;
        continue;
      }
    }
    const firstText = texts.find((t) => t !== '') ?? '';
    if (NOTE_ROW.test(firstText)) break;
    // The section 议定事项落实情况 below the table (item-report.ts reads it).
    if (texts.some((t) => t.includes('议定')) && startsItemReports(view, row)) break;
    if (isWideMerge(view, row, mapped)) continue;

    const name = cleanMultiline(nameText).replace(/\s*\n\s*/gu, '');
    const nameMerge = view.merge(row, nameCol);
    const master = nameMerge ? cellRef(nameMerge.top, nameMerge.left) : null;
    if (name) {
      const continues =
        current !== null &&
        ((master !== null && master === current.mergeMaster) ||
          (master === null && current.mergeMaster === null && compact(name) === current.nameKey));
      if (!continues) {
        const src = view.source(row, nameCol);
        current = newDraft(name, cellRef(src.row, src.col), master);
        drafts.push(current);
      }
    } else if (!current) {
      issues.push(
        issue(
          'PROJECT_NAME_MISSING',
          `第${row}行填写了内容，但其上方没有项目名称，已跳过该行，请补充项目名称。`,
          cellRef(row, nameCol),
        ),
      );
      continue;
    }
    const project = current as ProjectDraft;
    project.leadUnits.add(view, row, col('leadUnits'));
    addProblemCells(project, view, row, col('problems'), categories);
    project.departments.add(view, row, col('departments'));
    project.progress.add(view, row, col('progress'));
    project.nextSteps.add(view, row, col('nextSteps'));
    readTargetRow(view, row, columns, referenceDate, grid.date1904, project, issues);
  }

  const itemReports = reports ? { itemReports: reports.rows } : {};
  if (reports) issues.push(...reportIssues(reports));
  if (drafts.length === 0 && reports) {
    return { ...okEmpty(), sheet: view.sheet.name, unit, filledOn, issues, ...itemReports };
  }
  if (drafts.length === 0) {
    return {
      ...failed([issue('EMPTY_SHEET', '表头下方没有项目内容，请填写各项目情况后重新发送。')]),
      sheet: view.sheet.name,
      unit,
      filledOn,
    };
  }

  const projects = drafts.map((d) => finishProject(d, options.catalog, issues));
  const filled = projects.some(
    (p) =>
      Object.values(p.problems).some((v) => v !== null) ||
      p.uncategorizedProblems !== null ||
      p.responsibleDepartments.length > 0 ||
      p.progress !== null ||
      p.nextSteps !== null ||
      p.targets.some((t) => t.status !== null),
  );
  if (!filled) {
    issues.unshift(
      issue(
        'NOT_FILLED',
        '表格尚未填写：存在问题、问题责任部门、协调推进情况、下阶段工作对策建议均为空。请填写后重新发送。',
        projects[0]?.cell ?? null,
      ),
    );
  }
  return {
    ok: !issues.some((i) => i.severity === 'error'),
    format: 'xlsx',
    sheet: view.sheet.name,
    unit,
    filledOn,
    projects,
    issues,
    ...itemReports,
  };
}

/** A sheet read without an issue table: usable for what it holds besides (see sheet-types.ts). */
function okEmpty(): ParsedSheet {
  return {
    ok: true,
    format: 'xlsx',
    sheet: null,
    unit: null,
    filledOn: null,
    projects: [],
    issues: [],
  };
}

/** 是否办结 answers that are none of the three, as warnings for the unit. */
function reportIssues(section: ItemReportSection): Issue[] {
  return section.rows
    .filter((r) => r.statusText !== undefined)
    .map((r) =>
      issue(
        'ITEM_REPORT_STATUS_UNREADABLE',
        `议定事项${r.idText ? `“${r.idText}”` : ''}的是否办结填写为“${r.statusText}”，请从“已办结”“推进中”“未启动”中选择。`,
        r.cell,
      ),
    );
}

/** A row merged across most of the table's columns is a note or a sub-title, not data. */
function isWideMerge(view: SheetView, row: number, mapped: number[]): boolean {
  const first = Math.min(...mapped);
  const m = view.merge(row, first);
  if (!m) return false;
  const covered = mapped.filter((c) => c >= m.left && c <= m.right).length;
  return covered >= Math.max(3, Math.ceil(mapped.length * 0.6));
}
