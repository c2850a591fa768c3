/**
 * The one colour rule of the agreed items (colourOf), on fixed clocks across the 2021 holidays
 * and make-up working days of config/schedule.example.yaml: red once the due day is over, yellow
 * for 未启动 past half the time or no progress for two reporting weeks, blue within three
 * working days of the time limit.
 */
import type { Schedule } from '../../src/config/schedule';
import { colourOf, reportingWeeksSince } from '../../src/domain/decisions/colour';
import type { AgreedItem, ItemProgress, ItemReport } from '../../src/domain/decisions/types';
import { exampleSchedule } from '../helpers/sheets';

let schedule: Schedule;
beforeAll(async () => {
  const example = await exampleSchedule();
  schedule = {
    ...example,
    followUp: {
      blueWorkingDays: 3,
      yellowWeeksWithoutProgress: 2,
      time: '09:00',
      departmentMail: false,
    },
  };
});

/** A moment on the programme's wall clock (Asia/Shanghai). */
const at = (local: string): Date => new Date(`${local}+08:00`);

function item(over: Partial<AgreedItem> = {}): AgreedItem {
  const meeting = over.meeting ?? { date: '2021-03-16', name: '区重点项目联合会议第3次会议' };
  return {
    id: `${meeting.date.replaceAll('-', '')}-1`,
    meeting,
    projectId: 'p1',
    projectAsWritten: null,
    text: '落实项目重新招投标所需资金',
    responsibleUnits: ['jiaoyu'],
    cooperatingUnits: [],
    unmatchedUnits: [],
    due: '2021-04-06',
    note: null,
    state: 'open',
    recordedAt: at(`${meeting.date}T18:00:00`),
    stateSince: at(`${meeting.date}T18:00:00`),
    closedAt: null,
    ...over,
  };
}

function report(
  it: AgreedItem,
  week: string,
  progress: string | null,
  status: ItemProgress | null,
  unitId = 'jiaoyu',
  hour = 10,
): ItemReport {
  return {
    itemId: it.id,
    unitId,
    week,
    progress,
    status,
    reportedAt: at(`${week}T${String(hour).padStart(2, '0')}:00:00`),
    submissionId: null,
    rawMessageId: null,
  };
}

const colour = (it: AgreedItem, reports: ItemReport[], local: string) =>
  colourOf(it, reports, at(local), schedule);

describe('red: the time limit has passed', () => {
  it('turns red when the due day is over in Shanghai, not before (an item due the day after 清明)', () => {
    const it = item({ meeting: { date: '2021-03-29', name: '' }, due: '2021-04-06' });
    expect(colour(it, [], '2021-04-06T23:59:00').colour).toBe('blue');
    const red = colour(it, [], '2021-04-07T00:00:01');
    expect(red).toEqual({ colour: 'red', why: '办结时限2021年4月6日已过，尚未办结' });
    // 2021-04-06T16:30Z is already 04-07 in Shanghai.
    expect(colourOf(it, [], new Date('2021-04-06T16:30:00Z'), schedule).colour).toBe('red');
  });

  it('red wins over yellow: 未启动 and overdue is red', () => {
    const it = item({ due: '2021-03-25' });
    const reports = [report(it, '2021-03-22', null, '未启动')];
    expect(colour(it, reports, '2021-03-26T09:00:00').colour).toBe('red');
  });

  it('an item reported done (awaiting confirmation) or closed has no colour', () => {
    expect(colour(item({ state: 'awaiting_confirmation' }), [], '2021-04-20T09:00:00')).toEqual({
      colour: null,
      why: null,
    });
    expect(colour(item({ state: 'closed' }), [], '2021-04-20T09:00:00').colour).toBeNull();
  });
});

describe('blue: within three working days of the time limit', () => {
  it('counts working days over 清明 (2021-04-03..05): due 04-06 is blue from Wednesday 03-31', () => {
    const it = item({ meeting: { date: '2021-03-29', name: '' }, due: '2021-04-06' });
    expect(colour(it, [], '2021-03-30T09:00:00').colour).toBeNull();
    // 03-31 → 04-01, 04-02, 04-06: the holiday is not counted (by the weekdays alone it would
    // reach 04-05 and not be blue yet).
    expect(colour(it, [], '2021-03-31T09:00:00')).toEqual({
      colour: 'blue',
      why: '距办结时限2021年4月6日不足3个工作日，尚未报告办结',
    });
    expect(colour(it, [], '2021-04-03T09:00:00').colour).toBe('blue');
    expect(colour(it, [], '2021-04-06T09:00:00').colour).toBe('blue');
  });

  it('counts the make-up Sunday 2021-04-25 as a working day (before 劳动节)', () => {
    const it = item({ meeting: { date: '2021-04-20', name: '' }, due: '2021-04-28' });
    // Friday 04-23 → 04-25 (make-up Sunday), 04-26, 04-27: not yet (by weekdays alone it would be).
    expect(colour(it, [], '2021-04-23T09:00:00').colour).toBeNull();
    expect(colour(it, [], '2021-04-24T09:00:00').colour).toBeNull();
    // Sunday 04-25 → 04-26, 04-27, 04-28.
    expect(colour(it, [], '2021-04-25T09:00:00').colour).toBe('blue');
  });

  it('skips 劳动节 (2021-05-01..05): due 05-06 is blue from Wednesday 04-28', () => {
    const it = item({ meeting: { date: '2021-04-27', name: '' }, due: '2021-05-06' });
    expect(colour(it, [], '2021-04-27T09:00:00').colour).toBeNull();
    expect(colour(it, [], '2021-04-28T09:00:00').colour).toBe('blue');
  });
});

