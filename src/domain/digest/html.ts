/**
 * The digest as HTML for mail clients: inline styles only (no <style> block, no external
 * resource, no script), layout tables no wider than 100%, one column that reads on a 390 px
 * phone and stays at a comfortable measure (760 px) in a desktop client. Every text that comes
 * from a sheet or a mail is escaped; line breaks become <br>.
 */
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
  markTone,
  notReportedLine,
  openingLines,
  projectNumeral,
  stateDetails,
  stateLabel,
  summaryLines,
  targetStatusNote,
  targetTiming,
  type Tone,
  CLOUD_LINKS_TITLE,
  cloudLinkLine,
} from './format';
import {
  COMPACT_NAME_LIMIT,
  compactAttachmentLines,
  compactSections,
  moreLine,
  type CompactRow,
} from './compact';
import { STUCK_WEEKS, type DigestModel, type ItemLine, type ProblemItem } from './model';
import { escapeHtml } from '../mail-body';

const FONT =
  "font-family:'Microsoft YaHei','PingFang SC','Hiragino Sans GB','Noto Sans CJK SC','Source Han Sans SC',SimSun,sans-serif";
const TEXT = '#1f2937';
const MUTED = '#4b5563';
const RULE = '#e5e7eb';

const TONES: Record<Tone, { fg: string; bg: string; bar: string }> = {
  alert: { fg: '#a4161a', bg: '#fde8e8', bar: '#d92d20' },
  warn: { fg: '#8a3b00', bg: '#fef0c7', bar: '#f79009' },
  ok: { fg: '#05603a', bg: '#dcfae6', bar: '#17b26a' },
  muted: { fg: '#374151', bg: '#eef0f3', bar: '#98a2b3' },
};

/** Escaped, blank lines dropped, line breaks as <br>. */
function multiline(text: string): string {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map(escapeHtml)
    .join('<br>');
}

function badge(label: string, tone: Tone): string {
  const t = TONES[tone];
  return `<span style="display:inline-block;padding:0 6px;margin:0 2px;border-radius:3px;background:${t.bg};color:${t.fg};font-size:13px;line-height:20px;font-weight:bold;white-space:nowrap">${escapeHtml(label)}</span>`;
}

/** A full-width layout table. */
function table(rows: string, style = ''): string {
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;border-collapse:collapse;${style}">${rows}</table>`;
}

/** A row with a coloured bar on its left. */
function barRow(tone: Tone, inner: string, background = '#ffffff'): string {
  return `<tr><td style="${FONT};padding:8px 10px;border-left:4px solid ${TONES[tone].bar};background:${background};font-size:15px;line-height:1.65;color:${TEXT}">${inner}</td></tr><tr><td style="height:6px;line-height:6px;font-size:1px">&nbsp;</td></tr>`;
}

function h2(text: string): string {
  return `<h2 style="${FONT};font-size:18px;line-height:1.4;margin:28px 0 10px;padding:0 0 6px;border-bottom:2px solid #1d4ed8;color:#1e3a8a">${escapeHtml(text)}</h2>`;
}

/** Escaped, kept on one line when short (a long piece would overflow a phone's width). */
function nowrap(text: string): string {
  return text.length > 20
    ? escapeHtml(text)
    : `<span style="white-space:nowrap">${escapeHtml(text)}</span>`;
}

function small(text: string): string {
  return `<span style="font-size:13px;color:${MUTED}">${text}</span>`;
}

function para(inner: string, style = ''): string {
  return `<p style="${FONT};margin:6px 0;font-size:15px;line-height:1.65;color:${TEXT};${style}">${inner}</p>`;
}

function field(label: string, value: string | null): string {
  return para(
    `<strong>${escapeHtml(label)}：</strong>${value ? multiline(value) : `<span style="color:${MUTED}">未填报</span>`}`,
  );
}

function problemBlock(q: ProblemItem, index: number): string {
  const tone = markTone(q, STUCK_WEEKS);
  return barRow(
    tone,
    `<strong>${index + 1}. ${escapeHtml(q.label)}</strong> ${badge(markLabel(q), tone)}<br>${multiline(q.text)}`,
    '#f9fafb',
  );
}

