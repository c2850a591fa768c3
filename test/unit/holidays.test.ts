/**
 * Every public holiday and make-up working day (调休) of the example schedule's 2021 calendar, for
 * the three things the calendar times: which week a sheet answers (and whether late), when each
 * reminder stage fires, and when the digest goes out. The rule under test: the digest of a week
 * whose deadline a holiday moved goes out on the first working day after the moved deadline, and
 * the late window never takes a sheet that can still be on time for the week it arrived in.
 */
import type { Schedule } from '../../src/config/schedule';
import {
  deadlineOf,
  digestDueOf,
  isoWithOffset,
  isWorkingDay,
  lateUntil,
  reportingWeekOf,
  zonedInstant,
} from '../../src/domain/calendar';
import { planReminders, reminderLadder } from '../../src/domain/reminders';
import { addDays } from '../../src/domain/week';
import { weekStatus } from '../../src/domain/week-status';
import { exampleSchedule } from '../helpers/sheets';

const TZ = 'Asia/Shanghai';
const show = (d: Date): string => isoWithOffset(d, TZ).slice(0, 16);
const beijing = (date: string, time: string): Date => zonedInstant(date, time, TZ);

let schedule: Schedule;
beforeAll(async () => {
  schedule = await exampleSchedule();
});

/** A sheet arriving at 10:00 Beijing time on each day: the week it answers, and late or not. */
const SHEETS_ON_EACH_DAY: Array<[day: string, kind: string, week: string, late: boolean]> = [
  ['2021-01-01', '元旦', '2021-01-04', false],
  ['2021-01-02', '元旦', '2021-01-04', false],
  ['2021-01-03', '元旦', '2021-01-04', false],
  ['2021-02-07', '春节调休 (Sunday)', '2021-02-08', false],
  ['2021-02-11', '春节', '2021-02-15', false],
  ['2021-02-12', '春节', '2021-02-15', false],
  ['2021-02-13', '春节', '2021-02-15', false],
  ['2021-02-14', '春节', '2021-02-15', false],
  ['2021-02-15', '春节', '2021-02-15', false],
  ['2021-02-16', '春节', '2021-02-15', false],
  ['2021-02-17', '春节', '2021-02-15', false],
  // After the week of 02-15's late window (Friday 02-19): the next week, on time.
  ['2021-02-20', '春节调休 (Saturday)', '2021-02-22', false],
  ['2021-04-03', '清明节', '2021-04-05', false],
  ['2021-04-04', '清明节', '2021-04-05', false],
  ['2021-04-05', '清明节', '2021-04-05', false],
  ['2021-04-25', '劳动节调休 (Sunday)', '2021-04-26', false],
  ['2021-05-01', '劳动节', '2021-05-03', false],
  ['2021-05-02', '劳动节', '2021-05-03', false],
  ['2021-05-03', '劳动节', '2021-05-03', false],
  ['2021-05-04', '劳动节', '2021-05-03', false],
  ['2021-05-05', '劳动节', '2021-05-03', false],
  ['2021-05-08', '劳动节调休 (Saturday)', '2021-05-10', false],
  ['2021-06-12', '端午节', '2021-06-14', false],
  ['2021-06-13', '端午节', '2021-06-14', false],
  ['2021-06-14', '端午节', '2021-06-14', false],
  ['2021-09-18', '中秋节调休 (Saturday)', '2021-09-20', false],
  ['2021-09-19', '中秋节', '2021-09-20', false],
  ['2021-09-20', '中秋节', '2021-09-20', false],
  ['2021-09-21', '中秋节', '2021-09-20', false],
  ['2021-09-26', '国庆节调休 (Sunday)', '2021-09-27', false],
  ['2021-10-01', '国庆节', '2021-10-04', false],
  ['2021-10-02', '国庆节', '2021-10-04', false],
  ['2021-10-03', '国庆节', '2021-10-04', false],
  ['2021-10-04', '国庆节', '2021-10-04', false],
  ['2021-10-05', '国庆节', '2021-10-04', false],
  ['2021-10-06', '国庆节', '2021-10-04', false],
  ['2021-10-07', '国庆节', '2021-10-04', false],
  // The make-up Saturday after the moved deadline (Friday 10-08) is its one late working day.
  ['2021-10-09', '国庆节调休 (Saturday)', '2021-10-04', true],
];

