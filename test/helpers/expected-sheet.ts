/**
 * Comparing a parsed sheet with a fixture's `<file>.expected.json` (test/fixtures/sheets/MANIFEST.md
 * describes the shape), for the readers of other formats that must give the same result as .xlsx.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ParsedSheet } from '../../src/domain/sheet/parse';

export interface ExpectedSheet {
  ok: boolean;
  errorCode: string | null;
  unit: string | null;
  filledOn: string | null;
  projects: unknown[];
  warnings: string[];
}

export const FORMATS_DIR = path.join(__dirname, '..', 'fixtures', 'formats');

/** The fixtures of test/fixtures/formats/MANIFEST.tsv: file, and the expectations it must meet. */
export function formatFixtures(pattern: RegExp): Array<{ file: string; expected: string }> {
  const lines = fs.readFileSync(path.join(FORMATS_DIR, 'MANIFEST.tsv'), 'utf8').trim().split('\n');
  return lines
    .slice(1)
    .map((line) => line.split('\t'))
    .filter(([file]) => pattern.test(file ?? ''))
    .map(([file, , expected]) => ({ file: file ?? '', expected: expected ?? '' }));
}

export function readExpected(relative: string): ExpectedSheet {
  return JSON.parse(fs.readFileSync(path.join(FORMATS_DIR, relative), 'utf8')) as ExpectedSheet;
}

/** What the fixture expectations compare: the projects in their JSON shape, warnings as CODE@CELL. */
export function comparable(result: ParsedSheet): Omit<ExpectedSheet, 'errorCode'> {
  return {
    ok: result.ok,
    unit: result.unit,
    filledOn: result.filledOn,
    projects: result.projects.map((p) => ({
      name: p.name,
      projectId: p.projectId,
      leadUnits: p.leadUnits,
      targets: p.targets.map((t) => ({
        text: t.text,
        due: t.due,
        dueText: t.dueText,
        cell: t.cell,
        status: t.status,
      })),
      problems: p.uncategorizedProblems
        ? { ...p.problems, uncategorized: p.uncategorizedProblems }
        : p.problems,
      responsibleDepartments: p.responsibleDepartments,
      progress: p.progress,
      nextSteps: p.nextSteps,
    })),
    warnings: result.issues.map((i) => `${i.code}${i.cell ? `@${i.cell}` : ''}`).sort(),
  };
}

export function expectedComparable(expected: ExpectedSheet): Omit<ExpectedSheet, 'errorCode'> {
  return {
    ok: expected.ok,
    unit: expected.unit,
    filledOn: expected.filledOn,
    projects: expected.projects,
    warnings: [...expected.warnings].sort(),
  };
}