/**
 * The mail body: the full digest for a district programme, the compact one (what needs the
 * convenors, bounded) above FULL_BODY_MAX_PROJECTS projects.
 */
export function renderDigestHtml(m: DigestModel): string {
  return m.compact ? renderCompactDigestHtml(m) : renderFullDigestHtml(m);
}

function heading(m: DigestModel): string[] {
  const out = [
    `<p style="${FONT};margin:0 0 4px;font-size:13px;line-height:1.5;color:#1d4ed8"><strong>督办周报${m.isUpdate ? ` · 更新版（第${m.version}版）` : ''}</strong> · ${escapeHtml(m.programme)}</p>`,
    `<h1 style="${FONT};font-size:21px;line-height:1.4;margin:0 0 8px;color:#111827">${escapeHtml(m.title)}</h1>`,
    para('各位领导：'),
  ];
  for (const line of openingLines(m)) {
    const isUpdateLine = m.isUpdate && line.startsWith('本件为更新版');
    out.push(para(escapeHtml(line), isUpdateLine ? `color:${TONES.warn.fg};font-weight:bold` : ''));
  }
  return out;
}

function summaryTable(m: DigestModel, maxNames?: number): string {
  const summary = summaryLines(m, maxNames)
    .map((s) =>
      barRow(
        s.tone,
        `<strong>${escapeHtml(s.label)}</strong>\u3000${escapeHtml(s.text)}`,
        '#f9fafb',
      ),
    )
    .join('');
  return `<div style="margin:14px 0 0">${table(summary)}</div>`;
}

/** One agreed item in the full digest. */
function itemBlock(i: ItemLine, tone: Tone): string {
  return barRow(
    tone,
    `${badge(i.id, tone)} <strong>${escapeHtml(i.text)}</strong><br>${small(
      escapeHtml(`项目：${i.project}；责任单位：${i.units}；办结时限：${i.dueLabel}`),
    )}<br>${small(escapeHtml(`最新进展：${i.latest}`))}${i.why ? `<br>${small(escapeHtml(i.why))}` : ''}`,
  );
}

/** The compact body of a large programme (src/domain/digest/compact.ts). */
export function renderCompactDigestHtml(m: DigestModel): string {
  const parts: string[] = heading(m);
  const add = (s: string) => parts.push(s);
  add(summaryTable(m, COMPACT_NAME_LIMIT));
  add(
    para(
      small(
        escapeHtml(
          `本周报正文仅列需要关注的事项，全部${m.projects.length}个项目的明细见附件（${m.attachmentName}、${m.fullHtmlName}）。`,
        ),
      ),
    ),
  );
  compactSections(m).forEach((section, n) => {
    add(h2(`${numeral(n + 1)}、${section.title}`));
    if (section.blocks.length === 0 && section.empty) add(para(escapeHtml(section.empty)));
    for (const b of section.blocks) {
      if (b.heading) add(h3(b.heading));
      add(table(b.rows.map(compactRow).join('')));
      if (b.more > 0) add(para(small(escapeHtml(moreLine(b.more)))));
    }
  });
  const links = compactAttachmentLines(m).map((l) =>
    m.consoleUrl && l.endsWith(m.consoleUrl)
      ? para(
          `${escapeHtml(l.slice(0, l.length - m.consoleUrl.length))}<a href="${escapeHtml(m.consoleUrl)}" style="color:#1d4ed8">${escapeHtml(m.consoleUrl)}</a>`,
        )
      : para(escapeHtml(l)),
  );
  add(
    `<div style="margin:24px 0 0;padding:12px 0 0;border-top:1px solid ${RULE}">${links.join('')}${para(small(escapeHtml(FOOTER_LINE)))}${para(escapeHtml(m.signature), 'text-align:right;margin-top:14px')}</div>`,
  );
  return page(m, parts.join('\n'));
}

const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
function numeral(n: number): string {
  return NUMERALS[n - 1] ?? String(n);
}

function h3(text: string): string {
  return `<h3 style="${FONT};font-size:16px;line-height:1.5;margin:14px 0 6px;color:#111827">${escapeHtml(text)}</h3>`;
}

