/**
 * Which report stands for a project in a week, and how problems are compared across weeks: the
 * rules every section of the digest shares (see model.ts's module comment).
 */
import type { Project } from '../../config/schedule';
import { categoryLabel, PROBLEM_CATEGORIES } from '../sheet/layout';
import { compact } from '../sheet/text';
import type { ProblemKey, ReportedProject, ReportedSheet } from './types';

/** How many earlier weeks are looked at for the marks and the "unchanged for" count. */
export const LOOKBACK_WEEKS = 12;
/** Targets due within this many days from today are listed as due soon. */
export const DUE_SOON_DAYS = 7;
/** A problem unchanged for this many weeks (this one included) is counted as stuck. */
export const STUCK_WEEKS = 3;

/** A project's report of one week. */
export interface WeekReport {
  week: string;
  project: ReportedProject;
}

export const PROBLEM_KEYS: readonly ProblemKey[] = [
  ...PROBLEM_CATEGORIES.map((c) => c.key),
  'uncategorized',
];

/** "项目审批" …, and text written outside the five prompts as 其他（未分类）. */
export function problemLabel(key: ProblemKey): string {
  return key === 'uncategorized' ? '其他（未分类）' : categoryLabel(key);
}

/**
 * Text compared for the marks: full-width folded (NFKC), without whitespace, and without
 * punctuation except between digits (so 200万元。 equals 200万元 but 2.5 differs from 25).
 */
export function normalizeProblem(text: string): string {
  let key = normalized.get(text);
  if (key === undefined) {
    key = compact(text).replace(/(?<!\d)[\p{P}\p{S}]|[\p{P}\p{S}](?!\d)/gu, '');
    // A digest compares each text with up to 12 earlier weeks' texts: remember the recent ones.
    if (normalized.size >= NORMALIZED_MAX) normalized.clear();
    normalized.set(text, key);
  }
  return key;
}

const NORMALIZED_MAX = 20_000;
const normalized = new Map<string, string>();

export function sameText(a: string, b: string): boolean {
  return normalizeProblem(a) === normalizeProblem(b);
}

export function problemText(p: ReportedProject, key: ProblemKey): string | null {
  const text = key === 'uncategorized' ? p.uncategorizedProblems : p.problems[key];
  return text !== null && text.trim() !== '' ? text.trim() : null;
}

/** The sheet reporting a project in a week: a lead unit's, the latest to arrive. */
export function reportOf(
  sheets: readonly ReportedSheet[],
  project: Pick<Project, 'id' | 'leadUnits'>,
): { sheet: ReportedSheet; project: ReportedProject } | null {
  let best: { sheet: ReportedSheet; project: ReportedProject } | null = null;
  for (const sheet of sheets) {
    if (!project.leadUnits.includes(sheet.unitId)) continue;
    const p = sheet.projects.find((x) => x.projectId === project.id);
    if (!p) continue;
    if (!best || sheet.arrivedAt.getTime() > best.sheet.arrivedAt.getTime()) {
      best = { sheet, project: p };
    }
  }
  return best;
}

export function weeksBetween(earlier: string, later: string): number {
  return Math.round(
    (Date.parse(`${later}T00:00:00Z`) - Date.parse(`${earlier}T00:00:00Z`)) / 604_800_000,
  );
}

export function daysBetween(earlier: string, later: string): number {
  return Math.round(
    (Date.parse(`${later}T00:00:00Z`) - Date.parse(`${earlier}T00:00:00Z`)) / 86_400_000,
  );
}

/** The project's reports in `weeks` (newest first), the weeks it was not reported left out. */
export function reportsOf(
  weeks: ReadonlyArray<{ week: string; sheets: readonly ReportedSheet[] }>,
  project: Pick<Project, 'id' | 'leadUnits'>,
): WeekReport[] {
  const out: WeekReport[] = [];
  for (const w of weeks) {
    const r = reportOf(w.sheets, project);
    if (r) out.push({ week: w.week, project: r.project });
  }
  return out;
}
