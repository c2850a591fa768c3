/**
 * The automatic replies to a mail sent to the office mailbox: a receipt (已收到), a request to
 * correct and send again (请修改后重新发送), a neutral answer to an unregistered sender, and a
 * notice that a message was too large. Pure: every function takes the data and `now` and
 * returns the mail's parts; sending (and validating the addresses once more) is the mail
 * adapter's job (src/adapters/mail/send.ts).
 *
 * Hazards, all from the incoming mail being untrusted:
 * - Its subject, Message-ID and references end up in our headers. `headerText` and
 *   `threadHeaders` strip CR/LF and every other control or bidi character and cap the length,
 *   so nothing from the incoming mail can start a header of its own; malformed Message-IDs are
 *   dropped rather than repaired.
 * - The sender's display name is never used: a known unit is addressed by its schedule name,
 *   anyone else by address only.
 * - An unknown sender learns nothing (no unit, project or schedule content, not even its own
 *   subject echoed back: a reflected subject would let anyone use the office mailbox to send
 *   text of their choosing to a forged address).
 * Text that comes from a sheet (project and department names, file names) only appears in the
 * body, flattened to one line and capped, and is HTML-escaped in the HTML alternative.
 */
import { renderHtml, renderText, type Block } from '../mail-body';
import type { Schedule, Unit } from '../../config/schedule';
import { issue, type Issue } from '../../errors';
import { PROBLEM_CATEGORIES } from '../sheet/layout';
import type { ParsedSheet, SheetProject } from '../sheet/parse';
import { formatDateZh, weekdayZh } from '../week';

export type ReplyKind = 'receipt' | 'correction_request' | 'unknown_sender' | 'too_large';

/** The message being answered, as the mail parser read it. Every field is untrusted. */
export interface OriginalMessage {
  /** Message-ID with or without angle brackets; null when the message had none. */
  messageId: string | null;
  /** The References header's ids, oldest first. */
  references: string[];
  subject: string;
  from: { address: string; name: string };
}

/** An attachment of the original message and what became of it. */
export interface AttachmentNote {
  filename: string;
  /** True when it was read as the unit's sheet. */
  used: boolean;
  /** Why it was not used, for the sender (formal zh-CN, e.g. "不是Excel工作簿"). */
  why?: string;
}

export interface ReplyContext {
  schedule: Schedule;
  /** The registered unit the sender's address belongs to; null for an unknown sender. */
  unit: Unit | null;
  /** The reporting week's Monday (ISO date), or null when it could not be decided. */
  reportingWeek: string | null;
  /** Whether the sheet arrived after the deadline; null when not judged. */
  late: boolean | null;
  /** The (holiday-shifted) deadline, ISO-8601 with offset ("2021-03-15T18:00:00+08:00"). */
  deadline: string | null;
  /** When the message counts as arrived (ISO-8601); null or absent to leave it out. */
  receivedAt?: string | null;
  original: OriginalMessage;
  attachments: AttachmentNote[];
}

/** A sheet read from one attachment. */
export interface ReadSheet {
  filename: string;
  parsed: ParsedSheet;
  /** Further issues about this sheet found by other checks (e.g. checkSheetForUnit). */
  issues?: Issue[];
}

export interface ReplyAttachment {
  filename: string;
  contentType: string;
  content: Uint8Array;
}

/** A composed reply: everything the sender needs except our From, the key and the Message-ID. */
export interface ComposedReply {
  kind: ReplyKind;
  /** Replies to a person's mail are RFC 3834 "auto-replied". */
  autoSubmitted: 'auto-replied';
  /** The original sender. The address is still untrusted: the sender validates it. */
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  /** The original Message-ID (angle brackets included), or null. */
  inReplyTo: string | null;
  /** The original references followed by the original Message-ID. */
  references: string[];
  attachments: ReplyAttachment[];
}

export interface TemplateFile {
  filename: string;
  content: Uint8Array;
}

export interface CorrectionInput {
  /** Sheets that were read but cannot count (each with its issues); may be empty. */
  sheets: ReadSheet[];
  /** Issues about the message itself, e.g. noAttachmentIssue(). */
  issues?: Issue[];
  /** The unit's pre-filled template for the week, attached to the mail; null for none. */
  template: TemplateFile | null;
}

