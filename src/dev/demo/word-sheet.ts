/**
 * The notice's own form of the 问题清单: a table inside a Word document. For the demo, a unit's
 * filled workbook is retyped as such a document (title paragraphs, 填报单位 / 填报时间 lines,
 * then the table with its vertical merges), the way a unit that works in Word sends it.
 * A minimal WordprocessingML package written with jszip; the tests use documents written by
 * python-docx and LibreOffice instead.
 */
import ExcelJS from 'exceljs';
import JSZip from 'jszip';

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const para = (text: string): string =>
  `<w:p>${text
    .split('\n')
    .map(
      (line, i) =>
        `${i > 0 ? '<w:r><w:br/></w:r>' : ''}<w:r><w:t xml:space="preserve">${esc(line)}</w:t></w:r>`,
    )
    .join('')}</w:p>`;

function cellText(cell: ExcelJS.Cell): string {
  const v = cell.value;
  if (v === null || v === undefined) return '';
  if (typeof v === 'object' && 'richText' in v) return v.richText.map((r) => r.text).join('');
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(typeof v === 'object' && 'result' in v ? (v.result ?? '') : v);
}

/** The workbook's first sheet as a Word document: rows above `headerRow` as paragraphs. */
export async function wordTableFromSheet(xlsx: Buffer, headerRow = 5): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(xlsx as unknown as ExcelJS.Buffer);
  const ws = wb.worksheets[0];
  if (!ws) throw new Error('workbook without a sheet');
  const lastCol = ws.getRow(headerRow).cellCount;
  const body: string[] = [];
  for (let r = 1; r < headerRow; r++) {
    const texts = new Set<string>();
    ws.getRow(r).eachCell((c) => {
      const t = cellText(c).trim();
      if (t && !(c.isMerged && c.master !== c)) texts.add(t);
    });
    if (texts.size > 0) body.push(para([...texts].join('    ')));
  }
  const rows: string[] = [];
  for (let r = headerRow; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const first = cellText(row.getCell(1)).trim();
    if (first.startsWith('填表说明')) {
      body.push(
        `<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr>${rows.join('')}</w:tbl>`,
      );
      body.push(para(first));
      rows.length = 0;
      break;
    }
    const cells: string[] = [];
    for (let c = 1; c <= lastCol; c++) {
      const cell = row.getCell(c);
      let merge = '';
      if (cell.isMerged) {
        const master = cell.master;
        if (Number(master.col) !== c) continue; // horizontal part of a merge: not in this table
        merge = Number(master.row) === r ? '<w:vMerge w:val="restart"/>' : '<w:vMerge/>';
      }
      const text = cell.isMerged && Number(cell.master.row) !== r ? '' : cellText(cell);
      cells.push(`<w:tc><w:tcPr>${merge}</w:tcPr>${para(text)}</w:tc>`);
    }
    rows.push(`<w:tr>${cells.join('')}</w:tr>`);
  }
  if (rows.length > 0) {
    body.push(`<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr>${rows.join('')}</w:tbl>`);
  }
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
  );
  zip.file(
    '_rels/.rels',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
  );
  zip.file(
    'word/document.xml',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="${W}"><w:body>${body.join('')}<w:sectPr/></w:body></w:document>`,
  );
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}
