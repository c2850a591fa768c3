/**
 * The compact digest body of a large programme (more than FULL_BODY_MAX_PROJECTS projects): what
 * needs the convenors, first and bounded — units that did not submit, the agreed items by colour,
 * overdue and due targets, new and stuck problems, the busiest responsible departments, the
 * office's matters. Each list shows at most a few entries ("另有N项，详见附件"), each long text
 * an excerpt; the full per-project detail is in the attached workbook and full HTML file.
 *
 * The sections come out as plain text (the renderers escape and style them), so the HTML and
 * the text forms say the same.
 */
import {
  cloudLinkLine,
  excerpt,
  ITEM_GROUPS,
  markLabel,
  markTone,
  stateDetails,
  stateLabel,
  targetStatusNote,
  targetTiming,
  type Tone,
} from './format';
import { STUCK_WEEKS } from './reports';
import type { DigestModel, ItemLine, SubmissionLine } from './types';

/** Entries shown per list. */
export const COMPACT_LIST_LIMIT = 10;
/** Units shown per submission state (missing, invalid). */
export const COMPACT_UNIT_LIMIT = 15;
/** Unit names listed in one line (late, pending) and in the summary. */
export const COMPACT_NAME_LIMIT = 20;
/** Characters of an excerpted text (a problem, an item, a progress note). */
export const COMPACT_EXCERPT = 60;

export interface CompactRow {
  tone: Tone;
  /** A short label shown as a badge ("逾期5天", "新增"). */
  badge: string | null;
  title: string;
  /** Lines under the title (plain text, one line each). */
  lines: string[];
}

export interface CompactBlock {
  /** "红色（逾期未办结）3项" */
  heading: string | null;
  rows: CompactRow[];
  /** Entries left out of the list ("另有N项，详见附件"): 0 when none. */
  more: number;
}

export interface CompactSection {
  title: string;
  /** Said when the section has nothing to list. */
  empty: string | null;
  blocks: CompactBlock[];
}

export const COMPACT_TITLES = {
  submissions: '报送情况（需关注的单位）',
  items: '议定事项督办',
  targets: '攻坚目标（逾期及7日内到期）',
  problems: '存在问题（新增及长期未变化）',
  departments: '按问题责任部门（问题最多的部门）',
  office: '办公室事项',
} as const;

export function moreLine(n: number, unit = '项'): string {
  return `另有${n}${unit}，详见附件。`;
}

function bounded<T>(list: readonly T[], max: number): { shown: T[]; more: number } {
  return { shown: list.slice(0, max), more: Math.max(0, list.length - max) };
}

function block<T>(
  heading: string | null,
  list: readonly T[],
  row: (t: T) => CompactRow,
  max = COMPACT_LIST_LIMIT,
): CompactBlock {
  const { shown, more } = bounded(list, max);
  return { heading, rows: shown.map(row), more };
}

function unitRow(s: SubmissionLine): CompactRow {
  const st = stateLabel(s);
  return {
    tone: st.tone,
    badge: st.label.length > 12 ? '未能使用' : st.label,
    title: s.unitName,
    lines: [
      ...(st.label.length > 12 ? [excerpt(st.label, 80)] : []),
      ...stateDetails(s, '办公室事项').map((d) => excerpt(d, 80)),
    ],
  };
}

function namesRow(tone: Tone, badge: string, units: readonly SubmissionLine[]): CompactRow {
  const { shown, more } = bounded(units, COMPACT_NAME_LIMIT);
  return {
    tone,
    badge,
    title: `${units.length}个单位`,
    lines: [`${shown.map((u) => u.unitName).join('、')}${more > 0 ? `等（另有${more}个）` : ''}`],
  };
}

function itemRow(i: ItemLine, tone: Tone): CompactRow {
  return {
    tone,
    badge: i.id,
    title: excerpt(i.text, COMPACT_EXCERPT),
    lines: [
      `项目：${excerpt(i.project, 30)}；责任单位：${excerpt(i.units, 40)}；办结时限：${i.dueLabel}`,
      `最新进展：${excerpt(i.latest, COMPACT_EXCERPT)}`,
      ...(i.why ? [i.why] : []),
    ],
  };
}