export interface SizeLimit {
  /** The message's size in bytes. */
  sizeBytes: number;
  /** The largest message the office mailbox processes, in bytes. */
  limitBytes: number;
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const SUBJECT_MAX = 120;
/** Longest piece of an incoming subject echoed in ours (the rest is our own prefix). */
const ECHOED_SUBJECT_MAX = 80;
const INLINE_MAX = 80;
const MAX_DEPARTMENTS_LISTED = 8;
/** RFC 5322 allows trimming long References; keep the first id (the thread's root) and the rest. */
const MAX_REFERENCES = 20;
const MESSAGE_ID_MAX = 250;

// ---------------------------------------------------------------------------------------------
// Header safety

/**
 * Control characters (C0 and C1: CR, LF, TAB, NUL …, and DEL), format characters (zero-width
 * characters, soft hyphen, bidi embeddings, overrides and isolates, the BOM) and the Unicode
 * line and paragraph separators: none belongs in a header or a name, and the bidi ones can make
 * a subject read differently from what it says.
 */
const UNSAFE_CHARS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/**
 * Makes untrusted text safe for a header value or a display name: every control character
 * becomes a space, runs of whitespace become one space, and the text is capped at `max`
 * characters (code points, so a surrogate pair is never split), ending in "…" when cut.
 */
export function headerText(text: string, max = SUBJECT_MAX): string {
  const cleaned = text.replace(UNSAFE_CHARS, ' ').replace(/\s+/gu, ' ').trim();
  return capText(cleaned, max);
}

function capText(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** Text from a sheet or a file name, shown inline in a body. */
function inline(text: string, max = INLINE_MAX): string {
  return headerText(text, max);
}

/**
 * A Message-ID as `<left@right>`, or null when it is not one. Only printable ASCII without
 * spaces, angle brackets or a second "@" is accepted: anything else is dropped, not repaired.
 */
export function normaliseMessageId(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const trimmed = raw.trim();
  const bare = trimmed.startsWith('<') && trimmed.endsWith('>') ? trimmed.slice(1, -1) : trimmed;
  if (bare.length === 0 || bare.length > MESSAGE_ID_MAX) return null;
  if (!/^[\x21-\x3b\x3d\x3f-\x7e]+@[\x21-\x3b\x3d\x3f-\x7e]+$/.test(bare)) return null;
  return `<${bare}>`;
}

/** In-Reply-To and References for a reply to `original` (RFC 5322 §3.6.4). */
export function threadHeaders(original: OriginalMessage): {
  inReplyTo: string | null;
  references: string[];
} {
  const inReplyTo = normaliseMessageId(original.messageId);
  const ids: string[] = [];
  for (const raw of [...original.references, ...(inReplyTo ? [inReplyTo] : [])]) {
    const id = normaliseMessageId(raw);
    if (id && !ids.includes(id)) ids.push(id);
  }
  const references =
    ids.length > MAX_REFERENCES
      ? [ids[0] as string, ...ids.slice(ids.length - (MAX_REFERENCES - 1))]
      : ids;
  return { inReplyTo, references };
}

// ---------------------------------------------------------------------------------------------
// Dates

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar date and wall-clock time of an instant in the programme's time zone. */
function wallClock(at: Date, timeZone: string): { date: string; time: string } {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}`,
  };
}

function parseInstant(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** "2021年3月15日（星期一）18:00" in the programme's time zone. */
function dateTimeZh(at: Date, timeZone: string): string {
  const { date, time } = wallClock(at, timeZone);
  return `${formatDateZh(date)}（${weekdayZh(date)}）${time}`;
}

/** "2021年3月15日当周" */
export function weekLabel(reportingWeek: string): string {
  return `${formatDateZh(reportingWeek)}当周`;
}

const DIGITS_ZH = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五; beyond 99 the Arabic number. */
function numeralZh(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 99) return String(n);
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  const head = tens === 0 ? '' : tens === 1 ? '十' : `${DIGITS_ZH[tens]}十`;
  return head + (ones === 0 ? '' : (DIGITS_ZH[ones] ?? ''));
}

function megabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return Number.isInteger(mb) ? `${mb} MB` : `${mb.toFixed(1)} MB`;
}

// ---------------------------------------------------------------------------------------------
// Shared pieces

function greeting(ctx: ReplyContext): Block {
  return { type: 'para', lines: [ctx.unit ? `${ctx.unit.name}：` : '您好：'] };
}

/** "于2021年3月15日（星期一）10:02" or "" when the arrival time is not known. */
function when(ctx: ReplyContext): string {
  const at = parseInstant(ctx.receivedAt);
  return at ? `于${dateTimeZh(at, ctx.schedule.programme.timezone)}` : '';
}

function closing(schedule: Schedule, now: Date, contact = true): Block[] {
  const { signature, timezone } = schedule.programme;
  const note = contact
    ? `本邮件由系统自动发送。如有疑问，请与${signature}联系。`
    : '本邮件由系统自动发送。';
  return [
    { type: 'para', lines: [note] },
    { type: 'para', lines: [signature, formatDateZh(wallClock(now, timezone).date)] },
  ];
}

function deadlineText(ctx: ReplyContext): string | null {
  const at = parseInstant(ctx.deadline);
  return at ? dateTimeZh(at, ctx.schedule.programme.timezone) : null;
}

/** 报送单位 / 报送周次 lines, as far as they are known. */
function unitAndWeek(ctx: ReplyContext): string[] {
  const lines: string[] = [];
  if (ctx.unit) lines.push(`报送单位：${ctx.unit.name}`);
  if (ctx.reportingWeek) lines.push(`报送周次：${weekLabel(ctx.reportingWeek)}`);
  return lines;
}

/** "<prefix>：区教育局 2021年3月15日当周问题清单", or "回复：<original subject>" without them. */
function replySubject(ctx: ReplyContext, prefix: string): string {
  if (ctx.unit && ctx.reportingWeek) {
    return headerText(`${prefix}：${ctx.unit.name} ${weekLabel(ctx.reportingWeek)}问题清单`);
  }
  return reSubject(ctx.original.subject);
}

function reSubject(original: string): string {
  const echoed = headerText(original, ECHOED_SUBJECT_MAX).replace(
    /^(?:(?:回复|答复|Re|RE|re|Aw|AW|回覆)\s*[:：]\s*)+/u,
    '',
  );
  return headerText(echoed ? `回复：${echoed}` : '回复：问题清单');
}

/** Attachments not used and not already explained as a sheet, with why. */
function ignoredAttachments(ctx: ReplyContext, explained: ReadonlySet<string>): Block[] {
  const items = ctx.attachments
    .filter((a) => !a.used && !explained.has(a.filename))
    .map((a) => `${inline(a.filename)}：${a.why ? inline(a.why, 120) : '未使用'}`);
  return items.length === 0
    ? []
    : [{ type: 'list', title: '以下附件未使用：', items, ordered: false }];
}

function reply(
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

function recipient(ctx: ReplyContext): { name: string; address: string } {
  // Never the display name of the incoming From: it is the sender's to choose.
  return { name: ctx.unit?.name ?? '', address: ctx.original.from.address };
}

/** Where an issue is: "E9", or "附件“a.xlsx” E9" when the file must be named too. */
function located(message: string, cell: string | null, filename: string | null): string {
  const where = [filename === null ? null : `附件“${inline(filename)}”`, cell]
    .filter((p): p is string => p !== null && p !== '')
    .join(' ');
  return where ? `${where}：${message}` : message;
}

function bySeverity(issues: readonly Issue[]): Issue[] {
  return [
    ...issues.filter((i) => i.severity === 'error'),
    ...issues.filter((i) => i.severity !== 'error'),
  ];
}

// ---------------------------------------------------------------------------------------------
// Receipt

const CATEGORY_LABELS = PROBLEM_CATEGORIES.map((c) => ({
  key: c.key,
  label: c.prompt.replace(/方面：$/u, ''),
}));

function problemsSummary(project: SheetProject): string {
  const filled = CATEGORY_LABELS.filter((c) => project.problems[c.key] !== null).map(
    (c) => c.label,
  );
  const empty = CATEGORY_LABELS.filter((c) => project.problems[c.key] === null).map((c) => c.label);
  const loose = project.uncategorizedProblems !== null;
  let text: string;
  if (empty.length === 0) text = '五个方面均已填写';
  else if (filled.length === 0) {
    text = loose ? '未按五个方面填写（内容已整体记录）' : '五个方面均未填写或为“无”';
  } else text = `已填写${filled.join('、')}方面；${empty.join('、')}方面未填写或为“无”`;
  if (loose && filled.length > 0) text += '；另有未按五个方面填写的内容，已整体记录';
  return text;
}

function departmentsSummary(project: SheetProject): string {
  const names = project.responsibleDepartments.map((d) => inline(d, 30));
  if (names.length === 0) return '未填写';
  const shown = names.slice(0, MAX_DEPARTMENTS_LISTED).join('、');
  const more = names.length > MAX_DEPARTMENTS_LISTED ? '等' : '';
  return `${names.length}个（${shown}${more}）`;
}

function projectTitle(
  project: SheetProject,
  ordinal: number,
  schedule: Schedule,
  filename: string | null,
): string {
  const written = inline(project.name);
  const official = project.projectId
    ? schedule.projects.find((p) => p.id === project.projectId)?.name
    : undefined;
  let note = '';
  if (project.projectId === null) note = '（未能与本批重点项目对应）';
  else if (official && official !== project.name) note = `（即“${official}”）`;
  const file = filename === null ? '' : `（附件“${inline(filename)}”）`;
  return `${numeralZh(ordinal)}、${written}${note}${file}`;
}

function projectBlock(
  project: SheetProject,
  ordinal: number,
  schedule: Schedule,
  filename: string | null,
): Block {
  return {
    type: 'fields',
    title: projectTitle(project, ordinal, schedule, filename),
    fields: [
      ['攻坚目标', project.targets.length > 0 ? `${project.targets.length}项` : '未填写'],
      ['存在问题', problemsSummary(project)],
      ['问题责任部门', departmentsSummary(project)],
      ['协调推进情况', project.progress ? '已填写' : '未填写'],
      ['下阶段工作对策建议', project.nextSteps ? '已填写' : '未填写'],
    ],
  };
}

/**
 * The receipt for a sheet (or sheets) that was read and recorded: what was read per project,
 * every warning with its cell, attachments ignored and why, and that a corrected sheet may be
 * sent again (the latest one counts).
 */
export function composeReceipt(ctx: ReplyContext, sheets: ReadSheet[], now: Date): ComposedReply {
  const several = sheets.length > 1;
  const blocks: Block[] = [greeting(ctx)];
  blocks.push({ type: 'para', lines: [`你单位${when(ctx)}发送的问题清单已收到，读取情况如下。`] });

  const facts = unitAndWeek(ctx);
  const deadline = deadlineText(ctx);
  if (ctx.late !== null) {
    const suffix = deadline ? `截止时间为${deadline}` : '';
    if (ctx.late) facts.push(`报送情况：逾期${suffix ? `，${suffix}` : ''}`);
    else facts.push(`报送情况：按时${suffix ? `（${suffix}）` : ''}`);
  }
  if (facts.length > 0) blocks.push({ type: 'para', lines: facts });

  let ordinal = 0;
  const projectBlocks: Block[] = [];
  for (const sheet of sheets) {
    for (const project of sheet.parsed.projects) {
      ordinal += 1;
      projectBlocks.push(
        projectBlock(project, ordinal, ctx.schedule, several ? sheet.filename : null),
      );
    }
  }
  blocks.push({
    type: 'para',
    lines: [ordinal > 0 ? `读取到的内容（共${ordinal}个项目）：` : '未读取到项目内容。'],
  });
  blocks.push(...projectBlocks);

  const warnings = sheets.flatMap((s) =>
    bySeverity([...s.parsed.issues, ...(s.issues ?? [])]).map((i) =>
      located(i.message, i.cell, several ? s.filename : null),
    ),
  );
  if (warnings.length > 0) {
    blocks.push({
      type: 'list',
      title: `请核对以下内容（共${warnings.length}处，本次报送已记录）：`,
      items: warnings,
      ordered: true,
    });
  }
  blocks.push(...ignoredAttachments(ctx, new Set(sheets.map((s) => s.filename))));
  blocks.push({
    type: 'para',
    lines: ['如需更正，请修改后重新发送问题清单，以最后收到的一份为准。'],
  });
  blocks.push(...closing(ctx.schedule, now));
  return reply('receipt', ctx, recipient(ctx), replySubject(ctx, '已收到'), blocks);
}

// ---------------------------------------------------------------------------------------------
// Correction request

/** The issue for a message without any attachment that could be the sheet. */
export function noAttachmentIssue(): Issue {
  return issue(
    'NO_ATTACHMENT',
    '邮件未附问题清单。请将填好的问题清单（Excel工作簿，.xlsx）作为附件发送，不要粘贴在正文中。',
  );
}

/**
 * The request to correct and send again, when nothing usable arrived: each error and warning
 * with its file and cell, how to fix it, and the unit's pre-filled template attached.
 */
export function composeCorrectionRequest(
  ctx: ReplyContext,
  input: CorrectionInput,
  now: Date,
): ComposedReply {
  const blocks: Block[] = [greeting(ctx)];
  blocks.push({
    type: 'para',
    lines: [
      `你单位${when(ctx)}发送的邮件已收到，但未能从中读取问题清单，本周报送尚未完成。请按以下说明修改后重新发送。`,
    ],
  });

  const facts = unitAndWeek(ctx);
  const deadline = deadlineText(ctx);
  const deadlineAt = parseInstant(ctx.deadline);
  if (deadline && deadlineAt) {
    const passed = now.getTime() > deadlineAt.getTime();
    facts.push(`截止时间：${deadline}${passed ? '（已过，请尽快重新发送）' : ''}`);
  }
  if (facts.length > 0) blocks.push({ type: 'para', lines: facts });

  const items = [
    ...bySeverity(input.issues ?? []).map((i) => located(i.message, i.cell, null)),
    ...input.sheets.flatMap((s) =>
      bySeverity([...s.parsed.issues, ...(s.issues ?? [])]).map((i) =>
        located(i.message, i.cell, s.filename),
      ),
    ),
  ];
  if (items.length > 0) {
    blocks.push({ type: 'list', title: '需要修改的内容：', items, ordered: true });
  }

  const how: string[] = [];
  if (input.template) {
    how.push(
      `本邮件附有你单位本周的问题清单“${inline(input.template.filename)}”，已预填项目名称、攻坚目标和完成时限，可直接在其中填写。`,
    );
  }
  how.push(
    '请将问题清单保存为Excel工作簿（.xlsx）格式，作为附件发送至本邮箱；不要压缩、加密，也不要粘贴在正文中。',
    '存在问题请在“项目审批方面”“资金概算方面”“规划用地方面”“工程施工方面”“群众工作方面”之后分别填写，没有的写“无”。',
    '完成时限请填写具体日期，如“3月31日”。',
  );
  blocks.push({ type: 'list', title: '修改方法：', items: how, ordered: false });
  blocks.push(...ignoredAttachments(ctx, new Set(input.sheets.map((s) => s.filename))));
  blocks.push({
    type: 'para',
    lines: ['收到修改后的问题清单后将另行回复；如多次发送，以最后收到的一份为准。'],
  });
  blocks.push(...closing(ctx.schedule, now));

  const attachments: ReplyAttachment[] = input.template
    ? [
        {
          filename: input.template.filename,
          contentType: XLSX_TYPE,
          content: input.template.content,
        },
      ]
    : [];
  return reply(
    'correction_request',
    ctx,
    recipient(ctx),
    replySubject(ctx, '请修改后重新发送'),
    blocks,
    attachments,
  );
}

// ---------------------------------------------------------------------------------------------
// Unknown sender, too large

/**
 * The neutral answer to a sender whose address belongs to no registered unit. It says only
 * what the mailbox is for and whom to ask; it echoes nothing of the incoming mail.
 */
export function composeUnknownSenderReply(
  ctx: Pick<ReplyContext, 'schedule' | 'original'>,
  now: Date,
): ComposedReply {
  const { signature } = ctx.schedule.programme;
  const blocks: Block[] = [
    { type: 'para', lines: ['您好：'] },
    {
      type: 'para',
      lines: [
        '本邮箱仅接收已登记单位报送的重点项目问题清单。您的发件地址不在已登记单位的地址中，来信未作处理。',
      ],
    },
    { type: 'para', lines: [`如需登记发件地址，请联系${signature}。`] },
    ...closing(ctx.schedule, now, false),
  ];
  return reply(
    'unknown_sender',
    ctx,
    { name: '', address: ctx.original.from.address },
    '自动回复：发件地址未登记',
    blocks,
  );
}

/**
 * The notice that a message exceeded the size limit and was not processed. For a registered
 * unit it is a reply in the thread; for anyone else it echoes nothing of the incoming mail.
 */
export function composeTooLargeReply(ctx: ReplyContext, size: SizeLimit, now: Date): ComposedReply {
  const you = ctx.unit ? '你单位' : '您';
  const blocks: Block[] = [
    greeting(ctx),
    {
      type: 'para',
      lines: [
        `${you}${ctx.unit ? when(ctx) : ''}发送的邮件约${megabytes(size.sizeBytes)}，超过本邮箱可处理的上限（${megabytes(size.limitBytes)}），未作处理。`,
      ],
    },
    {
      type: 'para',
      lines: [
        '请仅将填好的问题清单（Excel工作簿，.xlsx）作为附件重新发送，不要附带照片、扫描件或压缩包。',
      ],
    },
    ...closing(ctx.schedule, now),
  ];
  const subject = ctx.unit ? reSubject(ctx.original.subject) : '自动回复：邮件过大未能处理';
  return reply('too_large', ctx, recipient(ctx), subject, blocks);
}