/**
 * Each week a holiday or make-up day touches: its deadline, digest, the end of its late window,
 * and the reminder ladder (morning, overdue, escalation), in Beijing time.
 */
const WEEKS: Array<{
  week: string;
  deadline: string;
  digest: string;
  lateUntil: string;
  reminders: [string, string, string];
}> = [
  // 元旦 falls on Friday to Sunday: the week of 2021-01-04 is ordinary.
  {
    week: '2021-01-04',
    deadline: '2021-01-04T18:00',
    digest: '2021-01-05T08:00',
    lateUntil: '2021-01-05T23:59',
    reminders: ['2021-01-04T09:00', '2021-01-04T18:30', '2021-01-05T09:00'],
  },
  {
    week: '2021-02-01',
    deadline: '2021-02-01T18:00',
    digest: '2021-02-02T08:00',
    lateUntil: '2021-02-02T23:59',
    reminders: ['2021-02-01T09:00', '2021-02-01T18:30', '2021-02-02T09:00'],
  },
  {
    week: '2021-02-08',
    deadline: '2021-02-08T18:00',
    digest: '2021-02-09T08:00',
    lateUntil: '2021-02-09T23:59',
    reminders: ['2021-02-08T09:00', '2021-02-08T18:30', '2021-02-09T09:00'],
  },
  // 春节: Monday 02-15 to Thursday 02-18; the digest on Friday 02-19, not Tuesday 02-23.
  {
    week: '2021-02-15',
    deadline: '2021-02-18T18:00',
    digest: '2021-02-19T08:00',
    lateUntil: '2021-02-19T23:59',
    reminders: ['2021-02-18T09:00', '2021-02-18T18:30', '2021-02-19T09:00'],
  },
  {
    week: '2021-02-22',
    deadline: '2021-02-22T18:00',
    digest: '2021-02-23T08:00',
    lateUntil: '2021-02-23T23:59',
    reminders: ['2021-02-22T09:00', '2021-02-22T18:30', '2021-02-23T09:00'],
  },
  // 清明节: Monday 04-05 to Tuesday 04-06; the digest on Wednesday 04-07, not Tuesday 04-13.
  {
    week: '2021-04-05',
    deadline: '2021-04-06T18:00',
    digest: '2021-04-07T08:00',
    lateUntil: '2021-04-07T23:59',
    reminders: ['2021-04-06T09:00', '2021-04-06T18:30', '2021-04-07T09:00'],
  },
  {
    week: '2021-04-12',
    deadline: '2021-04-12T18:00',
    digest: '2021-04-13T08:00',
    lateUntil: '2021-04-13T23:59',
    reminders: ['2021-04-12T09:00', '2021-04-12T18:30', '2021-04-13T09:00'],
  },
  {
    week: '2021-04-26',
    deadline: '2021-04-26T18:00',
    digest: '2021-04-27T08:00',
    lateUntil: '2021-04-27T23:59',
    reminders: ['2021-04-26T09:00', '2021-04-26T18:30', '2021-04-27T09:00'],
  },
  // 劳动节: Monday 05-03 to Thursday 05-06; the digest on Friday 05-07, not Tuesday 05-11.
  {
    week: '2021-05-03',
    deadline: '2021-05-06T18:00',
    digest: '2021-05-07T08:00',
    lateUntil: '2021-05-07T23:59',
    reminders: ['2021-05-06T09:00', '2021-05-06T18:30', '2021-05-07T09:00'],
  },
  {
    week: '2021-05-10',
    deadline: '2021-05-10T18:00',
    digest: '2021-05-11T08:00',
    lateUntil: '2021-05-11T23:59',
    reminders: ['2021-05-10T09:00', '2021-05-10T18:30', '2021-05-11T09:00'],
  },
  // 端午节: Monday 06-14 to Tuesday 06-15; the digest on Wednesday 06-16, not Tuesday 06-22.
  {
    week: '2021-06-14',
    deadline: '2021-06-15T18:00',
    digest: '2021-06-16T08:00',
    lateUntil: '2021-06-16T23:59',
    reminders: ['2021-06-15T09:00', '2021-06-15T18:30', '2021-06-16T09:00'],
  },
  {
    week: '2021-09-13',
    deadline: '2021-09-13T18:00',
    digest: '2021-09-14T08:00',
    lateUntil: '2021-09-14T23:59',
    reminders: ['2021-09-13T09:00', '2021-09-13T18:30', '2021-09-14T09:00'],
  },
  // 中秋节: Monday 09-20 to Wednesday 09-22; the digest on Thursday 09-23, not Tuesday 09-28.
  {
    week: '2021-09-20',
    deadline: '2021-09-22T18:00',
    digest: '2021-09-23T08:00',
    lateUntil: '2021-09-23T23:59',
    reminders: ['2021-09-22T09:00', '2021-09-22T18:30', '2021-09-23T09:00'],
  },
  {
    week: '2021-09-27',
    deadline: '2021-09-27T18:00',
    digest: '2021-09-28T08:00',
    lateUntil: '2021-09-28T23:59',
    reminders: ['2021-09-27T09:00', '2021-09-27T18:30', '2021-09-28T09:00'],
  },
  // 国庆节: Monday 10-04 to Friday 10-08; digest and escalation on the make-up Saturday 10-09.
  {
    week: '2021-10-04',
    deadline: '2021-10-08T18:00',
    digest: '2021-10-09T08:00',
    lateUntil: '2021-10-09T23:59',
    reminders: ['2021-10-08T09:00', '2021-10-08T18:30', '2021-10-09T09:00'],
  },
  {
    week: '2021-10-11',
    deadline: '2021-10-11T18:00',
    digest: '2021-10-12T08:00',
    lateUntil: '2021-10-12T23:59',
    reminders: ['2021-10-11T09:00', '2021-10-11T18:30', '2021-10-12T09:00'],
  },
];

