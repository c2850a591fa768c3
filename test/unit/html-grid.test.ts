/**
 * HTML tables (LibreOffice/Excel "save as web page", an OA system's HTML "报表.xls", a range pasted
 * into a mail by Outlook/WPS/Foxmail) read into the grid and through the same parser as an .xlsx
 * (fixtures: test/fixtures/formats/MANIFEST.tsv).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import iconv from 'iconv-lite';
import { decodeHtmlBytes, readHtmlGrid } from '../../src/adapters/formats/html-grid';
import { sniffFile } from '../../src/adapters/formats/sniff';
import { catalogOf } from '../../src/domain/sheet/catalog';
import type { Grid, GridSheet } from '../../src/domain/sheet/grid';
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

/** A sheet's cells as "A1=text" lines. */
function cells(sheet: GridSheet | undefined): string[] {
  return (sheet?.cells ?? []).map((c) => {
    const text = c.value.kind === 'text' ? c.value.text : JSON.stringify(c.value);
    return `${String.fromCharCode(64 + c.col)}${c.row}=${text}`;
  });
}

function only(html: string): GridSheet | undefined {
  const grid = readHtmlGrid(html);
  expect(grid.sheets).toHaveLength(1);
  return grid.sheets[0];
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

describe('HTML tables written by other software read like the same sheet as .xlsx', () => {
  test.each(formatFixtures(/\.(html|xls|mht)$/))('$file', async ({ file, expected }) => {
    const bytes = fs.readFileSync(path.join(FORMATS_DIR, file));
    expect(sniffFile(bytes)).toEqual({ kind: 'sheet', format: 'html' });
    const grid = readHtmlGrid(decodeHtmlBytes(bytes));
    expect(comparable(await parse(grid))).toEqual(expectedComparable(readExpected(expected)));
  });

  test('LibreOffice rowspans become merges with the covered cells absent, as in the .xlsx', () => {
    const html = fs.readFileSync(path.join(FORMATS_DIR, 'libreoffice_official_all4.html'));
    const sheet = readHtmlGrid(decodeHtmlBytes(html)).sheets[0];
    expect(sheet?.merges).toContainEqual({ top: 2, left: 1, bottom: 2, right: 9 });
    expect(sheet?.merges).toContainEqual({ top: 6, left: 2, bottom: 8, right: 2 });
    expect(sheet?.cells.find((c) => c.row === 7 && c.col === 2)).toBeUndefined();
  });
});

describe('table structure', () => {
  test('rowspan and colspan: merges, covered cells skipped, later cells placed after them', () => {
    const sheet = only(
      '<table><tr><td rowspan=2>A</td><td colspan="2">B</td><td>D</td></tr>' +
        '<tr><td>b2</td><td rowspan=3>c2</td><td>d2</td></tr></table>',
    );
    expect(cells(sheet)).toEqual(['A1=A', 'B1=B', 'D1=D', 'B2=b2', 'C2=c2', 'D2=d2']);
    // The rowspan of 3 past the last row ends at the last row, as browsers draw it.
    // (C2's merge, cut to one cell, is no merge at all.)
    expect(sheet?.merges).toEqual([
      { top: 1, left: 1, bottom: 2, right: 1 },
      { top: 1, left: 2, bottom: 1, right: 3 },
    ]);
  });

  test("Excel's overflow colspan (mso-ignore:colspan) places the cells after it but merges nothing", () => {
    const sheet = only(
      "<table><tr><td colspan=3 style='mso-ignore:colspan'>填报单位：区发改局</td><td>x</td></tr>" +
        "<tr><td>1</td><td class=xl65 colspan=2 style='height:14.25pt;mso-ignore:colspan'>完成项目工程量清算</td><td>y</td></tr></table>",
    );
    expect(cells(sheet)).toEqual([
      'A1=填报单位：区发改局',
      'D1=x',
      'A2=1',
      'B2=完成项目工程量清算',
      'D2=y',
    ]);
    expect(sheet?.merges).toEqual([]);
  });

  test('a colspan running into a rowspan stops before it (no overlapping merges)', () => {
    const sheet = only(
      '<table><tr><td>a</td><td rowspan=2>b</td><td>c</td></tr><tr><td colspan=3>x</td><td>y</td></tr></table>',
    );
    expect(cells(sheet)).toEqual(['A1=a', 'B1=b', 'C1=c', 'A2=x', 'C2=y']);
    expect(sheet?.merges).toEqual([{ top: 1, left: 2, bottom: 2, right: 2 }]);
  });

  test('<th>, <thead>/<tbody>, implied </td> and </tr>, a cell before any <tr>', () => {
    const sheet = only(
      '<table><td>first<thead><tr><th>序<th>项目名称<tbody><tr><td>1<td>某项目</table>',
    );
    expect(cells(sheet)).toEqual(['A1=first', 'A2=序', 'B2=项目名称', 'A3=1', 'B3=某项目']);
  });

  test('every table is a sheet in document order; a nested table is a sheet of its own', () => {
    const grid = readHtmlGrid(
      '<p>正文</p><table><tr><td>layout<table><tr><td>inner</td></tr></table>after</td></tr></table>' +
        '<table></table><table><tr><td>third</td></tr></table>',
    );
    expect(grid.sheets.map((s) => [s.name, cells(s)])).toEqual([
      ['Table 1', ['A1=layout\nafter']],
      ['Table 2', ['A1=inner']],
      ['Table 4', ['A1=third']],
    ]);
  });

  test('no table: no sheet (the parser answers NO_WORKSHEET)', async () => {
    const grid = readHtmlGrid('<p>请查收附件。</p><td>not in a table</td>');
    expect(grid.sheets).toEqual([]);
    expect((await parse(grid)).issues.map((i) => i.code)).toEqual(['NO_WORKSHEET']);
  });
});

describe('cell text', () => {
  test('<br> and <p> are line breaks; inline tags, <o:p> and source whitespace are not', () => {
    const sheet = only(
      '<table><tr><td><p class=MsoNormal><span lang=EN-US>项目审批方面：</span><b>无</b><o:p></o:p></p>' +
        '<p class=MsoNormal>资金概算方面：<font color=red>待定</font></p></td>' +
        "<td>a<br style='mso-data-placement:same-cell'>b<br><br>c</td>" +
        '<td>\n   two   words \n</td><td><font><br></font></td><td>&nbsp;</td></tr></table>',
    );
    expect(cells(sheet)).toEqual([
      'A1=项目审批方面：无\n资金概算方面：待定',
      'B1=a\nb\n\nc',
      'C1=two words',
    ]);
  });

  test('a source line break inside Chinese text disappears, between Latin words it is a space', () => {
    const sheet = only(
      '<table><tr><td>招标控制价须经区财政局评审后方\r\n  可挂网 and\nmore</td></tr></table>',
    );
    expect(cells(sheet)).toEqual(['A1=招标控制价须经区财政局评审后方可挂网 and more']);
  });

  test('entities: named, numeric, legacy without semicolon, unknown kept', () => {
    const sheet = only(
      '<table><tr><td>&ldquo;难硬重新&rdquo; &#20013;&#x6587; a&amp;b &lt;c&gt; &nbsp;x &#150; &bogus; &amp</td></tr></table>',
    );
    expect(cells(sheet)).toEqual(['A1=“难硬重新” 中文 a&b <c>  x – &bogus; &']);
  });

  test('comments, conditional comments, <style>, <script>, <title> and <xml> are not text', () => {
    const sheet = only(
      '<html><head><title>a <td> b</title><style>td {mso-number-format:"\\@";} </td></style>' +
        '<!--[if gte mso 9]><xml><x:ExcelWorkbook><x:Name>Sheet1</x:Name></x:ExcelWorkbook></xml><![endif]-->' +
        '</head><body><table><tr><td>a<!-- <td>hidden</td> --><script>document.write("<td>x</td>")</script>b</td>' +
        '<![if !supportMisalignedColumns]><td>c</td><![endif]><td><xml><o:p>z</o:p></xml>d</td></tr></table>',
    );
    expect(cells(sheet)).toEqual(['A1=ab', 'B1=c', 'C1=d']);
  });
});

describe('decodeHtmlBytes', () => {
  const body = '<table><tr><td>填报单位：区教育局 𠈌</td></tr></table>';

  const rare = '<table><tr><td>填报单位：区教育局 𠈌</td></tr></table>';
  test.each([
    ['<meta charset=gb2312>', 'gb18030', rare],
    ['<meta http-equiv=Content-Type content="text/html; charset=GBK">', 'gb18030', rare],
    ["<meta http-equiv='Content-Type' content='text/html;charset=gb18030'>", 'gb18030', rare],
    ['<?xml version="1.0" encoding="GB2312"?><html>', 'gb18030', rare],
    ['<meta charset="utf-8">', 'utf8', rare],
    ['', 'utf8', rare],
    ['<meta charset="big5">', 'big5', '<td>填報單位：教育局</td>'],
  ])('%s', (head, encoding, html) => {
    expect(decodeHtmlBytes(iconv.encode(`${head}${html}`, encoding))).toBe(`${head}${html}`);
  });

  test('a byte-order mark wins over the declaration', () => {
    const text = `<meta charset="gb2312">${body}`;
    expect(decodeHtmlBytes(iconv.encode(text, 'utf-16le', { addBOM: true }))).toContain('区教育局');
    expect(
      decodeHtmlBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])),
    ).toContain('区教育局');
  });

  test('a web archive (.mht): every HTML part in its own charset and transfer encoding', () => {
    const sheet = (name: string): string => `<table><tr><td>${name}</td></tr></table>`;
    const mht = Buffer.concat([
      Buffer.from(
        'MIME-Version: 1.0\r\nX-Document-Type: Workbook\r\nContent-Type: multipart/related;\r\n' +
          '\tboundary="----=_NextPart_X"\r\n\r\npreamble\r\n------=_NextPart_X\r\n' +
          'Content-Location: file:///C:/a.htm\r\nContent-Transfer-Encoding: base64\r\n' +
          'Content-Type: text/html; charset="utf-8"\r\n\r\n' +
          `${Buffer.from(sheet('第一页')).toString('base64')}\r\n------=_NextPart_X\r\n` +
          'Content-Transfer-Encoding: quoted-printable\r\nContent-Type: text/html; charset="us-ascii"\r\n\r\n' +
          '<meta charset=3D"gb2312"><table><tr><td>',
      ),
      iconv.encode('第二页', 'gbk'),
      Buffer.from(
        '</td></tr></table>\r\n------=_NextPart_X\r\nContent-Type: image/png\r\n\r\n<table>\r\n' +
          '------=_NextPart_X--\r\n',
      ),
    ]);
    const grid = readHtmlGrid(decodeHtmlBytes(mht));
    expect(grid.sheets.map((s) => cells(s))).toEqual([['A1=第一页'], ['A1=第二页']]);
  });

  test('GBK bytes without a declaration, or under a wrong UTF-8 one, are read as GB18030', () => {
    expect(decodeHtmlBytes(iconv.encode(body, 'gbk'))).toContain('区教育局');
    expect(decodeHtmlBytes(iconv.encode(`<meta charset="utf-8">${body}`, 'gb18030'))).toContain(
      '区教育局 𠈌',
    );
  });
});

