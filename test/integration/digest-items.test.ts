/**
 * The digest's agreed items through the real wiring (digestBuildDepsOver: the DecisionStore over
 * the database), on SQLite and PostgreSQL: the summary line, the section 议定事项督办 after the
 * submissions, and the workbook's sheet 议定事项.
 */
import ExcelJS from 'exceljs';
import { ITEMS_SHEET } from '../../src/adapters/excel/digest-workbook';
import { buildDigest } from '../../src/app/digest';
import { decisionStoreOver } from '../../src/compose/decisions';
import { digestBuildDepsOver } from '../../src/compose/week-deps';
import type { Schedule } from '../../src/config/schedule';
import { NOW, seedDigestScenario, WEEK } from '../fixtures/digest/scenario';
import { TEST_DIALECTS, useTestDatabase } from '../helpers/db';
import { exampleSchedule } from '../helpers/sheets';

describe.each(TEST_DIALECTS)('the digest’s agreed items on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  let schedule: Schedule;
  beforeAll(async () => {
    schedule = await exampleSchedule();
    await seedDigestScenario(t.db);
    const unit = schedule.units[0]?.id ?? '';
    const base = {
      meeting: { date: '2021-03-01', name: '区重点项目联合会议第3次会议' },
      projectId: schedule.projects[0]?.id ?? null,
      projectAsWritten: null,
      responsibleUnits: [unit],
      cooperatingUnits: [],
      unmatchedUnits: [],
      note: null,
    };
    const store = decisionStoreOver(t.db);
    await store.recordItems(
      [
        { ...base, id: '20210301-1', text: '完成征地补偿方案报批', due: '2021-03-19' },
        { ...base, id: '20210301-2', text: '落实项目补助资金', due: '2021-06-30' },
      ],
      { by: 'cli', rawMessageId: null },
      new Date('2021-03-01T08:00:00Z'),
    );
    await store.recordReports(
      [
        {
          itemId: '20210301-2',
          unitId: unit,
          week: WEEK,
          progress: '资金已拨付到位',
          status: '已办结',
          reportedAt: new Date('2021-03-22T01:00:00Z'),
          submissionId: null,
          rawMessageId: null,
        },
      ],
      new Date('2021-03-22T01:00:00Z'),
    );
  });

  it('lists red and awaiting items after the submissions, and counts them in the summary', async () => {
    const d = await buildDigest(digestBuildDepsOver(t.db), schedule, WEEK, NOW);
    expect(d.text).toContain('- 议定事项：共2项：红色1、黄色0、蓝色0，待确认1，本周办结0。');
    const section = d.text.indexOf('\n二、议定事项督办\n');
    expect(section).toBeGreaterThan(d.text.indexOf('\n一、报送情况\n'));
    expect(d.text.slice(section)).toMatch(
      /^\n二、议定事项督办\n红色（逾期未办结）1项：\n- 【20210301-1】完成征地补偿方案报批\n/,
    );
    expect(d.text).toContain('- 【20210301-2】落实项目补助资金');
    expect(d.text).toContain('最新进展：3月22日当周：已办结；资金已拨付到位');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(d.xlsx as unknown as ExcelJS.Buffer);
    const ws = wb.getWorksheet(ITEMS_SHEET);
    expect(ws?.getCell('A4').value).toBe('20210301-1');
    expect(ws?.getCell('B5').value).toBe('待确认');
  });
});
