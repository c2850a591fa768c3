/** Wording shared by the text and HTML forms of the digest (formal zh-CN, concise). */
import { TARGET_STATUS_LABELS } from '../sheet/layout';
import { oneLine } from '../one-line';
import { formatMonthDayZh, weekLabelZh } from '../zh/dates';
import { bracketNumeralZh, numeralZh } from '../zh/numerals';
import type {
  DepartmentItem,
  DigestModel,
  ItemGroup,
  ItemsSection,
  ProblemItem,
  SubmissionLine,
  TargetLine,
} from './model';

export type Tone = 'ok' | 'warn' | 'alert' | 'muted';

/** A unit's submission state, and how alarming it is. */
export function stateLabel(s: SubmissionLine): { label: string; tone: Tone } {
  switch (s.state) {
    case 'on_time':
      return { label: '按时报送', tone: 'ok' };
    case 'late':
      return { label: s.afterDigest ? '逾期报送（周报发出后）' : '逾期报送', tone: 'warn' };
    case 'missing':
      return s.pending
        ? { label: '尚未报送（未到截止时间）', tone: 'muted' }
        : { label: '未报送', tone: 'alert' };
    case 'invalid':
      return {
        label: `已收到邮件，未能使用（${s.unusable ?? '所附文件未能读取为问题清单'}），已通知修改`,
        tone: 'alert',
      };
    case 'not_expected':
      return { label: '本周无需报送', tone: 'muted' };
  }
}

/**
 * The line under a unit's state: when, by whom, reminders, who leads its projects. `officePart`
 * names the section with the sheet warnings ("第五部分", or "第六部分" with the items section).
 */
export function stateDetails(s: SubmissionLine, officePart = '第五部分'): string[] {
  const out: string[] = [];
  if (s.submittedAt) {
    out.push(s.coveredBy ? `由${s.coveredBy}报送（${s.submittedAt}）` : `${s.submittedAt}收到`);
  }
  if (s.reminders.length > 0)
    out.push(`已催报${s.reminders.length}次${s.escalated ? '，已提请项目负责领导督办' : ''}`);
  if (s.state === 'missing' || s.state === 'invalid') {
    out.push(`涉及项目：${s.projects.join('、')}`, `项目负责领导：${s.leaders.join('、')}`);
  }
  if (s.warnings > 0) out.push(`表格有${s.warnings}处提示，见${officePart}`);
  return out;
}

export function markLabel(p: Pick<ProblemItem, 'mark' | 'weeks' | 'atLeast'>): string {
  switch (p.mark) {
    case 'new':
      return '新增';
    case 'changed':
      return '有变化';
    case 'unchanged':
      return `未变化，连续${p.weeks}周${p.atLeast ? '以上' : ''}`;
  }
}

export function markTone(p: Pick<ProblemItem, 'mark' | 'weeks'>, stuckWeeks: number): Tone {
  if (p.mark === 'new') return 'alert';
  if (p.mark === 'changed') return 'warn';
  return p.weeks >= stuckWeeks ? 'alert' : 'muted';
}

export function targetTiming(t: TargetLine): string {
  if (t.kind === 'overdue') return `逾期${t.days}天`;
  return t.days === 0 ? '今日到期' : `${t.days}天后到期`;
}

export function targetStatusNote(t: TargetLine): string {
  if (!t.status) return '未填报完成情况';
  const when = t.statusWeek ? `${formatMonthDayZh(t.statusWeek)}当周` : '';
  return `${when}填报：${TARGET_STATUS_LABELS[t.status]}`;
}

/** Unit names joined with 、, at most `max` of them ("……等N个" after). */
function names(list: readonly SubmissionLine[], max: number): string {
  const shown = list.slice(0, max).map((u) => u.unitName);
  return list.length > max ? `${shown.join('、')}等${list.length}个` : shown.join('、');
}

/**
 * The opening summary, one sentence per topic. `maxNames` bounds the unit names listed per state
 * (the compact body's).
 */