describe('limits and hostile input', () => {
  const mb = 1024 * 1024;

  test('a value below row 20 000 or right of column 200 is refused; empty cells there are not', () => {
    expect(refusal(() => readHtmlGrid(`<table>${'<tr><td>x'.repeat(20_001)}`))).toBe(
      'WORKBOOK_TOO_LARGE',
    );
    expect(refusal(() => readHtmlGrid(`<table><tr>${'<td>x'.repeat(201)}`))).toBe(
      'WORKBOOK_TOO_LARGE',
    );
    expect(cells(only(`<table><tr><td>a${'<td>'.repeat(500)}${'<tr>'.repeat(30_000)}`))).toEqual([
      'A1=a',
    ]);
  });

  test('tables nested too deep are refused', () => {
    expect(refusal(() => readHtmlGrid('<table><tr><td>'.repeat(100_000)))).toBe(
      'WORKBOOK_TOO_LARGE',
    );
  });

  test('huge rowspan/colspan values are bounded', () => {
    const sheet = only('<table><tr><td rowspan=999999 colspan=999999>x</td></tr></table>');
    expect(sheet?.merges).toEqual([{ top: 1, left: 1, bottom: 1, right: 200 }]);
  });

  test('hostile documents end: 1 MB of <td>, unclosed tags, comments and quotes, a 50 MB line', () => {
    expect(readHtmlGrid(`<table><tr>${'<td>'.repeat(mb / 4)}`).sheets).toEqual([]);
    expect(readHtmlGrid('<td>'.repeat(mb / 4)).sheets).toEqual([]);
    expect(cells(only(`<table><tr><td>a</td><td title="${'x'.repeat(mb)}`))).toEqual(['A1=a']);
    expect(cells(only(`<table><tr><td>a</td><!--${'<td>'.repeat(mb)}`))).toEqual(['A1=a']);
    expect(cells(only(`<table><tr><td>a</td><script>${'<td>x'.repeat(mb)}`))).toEqual(['A1=a']);
    expect(cells(only(`<table><tr><td>a${'<div>'.repeat(mb / 5)}b`))).toEqual(['A1=a\nb']);
    expect(refusal(() => readHtmlGrid(`<table><tr><td>${'x'.repeat(50 * mb)}`))).toBe(
      'WORKBOOK_TOO_LARGE',
    );
    expect(refusal(() => readHtmlGrid(`<table><tr><td>${'&amp;'.repeat(4 * mb)}`))).toBe(
      'WORKBOOK_TOO_LARGE',
    );
    expect(refusal(() => readHtmlGrid(`<table><tr><td>${'<'.repeat(10 * mb)}`))).toBe(
      'WORKBOOK_TOO_LARGE',
    );
    expect(readHtmlGrid('<'.repeat(10 * mb)).sheets).toEqual([]);
  }, 30_000);
});
