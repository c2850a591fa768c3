/**
 * Several sheets in one mail for different weeks: this week's and a correction of last week's
 * are each recorded for the week their own 填报时间 names, and acknowledged in one receipt.
 */
import { currentSubmission, submissionsForRawMessage } from '../../src/adapters/storage';
import type { Schedule } from '../../src/config/schedule';
import { TEST_DIALECTS, useTestDatabase } from '../helpers/db';
import { buildEml } from '../helpers/eml';
import { createIntakeHarness, type IntakeHarness } from '../helpers/intake';
import { exampleSchedule, filledTemplate } from '../helpers/sheets';

const TUESDAY_10 = new Date('2021-03-16T02:00:00Z'); // after 03-15's deadline, inside its late window

const sheetFor = (schedule: Schedule, week: string, progress: string): Promise<Buffer> =>
  filledTemplate(schedule, 'jiaoyu', { week, progress });

describe.each(TEST_DIALECTS)('sheets for two weeks in one mail on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  let schedule: Schedule;
  let h: IntakeHarness;
  beforeAll(async () => {
    schedule = await exampleSchedule();
    h = createIntakeHarness(() => schedule);
  });
  afterAll(async () => h.close());

  it('records each sheet for the week its 填报时间 names and acknowledges both in one receipt', async () => {
    const raw = await buildEml({
      from: 'jiaoyu@example.cn',
      attachments: [
        {
          filename: '本周问题清单.xlsx',
          content: await sheetFor(schedule, '2021-03-15', '本周进展。'),
        },
        {
          filename: '上周问题清单（更正）.xlsx',
          content: await sheetFor(schedule, '2021-03-08', '上周更正。'),
        },
      ],
    });
    const o = await h.ingest(t.db, raw, { internalDate: TUESDAY_10 });
    expect(o).toMatchObject({
      outcome: 'accepted',
      unit: 'jiaoyu',
      week: '2021-03-15',
      late: true,
    });
    expect(o.corrections).toEqual([expect.objectContaining({ week: '2021-03-08', late: true })]);
    const rows = await submissionsForRawMessage(t.db, o.rawMessageId);
    expect(rows.map((r) => r.reporting_week).sort()).toEqual(['2021-03-08', '2021-03-15']);
    const thisWeek = await currentSubmission(t.db, 'jiaoyu', '2021-03-15');
    const lastWeek = await currentSubmission(t.db, 'jiaoyu', '2021-03-08');
    expect(thisWeek).toMatchObject({ raw_message_id: o.rawMessageId, filled_on: '2021-03-15' });
    expect(lastWeek).toMatchObject({ raw_message_id: o.rawMessageId, filled_on: '2021-03-08' });
    expect(o.mails).toHaveLength(1);
    const receipt = o.mails[0]?.parsed.text ?? '';
    expect(receipt).toContain('本周问题清单.xlsx');
    expect(receipt).toContain('附件“上周问题清单（更正）.xlsx”的填报时间为2021年3月8日当周');
    expect(receipt).toContain('更正记录');
  });

  it('keeps a single sheet copied with last week’s date for the week the mail counts for', async () => {
    const raw = await buildEml({
      from: 'jiaoyu@example.cn',
      attachments: [
        {
          filename: '问题清单.xlsx',
          content: await sheetFor(schedule, '2021-03-08', '沿用上周表格。'),
        },
      ],
    });
    const o = await h.ingest(t.db, raw, { internalDate: new Date('2021-03-22T02:00:00Z') });
    expect(o).toMatchObject({ outcome: 'accepted', week: '2021-03-22', corrections: [] });
  });

  it('records each week once when the job runs again', async () => {
    const raw = await buildEml({
      from: 'jiaoyu@example.cn',
      attachments: [
        { filename: 'a.xlsx', content: await sheetFor(schedule, '2021-03-15', '甲。') },
        { filename: 'b.xlsx', content: await sheetFor(schedule, '2021-03-08', '乙。') },
      ],
    });
    const o = await h.ingest(t.db, raw, { internalDate: TUESDAY_10 });
    const again = await h.reprocess(t.db, o.rawMessageId, { now: TUESDAY_10 });
    expect(again.corrections.map((c) => c.submissionId)).toEqual(
      o.corrections.map((c) => c.submissionId),
    );
    expect(await submissionsForRawMessage(t.db, o.rawMessageId)).toHaveLength(2);
  });
});
