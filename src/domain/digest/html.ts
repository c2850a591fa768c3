/**
 * The digest as HTML for mail clients: inline styles only (no <style> block, no external
 * resource, no script), layout tables no wider than 100%, one column that reads on a 390 px
 * phone and stays at a comfortable measure (760 px) in a desktop client. Every text that comes
 * from a sheet or a mail is escaped; line breaks become <br>.
 */
import {
  attachmentLine,
  byProject,
  DEPARTMENT_NOTE,
  excerpt,
  FOOTER_LINE,
  markLabel,
  markTone,
  notReportedLine,
  openingLines,
  projectNumeral,
  SECTION_TITLES,
  stateDetails,
  stateLabel,
  summaryLines,
  targetStatusNote,
  targetTiming,
  type Tone,
  CLOUD_LINKS_TITLE,
  cloudLinkLine,
} from './format';
import { STUCK_WEEKS, type DigestModel, type ProblemItem } from './model';
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

export function renderDigestHtml(m: DigestModel): string {
  const parts: string[] = [];
  const add = (s: string) => parts.push(s);

  // Heading.
  add(
    `<p style="${FONT};margin:0 0 4px;font-size:13px;line-height:1.5;color:#1d4ed8"><strong>督办周报${m.isUpdate ? ` · 更新版（第${m.version}版）` : ''}</strong> · ${escapeHtml(m.programme)}</p>`,
  );
  add(
    `<h1 style="${FONT};font-size:21px;line-height:1.4;margin:0 0 8px;color:#111827">${escapeHtml(m.title)}</h1>`,
  );
  add(para('各位领导：'));
  for (const line of openingLines(m)) {
    const isUpdateLine = m.isUpdate && line.startsWith('本件为更新版');
    add(para(escapeHtml(line), isUpdateLine ? `color:${TONES.warn.fg};font-weight:bold` : ''));
  }

  // What needs the reader.
  const summary = summaryLines(m)
    .map((s) =>
      barRow(
        s.tone,
        `<strong>${escapeHtml(s.label)}</strong>\u3000${escapeHtml(s.text)}`,
        '#f9fafb',
      ),
    )
    .join('');
  add(`<div style="margin:14px 0 0">${table(summary)}</div>`);

  // 1. Submissions.
  add(h2(SECTION_TITLES.submissions));
  const subRows = m.submissions
    .map((s) => {
      const st = stateLabel(s);
      const details = stateDetails(s);
      return `<tr><td style="${FONT};padding:8px 2px;border-bottom:1px solid ${RULE};font-size:15px;line-height:1.6;color:${TEXT}"><strong>${escapeHtml(s.unitName)}</strong> ${badge(st.label, st.tone)}${details.length ? `<br>${small(details.map(escapeHtml).join('；'))}` : ''}</td></tr>`;
    })
    .join('');
  add(table(subRows));

  // 2. Targets.
  add(h2(SECTION_TITLES.targets));
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
  add(h2(SECTION_TITLES.projects));
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
  add(h2(SECTION_TITLES.departments));
  if (m.departments.length === 0) add(para('无。'));
  else add(para(small(escapeHtml(DEPARTMENT_NOTE))));
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
  add(h2(SECTION_TITLES.office));
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

  const body = parts.join('\n');
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
