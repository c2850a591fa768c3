/**
 * The XML sheet reader (src/adapters/excel/xml-grid.ts) against the exceljs path it replaces for
 * reading: on every workbook of the fixtures, of the shared corpus (when present) and of the
 * template round trip, both give the same grid cell by cell, or the XML reader declines and
 * exceljs reads the file as before. Declining is allowed only for the files listed below.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ExcelJS from 'exceljs';
import { inspectWorkbook, type WorkbookFacts } from '../../src/adapters/excel/guard';
import { loadWorkbook, toGrid } from '../../src/adapters/excel/read-workbook';
import { NotForXmlReader, readGridFromXml } from '../../src/adapters/excel/xml-grid';
import { writeTemplate } from '../../src/adapters/excel/template';
import type { Grid } from '../../src/domain/sheet/grid';
import { exampleSchedule } from '../helpers/sheets';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const SHARED_CORPUS = '/work/shared/corpus';

function workbooksUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...workbooksUnder(full));
    else if (/\.xlsx$/i.test(entry.name)) out.push(full);
  }
  return out.sort();
}

/** Files the XML reader leaves to exceljs, with the reason it gives (checked below). */
const DECLINED: Record<string, RegExp> = {
  // exceljs refuses these three too (saxes: text outside the root; an undefined entity).
  'malformed__exceljs-invalid-xml.xlsx': /text outside the root element/,
  'malformed__poi-xlsx-corrupted.xlsx': /text outside the root element/,
  'malformed__poi-xml-entity-bomb.xlsx': /DOCTYPE/,
  // Rows without an r attribute: exceljs numbers them its own way.
  'malformed__poi-huge-shared-strings.xlsx': /row numbers/,
};

type Outcome = { grid: Grid } | { error: string };

async function viaExceljs(bytes: Buffer, facts: WorkbookFacts): Promise<Outcome> {
  try {
    return { grid: toGrid(await loadWorkbook(bytes, facts), facts) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

function viaXml(bytes: Buffer, facts: WorkbookFacts): Outcome | { declined: string } {
  try {
    return { grid: readGridFromXml(bytes, facts) };
  } catch (err) {
    if (err instanceof NotForXmlReader) return { declined: err.message };
    return { error: (err as Error).message };
  }
}

/** Compares two grids cell by cell, naming the first difference. */
function expectSameGrid(actual: Grid, expected: Grid): void {
  expect(actual.date1904).toBe(expected.date1904);
  expect(actual.sheets.map((s) => [s.name, s.hidden])).toEqual(
    expected.sheets.map((s) => [s.name, s.hidden]),
  );
  actual.sheets.forEach((sheet, i) => {
    const other = expected.sheets[i];
    expect(sheet.merges).toEqual(other?.merges);
    expect(sheet.cells.length).toBe(other?.cells.length);
    sheet.cells.forEach((cell, j) => expect(cell).toEqual(other?.cells[j]));
  });
}

const files = [...workbooksUnder(FIXTURES), ...workbooksUnder(SHARED_CORPUS)];
const declined: Array<[string, string]> = [];

describe('the XML sheet reader gives the grid exceljs gives', () => {
  test.each(files.map((f) => [path.relative('/', f)]))('/%s', async (rel) => {
    const file = `/${rel}`;
    const bytes = fs.readFileSync(file);
    let facts: WorkbookFacts;
    try {
      facts = await inspectWorkbook(bytes);
    } catch {
      return; // refused by the guard before either reader sees it
    }
    const xml = viaXml(bytes, facts);
    if ('declined' in xml) {
      declined.push([path.basename(file), xml.declined]);
      return;
    }
    const exceljs = await viaExceljs(bytes, facts);
    if ('error' in exceljs) {
      // The XML reader must not read what exceljs refuses.
      expect(xml).toEqual({ error: expect.any(String) });
      return;
    }
    if ('error' in xml) throw new Error(`XML reader failed where exceljs read: ${xml.error}`);
    expectSameGrid(xml.grid, exceljs.grid);
  });

  test('it declines only the files it is known to leave to exceljs', () => {
    const unexpected = declined.filter(([f, why]) => !DECLINED[f]?.test(why));
    expect(unexpected).toEqual([]);
  });

  test('on the template round trip: every unit’s template, blank and filled in', async () => {
    const schedule = await exampleSchedule();
    for (const unit of schedule.units) {
      for (const statusColumn of [false, true]) {
        const template = await writeTemplate({
          schedule,
          unitId: unit.id,
          week: '2021-04-12',
          statusColumn,
        });
        // Filled in as a unit would (text with line breaks and entities, a date, a number).
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(template as unknown as ExcelJS.Buffer);
        const ws = wb.worksheets[0] as ExcelJS.Worksheet;
        ws.getCell('F6').value = '项目审批方面：用地预审<待批>&“加快”\n资金概算方面：无';
        ws.getCell('H6').value = { richText: [{ text: '截至4月12日，' }, { text: '已开工' }] };
        ws.getCell('E6').value = new Date(Date.UTC(2021, 5, 30));
        ws.getCell('G6').value = 42.5;
        const filled = Buffer.from(await wb.xlsx.writeBuffer());
        for (const bytes of [template, filled]) {
          const facts = await inspectWorkbook(bytes);
          const xml = viaXml(bytes, facts);
          const exceljs = await viaExceljs(bytes, facts);
          if (!('grid' in xml) || !('grid' in exceljs)) throw new Error(JSON.stringify(xml));
          expectSameGrid(xml.grid, exceljs.grid);
        }
      }
    }
  });
});