describe('the example’s 2021 calendar, day by day', () => {
  it('lists every holiday and make-up working day of the schedule in the table', () => {
    const year = schedule.calendar.years.find((y) => y.year === 2021);
    const listed = [...(year?.holidays ?? []), ...(year?.workdays ?? [])].sort();
    expect(SHEETS_ON_EACH_DAY.map(([day]) => day).sort()).toEqual(listed);
  });

  it.each(SHEETS_ON_EACH_DAY)(
    'a sheet arriving on %s (%s) at 10:00 answers the week of %s (late: %s)',
    (day, _kind, week, late) => {
      const r = reportingWeekOf(beijing(day, '10:00'), schedule);
      expect({ week: r.week, late: r.late }).toEqual({ week, late });
    },
  );
});

describe.each(WEEKS)('the week of $week', (w) => {
  it(`is due ${w.deadline}, its digest goes out ${w.digest}, late sheets count until ${w.lateUntil}`, () => {
    expect(show(deadlineOf(w.week, schedule).at)).toBe(w.deadline);
    expect(show(digestDueOf(w.week, schedule))).toBe(w.digest);
    expect(show(lateUntil(w.week, schedule, null))).toBe(w.lateUntil);
  });

  it(`reminds at ${w.reminders.join(', ')}`, () => {
    const ladder = reminderLadder(w.week, schedule);
    expect(ladder.stages.map((s) => [s.stage.id, show(s.at), s.skipped])).toEqual([
      ['morning', w.reminders[0], null],
      ['overdue', w.reminders[1], null],
      ['escalation', w.reminders[2], null],
    ]);
  });

  it('takes a sheet on time until the deadline, late until the window closes, then for the next week', () => {
    const deadline = deadlineOf(w.week, schedule).at.getTime();
    const closes = lateUntil(w.week, schedule, null).getTime();
    const next = addDays(w.week, 7);
    const of = (t: number) => {
      const r = reportingWeekOf(new Date(t), schedule);
      return [r.week, r.late];
    };
    expect(of(deadline)).toEqual([w.week, false]);
    expect(of(deadline + 60_000)).toEqual([w.week, true]);
    expect(of(closes)).toEqual([w.week, true]);
    expect(of(closes + 1)).toEqual([next, false]);
  });

  it('sends the digest on a working day, after the deadline and before the next week’s', () => {
    const due = digestDueOf(w.week, schedule);
    expect(isWorkingDay(show(due).slice(0, 10), schedule)).toBe(true);
    expect(due.getTime()).toBeGreaterThanOrEqual(deadlineOf(w.week, schedule).at.getTime());
    expect(due.getTime()).toBeLessThan(deadlineOf(addDays(w.week, 7), schedule).at.getTime());
  });
});

