/** What a reminder says: formal zh-CN, saying precisely what is missing (reminders.ts). */
import { oneLine } from '../one-line';
import { closingBlocks, renderHtml, renderText, type Block } from '../mail-body';
import type { ReminderStage, Schedule } from '../../config/schedule';
import { leaderTitle, unitName } from '../programme';
import { formatMonthDayZh, monthDayWeekdayZh, weekLabelZh } from '../zh/dates';
import { dateTimeZh, timeZh } from '../zh/times';
import type { Ladder, StageMoment, StageTone } from './ladder';
import { linksOnlyZh, type CloudLinkFact } from '../intake/cloud-link-issue';
import type { PlannedReminder, RejectedVersion } from './plan';

export interface ComposeContext {
  schedule: Schedule;
  now: Date;
  /** The ladder of the reminder's week (for the escalation's "reminders sent" and what is next). */
  ladder: Ladder;
  /** Stage ids already sent to this unit for the week. */
  sentStages: readonly string[];
  /** The unit's unusable versions of the week, oldest first. */
  rejected: readonly RejectedVersion[];
  /** The attached template's file name, or null when none is attached. */
  templateFile: string | null;
  /** The week whose answers the attached template carries, or null. */
  previousWeek: string | null;
  /** The unit's open agreed items, to report on in the sheet's section 议定事项落实情况. */
  items?: ReadonlyArray<{ id: string; text: string }>;
}

export interface ComposedReminder {
  subject: string;
  text: string;
  html: string;
}

/** Whether a stage's mail carries the unit's template (only mails the unit receives do). */
export function attachesTemplate(stage: ReminderStage): boolean {
  return [...stage.to, ...stage.cc].includes('unit');
}

const TONE_LABEL: Record<StageTone, string> = {
  reminder: '报送提醒',
  overdue: '逾期提醒',
  escalation: '督办通知',
};

/** What an unusable version's first error code means, in a few words. */
const REJECTION_ZH: Record<string, string> = {
  NO_ATTACHMENT: '邮件未附问题清单',
  LEGACY_FORMAT: '附件为旧版Excel（.xls）或WPS表格（.et）格式，无法读取',
  NOT_A_WORKBOOK: '附件不是可读取的问题清单文件',
  PASSWORD_PROTECTED: '文件设置了打开密码，无法读取',
  UNSUPPORTED_FORMAT: '附件格式无法读取',
  CONVERTER_MISSING: '附件为旧版格式，本系统当前无法读取',
  CONVERSION_FAILED: '附件无法转换读取',
  ARCHIVE_ENCRYPTED: '压缩包设置了密码，无法读取',
  ARCHIVE_TOO_LARGE: '压缩包内容过大，未读取',
  ARCHIVE_NESTED_TOO_DEEP: '压缩包嵌套层数过多，未读取',
  ARCHIVE_DAMAGED: '压缩包已损坏，无法打开',
  ARCHIVE_NO_SHEET: '压缩包中没有问题清单文件',
  MESSAGE_TOO_COMPLEX: '邮件结构过于复杂，未能读取',
  MESSAGE_UNREADABLE: '邮件无法读取',
  CORRUPT_WORKBOOK: '文件已损坏',
  WORKBOOK_TOO_LARGE: '工作簿内容过大，未读取',
  PARSE_RESOURCE_LIMIT: '工作簿超出处理限制，未能读取',
  NO_WORKSHEET: '工作簿中没有包含内容的工作表',
  NO_HEADER: '表格中未找到问题清单的表头',
  EMPTY_SHEET: '表头下方没有项目内容',
  NOT_FILLED: '所附问题清单尚未填写',
  NO_PROJECT_OF_UNIT: '表中没有本单位牵头的项目',
  MESSAGE_TOO_LARGE: '邮件超过大小限制，未能接收',
  CLOUD_LINK: '邮件仅含超大附件链接，未附文件本身',
};

