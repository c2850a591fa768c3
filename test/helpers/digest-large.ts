/**
 * A province-sized programme for the digest's size tests, in memory (no database): 500 projects
 * (4 targets each), 100 lead units (5 projects each), the week's sheets and 12 earlier weeks,
 * problem texts of the bench's lengths that change every few weeks — like bench/digest-data.js,
 * made smaller and pure. Three units have not submitted, four were late, one sheet has warnings.
 */
import type { ItemToRecord } from '../../src/app/ports/decision-store';
import type { Project, Schedule, Unit } from '../../src/config/schedule';
import {
  lookbackWeeks,
  type DigestInput,
  type ReportedProject,
  type ReportedSheet,
} from '../../src/domain/digest';
import type { SubmissionFact } from '../../src/domain/week-status';
import { NOW, WEEK } from '../fixtures/digest/scenario';
import { MemoryDecisionStore } from './memory-decision-store';

export const LARGE_PROJECTS = 500;
export const LARGE_UNITS = 100;
const MISSING = new Set([7, 42, 77]);
const LATE = new Set([3, 15, 60, 99]);

const PLACES = ['锦川', '南埔', '山腰', '界山', '后龙', '峰尾', '前黄', '涂岭', '驿坂', '凤北'];
const KINDS = ['实验小学', '安置房（一期）', '污水处理厂提标改造', '综合医院', '滨海大道'];
const DEPARTMENTS = [
  '区财政局',
  '区自然资源局',
  '区住建局',
  '区发改局',
  '区行政审批局',
  '区征迁办',
];
const PHRASES = [
  '项目可研报告已报送区发改局，因投资估算调整需重新论证，审批进度较计划滞后约三周，',
  '上级补助资金尚未到位，施工单位垫资压力较大，影响下阶段主体工程的正常推进，',
  '征地范围内尚有部分青苗及附着物补偿未谈妥，涉及农户对补偿标准存在异议，',
  '施工图设计文件需按审查意见修改，管线迁改与供电、水务等单位的衔接尚未完成，',
  '周边群众对施工噪声及夜间作业有投诉，需属地镇政府协助做好解释与协调工作，',
];

function text(seed: number, phase: number): string {
  const a = PHRASES[seed % PHRASES.length] ?? '';
  const b = PHRASES[(seed + phase + 1) % PHRASES.length] ?? '';
  return `${a}${b}请相关部门于第${phase + 1}阶段内协调解决。`;
}

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The example schedule with 100 lead units and 500 projects. */
export function largeSchedule(base: Schedule): Schedule {
  const template = base.units[0] as Unit;
  const units: Unit[] = Array.from({ length: LARGE_UNITS }, (_, i) => ({
    ...template,
    id: `u${i + 1}`,
    name: `${PLACES[i % PLACES.length]}第${i + 1}片区指挥部`,
    aliases: [],
    addresses: [`u${i + 1}@example.cn`],
  }));
  const leaders = base.people.convenors.map((c) => c.id);
  const projects: Project[] = Array.from({ length: LARGE_PROJECTS }, (_, i) => ({
    id: `p${i + 1}`,
    name: `${PLACES[i % PLACES.length]}${KINDS[i % KINDS.length]}（第${i + 1}号）项目`,
    aliases: [],
    leadUnits: [`u${(i % LARGE_UNITS) + 1}`],
    responsibleLeader: leaders[i % leaders.length] ?? '',
    targets: Array.from({ length: 4 }, (_, t) => ({
      text: `完成第${t + 1}阶段建设任务并通过阶段验收`,
      due: addDays('2021-01-15', (i * 7 + t * 40) % 330),
    })),
  }));
  return { ...base, units, projects };
}

function reported(p: Project, weekIndex: number, n: number): ReportedProject {
  const phase = (k: number) => Math.floor((weekIndex + ((n * 3 + k) % 5)) / (2 + ((n + k) % 5)));
  return {
    projectId: p.id,
    nameAsWritten: p.name,
    leadUnits: p.leadUnits,
    problems: {
      approval: text(n, phase(0)),
      funding: n % 2 === 0 ? text(n + 1, phase(1)) : null,
      land: n % 3 === 0 ? text(n + 2, phase(2)) : null,
      construction: text(n + 3, phase(3)),
      community: n % 4 === 0 ? text(n + 4, phase(4)) : null,
    },
    uncategorizedProblems: null,
    responsibleDepartments: [DEPARTMENTS[n % DEPARTMENTS.length] ?? '', '属地镇政府'],
    progress: `本周召开专题协调会${(n % 3) + 1}次，${text(n + 5, weekIndex)}`,
    nextSteps: `下阶段将${text(n + 6, weekIndex)}`,
    targets: p.targets.map((t, k) => ({
      text: t.text,
      due: t.due,
      dueText: null,
      status: (n + k) % 3 === 0 ? 'done' : (n + k) % 3 === 1 ? 'in_progress' : 'not_started',
    })),
  };
}

