import type { Schedule } from '../../src/config/schedule';
import { computeAssessment, periodBounds } from '../../src/domain/assessment/compute';
import { checkPeriod, quarterToDate } from '../../src/domain/assessment/period';
import { exampleSchedule } from '../helpers/sheets';

describe('the assessment’s period', () => {
  it('defaults to the quarter to date', () => {
    expect(quarterToDate('2021-05-20')).toEqual({ from: '2021-04-01', to: '2021-05-20' });
    expect(quarterToDate('2021-01-01')).toEqual({ from: '2021-01-01', to: '2021-01-01' });
    expect(quarterToDate('2021-12-31')).toEqual({ from: '2021-10-01', to: '2021-12-31' });
  });

  it('refuses dates that do not exist, other forms, and an end before the start', () => {
    expect(checkPeriod('2021-04-01', '2021-04-01')).toEqual({
      ok: true,
      from: '2021-04-01',
      to: '2021-04-01',
    });
    expect(checkPeriod('2021-4-1', '2021-04-30')).toMatchObject({ ok: false, field: 'from' });
    expect(checkPeriod('2021-04-01', '2021-04-31')).toMatchObject({ ok: false, field: 'to' });
    expect(checkPeriod('2021-05-01', '2021-04-30')).toMatchObject({
      ok: false,
      message: 'the period ends (2021-04-30) before it starts (2021-05-01)',
    });
  });

  it('ends at `now` when the period reaches into the future', () => {
    const programme = { programme: { timezone: 'Asia/Shanghai' } } as Pick<Schedule, 'programme'>;
    const now = new Date('2021-03-17T02:00:00Z');
    expect(periodBounds(programme, '2021-03-01', '2021-03-31', now)).toEqual({
      start: new Date('2021-02-28T16:00:00Z'),
      end: now,
    });
    expect(periodBounds(programme, '2021-03-01', '2021-03-10', now).end).toEqual(
      new Date('2021-03-10T16:00:00Z'),
    );
  });

  it('counts a target due later in the period as due, neither met nor overdue yet', async () => {
    const schedule = await exampleSchedule();
    // 17 March 2021: p4's targets due 18 March are not over; none was reported.
    const r = computeAssessment({
      schedule,
      from: '2021-03-15',
      to: '2021-03-31',
      now: new Date('2021-03-17T02:00:00Z'),
      weeks: [],
      mails: [],
      sheets: [],
      items: [],
      events: [],
      notices: [],
    });
    expect(r.units.find((u) => u.unit === 'nongshui')).toMatchObject({
      targetsDue: 4,
      targetsMetOnTime: 0,
      targetsOverdue: 0,
    });
  });
});
