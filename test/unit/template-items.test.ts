/**
 * The template's sheet 议定事项落实情况: written with the unit's open items and last answers, it
 * reads back through the real reader to the same reports (the round trip); a unit leading no
 * project gets that sheet alone, and it is usable as it is.
 */
import ExcelJS from 'exceljs';
import { catalogOf, readIssueSheet } from '../../src/adapters/excel/read-sheet';
import { writeTemplate } from '../../src/adapters/excel/template';
import { exampleSchedule } from '../helpers/sheets';
import { expectedReports, ITEMS, scheduleWithItemsOnlyUnit } from '../helpers/template-items';

async function workbookOf(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  return wb;
}

describe('the template’s sheet 议定事项落实情况', () => {
  test('follows the issue sheet, listing the items with their last answers and a drop-down', async () => {
    const schedule = await exampleSchedule();
    const wb = await workbookOf(
      await writeTemplate({ schedule, unitId: 'jiaoyu', week: '2021-03-22', items: ITEMS }),
    );
    expect(wb.worksheets.map((w) => w.name)).toEqual(['问题清单', '议定事项落实情况']);
    const ws = wb.worksheets[1] as ExcelJS.Worksheet;
    expect(ws.getCell('A1').value).toBe('议定事项落实情况');
    expect(ws.getCell('A2').value).toBe('填报单位：区教育局');
    expect(ws.getCell('A3').value).toBe('填报时间：2021年3月22日');
    expect([1, 2, 3, 4, 5].map((c) => ws.getCell(4, c).value)).toEqual([
      '编号',
      '议定事项',
      '办结时限',
      '落实情况',
      '是否办结',
    ]);
    expect([1, 2, 3, 4, 5].map((c) => ws.getCell(5, c).value)).toEqual([
      '20210316-1',
      ITEMS[0]?.text,
      '2021年3月19日',
      '已上报区自然资源局，待审批。',
      '推进中',
    ]);
    expect(ws.getCell('E6').dataValidation).toMatchObject({
      type: 'list',
      formulae: ['"已办结,推进中,未启动"'],
    });
    expect(ws.getCell('B5').alignment?.wrapText).toBe(true);
    expect(ws.getCell('D7').border?.left?.style).toBe('thin');
    expect(ws.pageSetup).toMatchObject({ paperSize: 9, orientation: 'landscape' });
    expect(String(ws.getCell('A8').value)).toMatch(/^填表说明：/);
  });

  test('reads back through the reader to the same reports (the round trip)', async () => {
    const schedule = await exampleSchedule();
    const bytes = await writeTemplate({
      schedule,
      unitId: 'jiaoyu',
      week: '2021-03-22',
      items: ITEMS,
    });
    const parsed = await readIssueSheet(bytes, {
      catalog: catalogOf(schedule),
      referenceDate: '2021-03-22',
    });
    expect(parsed.itemReports).toEqual(expectedReports(ITEMS));
    expect(parsed.projects.length).toBeGreaterThan(0);
  });

  test('is the whole template of a unit leading no project, and usable as it is', async () => {
    const schedule = await scheduleWithItemsOnlyUnit();
    const bytes = await writeTemplate({
      schedule,
      unitId: 'caizheng',
      week: '2021-03-22',
      items: ITEMS,
    });
    expect((await workbookOf(bytes)).worksheets.map((w) => w.name)).toEqual(['议定事项落实情况']);
    const parsed = await readIssueSheet(bytes, {
      catalog: catalogOf(schedule),
      referenceDate: '2021-03-22',
    });
    expect(parsed).toMatchObject({
      ok: true,
      projects: [],
      issues: [],
      unit: '区财政局',
      filledOn: '2021-03-22',
      sheet: '议定事项落实情况',
    });
    expect(parsed.itemReports).toEqual(expectedReports(ITEMS));
  });

  test('is not written without items', async () => {
    const schedule = await exampleSchedule();
    const wb = await workbookOf(
      await writeTemplate({ schedule, unitId: 'jiaoyu', week: '2021-03-22', items: [] }),
    );
    expect(wb.worksheets.map((w) => w.name)).toEqual(['问题清单']);
  });
});
