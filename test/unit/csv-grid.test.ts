/**
 * CSV files as Excel, WPS, LibreOffice and scripts write them, read into the grid and through the
 * same parser as an .xlsx (fixtures: test/fixtures/formats/MANIFEST.tsv).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import iconv from 'iconv-lite';
import { readCsvGrid } from '../../src/adapters/formats/csv-grid';
import { sniffFile } from '../../src/adapters/formats/sniff';
import { catalogOf } from '../../src/domain/sheet/catalog';
import type { Grid } from '../../src/domain/sheet/grid';
import { parseIssueSheet, type ParsedSheet } from '../../src/domain/sheet/parse';
import { DubanError } from '../../src/errors';
import {
  comparable,
  expectedComparable,
  formatFixtures,
  FORMATS_DIR,
  readExpected,
} from '../helpers/expected-sheet';
import { exampleSchedule } from '../helpers/sheets';

async function parse(grid: Grid): Promise<ParsedSheet> {
  return parseIssueSheet(grid, {
    catalog: catalogOf(await exampleSchedule()),
    referenceDate: '2021-03-15',
  });
}

/** The sheet's cells as "A1=text" lines, for small inline tables. */
function cells(grid: Grid): string[] {
  const sheet = grid.sheets[0];
  if (!sheet) return [];
  return sheet.cells.map((c) => {
    const text = c.value.kind === 'text' ? c.value.text : JSON.stringify(c.value);
    return `${String.fromCharCode(64 + c.col)}${c.row}=${text}`;
  });
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    if (err instanceof DubanError) return err.code;
    throw err;
  }
  return 'read';
}

const HEADER =
  '序,项目名称,项目总牵头单位,攻坚目标,完成时限,存在问题（需协调事项）,问题责任部门,协调推进情况,下阶段工作对策建议';

describe('CSV files written by other software read like the same sheet as .xlsx', () => {
  test.each(formatFixtures(/\.(csv|txt)$/))('$file', async ({ file, expected }) => {
    const bytes = fs.readFileSync(path.join(FORMATS_DIR, file));
    expect(sniffFile(bytes)).toEqual({ kind: 'sheet', format: 'csv' });
    const grid = readCsvGrid(bytes);
    expect(grid.sheets).toHaveLength(1);
    expect(grid.sheets[0]?.merges).toEqual([]);
    expect(comparable(await parse(grid))).toEqual(expectedComparable(readExpected(expected)));
  });
});

describe('the charset decided from the bytes', () => {
  const text = '填报单位：区教育局,,\r\n项目名称,问题责任部门\r\n锦川实验小学项目,区发改局\r\n';
  const expected = [
    'A1=填报单位：区教育局',
    'A2=项目名称',
    'B2=问题责任部门',
    'A3=锦川实验小学项目',
    'B3=区发改局',
  ];

  test.each([
    ['GBK without BOM (Chinese Excel, WPS)', iconv.encode(text, 'gbk')],
    ['UTF-8 without BOM', Buffer.from(text, 'utf8')],
    [
      'UTF-8 with BOM (Excel "CSV UTF-8")',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
    ],
    ['UTF-16LE with BOM', iconv.encode(text, 'utf-16le', { addBOM: true })],
    [
      'UTF-16BE with BOM',
      Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(text, 'utf-16be')]),
    ],
  ])('%s', (_label, bytes) => {
    expect(cells(readCsvGrid(bytes))).toEqual(expected);
  });

  test('reads GB18030-only characters (four-byte sequences, rare name characters)', () => {
    const bytes = iconv.encode('项目名称,联系人\r\n某某项目,𠈌\r\n', 'gb18030');
    expect(bytes.length).toBeGreaterThan(0);
    expect(cells(readCsvGrid(bytes))).toContain('B2=𠈌');
  });

  test('keeps UTF-8 when the last character is cut off (a truncated file)', () => {
    const bytes = Buffer.from('项目名称,问题\n锦川实验小学项目,无', 'utf8');
    expect(cells(readCsvGrid(bytes.subarray(0, bytes.length - 1)))[2]).toBe('A2=锦川实验小学项目');
  });

  test('refuses bytes that are not text as a damaged file', () => {
    const binary = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
    expect(refusal(() => readCsvGrid(binary))).toBe('CORRUPT_WORKBOOK');
    const noisy = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i % 3 === 0 ? 0x07 : 0x41)));
    expect(refusal(() => readCsvGrid(noisy))).toBe('CORRUPT_WORKBOOK');
  });
});

describe('the delimiter detected', () => {
  test('semicolons (European Excel)', () => {
    expect(cells(readCsvGrid(Buffer.from('a;b;c\n1;2,5;3\n')))).toEqual([
      'A1=a',
      'B1=b',
      'C1=c',
      'A2=1',
      'B2=2,5',
      'C2=3',
    ]);
  });

  test('tabs, with commas inside the unquoted text (Excel "Unicode text")', () => {
    const tsv =
      '项目名称\t存在问题\t部门\n某项目\t用地, 施工, 资金均有问题\t区发改局\n某项目二\t无\t区财政局\n';
    expect(cells(readCsvGrid(Buffer.from(tsv)))).toContain('B2=用地, 施工, 资金均有问题');
  });

  test('a first line "sep=;" names the delimiter and is not a row', () => {
    expect(cells(readCsvGrid(Buffer.from('sep=;\r\na,b;c\r\n')))).toEqual(['A1=a,b', 'B1=c']);
  });
});

