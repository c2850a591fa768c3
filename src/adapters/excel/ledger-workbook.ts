/**
 * The ledger of agreed items (督办台账) as a workbook to print: sheet 督办台账, a title line
 * (programme, 截至 date), the counts, a colour legend, the header (frozen, repeated on every
 * printed page), then one block per item — the item's row, filled with its current colour (red /
 * yellow / blue), green when closed, grey when awaiting the office's confirmation — followed by
 * one row per line of its history (date, kind, what happened). A4 landscape, fit to width,
 * borders, wrapped text; row heights estimated from the text (Excel, WPS and LibreOffice do not
 * grow merged rows to fit).
 */
import ExcelJS from 'exceljs';
import { markZh, type Ledger, type LedgerRow } from '../../domain/decisions/ledger';
import { formatDateZh } from '../../domain/zh/dates';
import { PAGE_FOOTER, printSetup, SHEET_FONT, THIN_BORDER } from './sheet-layout';
import { wrappedLines } from './digest-workbook';

export const LEDGER_SHEET = '督办台账';

const HEADER = [
  { label: '编号', width: 12 },
  { label: '会议', width: 16 },
  { label: '所属项目', width: 16 },
  { label: '议定事项', width: 36 },
  { label: '责任单位', width: 14 },
  { label: '配合单位', width: 14 },
  { label: '办结时限', width: 13 },
  { label: '状态', width: 8 },
  { label: '当前颜色', width: 16 },
  { label: '办结日期', width: 13 },
] as const;
const COLS = HEADER.length;
const HEADER_ROW = 4;
/** History rows: date in B, kind in C, the text merged over D…J. */
const HISTORY_TEXT_WIDTH = HEADER.slice(3).reduce((s, h) => s + h.width, 0);

const LINE_PT = 14;
const PAD_PT = 6;

function solid(argb: string): ExcelJS.Fill {
  return { type: 'pattern', pattern: 'solid', fgColor: { argb } };
}

/** The fills of the marks: light enough to read black text on and to print in grey. */
export const MARK_FILLS: Record<string, string> = {
  红色: 'FFFFC7CE',
  黄色: 'FFFFEB9C',
  蓝色: 'FFBDD7EE',
  已办结: 'FFC6EFCE',
  待确认: 'FFD9D9D9',
};
const HEADER_FILL = 'FFE7E6E6';

const LEGEND: ReadonlyArray<[string, string]> = [
  ['红色', '红色：已过办结时限'],
  ['黄色', '黄色：进展滞后'],
  ['蓝色', '蓝色：临近办结时限'],
  ['待确认', '待确认：待销号'],
  ['已办结', '已办结：已销号'],
];

function itemCells(r: LedgerRow): string[] {
  return [
    r.id,
    `${r.meeting.name || '联合会议'}\n${formatDateZh(r.meeting.date)}`,
    r.project ?? '—',
    r.note ? `${r.text}\n（备注：${r.note}）` : r.text,
    r.responsible.join('、') || '—',
    r.cooperating.join('、') || '—',
    formatDateZh(r.due),
    r.stateZh,
    r.why ? `${markZh(r)}\n${r.why}` : markZh(r),
    r.closedOn ? formatDateZh(r.closedOn) : '',
  ];
}

function heightOf(texts: ReadonlyArray<[string, number]>): number {
  const lines = Math.max(1, ...texts.map(([t, w]) => wrappedLines(t, w)));
  return lines * LINE_PT + PAD_PT;
}

