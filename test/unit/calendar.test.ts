/**
 * The calendar: deadlines moved by holidays, make-up working days, the reporting week of an
 * arrival, across a year boundary, and the same answers whatever the server's time zone.
 */
import type { Schedule } from '../../src/config/schedule';
import {
  deadlineOf,
  digestDueOf,
  isWorkingDay,
  lateUntil,
  reportingCandidates,
  reportingWeekOf,
  weekContaining,
  zonedInstant,
} from '../../src/domain/calendar';
import { exampleSchedule } from '../helpers/sheets';

const at = (iso: string): Date => new Date(iso);

describe.each(['UTC', 'America/New_York', 'Asia/Shanghai'])(
  'the calendar with the server in %s',
  (tz) => {
    let schedule: Schedule;
    const saved = process.env.TZ;
    beforeAll(async () => {
      process.env.TZ = tz;
      schedule = await exampleSchedule();
    });
    afterAll(() => {
      process.env.TZ = saved;
    });

    it('puts an ordinary week’s deadline on Monday 18:00 Beijing time', () => {
      const d = deadlineOf('2021-03-15', schedule);
      expect(d).toMatchObject({ date: '2021-03-15', shifted: false });
      expect(d.at.toISOString()).toBe('2021-03-15T10:00:00.000Z');
    });

    it('moves a deadline falling on a Monday holiday (清明 2021-04-05) to Tuesday', () => {
      const d = deadlineOf('2021-04-05', schedule);
      expect(d).toMatchObject({ nominalDate: '2021-04-05', date: '2021-04-06', shifted: true });
      expect(d.at.toISOString()).toBe('2021-04-06T10:00:00.000Z');
    });

    it('moves a deadline inside the Spring Festival break to the first working day after it', () => {
      expect(deadlineOf('2021-02-15', schedule).date).toBe('2021-02-18');
    });

    it('counts a make-up Saturday (调休 2021-02-20) as a working day and a holiday weekday as not', () => {
      expect(isWorkingDay('2021-02-20', schedule)).toBe(true);
      expect(isWorkingDay('2021-02-21', schedule)).toBe(false);
      expect(isWorkingDay('2021-10-04', schedule)).toBe(false);
      expect(isWorkingDay('2021-03-16', schedule)).toBe(true);
    });

    it('names weeks by their Monday across a year boundary, in the programme’s zone', () => {
      // 2022-01-01 04:00 in Beijing is still 2021-12-31 in UTC and New York.
      expect(weekContaining(at('2021-12-31T20:00:00Z'), schedule)).toBe('2021-12-27');
      expect(weekContaining(at('2022-01-02T16:30:00Z'), schedule)).toBe('2022-01-03');
    });

    it('applies the next year’s holidays across the boundary when the calendar lists them', () => {
      const withNextYear: Schedule = {
        ...schedule,
        calendar: {
          ...schedule.calendar,
          years: [
            ...schedule.calendar.years,
            { year: 2022, holidays: ['2022-01-01', '2022-01-02', '2022-01-03'], workdays: [] },
          ],
        },
      };
      expect(deadlineOf('2022-01-03', withNextYear).date).toBe('2022-01-04');
      expect(deadlineOf('2022-01-03', schedule).date).toBe('2022-01-03');
    });

    it('sends the digest at the first digest time after the deadline (Tuesday 08:00)', () => {
      expect(digestDueOf('2021-03-15', schedule).toISOString()).toBe('2021-03-16T00:00:00.000Z');
    });

    it('sends the digest of a week whose deadline moved on the first working day after it', () => {
      // Qingming: due Tuesday 04-06 18:00; the digest Wednesday 04-07 08:00, not Tuesday 04-13.
      expect(digestDueOf('2021-04-05', schedule).toISOString()).toBe('2021-04-07T00:00:00.000Z');
    });

    it('converts wall times in the programme’s zone', () => {
      expect(zonedInstant('2021-03-15', '09:00', 'Asia/Shanghai').toISOString()).toBe(
        '2021-03-15T01:00:00.000Z',
      );
      expect(zonedInstant('2021-03-14', '03:30', 'America/New_York').toISOString()).toBe(
        '2021-03-14T07:30:00.000Z',
      );
    });

    describe('the reporting week of a sheet', () => {
      it.each([
        ['2021-03-14T15:00:00Z', '2021-03-15', false, 'Sunday night: the coming Monday, on time'],
        ['2021-03-15T02:00:00Z', '2021-03-15', false, 'Monday morning: on time'],
        ['2021-03-15T10:00:00Z', '2021-03-15', false, 'exactly at the deadline: on time'],
        ['2021-03-15T10:30:00Z', '2021-03-15', true, 'Monday 18:30: late for that week'],
        [
          '2021-03-16T12:00:00Z',
          '2021-03-15',
          true,
          'Tuesday 20:00: late, within the next working day',
        ],
        ['2021-03-16T16:30:00Z', '2021-03-22', false, 'Wednesday 00:30: counts for the next week'],
        [
          '2021-04-05T12:00:00Z',
          '2021-04-05',
          false,
          'Qingming Monday evening: the deadline moved to Tuesday',
        ],
        ['2021-04-07T12:00:00Z', '2021-04-05', true, 'Wednesday after a Tuesday deadline: late'],
      ])('%s → %s (late: %s): %s', (arrival, week, late) => {
        const r = reportingWeekOf(at(arrival), schedule);
        expect({ week: r.week, late: r.late }).toEqual({ week, late });
      });

      it('keeps counting late for the week just past while its digest has not gone out', () => {
        const arrival = at('2021-03-17T01:00:00Z'); // Wednesday 09:00
        expect(reportingWeekOf(arrival, schedule).week).toBe('2021-03-22');
        const digestWednesday = (w: string) =>
          w === '2021-03-15' ? at('2021-03-17T02:00:00Z') : null;
        expect(reportingWeekOf(arrival, schedule, digestWednesday)).toMatchObject({
          week: '2021-03-15',
          late: true,
        });
        expect(lateUntil('2021-03-15', schedule, null).toISOString()).toBe(
          '2021-03-16T15:59:59.999Z',
        );
      });

      it('never counts late for the week just past a sheet that can be on time for its own week', () => {
        // The week of 04-05's digest went out only on Monday 04-12 at 10:00 (the service was down).
        const lateDigest = (w: string) => (w === '2021-04-05' ? at('2021-04-12T02:00:00Z') : null);
        const monday = at('2021-04-12T01:00:00Z'); // 09:00
        expect(reportingWeekOf(monday, schedule, lateDigest)).toMatchObject({
          week: '2021-04-12',
          late: false,
        });
      });

      describe('where arrival alone is ambiguous, the sheet’s 填报时间 decides', () => {
        const lateDigest = (w: string) => (w === '2021-04-05' ? at('2021-04-12T02:00:00Z') : null);
        const monday = at('2021-04-12T01:00:00Z');

        it.each<[string | null, string, boolean, string]>([
          [null, '2021-04-12', false, 'no 填报时间: its own week, on time'],
          ['2021-04-12', '2021-04-12', false, 'filled on the sending day'],
          ['2021-04-06', '2021-04-05', true, 'filled for the week just past: late for it'],
          ['2021-04-05', '2021-04-05', true, 'the week just past’s template (its Monday)'],
          ['2021-03-01', '2021-04-12', false, 'a stale date naming neither week'],
        ])('filled on %s → %s (late: %s): %s', (filledOn, week, late) => {
          const r = reportingWeekOf(monday, schedule, lateDigest, filledOn);
          expect({ week: r.week, late: r.late }).toEqual({ week, late });
        });

        it('keeps a sheet in its own week’s late window late, unless it is dated in the next week', () => {
          const tuesday = at('2021-03-16T02:00:00Z'); // Tuesday 10:00, late for 03-15
          expect(reportingCandidates(tuesday, schedule).byArrival).toMatchObject({
            week: '2021-03-15',
            late: true,
          });
          for (const filledOn of [null, '2021-03-15', '2021-03-16', '2021-03-09']) {
            expect(reportingWeekOf(tuesday, schedule, undefined, filledOn)).toMatchObject({
              week: '2021-03-15',
              late: true,
            });
          }
          expect(reportingWeekOf(tuesday, schedule, undefined, '2021-03-22')).toMatchObject({
            week: '2021-03-22',
            late: false,
          });
        });

        it('chooses between two open weeks when a holiday moves a Friday deadline to Monday', () => {
          // Deadline Friday: 2021-01-01 is 元旦, so the week of 2020-12-28 is due Monday 01-04,
          // inside the week of 01-04 (due Friday 01-08).
          const friday = structuredClone(schedule);
          friday.cycle.deadline.weekday = 'friday';
          const mondayMorning = at('2021-01-04T02:00:00Z');
          expect(reportingWeekOf(mondayMorning, friday).week).toBe('2020-12-28');
          expect(reportingWeekOf(mondayMorning, friday, undefined, '2020-12-31').week).toBe(
            '2020-12-28',
          );
          expect(reportingWeekOf(mondayMorning, friday, undefined, '2021-01-04')).toMatchObject({
            week: '2021-01-04',
            late: false,
          });
        });

        it('chooses between late for this week and on time for the next one moved back into it', () => {
          // previous_working_day: the week of 04-05 is due Friday 04-02, inside the week of 03-29.
          const back = structuredClone(schedule);
          back.cycle.onHoliday = 'previous_working_day';
          const tuesday = at('2021-03-30T02:00:00Z');
          expect(reportingWeekOf(tuesday, back)).toMatchObject({ week: '2021-03-29', late: true });
          expect(reportingWeekOf(tuesday, back, undefined, '2021-04-05')).toMatchObject({
            week: '2021-04-05',
            late: false,
          });
        });
      });
    });
  },
);
