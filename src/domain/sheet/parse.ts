/**
 * Reading the weekly issue sheet (问题清单) from a cell grid. Pure: no I/O, no clock.
 *
 * The steps: find the sheet and the header row (by meaning, in the first 20 rows); read the
 * 填报单位 / 填报时间 lines above it; then walk the rows below, grouping them into projects.
 * A project starts where the 项目名称 cell (merged or not) holds a new name; rows with an empty
 * name continue the current project (people unmerge and leave the cells below blank); a row that
 * repeats the current name unmerged also continues it. Blank rows and a repeated header (the
 * notice's table restarts on page 2) are skipped; a 填表说明 / 备注 / 填表人 line ends the table.
 */
import { issue, type Issue } from '../../errors';
import { readDueCell, readFilledOn, type DueReading } from './dates';
import { cellRef, SheetView, type Grid, type GridSheet } from './grid';
import { headerField, readHeaderRow, type ColumnMap } from './headers';
import type { ColumnField } from './layout';
import { matchProject, type ProjectNames } from './match';
import { emptyProblems, readProblems, type Problems } from './problems';
import { cleanMultiline, compact, isNothing, splitNames } from './text';

export type TargetStatus = 'done' | 'in_progress' | 'not_started';

export interface SheetTarget {
  text: string;
  due: string | null;
  dueText: string | null;
  /** A1 reference of the due-date cell (the target cell when there is no due column). */
  cell: string;
  status: TargetStatus | null;
}

export interface SheetProject {
  name: string;
  projectId: string | null;
  /** A1 reference of the project-name cell. */
  cell: string;
  leadUnits: string[];
  targets: SheetTarget[];
  problems: Problems;
  /** Problem text written outside the five prompts (see problems.ts); null when none. */
  uncategorizedProblems: string | null;
  responsibleDepartments: string[];
  progress: string | null;
  nextSteps: string | null;
}

export interface ParsedSheet {
  ok: boolean;
  format: 'xlsx';
  sheet: string | null;
  unit: string | null;
  filledOn: string | null;
  projects: SheetProject[];
  issues: Issue[];
}

export interface ParseOptions {
  /** Projects to match names against (from the schedule). */
  catalog: ReadonlyArray<ProjectNames>;
  /** ISO date used for years left out of due dates when 填报时间 has none (the reporting week). */
  referenceDate: string;
}

const HEADER_SEARCH_ROWS = 20;

export function failed(issues: Issue[]): ParsedSheet {
  return {
    ok: false,
    format: 'xlsx',
    sheet: null,
    unit: null,
    filledOn: null,
    projects: [],
    issues,
  };
}

interface HeaderHit {
  view: SheetView;
  row: number;
  columns: ColumnMap;
  score: number;
}

