/**
 * The ledger workbook (督办台账.xlsx): its layout read back with exceljs (sheet, title, legend,
 * header repeated and frozen, A4 landscape fit to width, item rows filled by their mark, history
 * rows below each item), then opened by the real LibreOffice (headless) as CSV and as PDF.
 * LEDGER_KEEP_DIR=<dir> keeps the workbook and its PDF to look at.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ExcelJS from 'exceljs';
import { LEDGER_SHEET, ledgerXlsx, MARK_FILLS } from '../../src/adapters/excel/ledger-workbook';
import { readLedger } from '../../src/app/decisions/ledger';
import type { Schedule } from '../../src/config/schedule';
import type { Ledger } from '../../src/domain/decisions/ledger';
import { HOSTILE_TEXT, LEDGER_NOW, ledgerScenario } from '../helpers/ledger-scenario';
import { exampleSchedule } from '../helpers/sheets';

jest.setTimeout(180_000);

function sofficeAvailable(): boolean {
  return spawnSync('soffice', ['--version'], { encoding: 'utf8' }).status === 0;
}

function soffice(dir: string, to: string, file: string): void {
  const result = spawnSync(
    'soffice',
    [
      `-env:UserInstallation=file://${path.join(dir, 'profile')}`,
      '--headless',
      '--convert-to',
      to,
      '--outdir',
      dir,
      file,
    ],
    { encoding: 'utf8', timeout: 150_000 },
  );
  expect([to, result.status]).toEqual([to, 0]);
}

function fillOf(cell: ExcelJS.Cell): string | undefined {
  const f = cell.fill as ExcelJS.FillPattern | undefined;
  return f?.fgColor?.argb;
}

describe('the ledger workbook', () => {
  let schedule: Schedule;
  let ledger: Ledger;
  let bytes: Buffer;
  let ws: ExcelJS.Worksheet;
  beforeAll(async () => {
    schedule = await exampleSchedule();
    const store = await ledgerScenario(schedule, { hostile: true });
    ledger = await readLedger({ decisions: store, schedule }, LEDGER_NOW);
    bytes = await ledgerXlsx(ledger, schedule.programme.name);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet(LEDGER_SHEET);
    if (!sheet) throw new Error('no 督办台账 sheet');
    ws = sheet;
  });

  it('has a title with the programme and the 截至 date, the counts and a legend', () => {
    expect(ws.getCell('A1').value).toBe(`${schedule.programme.name}督办台账`);
    expect(String(ws.getCell('A2').value)).toMatch(/^截至2021年3月19日，共4项：未办结3项（红色1项/);
    expect(ws.getCell('A3').value).toBe('图例：');
    expect(ws.getCell('B3').value).toBe('红色：已过办结时限');
    expect(fillOf(ws.getCell('B3'))).toBe(MARK_FILLS['红色']);
    expect(fillOf(ws.getCell('F3'))).toBe(MARK_FILLS['已办结']);
  });

  it('prints on A4 landscape, fit to width, with the header row repeated and frozen', () => {
    expect(ws.pageSetup.paperSize).toBe(9);
    expect(ws.pageSetup.orientation).toBe('landscape');
    expect(ws.pageSetup.fitToPage).toBe(true);
    expect(ws.pageSetup.fitToWidth).toBe(1);
    expect(ws.pageSetup.fitToHeight).toBe(0);
    expect(ws.pageSetup.printTitlesRow).toBe('4:4');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 4 });
    expect(ws.getRow(4).values).toEqual([
      undefined,
      '编号',
      '会议',
      '所属项目',
      '议定事项',
      '责任单位',
      '配合单位',
      '办结时限',
      '状态',
      '当前颜色',
      '办结日期',
    ]);
  });

  it('writes each item in its colour, its history below it, with borders and wrapped text', () => {
    const ids = new Map<string, number>();
    ws.eachRow((row, n) => {
      const v = row.getCell(1).value;
      if (typeof v === 'string' && /^\d{8}-\d+$/.test(v)) ids.set(v, n);
    });
    expect([...ids.keys()]).toEqual(['20210302-1', '20210302-2', '20210302-3', '20210302-4']);
    const red = ids.get('20210302-1') as number;
    expect(fillOf(ws.getCell(red, 1))).toBe(MARK_FILLS['红色']);
    expect(fillOf(ws.getCell(red, 10))).toBe(MARK_FILLS['红色']);
    expect(String(ws.getCell(red, 9).value)).toMatch(/^红色\n办结时限2021年3月12日已过/);
    expect(ws.getCell(red, 4).alignment?.wrapText).toBe(true);
    expect(ws.getCell(red, 4).border?.top?.style).toBe('thin');
    expect(fillOf(ws.getCell(ids.get('20210302-2') as number, 1))).toBe(MARK_FILLS['已办结']);
    expect(ws.getCell(ids.get('20210302-2') as number, 10).value).toBe('2021年3月9日');
    // The history rows of the red item: date, kind, text merged over D…J.
    const history = [1, 2, 3, 4, 5].map((i) => [
      ws.getCell(red + i, 2).value,
      ws.getCell(red + i, 3).value,
    ]);
    expect(history).toEqual([
      ['2021年3月2日', '记录'],
      ['2021年3月3日', '交办'],
      ['2021年3月3日', '更新'],
      ['2021年3月8日', '周报'],
      ['2021年3月15日', '红色督办单'],
    ]);
    expect(ws.getCell(red + 5, 4).value).toBe('红色督办单发送区教育局（待发送）');
    expect(ws.getCell(red + 5, 10).isMerged).toBe(true);
    // Hostile text is kept as text (a cell, not markup).
    expect(ws.getCell(ids.get('20210302-4') as number, 4).value).toBe(
      `${HOSTILE_TEXT}\n（备注：${HOSTILE_TEXT}）`,
    );
  });

  const available = sofficeAvailable();
  if (!available) {
    console.warn('ledger-workbook.test.ts: LibreOffice (soffice) is not installed: skipped.');
  }
  (available ? it : it.skip)(
    'opens in LibreOffice: the CSV has every item and history line, the PDF prints',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-ledger-lo-'));
      try {
        const file = path.join(dir, 'ledger.xlsx');
        fs.writeFileSync(file, bytes);
        soffice(dir, 'csv:Text - txt - csv (StarCalc):44,34,76,1', file);
        const csv = fs.readFileSync(path.join(dir, 'ledger.csv'), 'utf8');
        for (const r of ledger.rows) {
          expect(csv).toContain(r.id);
          for (const h of r.history) expect(csv).toContain(h.text.replaceAll('"', '""'));
        }
        soffice(dir, 'pdf', file);
        const pdf = fs.readFileSync(path.join(dir, 'ledger.pdf'));
        expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
        const keep = process.env.LEDGER_KEEP_DIR;
        if (keep) {
          fs.mkdirSync(keep, { recursive: true });
          fs.copyFileSync(path.join(dir, 'ledger.pdf'), path.join(keep, 'ledger.pdf'));
          fs.copyFileSync(file, path.join(keep, 'ledger.xlsx'));
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