/** A compact list row: lighter than barRow (the body must stay small at 500 projects). */
function compactRow(r: CompactRow): string {
  const t = TONES[r.tone];
  const lines = r.lines
    .map((l) => `<br><span style="font-size:13px;color:${MUTED}">${escapeHtml(l)}</span>`)
    .join('');
  return `<tr><td style="padding:6px 8px;border-left:4px solid ${t.bar};border-bottom:1px solid ${RULE};font-size:14px;line-height:1.6">${r.badge ? `${badge(r.badge, r.tone)} ` : ''}<strong>${escapeHtml(r.title)}</strong>${lines}</td></tr>`;
}

function page(m: DigestModel, body: string): string {
  return (
    '<!DOCTYPE html>\n' +
    '<html lang="zh-CN"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${escapeHtml(m.subject)}</title></head>\n` +
    `<body style="margin:0;padding:0;background:#f3f4f6;${FONT};color:${TEXT}">\n` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;border-collapse:collapse;background:#f3f4f6"><tr><td align="center" style="padding:12px 6px">\n` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:760px;border-collapse:collapse;background:#ffffff"><tr><td style="${FONT};padding:16px 14px 20px;font-size:15px;line-height:1.65;color:${TEXT};text-align:left;word-break:break-word;overflow-wrap:anywhere">\n` +
    `${body}\n` +
    '</td></tr></table>\n</td></tr></table>\n</body></html>\n'
  );
}

