/** The digest's plain-text alternative: the same content as the HTML, in sections and lists. */
import {
  attachmentLine,
  byProject,
  departmentNote,
  excerpt,
  ITEM_GROUPS,
  partOf,
  sectionTitles,
  FOOTER_LINE,
  markLabel,
  notReportedLine,
  openingLines,
  projectNumeral,
  stateDetails,
  stateLabel,
  summaryLines,
  targetStatusNote,
  targetTiming,
  CLOUD_LINKS_TITLE,
  cloudLinkLine,
} from './format';
import { COMPACT_NAME_LIMIT, compactAttachmentLines, compactSections, moreLine } from './compact';
import type { DigestModel } from './model';

/** Multi-line sheet text, indented under its label. */
function block(text: string, indent: string): string {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join(`\n${indent}`);
}

/** The text alternative of the mail body: full, or compact above FULL_BODY_MAX_PROJECTS. */
export function renderDigestText(m: DigestModel): string {
  return m.compact ? renderCompactDigestText(m) : renderFullDigestText(m);
}

const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

export function renderCompactDigestText(m: DigestModel): string {
  const out: string[] = [m.subject, m.programme, '', '各位领导：', ''];
  for (const line of openingLines(m)) out.push(line);
  out.push('', '【要点】');
  for (const s of summaryLines(m, COMPACT_NAME_LIMIT)) out.push(`- ${s.label}：${s.text}`);
  out.push(
    '',
    `本周报正文仅列需要关注的事项，全部${m.projects.length}个项目的明细见附件（${m.attachmentName}、${m.fullHtmlName}）。`,
  );
  compactSections(m).forEach((section, n) => {
    out.push('', `${NUMERALS[n] ?? n + 1}、${section.title}`);
    if (section.blocks.length === 0 && section.empty) out.push(section.empty);
    for (const b of section.blocks) {
      if (b.heading) out.push(`${b.heading}：`);
      for (const r of b.rows) {
        out.push(`- ${r.badge ? `【${r.badge}】` : ''}${r.title}`);
        for (const l of r.lines) out.push(`  ${l}`);
      }
      if (b.more > 0) out.push(`  ${moreLine(b.more)}`);
    }
  });
  out.push('', ...compactAttachmentLines(m), '', FOOTER_LINE, '', m.signature);
  return `${out.join('\n')}\n`;
}

export function renderFullDigestText(m: DigestModel): string {
  const out: string[] = [];
  const push = (...lines: string[]) => out.push(...lines);
  const titles = sectionTitles(m);
  const officePart = partOf(m, 'office');

  push(m.subject, m.programme, '', '各位领导：', '');
  for (const line of openingLines(m)) push(line);
  push('', '【要点】');
  for (const s of summaryLines(m)) push(`- ${s.label}：${s.text}`);

  push('', titles.submissions);
  for (const s of m.submissions) {
    const details = stateDetails(s, officePart);
    push(
      `- ${s.unitName}：${stateLabel(s).label}${details.length ? `；${details.join('；')}` : ''}`,
    );
  }

  if (m.items) {
    const items = m.items;
    push('', titles.items);
    const groups = ITEM_GROUPS.filter((g) => items[g.key].length > 0);
    if (groups.length === 0) push('无需督办的议定事项。');
    for (const g of groups) {
      push(`${g.title}${items[g.key].length}项：`);
      for (const i of items[g.key]) {
        push(`- 【${i.id}】${i.text}`);
        push(`  项目：${i.project}；责任单位：${i.units}；办结时限：${i.dueLabel}`);
        push(`  最新进展：${i.latest}`);
        if (i.why) push(`  ${i.why}`);
      }
    }
  }

  push('', titles.targets);
  if (m.targets.length === 0) push('无。');
  for (const t of m.targets) {
    push(
      `- 【${targetTiming(t)}】${t.text}（完成时限${t.dueLabel}；${t.projectName}；${targetStatusNote(t)}）`,
    );
  }

  push('', titles.projects);
  for (const p of m.projects) {
    push('', `${projectNumeral(p.seq)}${p.name}`);
    push(`牵头单位：${p.leadUnits.join('、')}；负责领导：${p.leader}`);
    if (!p.reported) {
      push(notReportedLine(p));
      continue;
    }
    if (p.reportedBy && p.leadUnits.length > 1)
      push(`填报单位：${p.reportedBy}（${p.submittedAt}）`);
    if (p.problems.length === 0) push('存在问题：未填报。');
    else {
      push('存在问题：');
      p.problems.forEach((q, i) => {
        push(`${i + 1}. ${q.label}【${markLabel(q)}】${block(q.text, '   ')}`);
      });
    }
    if (p.cleared.length > 0) {
      push(`上次所列、本周未再填报：${p.cleared.map((c) => c.label).join('、')}。`);
    }
    push(`问题责任部门：${p.departments.length ? p.departments.join('、') : '未填报'}`);
    push(`协调推进情况：${p.progress ? block(p.progress, '  ') : '未填报'}`);
    push(`下阶段工作对策建议：${p.nextSteps ? block(p.nextSteps, '  ') : '未填报'}`);
  }

  push('', titles.departments);
  if (m.departments.length === 0) push('无。');
  else push(departmentNote(m));
  for (const d of m.departments) {
    const groups = byProject(d.items);
    push('', `${d.name}（${groups.length}个项目，${d.items.length}项）`);
    for (const g of groups) {
      push(`${g.projectName}：`);
      for (const i of g.items) push(`- ${i.label}【${markLabel(i)}】${excerpt(i.text)}`);
    }
  }

  push('', titles.office);
  const o = m.office;
  let any = false;
  if (o.quarantined.length > 0) {
    any = true;
    push(`待核实来信（已暂存，未答复）${o.quarantined.length}封：`);
    for (const q of o.quarantined) push(`- ${q.at} ${q.from}“${q.subject}”：${q.reason}`);
  }
  if (o.unprocessed > 0) {
    any = true;
    push(`尚未处理的来信${o.unprocessed}封，请检查系统运行情况。`);
  }
  if (o.unsentMails.length > 0) {
    any = true;
    push(`未发出的邮件${o.unsentMails.length}封：`);
    for (const u of o.unsentMails) push(`- ${u.at} ${u.kind}（${u.to}）：${u.why}`);
  }
  if (o.cloudLinks.length > 0) {
    any = true;
    push(`${CLOUD_LINKS_TITLE}：`);
    for (const l of o.cloudLinks) push(`- ${cloudLinkLine(l)}`);
  }
  if (o.warnings.length > 0) {
    any = true;
    push('报送表格有提示的单位：');
    for (const w of o.warnings) {
      push(`- ${w.unitName}：`);
      for (const i of w.issues) push(`  · ${i.cell ? `${i.cell}：` : ''}${i.message}`);
    }
  }
  if (!any) push('无。');

  push('', attachmentLine(m), '', FOOTER_LINE, '', m.signature);
  return `${out.join('\n')}\n`;
}
