/**
 * OpenDocument spreadsheets read straight from content.xml (readOdsGrid), then through the same
 * parser as an .xlsx. Fixtures: test/fixtures/formats (made by make_office.py with LibreOffice and
 * Python's zipfile) and corpus files copied there (MANIFEST-formats-office.tsv).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_LIMITS } from '../../src/adapters/excel/guard-limits';
import { readOdsGrid } from '../../src/adapters/formats/ods-grid';
import { catalogOf } from '../../src/domain/sheet/catalog';
import { SheetView, type Grid, type GridSheet } from '../../src/domain/sheet/grid';
import { parseIssueSheet, type ParsedSheet } from '../../src/domain/sheet/parse';
import { sniffFile } from '../../src/adapters/formats/sniff';
import { DubanError } from '../../src/errors';
import { exampleSchedule, SHEETS_DIR } from '../helpers/sheets';

const DIR = path.join(__dirname, '..', 'fixtures', 'formats');

async function grid(file: string): Promise<Grid> {
  return readOdsGrid(fs.readFileSync(path.join(DIR, file)), DEFAULT_LIMITS);
}

async function parse(file: string): Promise<ParsedSheet> {
  const schedule = await exampleSchedule();
  return parseIssueSheet(await grid(file), {
    catalog: catalogOf(schedule),
    referenceDate: '2021-03-15',
  });
}

function sheet(g: Grid, name: string): GridSheet {
  const found = g.sheets.find((s) => s.name === name);
  if (!found) throw new Error(`no sheet ${name}`);
  return found;
}

async function refusal(file: string, limits = DEFAULT_LIMITS): Promise<string> {
  try {
    await readOdsGrid(fs.readFileSync(path.join(DIR, file)), limits);
  } catch (err) {
    if (err instanceof DubanError) return err.code;
    throw err;
  }
  return 'read';
}

interface Expected {
  unit: string;
  filledOn: string;
  projects: Array<Record<string, unknown>>;
  warnings: string[];
}

describe('an .ods saved by LibreOffice from a filled sheet', () => {
  test.each([
    ['ods-libreoffice-official-all4.ods', 'openpyxl_official_all4.xlsx'],
    ['ods-libreoffice-dates.ods', 'openpyxl_date1904.xlsx'],
  ])('%s reads as its .xlsx original %s does', async (ods, xlsx) => {
    const expected = JSON.parse(
      fs.readFileSync(path.join(SHEETS_DIR, `${xlsx}.expected.json`), 'utf8'),
    ) as Expected;
    const result = await parse(ods);
    expect(result.ok).toBe(true);
    expect(result.unit).toBe(expected.unit);
    expect(result.filledOn).toBe(expected.filledOn);
    const got = result.projects.map((p) => ({
      name: p.name,
      projectId: p.projectId,
      leadUnits: p.leadUnits,
      targets: p.targets,
      problems: p.uncategorizedProblems
        ? { ...p.problems, uncategorized: p.uncategorizedProblems }
        : p.problems,
      responsibleDepartments: p.responsibleDepartments,
      progress: p.progress,
      nextSteps: p.nextSteps,
    }));
    expect(got).toEqual(expected.projects);
    expect(result.issues.map((i) => `${i.code}${i.cell ? `@${i.cell}` : ''}`).sort()).toEqual(
      [...expected.warnings].sort(),
    );
  });

  test('its real date cells become dates, merged project cells merges', async () => {
    const s = (await grid('ods-libreoffice-dates.ods')).sheets[0] as GridSheet;
    const view = new SheetView(s);
    expect(view.value(6, 5)).toEqual({ kind: 'date', iso: '2021-02-25' });
    expect(s.merges).toContainEqual({ top: 6, left: 2, bottom: 8, right: 2 });
    expect(s.cells.some((c) => c.row === 7 && c.col === 2)).toBe(false);
  });

  test('a sheet LibreOffice hides (table:display="false") is hidden', async () => {
    const g = await grid('ods-libreoffice-hidden.ods');
    expect(g.sheets.map((s) => [s.name, s.hidden])).toEqual([
      ['重复行', false],
      ['旧表', true],
    ]);
  });
});

describe('OpenDocument markup', () => {
  test('repeated non-empty rows and cells are materialised, empty ones cost nothing', async () => {
    const s = sheet(await grid('ods-zipfile-markup.ods'), '标记');
    const view = new SheetView(s);
    for (const row of [1, 2, 3]) {
      expect([view.text(row, 1), view.text(row, 2), view.value(row, 3)]).toEqual([
        '同一内容',
        '同一内容',
        { kind: 'number', value: 7 },
      ]);
    }
    expect(view.maxRow).toBe(6);
    expect(view.maxCol).toBe(6);
  });

  test('value types: numbers, dates without their time, booleans, the rest as shown', async () => {
    const view = new SheetView(sheet(await grid('ods-zipfile-markup.ods'), '标记'));
    expect([1, 2, 3, 4, 5, 6].map((c) => view.value(4, c))).toEqual([
      { kind: 'number', value: 0.25 },
      { kind: 'number', value: 12.5 },
      { kind: 'bool', value: true },
      { kind: 'date', iso: '2021-03-25' },
      { kind: 'text', text: '10:30' },
      { kind: 'text', text: '无值' },
    ]);
  });

  test('paragraphs, spaces, tabs and line breaks; comments and footnotes left out', async () => {
    const view = new SheetView(sheet(await grid('ods-zipfile-markup.ods'), '标记'));
    expect(view.value(5, 1)).toEqual({ kind: 'text', text: '甲  乙\t丙\n丁\n第二段文字链接' });
  });

  test('a merge over rows and columns; covered cells are skipped even when they hold text', async () => {
    const s = sheet(await grid('ods-zipfile-markup.ods'), '标记');
    expect(s.merges).toEqual([{ top: 5, left: 1, bottom: 6, right: 2 }]);
    expect(s.cells.filter((c) => c.row >= 5).map((c) => [c.row, c.col])).toEqual([
      [5, 1],
      [6, 3],
    ]);
    expect(sheet(await grid('ods-zipfile-markup.ods'), '隐藏').hidden).toBe(true);
  });
});

describe('real .ods files and bombs', () => {
  test("LibreOffice's vertical merge (calamine merged_cells.ods)", async () => {
    const s = (await grid('ods-corpus-libreoffice-7.4__calamine-merged_cells.ods'))
      .sheets[0] as GridSheet;
    expect(s.merges).toEqual([{ top: 2, left: 1, bottom: 3, right: 1 }]);
    expect(s.cells.map((c) => `${c.row},${c.col}`)).toEqual([
      '1,1',
      '1,2',
      '1,3',
      '2,1',
      '2,2',
      '2,3',
      '3,3',
    ]);
  });

  test('date and date-time cells become calendar dates, times stay as shown', async () => {
    const view = new SheetView(
      (await grid('ods-corpus-libreoffice-7.3__calamine-date.ods')).sheets[0] as GridSheet,
    );
    expect(view.value(1, 1)).toEqual({ kind: 'date', iso: '2021-01-01' });
    expect(view.value(2, 1)).toEqual({ kind: 'date', iso: '2021-01-01' });
    expect(view.value(3, 1)).toEqual({ kind: 'text', text: '10:10:10' });
    expect(view.value(1, 2)).toEqual({ kind: 'number', value: 15 });
  });

  test('an .ods written by Excel: every sheet, CJK names', async () => {
    const g = await grid('ods-corpus-excel-16-cjk__sheetjs-defined_names_unicode.ods');
    expect(g.sheets.map((s) => s.name)).toEqual([
      'NoContainsJapanese',
      '日本語のみ',
      'sheet日本語',
      '日本語sheet',
      'sheet日本語sheet',
    ]);
  });

  test('a cell claiming 999 999 999 repeats is refused, not materialised', async () => {
    expect(await refusal('ods-corpus-malformed__calamine-issue_594_dos.ods')).toBe(
      'WORKBOOK_TOO_LARGE',
    );
  });

  test('a non-empty row repeated past the row limit is refused', async () => {
    expect(await refusal('ods-zipfile-row-bomb.ods')).toBe('WORKBOOK_TOO_LARGE');
    expect(
      await refusal('ods-zipfile-markup.ods', { ...DEFAULT_LIMITS, maxCellsPerSheet: 5 }),
    ).toBe('WORKBOOK_TOO_LARGE');
  });

  test('what is not a readable package is refused with the workbook codes', async () => {
    expect(await refusal('docx-zipfile-ratio-bomb.docx')).toBe('WORKBOOK_TOO_LARGE');
    const notZip = path.join(DIR, 'make_office.py');
    await expect(readOdsGrid(fs.readFileSync(notZip), DEFAULT_LIMITS)).rejects.toMatchObject({
      code: 'NOT_A_WORKBOOK',
    });
    expect(await refusal('docx-python-docx-notice.docx')).toBe('CORRUPT_WORKBOOK');
  });

  test('every ods fixture is one by its content (what the dispatcher reads it by)', () => {
    const files = fs.readdirSync(DIR).filter((f) => f.startsWith('ods-'));
    expect(files.length).toBeGreaterThan(4);
    for (const f of files) {
      expect([f, sniffFile(fs.readFileSync(path.join(DIR, f)))]).toEqual([
        f,
        { kind: 'sheet', format: 'ods' },
      ]);
    }
  });
});