describe('every Monday of 2021', () => {
  const mondays = Array.from({ length: 52 }, (_, i) => addDays('2021-01-04', 7 * i));

  it('takes a Monday 09:00 sheet on time for its own week when Monday is a working day', () => {
    const wrong = mondays
      .filter((m) => isWorkingDay(m, schedule))
      .map((m) => [m, reportingWeekOf(beijing(m, '09:00'), schedule)] as const)
      .filter(([m, r]) => r.week !== m || r.late)
      .map(([m, r]) => `${m} → ${r.week}${r.late ? ' late' : ''}`);
    expect(wrong).toEqual([]);
  });

  it('sends each week’s digest before the next week’s deadline and never on the next digest’s day', () => {
    for (const m of mondays) {
      const due = digestDueOf(m, schedule).getTime();
      expect(due).toBeLessThan(deadlineOf(addDays(m, 7), schedule).at.getTime());
      expect(due).toBeLessThan(digestDueOf(addDays(m, 7), schedule).getTime());
    }
  });
});

describe('sheets, reminders and the week status agree after a holiday', () => {
  // The example programme starts on 2021-03-10; run it all year so the Spring Festival counts.
  let allYear: Schedule;
  beforeAll(() => {
    allYear = structuredClone(schedule);
    allYear.programme.activeFrom = '2021-01-01';
  });

  it.each([
    ['2021-02-22', '春节'],
    ['2021-04-12', '清明节'],
    ['2021-05-10', '劳动节'],
    ['2021-06-21', '端午节'],
    ['2021-09-27', '中秋节'],
    ['2021-10-11', '国庆节'],
  ])(
    'a Monday %s sheet after %s leaves its unit on time and unreminded for that week',
    (monday) => {
      const arrivedAt = beijing(monday, '09:00');
      const r = reportingWeekOf(arrivedAt, allYear);
      expect(r).toMatchObject({ week: monday, late: false });
      const fact = {
        id: 1,
        unitId: 'jiaoyu',
        arrivedAt,
        status: 'accepted',
        late: r.late,
        isCurrent: true,
        projectIds: ['p1'],
      };
      const units = weekStatus(allYear, r.week, [fact], null);
      expect(units.find((u) => u.unit === 'jiaoyu')?.state).toBe('on_time');
      const previous = weekStatus(allYear, addDays(monday, -7), [], null);
      expect(previous.find((u) => u.unit === 'jiaoyu')?.state).toBe('missing');
      for (const stage of reminderLadder(monday, allYear).stages) {
        const plan = planReminders({
          schedule: allYear,
          week: monday,
          now: stage.at,
          units,
          sent: [],
        });
        expect(plan.due.map((d) => d.unit.id)).not.toContain('jiaoyu');
        expect(plan.due.length).toBeGreaterThan(0);
      }
    },
  );
});
