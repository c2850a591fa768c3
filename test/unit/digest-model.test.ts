/**
 * The digest's model (pure): submissions from the week status, targets overdue or due soon, the
 * new / changed / unchanged marks against earlier weeks, the by-department grouping, and the
 * subject of a first and a re-sent version.
 */
import type { Schedule } from '../../src/config/schedule';
import {
  buildDigestModel,
  digestSubject,
  LOOKBACK_WEEKS,
  lookbackWeeks,
  normalizeProblem,
  type DigestInput,
  type ReportedProject,
  type ReportedSheet,
  type WeekReports,
} from '../../src/domain/digest';
import { NOW, scenarioInput, WEEK } from '../fixtures/digest/scenario';
import { exampleSchedule } from '../helpers/sheets';

const EMPTY = { approval: null, funding: null, land: null, construction: null, community: null };

function p1(problems: Partial<ReportedProject['problems']>, extra: Partial<ReportedProject> = {}) {
  return {
    projectId: 'p1',
    nameAsWritten: '锦川实验小学项目',
    leadUnits: ['教育局'],
    problems: { ...EMPTY, ...problems },
    uncategorizedProblems: null,
    responsibleDepartments: ['区财政局'],
    progress: null,
    nextSteps: null,
    targets: [],
    ...extra,
  } satisfies ReportedProject;
}

function sheet(project: ReportedProject, extra: Partial<ReportedSheet> = {}): ReportedSheet {
  return {
    submissionId: 1,
    unitId: 'jiaoyu',
    arrivedAt: new Date('2021-03-22T02:00:00Z'),
    status: 'accepted',
    issues: [],
    projects: [project],
    ...extra,
  };
}

/** Earlier weeks, newest first; `null` = the project was not reported that week. */
function history(...projects: Array<ReportedProject | null>): WeekReports[] {
  return lookbackWeeks(WEEK).map((week, i) => {
    const p = projects[i];
    return { week, sheets: p ? [sheet(p)] : [] };
  });
}

