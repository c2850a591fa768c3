/**
 * Word documents read straight from word/document.xml (readDocxGrid), then through the same
 * parser as an .xlsx: the notice's 问题清单 is a table in a Word document. Fixtures:
 * test/fixtures/formats (made by make_office.py with python-docx, LibreOffice and Python's
 * zipfile) and corpus files copied there (MANIFEST-formats-office.tsv).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_LIMITS } from '../../src/adapters/excel/guard-limits';
import { readDocxGrid } from '../../src/adapters/formats/docx-grid';
import { catalogOf } from '../../src/domain/sheet/catalog';
import { SheetView, type Grid, type GridSheet } from '../../src/domain/sheet/grid';
import { parseIssueSheet, type ParsedSheet } from '../../src/domain/sheet/parse';
import { sniffFile } from '../../src/adapters/formats/sniff';
import { DubanError } from '../../src/errors';
import { exampleSchedule } from '../helpers/sheets';

const DIR = path.join(__dirname, '..', 'fixtures', 'formats');

async function grid(file: string, limits = DEFAULT_LIMITS): Promise<Grid> {
  return readDocxGrid(fs.readFileSync(path.join(DIR, file)), limits);
}

/** The visible sheet: the whole document. */
async function only(file: string): Promise<GridSheet> {
  const g = await grid(file);
  expect(g.sheets[0]?.hidden).toBe(false);
  expect(g.sheets.slice(1).every((s) => s.hidden)).toBe(true);
  return g.sheets[0] as GridSheet;
}

async function parse(file: string): Promise<ParsedSheet> {
  const schedule = await exampleSchedule();
  return parseIssueSheet(await grid(file), {
    catalog: catalogOf(schedule),
    referenceDate: '2021-03-15',
  });
}

async function refusal(file: string, limits = DEFAULT_LIMITS): Promise<string> {
  try {
    await grid(file, limits);
  } catch (err) {
    if (err instanceof DubanError) return err.code;
    throw err;
  }
  return 'read';
}

const P1 = {
  name: '锦川实验小学项目',
  projectId: 'p1',
  leadUnits: ['教育局'],
  targets: [
    ['完成项目工程量清算', '2021-02-25'],
    ['完成重新招投标', '2021-03-30'],
    ['项目重新开工', '2021-03-31'],
  ],
  problems: {
    approval: '招投标文件待区财政局审核。',
    funding: null,
    land: null,
    construction: '原施工单位退场交接未完成。',
    community: null,
  },
  responsibleDepartments: ['财政局', '住建局'],
  progress: '已召开专题协调会，明确清算时间节点。',
  nextSteps: '督促审计单位3月底前出具清算报告。',
};

const P2 = {
  name: '泉港医院病房大楼2#楼及附属配套设施项目',
  projectId: 'p2',
  leadUnits: ['卫健局'],
  targets: [
    ['完成对额外新增工程建设事项的辨别、剔除工作', '2021-02-25'],
    ['同步组织人力、机械进场施工', '2021-03-30'],
    ['完成主体结构外装修，项目竣工', '2021-03-31'],
  ],
  problems: {
    approval: null,
    funding: '新增工程资金来源未明确。',
    land: null,
    construction: '外装修材料进场滞后。',
    community: null,
  },
  responsibleDepartments: ['财政局', '发改局'],
  progress: '已完成新增事项清单初稿。',
  nextSteps: '提请联合会议研究资金安排。',
};

function summary(result: ParsedSheet): unknown[] {
  return result.projects.map((p) => ({
    name: p.name,
    projectId: p.projectId,
    leadUnits: p.leadUnits,
    targets: p.targets.map((t) => [t.text, t.due]),
    problems: p.problems,
    responsibleDepartments: p.responsibleDepartments,
    progress: p.progress,
    nextSteps: p.nextSteps,
  }));
}