describe('blue turned off', () => {
  it('blue_working_days 0 sends no blue, not even on the due day', () => {
    const it = item({ meeting: { date: '2021-03-29', name: '' }, due: '2021-04-06' });
    const off = { ...schedule, followUp: { ...schedule.followUp, blueWorkingDays: 0 } };
    expect(colourOf(it, [], at('2021-04-06T09:00:00'), off).colour).toBeNull();
    expect(colourOf(it, [], at('2021-04-07T09:00:00'), off).colour).toBe('red');
  });
});

describe('yellow: behind', () => {
  it('still 未启动 once half the time from the meeting to the time limit has gone', () => {
    // 03-16 → 04-16: 31 days, half reached on 04-01.
    const it = item({ due: '2021-04-16' });
    const reports = [
      report(it, '2021-03-22', null, '未启动'),
      report(it, '2021-03-29', null, '未启动'),
    ];
    expect(colour(it, reports, '2021-03-31T09:00:00').colour).toBeNull();
    expect(colour(it, reports, '2021-04-01T09:00:00')).toEqual({
      colour: 'yellow',
      why: '已过办结时限的一半，仍报“未启动”',
    });
    // 推进中 after all: no longer yellow for that reason.
    const moving = [...reports, report(it, '2021-03-29', '已开工', '推进中', 'jiaoyu', 11)];
    expect(colour(it, moving, '2021-04-01T09:00:00').colour).toBeNull();
  });

  it('no new progress for two reporting weeks, the weeks counted by their holiday-moved deadlines', () => {
    const it = item({ meeting: { date: '2021-03-23', name: '' }, due: '2021-05-31' });
    const reports = [report(it, '2021-03-29', '完成方案编制', '推进中')];
    // The 清明 week's deadline moved to Tuesday 04-06 18:00: on the Monday holiday evening only
    // the week of 03-29 has passed.
    expect(reportingWeeksSince(it.meeting.date, at('2021-04-05T20:00:00'), schedule)).toEqual([
      '2021-03-29',
    ]);
    expect(colour(it, reports, '2021-04-05T20:00:00').colour).toBeNull();
    expect(colour(it, reports, '2021-04-06T20:00:00').colour).toBeNull();
    // After 04-12's deadline: weeks 04-05 and 04-12 brought nothing new.
    expect(colour(it, reports, '2021-04-12T19:00:00')).toEqual({
      colour: 'yellow',
      why: '连续2周未报告新的落实进展',
    });
    // The same answer again is no progress; a new one is.
    const same = [...reports, report(it, '2021-04-12', '完成方案编制', '推进中')];
    expect(colour(it, same, '2021-04-12T19:00:00').colour).toBe('yellow');
    const newer = [...reports, report(it, '2021-04-12', '完成初步设计', '推进中')];
    expect(colour(it, newer, '2021-04-12T19:00:00').colour).toBeNull();
  });

  it('compares each responsible unit with its own previous answer (two units repeating themselves are no progress)', () => {
    const it = item({
      meeting: { date: '2021-03-23', name: '' },
      due: '2021-05-31',
      responsibleUnits: ['jiaoyu', 'weijian'],
    });
    const reports = ['2021-03-29', '2021-04-05', '2021-04-12', '2021-04-19'].flatMap((w) => [
      report(it, w, '甲单位：方案编制中', '推进中', 'jiaoyu', 10),
      report(it, w, '乙单位：资金申请中', '推进中', 'weijian', 11),
    ]);
    expect(colour(it, reports, '2021-04-19T19:00:00').colour).toBe('yellow');
  });

  it('yellow wins over blue', () => {
    const it = item({ meeting: { date: '2021-03-16', name: '' }, due: '2021-04-06' });
    // No report at all by 03-31: two reporting weeks without progress, and blue too.
    expect(colour(it, [], '2021-03-31T09:00:00').colour).toBe('yellow');
  });
});