describe('RFC 4180 quoting, read tolerantly', () => {
  test('quoted delimiters, doubled quotes, CR/LF inside quotes (a multi-line cell)', () => {
    const csv = 'a,"b,c","say ""hi""","line 1\r\nline 2\nline 3"\r\nx,,"",y\r\n';
    expect(cells(readCsvGrid(Buffer.from(csv)))).toEqual([
      'A1=a',
      'B1=b,c',
      'C1=say "hi"',
      'D1=line 1\r\nline 2\nline 3',
      'A2=x',
      'D2=y',
    ]);
  });

  test('a quote inside an unquoted field, text after a closing quote, an unclosed quote', () => {
    expect(cells(readCsvGrid(Buffer.from('2#楼"A"区,"a"b,c\n"open,\nend')))).toEqual([
      'A1=2#楼"A"区',
      'B1=ab',
      'C1=c',
      'A2=open,\nend',
    ]);
  });

  test('CR alone ends a row; empty and blank fields are absent; a trailing newline adds no row', () => {
    expect(cells(readCsvGrid(Buffer.from('a, ,c\r\rb\r')))).toEqual(['A1=a', 'C1=c', 'A3=b']);
  });
});

describe('an issue sheet in CSV', () => {
  test('title lines above the header and continuation rows with an empty project name', async () => {
    const csv = [
      '第一批“难硬重新”重点项目突破攻坚问题清单',
      '填报单位：区教育局    填报时间：2021年3月15日',
      HEADER,
      '1,锦川实验小学项目,教育局,完成项目工程量清算,2月25日,"项目审批方面：待核准',
      '资金概算方面：无",区发改局、区财政局,正在复核,加快评审',
      ',,,完成重新招投标,3月30日,,,,',
      ',,,项目重新开工,3.31,,,,',
    ].join('\r\n');
    const result = await parse(readCsvGrid(iconv.encode(csv, 'gbk')));
    expect(result.ok).toBe(true);
    expect(result.unit).toBe('区教育局');
    expect(result.filledOn).toBe('2021-03-15');
    expect(result.projects).toHaveLength(1);
    const [project] = result.projects;
    expect(project?.projectId).toBe('p1');
    expect(project?.problems.approval).toBe('待核准');
    expect(project?.responsibleDepartments).toEqual(['区发改局', '区财政局']);
    expect(project?.targets.map((t) => [t.text, t.due, t.cell])).toEqual([
      ['完成项目工程量清算', '2021-02-25', 'E4'],
      // Rows are records, as a spreadsheet shows them: the multi-line cell is one row.
      ['完成重新招投标', '2021-03-30', 'E5'],
      ['项目重新开工', '2021-03-31', 'E6'],
    ]);
  });
});

describe('limits', () => {
  const huge = { timeout: 30_000 };

  test('a value below row 20 000 is refused; empty rows and padding columns are not', () => {
    const rows = `${'x,\n'.repeat(20_000)}y\n`;
    expect(refusal(() => readCsvGrid(Buffer.from(rows)))).toBe('WORKBOOK_TOO_LARGE');
    const padded = `a${','.repeat(700)}\n${'\n'.repeat(30_000)}`;
    expect(cells(readCsvGrid(Buffer.from(padded)))).toEqual(['A1=a']);
  });

  test('a value right of column 200 is refused', () => {
    expect(refusal(() => readCsvGrid(Buffer.from(`${','.repeat(200)}x\n`)))).toBe(
      'WORKBOOK_TOO_LARGE',
    );
    expect(cells(readCsvGrid(Buffer.from(`${','.repeat(199)}x\n`)))).toHaveLength(1);
  });

  test('a cell over 1 MB is refused, quoted or not', () => {
    const big = 'x'.repeat(1024 * 1024 + 1);
    expect(refusal(() => readCsvGrid(Buffer.from(`a,${big}\n`)))).toBe('WORKBOOK_TOO_LARGE');
    expect(refusal(() => readCsvGrid(Buffer.from(`a,"${big}`)))).toBe('WORKBOOK_TOO_LARGE');
  });

  test(
    'hostile files end: a 50 MB single line, 10 MB of quotes, 10 MB of delimiters',
    () => {
      const mb = 1024 * 1024;
      expect(refusal(() => readCsvGrid(Buffer.alloc(50 * mb, 'a')))).toBe('WORKBOOK_TOO_LARGE');
      expect(refusal(() => readCsvGrid(Buffer.alloc(10 * mb, '"')))).toBe('WORKBOOK_TOO_LARGE');
      expect(cells(readCsvGrid(Buffer.alloc(10 * mb, ',')))).toEqual([]);
      expect(cells(readCsvGrid(Buffer.alloc(10 * mb, '"",')))).toEqual([]);
    },
    huge.timeout,
  );
});