export function summaryLines(
  m: DigestModel,
  maxNames = Number.POSITIVE_INFINITY,
): Array<{ label: string; text: string; tone: Tone }> {
  const s = m.summary;
  const lines: Array<{ label: string; text: string; tone: Tone }> = [];
  if (!m.expected) {
    lines.push({ label: '报送', text: '本周不在报送期内，各单位无需报送。', tone: 'muted' });
  } else {
    const parts = [`应报送${s.expectedUnits}个单位`, `按时${s.onTime}个`];
    const late = m.submissions.filter((u) => u.state === 'late');
    if (late.length > 0) {
      parts.push(`逾期${late.length}个（${names(late, maxNames)}）`);
    }
    const missing = m.submissions.filter((u) => u.state === 'missing' && !u.pending);
    if (missing.length > 0) {
      parts.push(`未报送${missing.length}个（${names(missing, maxNames)}）`);
    }
    const invalid = m.submissions.filter((u) => u.state === 'invalid');
    if (invalid.length > 0) {
      parts.push(`已收到邮件但未能使用${invalid.length}个（${names(invalid, maxNames)}）`);
    }
    if (s.pending > 0) parts.push(`尚未报送${s.pending}个（未到截止时间）`);
    lines.push({
      label: '报送',
      text: `${parts.join('，')}。`,
      tone: s.missing + s.invalid > 0 ? 'alert' : s.late > 0 ? 'warn' : 'ok',
    });
  }
  if (m.items) {
    const i = m.items;
    lines.push({
      label: '议定事项',
      text: itemsSentence(i),
      tone: i.red.length > 0 ? 'alert' : i.yellow.length + i.blue.length > 0 ? 'warn' : 'ok',
    });
  }
  lines.push({
    label: '攻坚目标',
    text:
      s.overdueTargets + s.dueSoonTargets === 0
        ? '无逾期或7日内到期的目标。'
        : `逾期未完成${s.overdueTargets}项，7日内到期${s.dueSoonTargets}项。`,
    tone: s.overdueTargets > 0 ? 'alert' : s.dueSoonTargets > 0 ? 'warn' : 'ok',
  });
  lines.push({
    label: '存在问题',
    text: problemsSentence(s),
    tone: s.newProblems + s.stuckProblems > 0 ? 'alert' : 'ok',
  });
  if (s.officeItems > 0) {
    const o = m.office;
    const parts: string[] = [];
    if (o.quarantined.length > 0) parts.push(`待核实来信${o.quarantined.length}封`);
    if (o.unprocessed > 0) parts.push(`待处理来信${o.unprocessed}封`);
    if (o.unsentMails.length > 0) parts.push(`未发出的邮件${o.unsentMails.length}封`);
    if (o.cloudLinks.length > 0) parts.push(`仅含超大附件链接的来信${o.cloudLinks.length}封`);
    if (o.warnings.length > 0) parts.push(`表格有提示的单位${o.warnings.length}个`);
    lines.push({ label: '办公室', text: `${parts.join('，')}。`, tone: 'warn' });
  }
  return lines;
}

/** "共12项：红色2、黄色1、蓝色3，待确认1，本周办结2。" (after the label 议定事项) */
export function itemsSentence(i: ItemsSection): string {
  return `共${i.total}项：红色${i.red.length}、黄色${i.yellow.length}、蓝色${i.blue.length}，待确认${i.awaiting.length}，本周办结${i.closedThisWeek.length}。`;
}

/** The item groups in the order the section lists them, with their headings and tones. */
export const ITEM_GROUPS: ReadonlyArray<{
  group: ItemGroup;
  key: 'red' | 'yellow' | 'blue' | 'awaiting' | 'closedThisWeek';
  title: string;
  /** Short, for a table cell. */
  label: string;
  tone: Tone;
}> = [
  { group: 'red', key: 'red', title: '红色（逾期未办结）', label: '红色', tone: 'alert' },
  { group: 'yellow', key: 'yellow', title: '黄色（推进滞后）', label: '黄色', tone: 'warn' },
  { group: 'blue', key: 'blue', title: '蓝色（临近办结时限）', label: '蓝色', tone: 'muted' },
  { group: 'awaiting', key: 'awaiting', title: '待确认办结', label: '待确认', tone: 'muted' },
  { group: 'closed', key: 'closedThisWeek', title: '本周办结', label: '本周办结', tone: 'ok' },
];

function problemsSentence(s: DigestModel['summary']): string {
  if (s.openProblems === 0) return '本周各项目未填报存在问题。';
  const unchanged = s.openProblems - s.newProblems - s.changedProblems;
  const parts = [
    s.newProblems > 0 ? `新增${s.newProblems}项` : '',
    s.changedProblems > 0 ? `有变化${s.changedProblems}项` : '',
    unchanged > 0
      ? `未变化${unchanged}项${s.stuckProblems > 0 ? `（其中连续3周及以上${s.stuckProblems}项）` : ''}`
      : '',
  ].filter((p) => p !== '');
  return `共${s.openProblems}项：${parts.join('，')}。`;
}