function findHeader(sheets: GridSheet[]): HeaderHit | null {
  let best: HeaderHit | null = null;
  for (const sheet of sheets) {
    if (sheet.cells.length === 0) continue;
    const view = new SheetView(sheet);
    const last = Math.min(view.maxRow, HEADER_SEARCH_ROWS);
    for (let row = 1; row <= last; row++) {
      // Only cells holding a value: a header cell merged down over two rows is read once, on
      // its first row.
      const cells = [];
      for (const col of view.filledColumns(row)) {
        const text = view.text(row, col);
        if (text) cells.push({ col, text });
      }
      const columns = readHeaderRow(cells);
      if (!columns) continue;
      // Hidden sheets lose to visible ones; more recognised columns win.
      const score = Object.keys(columns).length - (sheet.hidden ? 100 : 0);
      if (!best || score > best.score) best = { view, row, columns, score };
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
const STATUS_WORDS: ReadonlyArray<[RegExp, TargetStatus]> = [
  [/^(?:已完成|完成|已办结|办结|已竣工)$/u, 'done'],
  [/^(?:推进中|进行中|正在推进|在建|实施中|未完成|部分完成)$/u, 'in_progress'],
  [/^(?:未启动|未开始|尚未启动|未开工)$/u, 'not_started'],
];

function readStatus(text: string): TargetStatus | null | undefined {
  const t = compact(text).replace(/[。.]$/u, '');
  if (!t) return null;
  for (const [re, status] of STATUS_WORDS) if (re.test(t)) return status;
  return undefined;
}

/** Text of one per-project column, gathered over the project's rows. */
class BlockText {
  private readonly parts: string[] = [];
  private readonly seenSources = new Set<string>();
  private readonly seenTexts = new Set<string>();
  firstCell: string | null = null;

  add(view: SheetView, row: number, col: number | undefined): void {
    if (col === undefined) return;
    const src = view.source(row, col);
    const ref = cellRef(src.row, src.col);
    if (this.seenSources.has(ref)) return;
    this.seenSources.add(ref);
    const text = cleanMultiline(view.text(row, col));
    if (!text) return;
    // Unmerged sheets repeat the project's values on every row: keep each text once.
    if (this.seenTexts.has(text)) return;
    this.seenTexts.add(text);
    this.firstCell ??= ref;
    this.parts.push(text);
  }

  get text(): string | null {
    return this.parts.length ? this.parts.join('\n') : null;
  }
}

interface ProjectDraft {
  name: string;
  nameKey: string;
  cell: string;
  /** The merge master of the name cell, when merged: rows inside it belong to this project. */
  mergeMaster: string | null;
  leadUnits: BlockText;
  problems: BlockText;
  departments: BlockText;
  progress: BlockText;
  nextSteps: BlockText;
  targets: SheetTarget[];
}

function newDraft(name: string, cell: string, mergeMaster: string | null): ProjectDraft {
  return {
    name,
    nameKey: compact(name),
    cell,
    mergeMaster,
    leadUnits: new BlockText(),
    problems: new BlockText(),
    departments: new BlockText(),
    progress: new BlockText(),
    nextSteps: new BlockText(),
    targets: [],
  };
}

export function parseIssueSheet(grid: Grid, options: ParseOptions): ParsedSheet {
  const sheets = grid.sheets.filter((s) => s.cells.length > 0);
  if (sheets.length === 0) {
    return failed([
      issue('NO_WORKSHEET', '工作簿中没有包含内容的工作表，请使用下发的模板填写后重新发送。'),
    ]);
  }
  const header = findHeader(sheets);
  if (!header) {
    return failed([
      issue(
        'NO_HEADER',
        '未找到问题清单的表头（序、项目名称、项目总牵头单位、攻坚目标、完成时限、存在问题（需协调事项）、问题责任部门、协调推进情况、下阶段工作对策建议）。请使用下发的模板填写，表头须在前20行内。',
      ),
    ]);
  }
  const { view, row: headerRow, columns } = header;
  const issues: Issue[] = [];
  const { unit, filledOn } = readTitleLines(view, headerRow, grid.date1904, issues);
  const referenceDate = filledOn ?? options.referenceDate;

  const col = (field: ColumnField): number | undefined => columns[field];
  const nameCol = col('projectName') as number;
  const mapped = Object.values(columns).filter((c): c is number => c !== undefined);
  const drafts: ProjectDraft[] = [];
  let current: ProjectDraft | null = null;

  for (let row = headerRow + 1; row <= view.maxRow; row++) {
    const texts = mapped.map((c) => view.text(row, c));
    if (texts.every((t) => t === '')) continue;
    // The header repeated (a table continued on the next page): checked only when the name
    // column says 项目名称, since reading every row as a header is the costliest step here.
    const nameText = view.text(row, nameCol);
    if (nameText.length < 16 && headerField(nameText) === 'projectName') {
      if (readHeaderRow(mapped.map((c, i) => ({ col: c, text: texts[i] ?? '' })))) continue;
    }
    const firstText = texts.find((t) => t !== '') ?? '';
    if (NOTE_ROW.test(firstText)) break;
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
    project.problems.add(view, row, col('problems'));
    project.departments.add(view, row, col('departments'));
    project.progress.add(view, row, col('progress'));
    project.nextSteps.add(view, row, col('nextSteps'));
    readTargetRow(view, row, columns, referenceDate, grid.date1904, project, issues);
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
  };
}

/** A row merged across most of the table's columns is a note or a sub-title, not data. */
function isWideMerge(view: SheetView, row: number, mapped: number[]): boolean {
  const first = Math.min(...mapped);
  const m = view.merge(row, first);
  if (!m) return false;
  const covered = mapped.filter((c) => c >= m.left && c <= m.right).length;
  return covered >= Math.max(3, Math.ceil(mapped.length * 0.6));
}

function readTargetRow(
  view: SheetView,
  row: number,
  columns: ColumnMap,
  referenceDate: string,
  date1904: boolean,
  project: ProjectDraft,
  issues: Issue[],
): void {
  const targetCol = columns.target;
  const dueCol = columns.due;
  const statusCol = columns.status;
  // A target or due cell merged over several rows is one target, read on its first row.
  for (const c of [targetCol, dueCol]) {
    if (c !== undefined && view.source(row, c).row !== row) return;
  }
  const text = targetCol !== undefined ? cleanMultiline(view.text(row, targetCol)) : '';
  const reading: DueReading =
    dueCol !== undefined
      ? readDueCell(view.value(row, dueCol), referenceDate, date1904)
      : { kind: 'empty' };
  const ref = cellRef(row, dueCol ?? targetCol ?? columns.projectName ?? 1);
  if (!text) {
    if (reading.kind !== 'empty') {
      issues.push(
        issue(
          'DUE_WITHOUT_TARGET',
          `该行填写了完成时限“${reading.text}”，但未填写攻坚目标，请补充攻坚目标或删除该时限。`,
          ref,
        ),
      );
    }
    return;
  }
  let status: TargetStatus | null = null;
  if (statusCol !== undefined) {
    const raw = view.text(row, statusCol);
    const s = readStatus(raw);
    if (s === undefined) {
      issues.push(
        issue(
          'STATUS_UNREADABLE',
          `完成情况“${raw}”无法识别，请从“已完成”“推进中”“未启动”中选择。`,
          cellRef(row, statusCol),
        ),
      );
    } else status = s;
  }
  const target: SheetTarget = { text, due: null, dueText: null, cell: ref, status };
  switch (reading.kind) {
    case 'empty':
      issues.push(
        issue('TARGET_WITHOUT_DUE', `攻坚目标“${text}”未填写完成时限，请补充，如“3月31日”。`, ref),
      );
      break;
    case 'date':
      target.due = reading.iso;
      target.dueText = reading.text;
      if (reading.ambiguous) {
        issues.push(
          issue(
            'DUE_DATE_AMBIGUOUS',
            `完成时限“${reading.text}”为数字，已按${Number(reading.iso.slice(5, 7))}月${Number(reading.iso.slice(8, 10))}日读取；如指${reading.ambiguous}，请填写为文字“${reading.ambiguous}”。`,
            ref,
          ),
        );
      }
      break;
    case 'invalid':
      target.dueText = reading.text;
      issues.push(
        issue(
          'DUE_DATE_INVALID',
          `完成时限“${reading.text}”不是有效日期，请核对后填写，如“3月31日”。`,
          ref,
        ),
      );
      break;
    case 'unreadable':
      target.dueText = reading.text;
      issues.push(
        issue(
          'DUE_DATE_UNREADABLE',
          `完成时限“${reading.text}”无法识别为日期，请填写如“3月31日”。`,
          ref,
        ),
      );
      break;
  }
  project.targets.push(target);
}

function finishProject(
  d: ProjectDraft,
  catalog: ReadonlyArray<ProjectNames>,
  issues: Issue[],
): SheetProject {
  const projectId = matchProject(d.name, catalog);
  if (!projectId && catalog.length > 0) {
    issues.push(
      issue(
        'PROJECT_UNKNOWN',
        `项目名称“${d.name}”与本批重点项目均不对应，请使用通知所列的项目名称。`,
        d.cell,
      ),
    );
  }
  const problemsText = d.problems.text;
  const reading = problemsText
    ? readProblems(problemsText)
    : { problems: emptyProblems(), uncategorized: null };
  if (reading.uncategorized) {
    issues.push(
      issue(
        'PROBLEMS_UNCATEGORIZED',
        '存在问题中有内容未写在“项目审批方面：”“资金概算方面：”“规划用地方面：”“工程施工方面：”“群众工作方面：”五个提示之后，已整体记录；请按五个方面分别填写。',
        d.problems.firstCell,
      ),
    );
  }
  const free = (b: BlockText): string | null => {
    const t = b.text;
    return t && !isNothing(t) ? t : null;
  };
  const departments = d.departments.text;
  return {
    name: d.name,
    projectId,
    cell: d.cell,
    leadUnits: d.leadUnits.text ? splitNames(d.leadUnits.text) : [],
    targets: d.targets,
    problems: reading.problems,
    uncategorizedProblems: reading.uncategorized,
    responsibleDepartments: departments && !isNothing(departments) ? splitNames(departments) : [],
    progress: free(d.progress),
    nextSteps: free(d.nextSteps),
  };
}
