/**
 * A project block being read, row by row: each per-project column gathered once per source cell
 * and once per text (unmerged sheets repeat the values on every row), then finished into a
 * SheetProject with its problems read by category: from the 存在问题 cell's prompts, or from the
 * categories' own columns, or both, into the same five fields.
 */
import { issue, type Issue } from '../../errors';
import { cellRef, type SheetView } from './grid';
import type { CategoryColumns } from './headers';
import { PROBLEM_CATEGORIES, type ProblemCategory } from './layout';
import { matchProject, type ProjectNames } from './match';
import { emptyProblems, readCategoryCell, readProblems } from './problems';
import type { SheetProject, SheetTarget } from './sheet-types';
import { cleanMultiline, compact, isNothing, splitNames } from './text';

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

  /** Each text gathered, in row order. */
  get texts(): readonly string[] {
    return this.parts;
  }
}

export interface ProjectDraft {
  name: string;
  nameKey: string;
  cell: string;
  /** The merge master of the name cell, when merged: rows inside it belong to this project. */
  mergeMaster: string | null;
  leadUnits: BlockText;
  problems: BlockText;
  /** The categories' own columns, when the sheet has them. */
  categories: Record<ProblemCategory, BlockText>;
  departments: BlockText;
  progress: BlockText;
  nextSteps: BlockText;
  targets: SheetTarget[];
}

export function newDraft(name: string, cell: string, mergeMaster: string | null): ProjectDraft {
  return {
    name,
    nameKey: compact(name),
    cell,
    mergeMaster,
    leadUnits: new BlockText(),
    problems: new BlockText(),
    categories: {
      approval: new BlockText(),
      funding: new BlockText(),
      land: new BlockText(),
      construction: new BlockText(),
      community: new BlockText(),
    },
    departments: new BlockText(),
    progress: new BlockText(),
    nextSteps: new BlockText(),
    targets: [],
  };
}

/**
 * One row's problem cells: the 存在问题 column, and each category's own column. A cell merged
 * across several category columns belongs to none of them: it is read like a 存在问题 cell (by its
 * prompts, else kept whole as uncategorised).
 */
export function addProblemCells(
  d: ProjectDraft,
  view: SheetView,
  row: number,
  problemsCol: number | undefined,
  categories: CategoryColumns,
): void {
  d.problems.add(view, row, problemsCol);
  for (const { key } of PROBLEM_CATEGORIES) {
    const col = categories[key];
    if (col === undefined) continue;
    const m = view.merge(row, col);
    const spansOthers =
      m !== undefined &&
      Object.values(categories).some((c) => c !== col && c >= m.left && c <= m.right);
    if (spansOthers) d.problems.add(view, row, col);
    else d.categories[key].add(view, row, col);
  }
}

export function finishProject(
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
  // Each category's own cells, row after row, appended to what the prompts gave.
  for (const { key } of PROBLEM_CATEGORIES) {
    const written = d.categories[key].texts
      .map((t) => readCategoryCell(key, t))
      .filter((t): t is string => t !== null);
    const prev = reading.problems[key];
    if (written.length > 0)
      reading.problems[key] = [...(prev ? [prev] : []), ...written].join('\n');
  }
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
