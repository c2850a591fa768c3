/** What reading an issue sheet gives: its projects, their targets, and the issues found. */
import type { Issue } from '../../errors';
import type { ItemListReading, ItemReportRow } from '../decisions/types';
import type { ProjectNames } from './match';
import type { TargetStatus } from './layout';
import type { Problems } from './problems';
import type { SheetFormat } from './formats';

export type { TargetStatus };

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
  /** The file's real format (decided from its content): .xls is 'xls' even when LibreOffice converted it. */
  format: SheetFormat;
  sheet: string | null;
  unit: string | null;
  filledOn: string | null;
  projects: SheetProject[];
  issues: Issue[];
  /**
   * The section (or second sheet) 议定事项落实情况: the unit's reports on its agreed items. A
   * sheet with this section and no project table is usable (a unit that is only responsible
   * for agreed items). Absent when the sheet has no such section.
   */
  itemReports?: ItemReportRow[];
  /**
   * The file is a meeting's list of agreed items (序号 / 所属项目 / 议定事项 / 责任单位 / 配合单位 /
   * 办结时限 / 备注), not an issue sheet: only the office sends these. Absent otherwise.
   *
   * Such a sheet reads as `ok: true, projects: [], issues: []`, the list's own issues in
   * `itemList.issues`. Not `ok: false`: a refusal without an error issue would reach a sender as
   * an unexplained refusal, and no NO_HEADER must be said about a list. So `ok` alone does not
   * make it a unit's submission: whoever takes a sheet as a unit's report checks `itemList`
   * first (from the office: record the list; from a unit: ITEM_LIST_FROM_UNIT, not usable).
   */
  itemList?: ItemListReading;
}

export interface ParseOptions {
  /** Projects to match names against (from the schedule). */
  catalog: ReadonlyArray<ProjectNames>;
  /** ISO date used for years left out of due dates when 填报时间 has none (the reporting week). */
  referenceDate: string;
}
