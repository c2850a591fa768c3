import * as fs from 'node:fs';
import * as path from 'node:path';
import { catalogOf, readIssueSheet } from '../../src/adapters/excel/read-sheet';
import { checkSheetForUnit } from '../../src/domain/intake/check-sheet';
import { exampleSchedule, SHEETS_DIR } from '../helpers/sheets';

async function read(file: string) {
  const schedule = await exampleSchedule();
  const sheet = await readIssueSheet(fs.readFileSync(path.join(SHEETS_DIR, file)), {
    catalog: catalogOf(schedule),
    referenceDate: '2021-03-15',
  });
  return { schedule, sheet };
}

describe('checking a sheet against the sending unit’s projects', () => {
  it('accepts the unit’s own single-project sheet without remarks', async () => {
    const { schedule, sheet } = await read('openpyxl_single_p1.xlsx');
    expect(checkSheetForUnit(sheet, 'jiaoyu', schedule)).toEqual({
      issues: [],
      unitProjects: ['p1'],
    });
  });

  it('notes the other units’ projects in a whole-table sheet, with their cells', async () => {
    const { schedule, sheet } = await read('openpyxl_official_all4.xlsx');
    const r = checkSheetForUnit(sheet, 'nongshui', schedule);
    expect(r.unitProjects).toEqual(['p4']);
    expect(r.issues.map((i) => `${i.code}@${i.cell}`)).toEqual(
      sheet.projects
        .filter((p) => p.projectId !== 'p4')
        .map((p) => `PROJECT_OF_OTHER_UNIT@${p.cell}`),
    );
  });

  it('lets either lead unit of project 3 send it', async () => {
    const { schedule, sheet } = await read('openpyxl_two_sheets_instructions.xlsx');
    expect(checkSheetForUnit(sheet, 'jiaotong', schedule).unitProjects).toEqual(['p3']);
    expect(checkSheetForUnit(sheet, 'xincheng', schedule).unitProjects).toEqual(['p3']);
  });

  it('refuses a sheet with none of the unit’s projects', async () => {
    const { schedule, sheet } = await read('openpyxl_single_p1.xlsx');
    const r = checkSheetForUnit(sheet, 'weijian', schedule);
    expect(r.issues[0]).toMatchObject({ code: 'NO_PROJECT_OF_UNIT', severity: 'error' });
    expect(r.issues[0]?.message).toContain('泉港医院病房大楼2#楼及附属配套设施项目');
  });

  it('flags a due date that differs from the schedule, at its cell', async () => {
    const { schedule, sheet } = await read('openpyxl_single_p1.xlsx');
    const changed = structuredClone(sheet);
    const target = changed.projects[0]?.targets[1];
    if (!target) throw new Error('fixture changed');
    target.due = '2021-04-15';
    const r = checkSheetForUnit(changed, 'jiaoyu', schedule);
    expect(r.issues).toEqual([
      expect.objectContaining({
        code: 'DUE_DATE_DIFFERS',
        cell: target.cell,
        message: expect.stringContaining('4月15日'),
      }),
    ]);
  });
});