/** The full digest: every project (the body of a district programme's digest). */
export function renderFullDigestHtml(m: DigestModel): string {
  const parts: string[] = [];
  const add = (s: string) => parts.push(s);
  const titles = sectionTitles(m);
  const officePart = partOf(m, 'office');

  // Heading.
  parts.push(...heading(m));

  // What needs the reader.
  add(summaryTable(m));

  // 1. Submissions.
  add(h2(titles.submissions));
  const subRows = m.submissions
    .map((s) => {
      const st = stateLabel(s);
      const details = stateDetails(s, officePart);
      return `<tr><td style="${FONT};padding:8px 2px;border-bottom:1px solid ${RULE};font-size:15px;line-height:1.6;color:${TEXT}"><strong>${escapeHtml(s.unitName)}</strong> ${badge(st.label, st.tone)}${details.length ? `<br>${small(details.map(escapeHtml).join('；'))}` : ''}</td></tr>`;
    })
    .join('');
  add(table(subRows));

  // Agreed items (when the programme has any).
  if (m.items) {
    const items = m.items;
    add(h2(titles.items));
    const groups = ITEM_GROUPS.filter((g) => items[g.key].length > 0);
    if (groups.length === 0) add(para('无需督办的议定事项。'));
    for (const g of groups) {
      add(h3(`${g.title}${items[g.key].length}项`));
      add(table(items[g.key].map((i) => itemBlock(i, g.tone)).join('')));
    }
  }

  // 2. Targets.
  add(h2(titles.targets));
  if (m.targets.length === 0) add(para('无。'));
  else {
    add(
      table(
        m.targets
          .map((t) => {
            const tone: Tone = t.kind === 'overdue' ? 'alert' : 'warn';
            return barRow(
              tone,
              `${badge(targetTiming(t), tone)} <strong>${escapeHtml(t.text)}</strong><br>${small(
                `${escapeHtml(t.projectName)} · ${nowrap(`完成时限${t.dueLabel}`)} · ${nowrap(targetStatusNote(t))}`,
              )}`,
            );
          })
          .join(''),
      ),
    );
  }

  // 3. Projects.
  add(h2(titles.projects));
  for (const p of m.projects) {
    add(
      `<h3 style="${FONT};font-size:16px;line-height:1.5;margin:20px 0 4px;color:#111827">${escapeHtml(`${projectNumeral(p.seq)}${p.name}`)}</h3>`,
    );
    const meta = [`牵头单位：${p.leadUnits.join('、')}`, `负责领导：${p.leader}`];
    if (p.reported && p.reportedBy && p.leadUnits.length > 1) {
      meta.push(`填报单位：${p.reportedBy}（${p.submittedAt ?? ''}）`);
    }
    add(para(small(meta.map(nowrap).join('\u3000')), 'margin-top:0'));
    if (!p.reported) {
      add(table(barRow('alert', escapeHtml(notReportedLine(p)), '#fff7f7')));
      continue;
    }
    if (p.problems.length === 0) add(para(`<strong>存在问题：</strong>未填报。`));
    else {
      add(para('<strong>存在问题：</strong>', 'margin-bottom:4px'));
      add(table(p.problems.map(problemBlock).join('')));
    }
    if (p.cleared.length > 0) {
      add(
        para(
          small(
            escapeHtml(`上次所列、本周未再填报：${p.cleared.map((c) => c.label).join('、')}。`),
          ),
        ),
      );
    }
    add(field('问题责任部门', p.departments.length ? p.departments.join('、') : null));
    add(field('协调推进情况', p.progress));
    add(field('下阶段工作对策建议', p.nextSteps));
  }

  // 4. By department.
  add(h2(titles.departments));
  if (m.departments.length === 0) add(para('无。'));
  else add(para(small(escapeHtml(departmentNote(m)))));
  for (const d of m.departments) {
    const groups = byProject(d.items);
    add(
      `<h3 style="${FONT};font-size:16px;line-height:1.5;margin:16px 0 4px;color:#111827">${escapeHtml(d.name)} ${small(escapeHtml(`${groups.length}个项目，${d.items.length}项`))}</h3>`,
    );
    const rows = groups
      .map((g) => {
        const lines = g.items
          .map((i) => {
            const tone = markTone(i, STUCK_WEEKS);
            return `<tr><td style="${FONT};padding:3px 0 3px 10px;font-size:14px;line-height:1.6;color:${TEXT}">${escapeHtml(i.label)} ${badge(markLabel(i), tone)}<br><span style="color:${MUTED}">${escapeHtml(excerpt(i.text))}</span></td></tr>`;
          })
          .join('');
        return `<tr><td style="${FONT};padding:8px 2px 6px;border-bottom:1px solid ${RULE};font-size:14px;line-height:1.6;color:${TEXT}"><strong>${escapeHtml(g.projectName)}</strong>${table(lines)}</td></tr>`;
      })
      .join('');
    add(table(rows));
  }

  // 5. For the office.
  add(h2(titles.office));
  const o = m.office;
  let any = false;
  if (o.quarantined.length > 0) {
    any = true;
    add(para(`<strong>待核实来信（已暂存，未答复）${o.quarantined.length}封</strong>`));
    add(listRows(o.quarantined.map((q) => `${q.at} ${q.from}“${q.subject}”：${q.reason}`)));
  }
  if (o.unprocessed > 0) {
    any = true;
    add(para(escapeHtml(`尚未处理的来信${o.unprocessed}封，请检查系统运行情况。`)));
  }
  if (o.unsentMails.length > 0) {
    any = true;
    add(para(`<strong>未发出的邮件${o.unsentMails.length}封</strong>`));
    add(listRows(o.unsentMails.map((u) => `${u.at} ${u.kind}（${u.to}）：${u.why}`)));
  }
  if (o.cloudLinks.length > 0) {
    any = true;
    add(para(`<strong>${escapeHtml(CLOUD_LINKS_TITLE)}</strong>`));
    add(listRows(o.cloudLinks.map(cloudLinkLine)));
  }
  if (o.warnings.length > 0) {
    any = true;
    add(para('<strong>报送表格有提示的单位</strong>'));
    for (const w of o.warnings) {
      add(para(escapeHtml(`${w.unitName}：`), 'margin-bottom:0'));
      add(listRows(w.issues.map((i) => `${i.cell ? `${i.cell}：` : ''}${i.message}`)));
    }
  }
  if (!any) add(para('无。'));

  // Closing.
  add(
    `<div style="margin:24px 0 0;padding:12px 0 0;border-top:1px solid ${RULE}">${para(escapeHtml(attachmentLine(m)))}${para(small(escapeHtml(FOOTER_LINE)))}${para(escapeHtml(m.signature), 'text-align:right;margin-top:14px')}</div>`,
  );

  return page(m, parts.join('\n'));
}

function listRows(items: string[]): string {
  return table(
    items
      .map(
        (i) =>
          `<tr><td style="${FONT};padding:3px 0 3px 12px;font-size:14px;line-height:1.6;color:${TEXT}">· ${escapeHtml(i)}</td></tr>`,
      )
      .join(''),
  );
}