/** What an unusable version's error codes mean, in a few words (the first code known). */
export function rejectionZh(codes: readonly string[]): string {
  for (const code of codes) {
    const text = REJECTION_ZH[code];
    if (text) return text;
  }
  return '所附文件未能读取为问题清单';
}

/** One line per project; a co-lead project says that either unit's sheet counts. */
function projectLines(r: PlannedReminder, schedule: Schedule, withLeader: boolean): string[] {
  return r.projects.map((p) => {
    const notes: string[] = [];
    if (withLeader) {
      const leader = leaderTitle(schedule, p);
      if (leader) notes.push(`项目负责领导：${leader}`);
    }
    const others = p.leadUnits.filter((u) => u !== r.unit.id).map((u) => unitName(schedule, u));
    if (others.length > 0) {
      notes.push(
        withLeader
          ? `与${others.join('、')}共同牵头`
          : `与${others.join('、')}共同牵头，任一单位报送即可`,
      );
    }
    return notes.length ? `${p.name}（${notes.join('；')}）` : p.name;
  });
}

/** What the unit sent this week that could not be used, one line per version. */
function rejectedLines(rejected: readonly RejectedVersion[], tz: string): string[] {
  return rejected.map((v) =>
    v.cloudLinks && v.cloudLinks.length > 0
      ? `${dateTimeZh(v.at, tz)}发送的邮件${linksOnlyZh(v.cloudLinks)}`
      : `${dateTimeZh(v.at, tz)}发送的邮件未能使用：${rejectionZh(v.codes)}`,
  );
}

/** The links of the unit's unusable versions when every one of them was links only. */
function linksOnly(rejected: readonly RejectedVersion[]): CloudLinkFact[] | null {
  if (rejected.length === 0) return null;
  if (!rejected.every((v) => v.cloudLinks && v.cloudLinks.length > 0)) return null;
  return rejected.flatMap((v) => v.cloudLinks ?? []);
}

function templateBlock(ctx: ComposeContext): Block[] {
  if (!ctx.templateFile) return [];
  const withPrevious = ctx.previousWeek
    ? `，以及你单位${weekLabelZh(ctx.previousWeek)}报送的内容，请在此基础上核对、更新`
    : '，可直接在其中填写';
  const items = (ctx.items ?? []).length > 0 ? '及“议定事项落实情况”' : '';
  return [
    {
      type: 'para',
      lines: [
        `本邮件附有你单位本周的问题清单“${ctx.templateFile}”，已预填项目名称、攻坚目标和完成时限${items}${withPrevious}。`,
      ],
    },
  ];
}

/** The next escalation stage after `stage` in the ladder, if any (for the overdue notice). */
function nextEscalation(ladder: Ladder, stage: StageMoment): StageMoment | null {
  const later = ladder.stages
    .filter(
      (s) => s.skipped === null && s.tone === 'escalation' && s.at.getTime() > stage.at.getTime(),
    )
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  return later[0] ?? null;
}