export function buildLedgerWorkbook(ledger: Ledger, programmeName: string): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'duban';
  wb.title = `${programmeName}督办台账`;
  const ws = wb.addWorksheet(LEDGER_SHEET, {
    pageSetup: printSetup(`${HEADER_ROW}:${HEADER_ROW}`),
    headerFooter: PAGE_FOOTER,
    views: [{ state: 'frozen', ySplit: HEADER_ROW, xSplit: 0 }],
  });
  ws.columns = HEADER.map((h) => ({ width: h.width }));
  const font = (size: number, bold = false): Partial<ExcelJS.Font> => ({
    name: SHEET_FONT,
    size,
    bold,
  });
  const wrap: Partial<ExcelJS.Alignment> = { wrapText: true, vertical: 'middle' };

  // Title, counts, legend.
  ws.mergeCells(1, 1, 1, COLS);
  const title = ws.getCell(1, 1);
  title.value = `${programmeName}督办台账`;
  title.font = font(16, true);
  title.alignment = { horizontal: 'center', vertical: 'middle' };
  ws.getRow(1).height = 30;
  const c = ledger.counts;
  ws.mergeCells(2, 1, 2, COLS);
  const counts = ws.getCell(2, 1);
  counts.value =
    `截至${formatDateZh(ledger.asOf)}，共${c.total}项：未办结${c.open}项` +
    `（红色${c.red}项、黄色${c.yellow}项、蓝色${c.blue}项），待确认${c.awaiting}项，已办结${c.closed}项。`;
  counts.font = font(11);
  counts.alignment = { vertical: 'middle' };
  ws.getRow(2).height = 20;
  const legendLabel = ws.getCell(3, 1);
  legendLabel.value = '图例：';
  legendLabel.font = font(10, true);
  LEGEND.forEach(([mark, text], i) => {
    // B, C, D (wide), E, F: each a coloured swatch with its meaning.
    const cell = ws.getCell(3, 2 + i);
    cell.value = text;
    cell.font = font(10);
    cell.fill = solid(MARK_FILLS[mark] ?? 'FFFFFFFF');
    cell.border = THIN_BORDER;
    cell.alignment = { wrapText: true, vertical: 'middle', horizontal: 'center' };
  });
  ws.getRow(3).height = 30;

  const header = ws.getRow(HEADER_ROW);
  HEADER.forEach((h, i) => {
    const cell = header.getCell(i + 1);
    cell.value = h.label;
    cell.font = font(11, true);
    cell.fill = solid(HEADER_FILL);
    cell.border = THIN_BORDER;
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  });
  header.height = 22;

  let row = HEADER_ROW + 1;
  for (const r of ledger.rows) {
    const values = itemCells(r);
    const fill = MARK_FILLS[markZh(r)];
    const itemRow = ws.getRow(row);
    values.forEach((v, i) => {
      const cell = itemRow.getCell(i + 1);
      cell.value = v;
      cell.font = font(11, i === 0 || i === 8);
      cell.border = THIN_BORDER;
      cell.alignment = { ...wrap, horizontal: i === 3 ? 'left' : 'center' };
      if (fill) cell.fill = solid(fill);
    });
    itemRow.height = heightOf(values.map((v, i) => [v, HEADER[i]?.width ?? 12]));
    row += 1;
    const history =
      r.history.length > 0
        ? r.history.map((h) => [formatDateZh(h.date), h.what, h.text] as const)
        : ([['', '', '（暂无记录）']] as const);
    for (const [date, what, text] of history) {
      const line = ws.getRow(row);
      line.getCell(1).value = '';
      line.getCell(2).value = date;
      line.getCell(3).value = what;
      ws.mergeCells(row, 4, row, COLS);
      line.getCell(4).value = text;
      // D…J share D's style once merged: style D last, left-aligned.
      for (let col = 1; col <= 4; col += 1) {
        const cell = line.getCell(col);
        cell.font = { ...font(10), color: { argb: 'FF404040' } };
        cell.border = THIN_BORDER;
        cell.alignment = { ...wrap, horizontal: col === 4 ? 'left' : 'center' };
      }
      line.height = heightOf([
        [text, HISTORY_TEXT_WIDTH],
        [what, HEADER[2].width],
      ]);
      row += 1;
    }
  }
  if (ledger.rows.length === 0) {
    ws.mergeCells(row, 1, row, COLS);
    const none = ws.getCell(row, 1);
    none.value = '暂无议定事项。';
    none.font = font(11);
    none.border = THIN_BORDER;
  }
  return wb;
}

/** The workbook's bytes (.xlsx). */
export async function ledgerXlsx(ledger: Ledger, programmeName: string): Promise<Buffer> {
  const wb = buildLedgerWorkbook(ledger, programmeName);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