export function compactSections(m: DigestModel): CompactSection[] {
  const sections: CompactSection[] = [];

  // Submissions: the units that need the convenors.
  const missing = m.submissions.filter((s) => s.state === 'missing' && !s.pending);
  const invalid = m.submissions.filter((s) => s.state === 'invalid');
  const late = m.submissions.filter((s) => s.state === 'late');
  const pending = m.submissions.filter((s) => s.pending);
  const units: CompactBlock[] = [];
  if (missing.length > 0) {
    units.push(block(`未报送${missing.length}个`, missing, unitRow, COMPACT_UNIT_LIMIT));
  }
  if (invalid.length > 0) {
    units.push(
      block(`已收到邮件但未能使用${invalid.length}个`, invalid, unitRow, COMPACT_UNIT_LIMIT),
    );
  }
  const others: CompactRow[] = [];
  if (late.length > 0) others.push(namesRow('warn', '逾期报送', late));
  if (pending.length > 0) others.push(namesRow('muted', '尚未报送（未到截止时间）', pending));
  if (others.length > 0) units.push({ heading: null, rows: others, more: 0 });
  sections.push({
    title: COMPACT_TITLES.submissions,
    empty: m.expected ? '各单位均已按时报送。' : '本周不在报送期内。',
    blocks: units,
  });

  // Agreed items.
  if (m.items) {
    const items = m.items;
    sections.push({
      title: COMPACT_TITLES.items,
      empty: '无需督办的议定事项。',
      blocks: ITEM_GROUPS.filter((g) => items[g.key].length > 0).map((g) =>
        block(`${g.title}${items[g.key].length}项`, items[g.key], (i) => itemRow(i, g.tone)),
      ),
    });
  }

  // Targets.
  const overdue = m.targets.filter((t) => t.kind === 'overdue');
  const dueSoon = m.targets.filter((t) => t.kind === 'due_soon');
  const targetRow = (t: (typeof m.targets)[number]): CompactRow => ({
    tone: t.kind === 'overdue' ? 'alert' : 'warn',
    badge: targetTiming(t),
    title: excerpt(t.text, COMPACT_EXCERPT),
    lines: [`${excerpt(t.projectName, 30)} · 完成时限${t.dueLabel} · ${targetStatusNote(t)}`],
  });
  const targets: CompactBlock[] = [];
  if (overdue.length > 0) targets.push(block(`逾期未完成${overdue.length}项`, overdue, targetRow));
  if (dueSoon.length > 0) targets.push(block(`7日内到期${dueSoon.length}项`, dueSoon, targetRow));
  sections.push({ title: COMPACT_TITLES.targets, empty: '无。', blocks: targets });

  // New and stuck problems.
  const all = m.projects.flatMap((p) => p.problems.map((q) => ({ p, q })));
  const fresh = all.filter(({ q }) => q.mark === 'new');
  const stuck = all
    .filter(({ q }) => q.mark === 'unchanged' && q.weeks >= STUCK_WEEKS)
    .sort((a, b) => b.q.weeks - a.q.weeks || a.p.seq - b.p.seq);
  const problemRow = ({ p, q }: (typeof all)[number]): CompactRow => ({
    tone: markTone(q, STUCK_WEEKS),
    badge: markLabel(q),
    title: excerpt(p.name, 40),
    lines: [`${q.label}：${excerpt(q.text, COMPACT_EXCERPT)}`],
  });
  const problems: CompactBlock[] = [];
  if (fresh.length > 0) problems.push(block(`新增${fresh.length}项`, fresh, problemRow));
  if (stuck.length > 0) {
    problems.push(block(`连续${STUCK_WEEKS}周及以上未变化${stuck.length}项`, stuck, problemRow));
  }
  sections.push({
    title: COMPACT_TITLES.problems,
    empty: '无新增或连续3周及以上未变化的问题。',
    blocks: problems,
  });

  // The busiest departments.
  const departments = m.departments.map((d) => {
    const projects = new Set(d.items.map((i) => i.projectSeq)).size;
    const n = d.items.filter((i) => i.mark === 'new').length;
    const s = d.items.filter((i) => i.mark === 'unchanged' && i.weeks >= STUCK_WEEKS).length;
    return { name: d.name, projects, items: d.items.length, n, s };
  });
  sections.push({
    title: COMPACT_TITLES.departments,
    empty: '无。',
    blocks:
      departments.length > 0
        ? [
            block(null, departments, (d) => ({
              tone: d.n + d.s > 0 ? 'warn' : 'muted',
              badge: null,
              title: excerpt(d.name, 30),
              lines: [`${d.projects}个项目，${d.items}项（新增${d.n}项，长期未变化${d.s}项）`],
            })),
          ]
        : [],
  });

  // The office.
  const o = m.office;
  const line = (text: string): CompactRow => ({
    tone: 'muted',
    badge: null,
    title: excerpt(text, 100),
    lines: [],
  });
  const office: CompactBlock[] = [];
  if (o.quarantined.length > 0) {
    office.push(
      block(
        `待核实来信（已暂存，未答复）${o.quarantined.length}封`,
        o.quarantined.map((q) => `${q.at} ${q.from}“${q.subject}”：${q.reason}`),
        line,
      ),
    );
  }
  if (o.unprocessed > 0) {
    office.push({
      heading: null,
      rows: [line(`尚未处理的来信${o.unprocessed}封，请检查系统运行情况。`)],
      more: 0,
    });
  }
  if (o.unsentMails.length > 0) {
    office.push(
      block(
        `未发出的邮件${o.unsentMails.length}封`,
        o.unsentMails.map((u) => `${u.at} ${u.kind}（${u.to}）：${u.why}`),
        line,
      ),
    );
  }
  if (o.cloudLinks.length > 0) {
    office.push(
      block(
        `仅发送超大附件链接的来信${o.cloudLinks.length}封`,
        o.cloudLinks.map(cloudLinkLine),
        line,
      ),
    );
  }
  if (o.warnings.length > 0) {
    office.push(
      block(
        `报送表格有提示的单位${o.warnings.length}个`,
        o.warnings.map((w) => `${w.unitName}：${w.issues.length}处提示`),
        line,
      ),
    );
  }
  sections.push({ title: COMPACT_TITLES.office, empty: '无。', blocks: office });

  return sections;
}

/** The closing lines of the compact body: where the full detail is. */
export function compactAttachmentLines(m: DigestModel): string[] {
  const lines = [
    `附件1：${m.attachmentName}（全部${m.projects.length}个项目问题清单汇总，按官方表式，可直接打印；另有按问题责任部门汇总${m.items ? '、议定事项' : ''}工作表）。`,
    `附件2：${m.fullHtmlName}（全部项目明细，即周报完整版，可用浏览器打开）。`,
  ];
  if (m.consoleUrl) lines.push(`在线查看：${m.consoleUrl}`);
  return lines;
}