/** The mail of a planned reminder: formal zh-CN, saying precisely what is missing. */
export function composeReminder(r: PlannedReminder, ctx: ComposeContext): ComposedReminder {
  const { schedule, now } = ctx;
  const tz = schedule.programme.timezone;
  const { deadline } = ctx.ladder;
  const week = weekLabelZh(r.week);
  const deadlineFull = dateTimeZh(deadline.at, tz);
  const deadlineTime = timeZh(deadline.at, tz);
  const mailbox = schedule.programme.mailbox;
  const stage = r.stage;

  if (stage.tone === 'escalation') {
    // A unit that sent only large-attachment links did send mail: the escalation says so.
    const links = r.state === 'invalid' ? linksOnly(ctx.rejected) : null;
    const subject = links
      ? `【督办】${r.unit.name}${week}问题清单未能使用（仅含超大附件链接）`
      : `【督办】${r.unit.name}未按时报送${week}问题清单`;
    const lead = links
      ? `${r.unit.name}${week}问题清单未能使用：该单位已发送邮件但${linksOnlyZh(links)}。报送截止时间为${deadlineFull}，截至${dateTimeZh(stage.at, tz)}，仍未收到该单位可用的问题清单。`
      : `${r.unit.name}未按时报送${week}问题清单。报送截止时间为${deadlineFull}，截至${dateTimeZh(stage.at, tz)}，仍未收到该单位可用的问题清单。`;
    const addressees = [...new Set(r.recipients.to.map((p) => p.name))];
    const sentLines = ctx.ladder.stages
      .filter((s) => ctx.sentStages.includes(s.stage.id))
      .sort((a, b) => a.at.getTime() - b.at.getTime())
      .map((s) => `${dateTimeZh(s.at, tz)} ${TONE_LABEL[s.tone]}`);
    const blocks: Block[] = [
      { type: 'para', lines: [`${addressees.join('、')}：`] },
      {
        type: 'para',
        lines: [lead],
      },
      { type: 'list', title: '涉及项目：', items: projectLines(r, schedule, true) },
      {
        type: 'list',
        title: '报送情况：',
        items:
          r.state === 'invalid' && ctx.rejected.length > 0
            ? [
                ...rejectedLines(ctx.rejected, tz),
                `系统${ctx.rejected.length > 1 ? '均' : ''}已当即回复该单位，说明需修改之处；此后未收到可用的问题清单。`,
              ]
            : ['本周未收到该单位发送的问题清单。'],
      },
      ...(sentLines.length
        ? [{ type: 'list' as const, title: '已向该单位发送：', items: sentLines }]
        : []),
      { type: 'para', lines: ['请督促该单位尽快报送。'] },
      ...closingBlocks(schedule.programme, now, true),
    ];
    return { subject, text: renderText(blocks), html: renderHtml(subject, blocks) };
  }

  const situation =
    r.state === 'invalid' && ctx.rejected.length > 0
      ? `你单位${rejectedLines(ctx.rejected, tz).join('；')}。本周报送尚未完成。`
      : '目前尚未收到你单位报送的问题清单。';
  let subject: string;
  let opening: string[];
  if (stage.tone === 'reminder') {
    const by = stage.day === deadline.date ? '今日' : monthDayWeekdayZh(deadline.date);
    subject = `【提醒】请于${by}${deadlineTime}前报送${week}问题清单`;
    opening = [`${week}问题清单的报送截止时间为${deadlineFull}，${situation}`];
  } else {
    subject = `【逾期】请尽快报送${week}问题清单（截止时间${formatMonthDayZh(deadline.date)}${deadlineTime}已过）`;
    const next = nextEscalation(ctx.ladder, stage);
    opening = [
      `${week}问题清单的报送截止时间为${deadlineFull}，现已逾期。${situation}请尽快报送。`,
      ...(next ? [`截至${dateTimeZh(next.at, tz)}仍未报送的，将报项目负责领导督办。`] : []),
    ];
  }
  const projects = projectLines(r, schedule, false);
  const blocks: Block[] = [
    { type: 'para', lines: [`${r.unit.name}：`] },
    { type: 'para', lines: opening },
    ...(projects.length > 0
      ? [{ type: 'list' as const, title: '需报送的项目：', items: projects }]
      : []),
    ...((ctx.items ?? []).length > 0
      ? [
          {
            type: 'list' as const,
            title: '需报送落实情况的议定事项：',
            items: (ctx.items ?? []).map((i) => `${i.id}：${oneLine(i.text, 80)}`),
          },
        ]
      : []),
    {
      type: 'para',
      lines: [
        `请填写问题清单，经项目负责领导审阅后，将Excel工作簿（.xlsx）作为附件发送至${mailbox}。系统收到后将自动回复。`,
      ],
    },
    ...templateBlock(ctx),
    {
      type: 'para',
      lines: [`如你单位已发送但未收到系统回复，请与${schedule.programme.signature}联系。`],
    },
    ...closingBlocks(schedule.programme, now, false),
  ];
  return { subject, text: renderText(blocks), html: renderHtml(subject, blocks) };
}