export function openingLines(m: DigestModel): string[] {
  const lines = [
    `现将本周（${m.weekLabel}当周）各项目问题清单汇总如下。报送截止时间为${m.deadline.label}${m.deadline.shifted ? '（遇节假日顺延）' : ''}，本汇总生成于${m.generatedAt}。`,
  ];
  if (m.isUpdate) {
    lines.push(
      `本件为更新版（第${m.version}版）${m.previousSentAt ? `，前一版已于${m.previousSentAt}发出` : ''}，请以本版为准。`,
    );
  }
  return lines;
}

export function notReportedLine(p: { lastReportedWeek: string | null }): string {
  return p.lastReportedWeek
    ? `本周未报送问题清单（最近一次报送为${weekLabelZh(p.lastReportedWeek)}）。`
    : '本周未报送问题清单。';
}

/** The digest's section titles (today's numbering; see sectionTitles for a given digest). */
export const SECTION_TITLES = {
  submissions: '一、报送情况',
  targets: '二、攻坚目标（逾期及7日内到期）',
  projects: '三、各项目存在问题',
  departments: '四、按问题责任部门汇总',
  office: '五、办公室事项',
} as const;

export type SectionKey = keyof typeof SECTION_TITLES | 'items';

const SECTION_NAMES: Record<SectionKey, string> = {
  submissions: '报送情况',
  items: '议定事项督办',
  targets: '攻坚目标（逾期及7日内到期）',
  projects: '各项目存在问题',
  departments: '按问题责任部门汇总',
  office: '办公室事项',
};

/**
 * The full digest's sections, numbered in order: the items section (when the programme has
 * agreed items) comes second, after the submissions.
 */
export function sectionTitles(m: Pick<DigestModel, 'items'>): Record<SectionKey, string> {
  const order: SectionKey[] = m.items
    ? ['submissions', 'items', 'targets', 'projects', 'departments', 'office']
    : ['submissions', 'targets', 'projects', 'departments', 'office'];
  const out = { ...SECTION_NAMES };
  order.forEach((k, i) => (out[k] = `${numeralZh(i + 1)}、${SECTION_NAMES[k]}`));
  return out;
}

/** "第五部分": where a section is, by its number. */
export function partOf(m: Pick<DigestModel, 'items'>, key: SectionKey): string {
  return `第${sectionTitles(m)[key].split('、')[0] ?? ''}部分`;
}

/** "（一）", "（十一）", "（二十）" … */
export function projectNumeral(seq: number): string {
  return bracketNumeralZh(seq);
}

export const DEPARTMENT_NOTE =
  '按各项目填报的问题责任部门归集，列出该项目的全部存在问题（摘要，全文见第三部分及附件）。';

export function departmentNote(m: Pick<DigestModel, 'items'>): string {
  return DEPARTMENT_NOTE.replace('第三部分', partOf(m, 'projects'));
}

/** A department's items, by project in order of appearance. */
export function byProject(items: readonly DepartmentItem[]): Array<{
  projectSeq: number;
  projectName: string;
  items: DepartmentItem[];
}> {
  const out: Array<{ projectSeq: number; projectName: string; items: DepartmentItem[] }> = [];
  for (const i of items) {
    let group = out.find((g) => g.projectSeq === i.projectSeq);
    if (!group) {
      group = { projectSeq: i.projectSeq, projectName: i.projectName, items: [] };
      out.push(group);
    }
    group.items.push(i);
  }
  return out;
}

/**
 * A problem text cut for the by-department list (the full text is in the project section): one
 * line, `max` characters and "……".
 */
export function excerpt(text: string, max = 40): string {
  return oneLine(text, max + 2, '……');
}

export function attachmentLine(m: DigestModel): string {
  return `附件：${m.attachmentName}（全部项目问题清单汇总，按官方表式，A4横向，可直接打印；第二个工作表按问题责任部门汇总）。`;
}

export const FOOTER_LINE = '本邮件由系统自动生成。如有疑问，请与联合会议办公室联系。';

/** An office line for a large-attachment link a unit sent instead of its sheet. */
export function cloudLinkLine(l: DigestModel['office']['cloudLinks'][number]): string {
  return `${l.at} ${l.unitName}：“${l.filename}”，链接：${l.url}`;
}

export const CLOUD_LINKS_TITLE =
  '仅发送超大附件链接（未附文件本身，已回复请以附件重新发送；链接未打开）';
