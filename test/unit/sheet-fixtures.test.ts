/**
 * Every filled sheet in test/fixtures/sheets (written by openpyxl and LibreOffice, not by us)
 * is read and compared with the expectations written beside it (<file>.expected.json).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { catalogOf, readIssueSheet } from '../../src/adapters/excel/read-sheet';
import { exampleSchedule, SHEETS_DIR } from '../helpers/sheets';

interface Expected {
  ok: boolean;
  errorCode: string | null;
  unit: string | null;
  filledOn: string | null;
  projects: Array<{
    name: string;
    projectId: string | null;
    leadUnits: string[];
    targets: Array<{
      text: string;
      due: string | null;
      dueText: string | null;
      cell: string;
      status: string | null;
    }>;
    problems: Record<string, string | null> & { uncategorized?: string };
    responsibleDepartments: string[];
    progress: string | null;
    nextSteps: string | null;
  }>;
  warnings: string[];
}

const files = fs.readdirSync(SHEETS_DIR).filter((f) => /\.(xlsx|xls|et)$/.test(f));

describe('reading the fixture sheets written by other software', () => {
  test.each(files)('%s is read as its expectations say', async (file) => {
    const expected = JSON.parse(
      fs.readFileSync(path.join(SHEETS_DIR, `${file}.expected.json`), 'utf8'),
    ) as Expected;
    const schedule = await exampleSchedule();
    const result = await readIssueSheet(fs.readFileSync(path.join(SHEETS_DIR, file)), {
      catalog: catalogOf(schedule),
      referenceDate: '2021-03-15',
    });
    expect(result.ok).toBe(expected.ok);
    if (!expected.ok) {
      expect(result.issues.map((i) => i.code)).toContain(expected.errorCode);
      return;
    }
    expect(result.unit).toBe(expected.unit);
    expect(result.filledOn).toBe(expected.filledOn);
    const got = result.projects.map((p) => ({
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
    }));
    expect(got).toEqual(expected.projects);
    const warnings = result.issues.map((i) => `${i.code}${i.cell ? `@${i.cell}` : ''}`).sort();
    expect(warnings).toEqual([...expected.warnings].sort());
  });
});