function sheetsOf(schedule: Schedule, week: string, weekIndex: number): ReportedSheet[] {
  const current = week === WEEK;
  return schedule.units
    .map((u, i) => ({ u, i }))
    .filter(({ i }) => !(current && MISSING.has(i)))
    .map(({ u, i }) => ({
      submissionId: weekIndex * 1000 + i + 1,
      unitId: u.id,
      arrivedAt: new Date(Date.parse(`${week}T01:00:00Z`) - 86_400_000 + i * 60_000),
      status: i === 5 ? 'accepted_with_warnings' : 'accepted',
      issues:
        i === 5
          ? [{ severity: 'warning', code: 'DUE_TEXT', cell: 'E7', message: '完成时限未写年份' }]
          : [],
      projects: schedule.projects
        .map((p, n) => ({ p, n }))
        .filter(({ p }) => p.leadUnits[0] === u.id)
        .map(({ p, n }) => reported(p, weekIndex, n)),
    }));
}

/** The digest's input for WEEK at NOW, as buildDigest would read it. */
export function largeInput(schedule: Schedule, overrides: Partial<DigestInput> = {}): DigestInput {
  const weeks = [WEEK, ...lookbackWeeks(WEEK)];
  const [current = [], ...previous] = weeks.map((w, k) => sheetsOf(schedule, w, 52 - k));
  const facts: SubmissionFact[] = current.map((s, i) => ({
    id: s.submissionId,
    unitId: s.unitId,
    arrivedAt: s.arrivedAt,
    status: s.status,
    late: LATE.has(i),
    isCurrent: true,
    projectIds: s.projects.map((p) => p.projectId ?? ''),
  }));
  return {
    schedule,
    week: WEEK,
    now: NOW,
    facts,
    digestSentAt: null,
    reminders: [],
    current,
    previous: previous.map((sheets, k) => ({ week: weeks[k + 1] ?? '', sheets })),
    office: { quarantined: [], unsentMails: [], unprocessed: 0 },
    edition: { version: 1, previousSentAt: null },
    ...overrides,
  };
}

const MEETING = { date: '2021-03-01', name: '区重点项目联合会议第3次会议' };

function item(n: number, fields: Partial<ItemToRecord>): ItemToRecord {
  return {
    id: `20210301-${n}`,
    meeting: MEETING,
    projectId: 'p1',
    projectAsWritten: null,
    text: `议定事项${n}：协调解决项目用地报批问题`,
    responsibleUnits: ['u1'],
    cooperatingUnits: [],
    unmatchedUnits: [],
    due: '2021-06-30',
    note: null,
    ...fields,
  };
}

/**
 * Items at NOW (Tuesday 2021-03-23, 08:00 Beijing): 1 red (due 3月19日), 2 yellow (未启动 past
 * half its time), 3 blue (due in two days), 4 awaiting confirmation, 5 confirmed closed on
 * Monday, 6 closed a month ago (not listed), 7 on track.
 */
export async function itemsStore(schedule: Schedule, unit = 'u1'): Promise<MemoryDecisionStore> {
  const store = new MemoryDecisionStore(schedule);
  const recorded = new Date('2021-03-01T08:00:00Z');
  await store.recordItems(
    [
      item(1, {
        due: '2021-03-19',
        text: '红色事项：完成征地补偿方案报批',
        responsibleUnits: [unit],
      }),
      item(2, { due: '2021-04-10', text: '黄色事项：启动管线迁改', responsibleUnits: [unit] }),
      item(3, {
        due: '2021-03-25',
        text: '蓝色事项：完成施工图审查',
        meeting: { date: '2021-03-15', name: '' },
        id: '20210315-1',
        responsibleUnits: [unit],
      }),
      item(4, { text: '待确认事项：落实补助资金', responsibleUnits: [unit] }),
      item(5, { text: '本周办结事项：完成环评批复', responsibleUnits: [unit] }),
      item(6, { text: '早已办结事项', responsibleUnits: [unit] }),
      item(7, {
        text: '正常推进事项',
        meeting: { date: '2021-03-15', name: '' },
        id: '20210315-2',
        responsibleUnits: [unit],
      }),
    ],
    { by: 'cli', rawMessageId: null },
    recorded,
  );
  const report = (itemId: string, week: string, status: '已办结' | '推进中' | '未启动') => ({
    itemId,
    unitId: unit,
    week,
    progress: `${status}，已与相关部门对接`,
    status,
    reportedAt: new Date(`${week}T01:00:00Z`),
    submissionId: null,
    rawMessageId: null,
  });
  await store.recordReports([report('20210301-2', '2021-03-22', '未启动')], NOW);
  await store.recordReports([report('20210301-6', '2021-03-08', '已办结')], NOW);
  await store.changeState(
    '20210301-6',
    'closed',
    { kind: 'confirmed', by: 'cli', note: null },
    new Date('2021-03-09T02:00:00Z'),
  );
  await store.recordReports([report('20210301-5', '2021-03-15', '已办结')], NOW);
  await store.changeState(
    '20210301-5',
    'closed',
    { kind: 'confirmed', by: 'cli', note: null },
    new Date('2021-03-22T02:00:00Z'),
  );
  await store.recordReports([report('20210301-4', '2021-03-22', '已办结')], NOW);
  return store;
}
