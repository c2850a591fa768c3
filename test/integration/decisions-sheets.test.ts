/**
 * A meeting's list of agreed items made by other software (Python's stdlib, LibreOffice: see
 * test/fixtures/decisions/make.py) reads to the same ItemListReading in every format the sheet
 * reader reads; the template's sheet 议定事项落实情况 opens in LibreOffice and reads back from what
 * LibreOffice saves. The LibreOffice cases run only where soffice is installed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { catalogOf } from '../../src/adapters/excel/read-sheet';
import { writeTemplate } from '../../src/adapters/excel/template';
import { DocumentReader } from '../../src/adapters/formats/document-reader';
import { libreOfficeAvailable } from '../../src/adapters/formats/libreoffice';
import { readDocument } from '../../src/adapters/formats/read-document';
import { documentConverter } from '../../src/compose/converters';
import type { ItemListReading } from '../../src/domain/decisions/types';
import { expectedReports, ITEMS, scheduleWithItemsOnlyUnit } from '../helpers/template-items';
import { exampleSchedule } from '../helpers/sheets';

const DIR = path.join(__dirname, '..', 'fixtures', 'decisions');
const withLibreOffice = libreOfficeAvailable() ? test : test.skip;

const reader = new DocumentReader(
  (bytes, options) => readDocument(bytes, options),
  documentConverter(),
);
const read = (bytes: Buffer) => reader.read(bytes, { catalog: [], referenceDate: '2021-03-15' });

/** What every fixture holds (make.py's ROWS), read. */
const EXPECTED: Omit<ItemListReading, 'rows'> & {
  rows: Array<Omit<ItemListReading['rows'][number], 'cell'>>;
} = {
  meeting: { name: '区重点项目联合会议第三次会议', date: '2021-03-16' },
  rows: [
    {
      n: 1,
      project: '锦川实验小学项目',
      text: '尽快完成项目用地报批手续',
      responsible: ['区自然资源局'],
      cooperating: ['区教育局', '区住建局'],
      due: '2021-03-19',
      dueText: null,
      note: null,
    },
    {
      n: 2,
      project: '锦川实验小学项目',
      text: '落实首期建设资金\n（2000万元）',
      responsible: ['区财政局'],
      cooperating: [],
      due: '2021-03-31',
      dueText: null,
      note: '分两期拨付',
    },
    {
      n: 3,
      project: '城南污水处理厂',
      text: '协调解决施工临时用电',
      responsible: ['区发改委', '区供电公司'],
      cooperating: ['区住建局'],
      due: '2021-04-15',
      dueText: null,
      note: null,
    },
    {
      n: 4,
      project: '泉港高铁站前广场及配套工程',
      text: '加快征迁扫尾工作',
      responsible: ['区交通运输局'],
      cooperating: [],
      due: null,
      dueText: '月底前',
      note: null,
    },
  ],
  issues: [expect.objectContaining({ code: 'ITEM_LIST_ROW_INCOMPLETE', severity: 'warning' })],
};

async function expectTheList(file: string, format: string): Promise<void> {
  const parsed = await read(fs.readFileSync(path.join(DIR, file)));
  expect(parsed).toMatchObject({ ok: true, format, projects: [], issues: [] });
  const list = parsed.itemList as ItemListReading;
  expect({ ...list, rows: list.rows.map(({ cell: _cell, ...row }) => row) }).toEqual(EXPECTED);
  // The cell of each item names its 议定事项 cell (column C, or 1-based rows after the title).
  expect(list.rows.every((r) => /^C\d+$/.test(r.cell))).toBe(true);
  expect(list.issues[0]?.message).toContain('“月底前”无法识别为日期');
}

describe('a meeting’s list of agreed items made by other software', () => {
  test.each([
    ['item-list_python.html', 'html'],
    ['item-list_python-gbk.csv', 'csv'],
    ['item-list_libreoffice.xlsx', 'xlsx'],
    ['item-list_libreoffice.ods', 'ods'],
    ['item-list_libreoffice.docx', 'docx'],
  ])('%s reads to the same list', async (file, format) => {
    await expectTheList(file, format);
  });

  withLibreOffice(
    'item-list_libreoffice.xls (legacy BIFF8, converted by LibreOffice) too',
    async () => {
      await expectTheList('item-list_libreoffice.xls', 'xls');
    },
  );

  test('every fixture is listed in MANIFEST.tsv', () => {
    const listed = fs
      .readFileSync(path.join(DIR, 'MANIFEST.tsv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t')[0]);
    const files = fs.readdirSync(DIR).filter((f) => !/\.(py|tsv)$/.test(f));
    expect(listed.sort()).toEqual(files.sort());
  });
});

describe('the template’s sheet 议定事项落实情况 in LibreOffice', () => {
  withLibreOffice(
    'opens there, and what LibreOffice saves reads back to the same reports',
    async () => {
      const schedule = await scheduleWithItemsOnlyUnit();
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-items-lo-'));
      try {
        const source = path.join(tmp, 'template.xlsx');
        fs.writeFileSync(
          source,
          await writeTemplate({ schedule, unitId: 'caizheng', week: '2021-03-22', items: ITEMS }),
        );
        const out = path.join(tmp, 'out');
        const convert = (target: string) =>
          execFileSync(
            'soffice',
            [
              `-env:UserInstallation=${pathToFileURL(path.join(tmp, 'profile')).href}`,
              '--headless',
              '--norestore',
              '--convert-to',
              target,
              '--outdir',
              out,
              source,
            ],
            { stdio: 'ignore', timeout: 120_000 },
          );
        convert('xls:MS Excel 97');
        convert('csv:Text - txt - csv (StarCalc):44,34,76,1');
        for (const [file, format] of [
          ['template.xls', 'xls'],
          ['template.csv', 'csv'],
        ] as const) {
          const parsed = await reader.read(fs.readFileSync(path.join(out, file)), {
            catalog: catalogOf(await exampleSchedule()),
            referenceDate: '2021-03-22',
          });
          expect(parsed).toMatchObject({ ok: true, format, projects: [], unit: '区财政局' });
          expect(parsed.itemReports).toEqual(expectedReports(ITEMS));
        }
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    },
  );
});
