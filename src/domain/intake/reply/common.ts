/** The pieces every reply shares: greeting, arrival, closing, subject, thread, recipient. */
import { closingBlocks, renderHtml, renderText, type Block } from '../../mail-body';
import type { Schedule } from '../../../config/schedule';
import type { Issue } from '../../../errors';
import { weekLabelZh } from '../../zh/dates';
import { dateTimeZh } from '../../zh/times';
import { headerText, threadHeaders } from './headers';
import type {
  ComposedReply,
  ReadSheet,
  ReplyAttachment,
  ReplyContext,
  ReplyKind,
  TemplateFile,
} from './types';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Longest piece of an incoming subject echoed in ours (the rest is our own prefix). */
const ECHOED_SUBJECT_MAX = 80;
const INLINE_MAX = 80;

/** Text from a sheet or a file name, shown inline in a body: one line, capped. */
export function inline(text: string, max = INLINE_MAX): string {
  return headerText(text, max);
}

export function parseInstant(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? null : at;
}

export function megabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return Number.isInteger(mb) ? `${mb} MB` : `${mb.toFixed(1)} MB`;
}

export function greeting(ctx: ReplyContext): Block {
  return { type: 'para', lines: [ctx.unit ? `${ctx.unit.name}：` : '您好：'] };
}

/** "于2021年3月15日（星期一）10:02" or "" when the arrival time is not known. */
export function when(ctx: ReplyContext): string {
  const at = parseInstant(ctx.receivedAt);
  return at ? `于${dateTimeZh(at, ctx.schedule.programme.timezone)}` : '';
}

export function closing(schedule: Schedule, now: Date, contact = true): Block[] {
  return closingBlocks(schedule.programme, now, contact);
}

export function deadlineText(ctx: ReplyContext): string | null {
  const at = parseInstant(ctx.deadline);
  return at ? dateTimeZh(at, ctx.schedule.programme.timezone) : null;
}

/** 报送单位 / 报送周次 lines, as far as they are known. */
export function unitAndWeek(ctx: ReplyContext): string[] {
  const lines: string[] = [];
  if (ctx.unit) lines.push(`报送单位：${ctx.unit.name}`);
  if (ctx.reportingWeek) lines.push(`报送周次：${weekLabelZh(ctx.reportingWeek)}`);
  return lines;
}

/** "<prefix>：区教育局 2021年3月15日当周问题清单", or "回复：<original subject>" without them. */
export function replySubject(ctx: ReplyContext, prefix: string): string {
  if (ctx.unit && ctx.reportingWeek) {
    return headerText(`${prefix}：${ctx.unit.name} ${weekLabelZh(ctx.reportingWeek)}问题清单`);
  }
  return reSubject(ctx.original.subject);
}

export function reSubject(original: string): string {
  const echoed = headerText(original, ECHOED_SUBJECT_MAX).replace(
    /^(?:(?:回复|答复|Re|RE|re|Aw|AW|回覆)\s*[:：]\s*)+/u,
    '',
  );
  return headerText(echoed ? `回复：${echoed}` : '回复：问题清单');
}

/** Attachments not used and not already explained as a sheet, with why. */
export function ignoredAttachments(ctx: ReplyContext, explained: ReadonlySet<string>): Block[] {
  const items = ctx.attachments
    .filter((a) => !a.used && !explained.has(a.filename))
    .map((a) => `${inline(a.filename)}：${a.why ? inline(a.why, 120) : '未使用'}`);
  return items.length === 0
    ? []
    : [{ type: 'list', title: '以下附件未使用：', items, ordered: false }];
}

export function reply(
  kind: ReplyKind,
  ctx: Pick<ReplyContext, 'original'>,
  to: { name: string; address: string },
  subject: string,
  blocks: Block[],
  attachments: ReplyAttachment[] = [],
): ComposedReply {
  const { inReplyTo, references } = threadHeaders(ctx.original);
  return {
    kind,
    autoSubmitted: 'auto-replied',
    to: { name: headerText(to.name, 64), address: to.address.trim() },
    subject,
    text: renderText(blocks),
    html: renderHtml(subject, blocks),
    inReplyTo,
    references,
    attachments,
  };
}

export function recipient(ctx: ReplyContext): { name: string; address: string } {
  // Never the display name of the incoming From: it is the sender's to choose.
  return { name: ctx.unit?.name ?? '', address: ctx.original.from.address };
}

/** Where an issue is: "E9", or "附件“a.xlsx” E9" when the file must be named too. */
export function located(message: string, cell: string | null, filename: string | null): string {
  const where = [filename === null ? null : `附件“${inline(filename)}”`, cell]
    .filter((p): p is string => p !== null && p !== '')
    .join(' ');
  return where ? `${where}：${message}` : message;
}

export function bySeverity(issues: readonly Issue[]): Issue[] {
  return [
    ...issues.filter((i) => i.severity === 'error'),
    ...issues.filter((i) => i.severity !== 'error'),
  ];
}

/** The line offering the pre-filled template attached to a correction request, if any. */
export function templateOffer(template: TemplateFile | null): string[] {
  return template
    ? [
        `本邮件附有你单位本周的问题清单“${inline(template.filename)}”，已预填项目名称、攻坚目标和完成时限，可直接在其中填写。`,
      ]
    : [];
}

/** The template as the reply's attachment. */
export function templateAttachment(template: TemplateFile | null): ReplyAttachment[] {
  return template
    ? [{ filename: template.filename, contentType: XLSX_TYPE, content: template.content }]
    : [];
}

/** What every request to send again ends with: attachments not used, the latest counts, closing. */
export function sendAgainEnding(
  ctx: ReplyContext,
  sheets: readonly ReadSheet[],
  now: Date,
  line: string,
): Block[] {
  return [
    ...ignoredAttachments(ctx, new Set(sheets.map((s) => s.filename))),
    { type: 'para', lines: [line] },
    ...closing(ctx.schedule, now),
  ];
}
