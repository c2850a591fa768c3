import type { Schedule } from '../../src/config/schedule';
import { weekStatus, type SubmissionFact } from '../../src/domain/week-status';
import { exampleSchedule } from '../helpers/sheets';

const fact = (
  f: Partial<SubmissionFact> & Pick<SubmissionFact, 'id' | 'unitId'>,
): SubmissionFact => ({
  arrivedAt: new Date('2021-03-15T02:00:00Z'),
  status: 'accepted',
  late: false,
  isCurrent: true,
  projectIds: [],
  ...f,
});

describe('each lead unit’s state for a week', () => {
  let schedule: Schedule;
  beforeAll(async () => {
    schedule = await exampleSchedule();
  });
  const stateOf = (facts: SubmissionFact[], week = '2021-03-15', digest: Date | null = null) =>
    Object.fromEntries(weekStatus(schedule, week, facts, digest).map((s) => [s.unit, s.state]));

  it('is missing for every lead unit when nothing arrived', () => {
    expect(stateOf([])).toEqual({
      jiaoyu: 'missing',
      weijian: 'missing',
      jiaotong: 'missing',
      xincheng: 'missing',
      nongshui: 'missing',
    });
  });

  it('judges a unit by its first usable sheet: a late correction keeps it on time', () => {
    const s = weekStatus(
      schedule,
      '2021-03-15',
      [
        fact({ id: 1, unitId: 'jiaoyu', isCurrent: false, projectIds: ['p1'] }),
        fact({
          id: 2,
          unitId: 'jiaoyu',
          late: true,
          arrivedAt: new Date('2021-03-16T01:00:00Z'),
          projectIds: ['p1'],
        }),
      ],
      null,
    ).find((u) => u.unit === 'jiaoyu');
    expect(s).toMatchObject({ state: 'on_time', submissionId: 2 });
  });

  it('is invalid when only unusable files arrived, late when the first usable one was late', () => {
    expect(
      stateOf([
        fact({ id: 1, unitId: 'weijian', status: 'rejected', isCurrent: false }),
        fact({ id: 2, unitId: 'nongshui', late: true, projectIds: ['p4'] }),
      ]),
    ).toMatchObject({ weijian: 'invalid', nongshui: 'late' });
  });

  it('counts a sheet from either lead unit of project 3 for both', () => {
    const s = weekStatus(
      schedule,
      '2021-03-15',
      [fact({ id: 7, unitId: 'xincheng', projectIds: ['p3'] })],
      null,
    );
    expect(s.find((u) => u.unit === 'jiaotong')).toMatchObject({
      state: 'on_time',
      coveredBy: 'xincheng',
      submissionId: 7,
    });
    expect(s.find((u) => u.unit === 'xincheng')).toMatchObject({
      state: 'on_time',
      coveredBy: null,
    });
  });

  it('expects nothing before the programme’s active period', () => {
    expect(new Set(Object.values(stateOf([], '2021-03-01')))).toEqual(new Set(['not_expected']));
  });

  it('marks a late sheet that arrived after the digest went out', () => {
    const s = weekStatus(
      schedule,
      '2021-03-15',
      [
        fact({
          id: 3,
          unitId: 'jiaoyu',
          late: true,
          arrivedAt: new Date('2021-03-16T05:00:00Z'),
          projectIds: ['p1'],
        }),
      ],
      new Date('2021-03-16T00:00:00Z'),
    ).find((u) => u.unit === 'jiaoyu');
    expect(s).toMatchObject({ state: 'late', afterDigest: true });
  });
});

describe('units expected because of an open agreed item', () => {
  let schedule: Schedule;
  beforeAll(async () => {
    const base = await exampleSchedule();
    const jiaoyu = base.units[0]!;
    // 区发改委 leads no project: expected only while it has an open agreed item.
    const fagai = {
      ...jiaoyu,
      id: 'fagai',
      name: '区发改委',
      aliases: [],
      addresses: ['fagai@example.cn'],
    };
    schedule = { ...base, units: [jiaoyu, fagai, ...base.units.slice(1)] };
  });

  it('expects a unit that leads no project only when it has an open item, in schedule order', () => {
    expect(weekStatus(schedule, '2021-03-15', [], null).map((s) => s.unit)).not.toContain('fagai');
    const units = weekStatus(schedule, '2021-03-15', [], null, ['fagai']).map((s) => s.unit);
    expect(units).toEqual(['jiaoyu', 'fagai', 'weijian', 'jiaotong', 'xincheng', 'nongshui']);
  });

  it('judges an item unit like a lead unit: missing, then on time with a sheet of no project', () => {
    const missing = weekStatus(schedule, '2021-03-15', [], null, ['fagai']);
    expect(missing.find((s) => s.unit === 'fagai')).toMatchObject({ state: 'missing' });
    const sent = weekStatus(
      schedule,
      '2021-03-15',
      [fact({ id: 7, unitId: 'fagai', projectIds: [] })],
      null,
      ['fagai'],
    );
    expect(sent.find((s) => s.unit === 'fagai')).toMatchObject({
      state: 'on_time',
      submissionId: 7,
    });
  });

  it('does not list a lead unit twice when it also has an open item', () => {
    const units = weekStatus(schedule, '2021-03-15', [], null, ['jiaoyu', 'jiaoyu']);
    expect(units.filter((s) => s.unit === 'jiaoyu')).toHaveLength(1);
  });

  it('ignores ids that are not units of the schedule', () => {
    const units = weekStatus(schedule, '2021-03-15', [], null, ['gone']).map((s) => s.unit);
    expect(units).not.toContain('gone');
  });
});
