/**
 * The agreed items' mails as pure compositions: the 交办 key changes exactly when the listed ids,
 * texts or time limits do; a 督办单's number, request and recipients by colour; the departments'
 * lists by matched unit, with the names matching none returned.
 */
import { createHash } from 'node:crypto';
import type { Schedule } from '../../src/config/schedule';
import type { ReportedProject, ReportedSheet } from '../../src/domain/digest/types';
import { assignmentListing, composeAssignment } from '../../src/domain/decisions/mails/assignment';
import { buildDepartmentsPage } from '../../src/app/console/departments-page';
import { departmentLists } from '../../src/domain/decisions/mails/departments';
import { composeSupervision, noticeNumber } from '../../src/domain/decisions/mails/supervision';
import type { AgreedItem } from '../../src/domain/decisions/types';
import { parseMailKey } from '../../src/domain/mail-key';
import { exampleSchedule } from '../helpers/sheets';

let schedule: Schedule;
beforeAll(async () => {
  schedule = await exampleSchedule();
});

const now = new Date('2021-03-22T01:00:00Z');
const item = (over: Partial<AgreedItem> = {}): AgreedItem => ({
  id: '20210316-2',
  meeting: { date: '2021-03-16', name: '区重点项目联合会议第3次会议' },
  projectId: 'p2',
  projectAsWritten: null,
  text: '落实病房大楼追加资金',
  responsibleUnits: ['weijian'],
  cooperatingUnits: ['nongshui'],
  unmatchedUnits: [],
  due: '2021-03-19',
  note: null,
  state: 'open',
  recordedAt: now,
  stateSince: now,
  closedAt: null,
  ...over,
});
const hash = (items: AgreedItem[]) =>
  createHash('sha256').update(assignmentListing(items)).digest('hex').slice(0, 8);
const assignment = (items: AgreedItem[]) =>
  composeAssignment({
    schedule,
    now,
    unitId: 'weijian',
    meeting: items[0]?.meeting ?? item().meeting,
    items,
    hash: hash(items),
    replaces: false,
  });

describe('the 交办 notice', () => {
  it('keeps its key while the ids, texts and time limits listed stay, whatever else changes', () => {
    const a = assignment([item()]);
    expect(parseMailKey(a.key)).toEqual({
      kind: 'assignment',
      meeting: '20210316',
      unitId: 'weijian',
      hash: hash([item()]),
    });
    expect(assignment([item({ state: 'closed', note: '备注' })]).key).toBe(a.key);
    expect(assignment([item({ due: '2021-03-26' })]).key).not.toBe(a.key);
    expect(assignment([item({ text: '落实病房大楼追加资金及设备' })]).key).not.toBe(a.key);
    expect(assignment([item(), item({ id: '20210316-3' })]).key).not.toBe(a.key);
  });

  it('goes to the unit, its cooperating units copied; says when it replaces an earlier one', () => {
    const a = assignment([item()]);
    expect(a.to).toEqual([{ name: '区卫健局', address: 'weijian@example.cn' }]);
    expect(a.cc).toEqual([{ name: '区农水局', address: 'nongshui@example.cn' }]);
    expect(a.html).toContain('<title>【交办】区重点项目联合会议第3次会议（2021年3月16日）议定事项');
    const again = composeAssignment({
      schedule,
      now,
      unitId: 'weijian',
      meeting: item().meeting,
      items: [item()],
      hash: hash([item()]),
      replaces: true,
    });
    expect(again.subject).toMatch(/（更新）$/);
    // 03-16 → 03-19 is within three working days: the notice says so (no blue will follow).
    expect(again.text).toContain(
      '提示：办结时限在3个工作日内，请务必按时办结（不再另发蓝色督办单）',
    );
    expect(assignment([item({ due: '2021-03-31' })]).text).not.toContain('提示：');
    expect(again.text).toContain('本通知替代此前向你单位发送的交办通知');
  });
});

describe('the 督办单', () => {
  it('numbers it by year of issue, item and colour', () => {
    expect(noticeNumber('20210316-2', 'red', '2021')).toBe('督办〔2021〕20210316-2-红');
  });

  it.each([
    ['blue', '请按时办结。', ['nongshui@example.cn']],
    ['yellow', '请加快推进并于下周报告进展。', ['nongshui@example.cn']],
    [
      'red',
      '请说明逾期原因并限期办结。',
      ['convenor-2@example.cn', 'nongshui@example.cn', 'supervision@example.cn'],
    ],
  ] as const)('%s: asks %s and copies %j', (colour, ask, cc) => {
    const mail = composeSupervision({
      schedule,
      now,
      unitId: 'weijian',
      followUp: { item: item(), colour, why: '理由', lastReport: null },
    });
    expect(mail.key).toBe(`notice:20210316-2:${colour}:weijian`);
    expect(mail.to.map((r) => r.address)).toEqual([
      'weijian@example.cn',
      'weijian-head@example.cn',
    ]);
    expect(mail.cc.map((r) => r.address).sort()).toEqual(cc);
    expect(mail.text).toContain(`督办要求：${ask}`);
    expect(mail.text).toContain('最近报告：未报告');
    expect(mail.text).toContain('督办原因：理由。');
  });
});

describe('the departments’ lists', () => {
  const project = (over: Partial<ReportedProject>): ReportedProject => ({
    projectId: 'p1',
    nameAsWritten: '锦川实验小学项目',
    leadUnits: ['jiaoyu'],
    problems: {
      approval: null,
      funding: '资金缺口约200万元。',
      land: null,
      construction: null,
      community: null,
    },
    uncategorizedProblems: null,
    responsibleDepartments: [],
    progress: null,
    nextSteps: null,
    targets: [],
    ...over,
  });
  const sheet = (unitId: string, p: ReportedProject, day: string): ReportedSheet => ({
    submissionId: 1,
    unitId,
    arrivedAt: new Date(`${day}T02:00:00Z`),
    status: 'accepted',
    issues: [],
    projects: [p],
  });

  it('lists each named unit’s problems with the week they stand since; names matching no unit are returned', () => {
    const named = project({ responsibleDepartments: ['农水局', '区发改局', '教育局'] });
    const { lists, unmatched } = departmentLists({
      schedule,
      week: '2021-03-29',
      current: [sheet('jiaoyu', named, '2021-03-29')],
      previous: [
        { week: '2021-03-22', sheets: [sheet('jiaoyu', named, '2021-03-22')] },
        { week: '2021-03-15', sheets: [] },
      ],
    });
    // 教育局 leads the project: it is not sent its own problems.
    expect(lists).toEqual([
      {
        unitId: 'nongshui',
        problems: [
          {
            projectId: 'p1',
            projectName: '锦川实验小学项目',
            leadUnits: ['区教育局'],
            category: '资金概算',
            text: '资金缺口约200万元。',
            since: '2021-03-22',
            atLeast: false,
          },
        ],
      },
    ]);
    expect(unmatched).toEqual(['区发改局']);
    // The console's departments page lists them for the office.
    const page = buildDepartmentsPage(
      schedule,
      '2021-03-29',
      [sheet('jiaoyu', named, '2021-03-29')],
      [],
    );
    expect(page.unmatched).toEqual(['区发改局']);
  });
});
