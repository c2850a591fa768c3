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