describe('the digest model', () => {
  let schedule: Schedule;
  beforeAll(async () => {
    schedule = await exampleSchedule();
  });
  const model = (overrides: Partial<DigestInput> = {}) =>
    buildDigestModel(scenarioInput(schedule, overrides));
  const marksOf = (current: ReportedProject, previous: WeekReports[]) =>
    model({ current: [sheet(current)], previous })
      .projects.find((p) => p.projectId === 'p1')
      ?.problems.map((q) => [q.key, q.mark, q.weeks, q.atLeast]);

  describe('marks each problem against the previous report of its project', () => {
    it('new when the previous report had nothing in that category', () => {
      expect(
        marksOf(p1({ land: '用地规划调整。' }), history(p1({ funding: '资金缺口。' }))),
      ).toEqual([['land', 'new', 1, false]]);
    });

    it('new for every problem of a project never reported before', () => {
      expect(marksOf(p1({ land: '用地规划调整。' }), history())).toEqual([
        ['land', 'new', 1, false],
      ]);
    });

    it('changed when the text differs', () => {
      expect(
        marksOf(
          p1({ funding: '资金缺口约150万元。' }),
          history(p1({ funding: '资金缺口约200万元。' })),
        ),
      ).toEqual([['funding', 'changed', 1, false]]);
    });

    it('unchanged when only spacing, punctuation or character width differ', () => {
      expect(normalizeProblem('资金缺口 约２００万元。\n')).toBe(
        normalizeProblem('资金缺口约200万元'),
      );
      expect(normalizeProblem('完成2.5公里')).not.toBe(normalizeProblem('完成25公里'));
      expect(
        marksOf(
          p1({ funding: '资金缺口 约２００万元' }),
          history(p1({ funding: '资金缺口约200万元。' })),
        ),
      ).toEqual([['funding', 'unchanged', 2, false]]);
    });

    it('counts the weeks a problem has stood unchanged, back to the week it last changed', () => {
      const same = p1({ funding: '资金缺口。' });
      expect(marksOf(same, history(same, same, p1({ funding: '资金缺口较大。' }), same))).toEqual([
        ['funding', 'unchanged', 3, false],
      ]);
    });

    it('skips weeks in which the project was not reported, without calling it a change', () => {
      const same = p1({ funding: '资金缺口。' });
      expect(marksOf(same, history(same, null, same))).toEqual([
        ['funding', 'unchanged', 4, false],
      ]);
    });

    it(`says "at least" when the problem stood through all ${LOOKBACK_WEEKS} weeks looked at`, () => {
      const same = p1({ funding: '资金缺口。' });
      const all = Array.from({ length: LOOKBACK_WEEKS }, () => same);
      expect(marksOf(same, history(...all))).toEqual([
        ['funding', 'unchanged', LOOKBACK_WEEKS + 1, true],
      ]);
    });

    it('compares with the latest earlier report when the previous week was not reported', () => {
      expect(
        marksOf(p1({ funding: '资金缺口。' }), history(null, p1({ funding: '资金缺口较大。' }))),
      ).toEqual([['funding', 'changed', 1, false]]);
    });

    it('lists the categories reported before and not any more', () => {
      const m = model({
        current: [sheet(p1({ funding: '资金缺口。' }))],
        previous: history(p1({ funding: '资金缺口。', community: '群众阻工。' })),
      });
      expect(m.projects[0]?.cleared).toEqual([{ key: 'community', label: '群众工作' }]);
    });

    it('marks text written outside the five prompts as a problem of its own', () => {
      const m = model({
        current: [sheet(p1({}, { uncategorizedProblems: '村民对补偿有异议。' }))],
        previous: history(),
      });
      expect(m.projects[0]?.problems).toEqual([
        expect.objectContaining({ key: 'uncategorized', label: '其他（未分类）', mark: 'new' }),
      ]);
    });
  });

  describe('lists the submissions from the week status', () => {
    it('with each unit’s state, the co-lead unit that covered it, and the reminders sent', () => {
      const m = model();
      expect(
        m.submissions.map((s) => [s.unitId, s.state, s.coveredBy, s.reminders, s.submittedAt]),
      ).toEqual([
        ['jiaoyu', 'on_time', null, [], '3月22日 10:02'],
        ['weijian', 'missing', null, ['morning', 'overdue'], null],
        ['jiaotong', 'on_time', '新城投资公司', [], '3月22日 16:40'],
        ['xincheng', 'on_time', null, [], '3月22日 16:40'],
        ['nongshui', 'late', null, [], '3月23日 07:30'],
      ]);
      expect(m.summary).toMatchObject({ onTime: 3, late: 1, missing: 1, invalid: 0, pending: 0 });
    });

    it('calls a unit pending, not missing, before the deadline', () => {
      const m = model({ now: new Date('2021-03-22T03:00:00Z') });
      expect(m.submissions.find((s) => s.unitId === 'weijian')).toMatchObject({
        state: 'missing',
        pending: true,
      });
      expect(m.summary).toMatchObject({ missing: 0, pending: 1 });
    });

    it('says when a late sheet arrived after the first digest went out', () => {
      const m = model({ digestSentAt: new Date('2021-03-22T20:00:00Z') });
      expect(m.submissions.find((s) => s.unitId === 'nongshui')).toMatchObject({
        state: 'late',
        afterDigest: true,
      });
    });
  });

  describe('lists targets overdue or due within 7 days', () => {
    it('overdue unless the latest report marks it done; due soon from today to 7 days on', () => {
      const m = model();
      expect(m.targets.map((t) => [t.projectSeq, t.due, t.kind, t.days])).toEqual([
        [2, '2021-02-25', 'overdue', 26],
        [3, '2021-03-18', 'overdue', 5],
        [4, '2021-03-18', 'overdue', 5],
        [3, '2021-03-25', 'due_soon', 2],
        [4, '2021-03-25', 'due_soon', 2],
        [1, '2021-03-30', 'due_soon', 7],
        [2, '2021-03-30', 'due_soon', 7],
      ]);
      // 项目1's first target (2月25日) is reported done this week; 项目2's status is last week's.
      expect(m.targets.some((t) => t.projectSeq === 1 && t.kind === 'overdue')).toBe(false);
      expect(m.targets[0]).toMatchObject({ status: 'in_progress', statusWeek: '2021-03-15' });
    });

    it('finds a reported target by its text even when the unit reordered the rows', () => {
      const reordered = p1(
        {},
        {
          targets: [
            { text: '项目重新开工', due: '2021-03-31', dueText: null, status: null },
            { text: '完成项目工程量清算', due: '2021-02-25', dueText: null, status: 'done' },
          ],
        },
      );
      const m = model({ current: [sheet(reordered)], previous: history() });
      expect(m.targets.filter((t) => t.projectSeq === 1).map((t) => t.due)).toEqual(['2021-03-30']);
    });
  });

  describe('groups open problems by responsible department', () => {
    it('one department however it is written (区财政局 = 财政局), most problems first', () => {
      const m = model();
      expect(m.departments.map((d) => [d.name, d.items.length])).toEqual([
        ['区自然资源局', 9],
        ['属地镇政府', 6],
        ['区发改局', 3],
        ['区财政局', 3],
        ['区城管局', 3],
        ['区供电公司', 3],
      ]);
    });
  });

  it('reports to the office the held and unsent mail and the sheets with warnings', () => {
    const m = model();
    expect(m.office.quarantined).toEqual([
      {
        at: '3月22日 11:00',
        from: 'secretary@example.org',
        subject: '转发：问题清单（卫健局）',
        reason: '发件地址未登记',
      },
    ]);
    expect(m.office.unsentMails).toEqual([
      expect.objectContaining({ kind: '回执', to: 'xincheng@example.cn' }),
    ]);
    expect(m.office.warnings.map((w) => [w.unitName, w.issues.map((i) => i.code)])).toEqual([
      ['新城投资公司', ['DUE_DATE_DIFFERS']],
      ['区农水局', ['PROBLEMS_UNCATEGORIZED']],
    ]);
  });

  it('labels a re-sent version in the subject, and only when an earlier one went out', () => {
    expect(digestSubject('2021-03-15', { version: 1, isUpdate: false })).toBe(
      '【督办周报】2021年3月15日当周重点项目问题清单汇总',
    );
    expect(model({ edition: { version: 2, previousSentAt: NOW } }).subject).toBe(
      '【督办周报】2021年3月22日当周重点项目问题清单汇总（更新版，第2版）',
    );
    expect(model({ edition: { version: 2, previousSentAt: null } }).isUpdate).toBe(false);
  });

  it('says that no sheets were expected outside the programme’s active period', () => {
    const m = model({ week: '2021-01-04', facts: [], current: [], previous: [] });
    expect(m.expected).toBe(false);
    expect(m.submissions.every((s) => s.state === 'not_expected')).toBe(true);
  });

  describe('shares the programme’s and the Chinese text rules with the other mails', () => {
    it('titles a project led by the chief convenor with the chief’s title, as the reminders do', () => {
      const chiefLed = structuredClone(schedule);
      chiefLed.projects[0]!.responsibleLeader = 'chief';
      const m = buildDigestModel(scenarioInput(chiefLed, {}));
      expect(m.projects[0]?.leader).toBe('总召集人（区政府常务副区长）');
    });

    it('writes a due date with its year only when a reader of the week would take another', () => {
      const dated = structuredClone(schedule);
      dated.projects[0]!.targets = [
        { text: '完成主体结构', due: '2021-04-30' },
        { text: '完成竣工验收', due: '2022-02-28' },
        // In March, "12月31日" would be read as last December: the year is written.
        { text: '完成决算审计', due: '2021-12-31' },
      ];
      const m = buildDigestModel(scenarioInput(dated, { current: [] }));
      expect(m.projects[0]?.targets.map((t) => t.dueLabel)).toEqual([
        '4月30日',
        '2022年2月28日',
        '2021年12月31日',
      ]);
    });

    it('cuts the office’s one-line texts by character, never inside a surrogate pair', () => {
      const subject = `${'𠀀'.repeat(100)}`;
      const m = model({
        office: {
          quarantined: [{ receivedAt: NOW, from: 'x@example.org', subject, reason: null }],
          unsentMails: [],
          unprocessed: 0,
        },
      });
      expect(m.office.quarantined[0]?.subject).toBe(`${'𠀀'.repeat(79)}…`);
    });
  });
});