describe('the notice’s 问题清单 as a Word table', () => {
  test.each(['docx-python-docx-notice.docx', 'docx-libreoffice-notice.docx'])(
    '%s is read like the same sheet in an .xlsx',
    async (file) => {
      const result = await parse(file);
      expect(result.ok).toBe(true);
      expect(result.issues).toEqual([]);
      expect(result.unit).toBe('区教育局');
      expect(result.filledOn).toBe('2021-03-15');
      expect(summary(result)).toEqual([P1, P2]);
      expect(result.projects.map((p) => p.cell)).toEqual(['B6', 'B9']);
      expect(result.projects[1]?.targets.map((t) => t.cell)).toEqual(['E9', 'E10', 'E11']);
    },
  );

  test('title paragraphs become rows in column 1 above the table', async () => {
    const view = new SheetView(await only('docx-python-docx-notice.docx'));
    expect([1, 2, 3, 4].map((r) => view.text(r, 1))).toEqual([
      '附件',
      '第一批“难硬重新”重点项目突破攻坚问题清单',
      '填报单位: 区教育局',
      '填报时间: 2021年3月15日',
    ]);
    expect(view.filledColumns(5)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  test.each(['docx-python-docx-notice.docx', 'docx-libreoffice-notice.docx'])(
    '%s: vertically merged cells are one merge, the covered cells absent',
    async (file) => {
      const s = await only(file);
      for (const col of [1, 2, 3, 6, 7, 8, 9]) {
        expect(s.merges).toContainEqual({ top: 6, left: col, bottom: 8, right: col });
        expect(s.merges).toContainEqual({ top: 9, left: col, bottom: 11, right: col });
      }
      expect(s.merges).toHaveLength(14);
      expect(s.cells.filter((c) => c.col === 2).map((c) => c.row)).toEqual([5, 6, 9]);
      const view = new SheetView(s);
      expect(view.text(7, 2)).toBe('锦川实验小学项目');
      expect(view.text(6, 6).split('\n')).toHaveLength(5);
    },
  );

  test('a table continued on a second page (header repeated) reads as one table', async () => {
    const result = await parse('docx-python-docx-two-tables.docx');
    expect(result.ok).toBe(true);
    expect(result.unit).toBe('区交通运输局');
    expect(result.projects.map((p) => [p.projectId, p.leadUnits, p.targets.length])).toEqual([
      ['p1', ['教育局'], 3],
      ['p3', ['交通运输局', '新城投资公司'], 4],
    ]);
  });

  test('the issue table after a long table of another kind is found (its own hidden sheet)', async () => {
    const g = await grid('docx-python-docx-after-other-table.docx');
    expect(g.sheets.map((s) => [s.name, s.hidden])).toEqual([
      ['表格', false],
      ['表格2', true],
    ]);
    const result = await parse('docx-python-docx-after-other-table.docx');
    expect(result.ok).toBe(true);
    expect(result.sheet).toBe('表格2');
    expect(result.unit).toBe('区教育局');
    expect(summary(result)).toEqual([P1]);
  });

  test('a short document is one sheet', async () => {
    expect((await grid('docx-python-docx-two-tables.docx')).sheets).toHaveLength(1);
  });

  test('a long text above the table still leaves the header where the parser looks', async () => {
    const result = await parse('docx-python-docx-long-preamble.docx');
    expect(result.ok).toBe(true);
    expect(result.unit).toBe('区卫健局');
    expect(summary(result)).toEqual([P2]);
  });
});

describe('Word markup in the table', () => {
  test('title row inside the table: content control and field result read, tab kept', async () => {
    const result = await parse('docx-markup.docx');
    expect(result.ok).toBe(true);
    expect(result.unit).toBe('区教育局');
    expect(result.filledOn).toBe('2021-03-15');
    const view = new SheetView(await only('docx-markup.docx'));
    expect(view.text(2, 1)).toBe('填报单位：区教育局\t填报时间：2021年3月15日');
    expect(view.merge(2, 5)).toEqual({ top: 2, left: 1, bottom: 2, right: 9 });
  });

  test('deleted text and rows are left out, inserted text kept', async () => {
    const result = await parse('docx-markup.docx');
    const p1 = result.projects[0];
    expect(p1?.problems.approval).toBe('招投标文件待区财政局审核。另需住建局出具意见。');
    expect(p1?.targets.map((t) => t.text)).toEqual([
      '完成项目工程量清算',
      '完成重新招投标',
      '项目重新开工',
    ]);
    const s = await only('docx-markup.docx');
    expect(JSON.stringify(s.cells)).not.toContain('已删除');
  });

  test('a field shows its result only; a line break and a nested table become lines', async () => {
    const result = await parse('docx-markup.docx');
    expect(result.projects[0]?.progress).toBe('已召开专题协调会，明确清算时间节点。（第1页）');
    expect(result.projects[0]?.nextSteps).toBe(
      '督促审计单位3月底前出具清算报告。\n每周报送进度。\n责任人\n办公室',
    );
  });

  test('rows placed by grid column: w:gridBefore, w:gridSpan, legacy w:hMerge', async () => {
    const s = await only('docx-markup.docx');
    const view = new SheetView(s);
    expect(view.filledColumns(7)).toEqual([2]);
    expect(view.text(7, 2)).toBe('备注：本表由项目工作专班填写。');
    expect(view.merge(7, 9)).toEqual({ top: 7, left: 2, bottom: 7, right: 9 });
    // The legacy horizontal merge (w:hMerge) below it.
    expect(view.merge(8, 2)).toEqual({ top: 8, left: 1, bottom: 8, right: 2 });
    expect(view.filledColumns(8)).toEqual([1, 3]);
    expect(view.text(8, 3)).toBe('第三列');
  });
});

describe('real Word files and bombs', () => {
  test('python-docx’s merge ground truth (tbl-cell-access.docx)', async () => {
    const s = await only('docx-corpus-word-mac__python-docx-tbl-cell-access.docx');
    // Four 3×3 tables, one empty row after each: a gridSpan=2 cell, a vertical merge of two
    // cells, and a 2×2 merge (gridSpan=2 with vMerge).
    expect(s.merges).toEqual([
      { top: 6, left: 1, bottom: 6, right: 2 },
      { top: 10, left: 2, bottom: 11, right: 2 },
      { top: 14, left: 1, bottom: 15, right: 2 },
    ]);
    const view = new SheetView(s);
    const rows = (top: number): string[][] =>
      [top, top + 1, top + 2].map((r) => [1, 2, 3].map((c) => view.text(r, c)));
    expect(rows(1)).toEqual([
      ['1', '2', '3'],
      ['4', '5', '6'],
      ['7', '8', '9'],
    ]);
    expect(rows(5)).toEqual([
      ['1', '2', '3'],
      ['4', '4', '6'],
      ['7', '8', '9'],
    ]);
    expect(rows(9)).toEqual([
      ['1', '2', '3'],
      ['4', '5', '6'],
      ['7', '5', '9'],
    ]);
    expect(rows(13)).toEqual([
      ['1', '2', '3'],
      ['4', '4', '6'],
      ['4', '4', '9'],
    ]);
    // The fourth table starts past row 10: a hidden sheet starts at it, merges shifted.
    const view4 = (await grid('docx-corpus-word-mac__python-docx-tbl-cell-access.docx')).sheets[1];
    expect(view4?.name).toBe('表格4');
    expect(view4?.merges).toEqual([{ top: 2, left: 1, bottom: 3, right: 2 }]);
  });

  test('a form drawn inside a one-column frame table is read as its inner table', async () => {
    const view = new SheetView(await only('docx-corpus-word-zh__poi-tl-161-engineering-form.docx'));
    const row = [...Array(view.maxRow).keys()]
      .map((i) => i + 1)
      .find((r) => view.text(r, 1) === '工程名称');
    expect(row).toBeDefined();
    expect(view.text(row as number, 3)).toBe('{{projectName}}');
  });

  test('a WPS document with many merged tables is read', async () => {
    const s = await only('docx-corpus-wps-zh__poi-tl-render_multiple_column.docx');
    expect(s.cells.length).toBeGreaterThan(50);
    expect(s.merges.length).toBeGreaterThan(0);
    const parsed = parseIssueSheet(
      { sheets: [s], date1904: false },
      {
        catalog: [],
        referenceDate: '2021-03-15',
      },
    );
    expect(parsed.issues.map((i) => i.code)).toEqual(['NO_HEADER']);
  });

  test('a 12 MB document.xml is read within the limits, refused under smaller ones', async () => {
    const file = 'docx-corpus-word-2013-ru__poi-bug65649-large-merged-tables.docx';
    const s = (await grid(file)).sheets[0] as GridSheet;
    expect(s.cells.length).toBeGreaterThan(10_000);
    expect(s.merges.length).toBeGreaterThan(1_000);
    expect(await refusal(file, { ...DEFAULT_LIMITS, maxEntryBytes: 8 * 1024 * 1024 })).toBe(
      'WORKBOOK_TOO_LARGE',
    );
    expect(await refusal(file, { ...DEFAULT_LIMITS, maxCellsPerSheet: 5_000 })).toBe(
      'WORKBOOK_TOO_LARGE',
    );
  });

  test('a compression bomb and a damaged document are refused with the workbook codes', async () => {
    expect(await refusal('docx-zipfile-ratio-bomb.docx')).toBe('WORKBOOK_TOO_LARGE');
    expect(await refusal('docx-zipfile-truncated.docx')).toBe('CORRUPT_WORKBOOK');
    expect(await refusal('ods-zipfile-markup.ods')).toBe('CORRUPT_WORKBOOK');
    await expect(
      readDocxGrid(fs.readFileSync(path.join(DIR, 'make_office.py')), DEFAULT_LIMITS),
    ).rejects.toMatchObject({ code: 'NOT_A_WORKBOOK' });
  });

  test('every docx fixture is one by its content (what the dispatcher reads it by)', () => {
    const files = fs.readdirSync(DIR).filter((f) => f.startsWith('docx-'));
    expect(files.length).toBeGreaterThan(4);
    for (const f of files) {
      expect([f, sniffFile(fs.readFileSync(path.join(DIR, f)))]).toEqual([
        f,
        { kind: 'sheet', format: 'docx' },
      ]);
    }
  });
});
