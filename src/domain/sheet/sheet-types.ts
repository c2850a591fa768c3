/** What reading an issue sheet gives: its projects, their targets, and the issues found. */
import type { Issue } from '../../errors';
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
}

export interface ParseOptions {
  /** Projects to match names against (from the schedule). */
  catalog: ReadonlyArray<ProjectNames>;
  /** ISO date used for years left out of due dates when 填报时间 has none (the reporting week). */
  referenceDate: string;
}
