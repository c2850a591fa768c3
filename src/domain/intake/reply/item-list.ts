/**
 * The answers to a meeting's list of agreed items (议定事项清单) sent to the office mailbox: the
 * confirmation to the office member who sent it (what was recorded, changed, left as it was,
 * and what could not be read), and the polite refusal of a list sent by a member unit (only the
 * office records agreed items).
 */
import type { Block } from '../../mail-body';
import type { Issue } from '../../../errors';
import type { AgreedItem, Meeting } from '../../decisions/types';
import { projectById, unitName } from '../../programme';
import { formatDateZh } from '../../zh/dates';
import { bySeverity, closing, ignoredAttachments, inline, located, reply, when } from './common';
import type { ComposedReply, ReplyContext } from './types';

/** How the confirmation names an item's fields that a corrected list changed. */
const FIELD_ZH: Record<string, string> = {
  meeting: '会议名称',
  projectId: '所属项目',
  projectAsWritten: '所属项目',
  text: '议定事项',
  responsibleUnits: '责任单位',
  cooperatingUnits: '配合单位',
  unmatchedUnits: '未能对应的单位名称',
  due: '办结时限',
  note: '备注',
};

export interface ItemListConfirmationInput {
  /** The office member as the schedule names them ("办公室主任"). */
  senderTitle: string;
  /** The file the list was read from. */
  filename: string;
  /** null when the list named no meeting date: nothing was recorded. */
  meeting: Meeting | null;
  /** The meeting's items as they now are (id order). */
  items: readonly AgreedItem[];
  created: readonly string[];
  /** Items a corrected list changed, with the fields that changed ({ field: [before, after] }). */
  updated: ReadonlyArray<{ id: string; changes: Record<string, [unknown, unknown]> }>;
  unchanged: readonly string[];
  /** What could not be read or matched (with cells). */
  issues: readonly Issue[];
}

function units(ctx: ReplyContext, ids: readonly string[], asWritten: readonly string[]): string {
  const names = [
    ...ids.map((u) => unitName(ctx.schedule, u)),
    ...asWritten.map((n) => inline(n, 30)),
  ];
  return names.length > 0 ? names.join('、') : '未填写';
}

function itemLine(ctx: ReplyContext, item: AgreedItem): string {
  const responsible = units(ctx, item.responsibleUnits, []);
  const cooperating =
    item.cooperatingUnits.length > 0 ? `；配合单位：${units(ctx, item.cooperatingUnits, [])}` : '';
  return `${item.id}：${inline(item.text, 60)}（责任单位：${responsible}${cooperating}；办结时限：${formatDateZh(item.due)}）`;
}

function valueZh(ctx: ReplyContext, field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '空';
  if (field === 'due' && typeof value === 'string') return formatDateZh(value);
  if (field === 'projectId' && typeof value === 'string') {
    return inline(projectById(ctx.schedule, value)?.name ?? value, 40);
  }
  if ((field === 'responsibleUnits' || field === 'cooperatingUnits') && Array.isArray(value)) {
    return units(ctx, value as string[], []);
  }
  if (field === 'meeting' && typeof value === 'object') {
    const m = value as Partial<Meeting>;
    return inline(m.name || (m.date ? formatDateZh(m.date) : '空'), 40);
  }
  if (Array.isArray(value)) return value.map((v) => inline(String(v), 30)).join('、') || '空';
  return inline(String(value), 40);
}

function changeLine(
  ctx: ReplyContext,
  id: string,
  changes: Record<string, [unknown, unknown]>,
): string {
  const parts: string[] = [];
  for (const [field, [before, after]] of Object.entries(changes)) {
    // The project as written says it in the office's words; its id would say it twice.
    if (field === 'projectId' && 'projectAsWritten' in changes) continue;
    const label = FIELD_ZH[field] ?? field;
    parts.push(`${label}由“${valueZh(ctx, field, before)}”改为“${valueZh(ctx, field, after)}”`);
  }
  return `${id}：${parts.length > 0 ? parts.join('；') : '内容已更新'}`;
}

/** The confirmation to the office member who mailed a list of agreed items. */
export function composeItemListConfirmation(
  ctx: ReplyContext,
  input: ItemListConfirmationInput,
  now: Date,
): ComposedReply {
  const blocks: Block[] = [{ type: 'para', lines: [`${input.senderTitle || '您好'}：`] }];
  const file = `（附件“${inline(input.filename)}”）`;
  if (input.meeting === null) {
    blocks.push({
      type: 'para',
      lines: [
        `你${when(ctx)}发送的议定事项清单${file}未写明会议日期，无法生成事项编号，本次未记录任何事项。`,
        // The issue below says it too, when the recording named it.
        ...(input.issues.some((i) => i.code === 'ITEM_LIST_NO_MEETING_DATE')
          ? []
          : ['请在清单标题或表头上方注明会议时间（如“会议时间：2021年3月16日”）后重新发送。']),
      ],
    });
  } else {
    const meetingName = input.meeting.name ? `${inline(input.meeting.name)}，` : '';
    blocks.push({
      type: 'para',
      lines: [
        `你${when(ctx)}发送的议定事项清单${file}已读取并记录，情况如下。`,
        `会议：${meetingName}${formatDateZh(input.meeting.date)}`,
        `新增${input.created.length}项，更新${input.updated.length}项，未变化${input.unchanged.length}项。`,
      ],
    });
    const byId = new Map(input.items.map((i) => [i.id, i]));
    const created = input.created.flatMap((id) => {
      const item = byId.get(id);
      return item ? [itemLine(ctx, item)] : [];
    });
    if (created.length > 0) {
      blocks.push({ type: 'list', title: '新增记录的事项：', items: created, ordered: false });
    }
    if (input.updated.length > 0) {
      blocks.push({
        type: 'list',
        title: '已按本次清单更新的事项：',
        items: input.updated.map((u) => changeLine(ctx, u.id, u.changes)),
        ordered: false,
      });
    }
    if (input.unchanged.length > 0) {
      blocks.push({
        type: 'para',
        lines: [`另有${input.unchanged.length}项与此前记录一致，未作变动。`],
      });
    }
  }
  const issues = bySeverity(input.issues).map((i) => located(i.message, i.cell, null));
  if (issues.length > 0) {
    blocks.push({
      type: 'list',
      title: `请核对以下内容（共${issues.length}处）：`,
      items: issues,
      ordered: true,
    });
  }
  // Names that matched no member unit, unless the issues above already say so with their cells.
  if (!input.issues.some((i) => i.code === 'ITEM_UNIT_UNMATCHED')) {
    const unmatched = [...new Set(input.items.flatMap((i) => i.unmatchedUnits))];
    if (unmatched.length > 0) {
      blocks.push({
        type: 'para',
        lines: [
          `以下单位名称未能与成员单位对应，已按原文记录：${unmatched.map((n) => inline(n, 30)).join('、')}。如为成员单位，请核对名称或在配置中补充其简称。`,
        ],
      });
    }
  }
  blocks.push(...ignoredAttachments(ctx, new Set([input.filename])));
  if (input.meeting !== null && input.created.length + input.updated.length > 0) {
    blocks.push({
      type: 'para',
      lines: ['交办通知将发送至各责任单位（配合单位抄送）。'],
    });
  }
  if (input.meeting !== null) {
    blocks.push({
      type: 'para',
      lines: ['如需更正，请修改后重新发送清单：编号（会议日期和序号）相同的事项将按新清单更新。'],
    });
  }
  blocks.push(...closing(ctx.schedule, now, false));
  const title = input.meeting ? `${formatDateZh(input.meeting.date)}会议议定事项` : '议定事项清单';
  const subject = `${input.meeting ? '已记录' : '未记录'}：${title}`;
  return reply(
    'item_list_confirmation',
    ctx,
    { name: input.senderTitle, address: ctx.original.from.address },
    subject,
    blocks,
  );
}

/** The answer to a member unit that mailed a list of agreed items (only the office records them). */
export function composeItemListRefusal(
  ctx: ReplyContext,
  input: { filenames: readonly string[] },
  now: Date,
): ComposedReply {
  const files = input.filenames.map((f) => `附件“${inline(f)}”`).join('、');
  const blocks: Block[] = [
    { type: 'para', lines: [ctx.unit ? `${ctx.unit.name}：` : '您好：'] },
    {
      type: 'para',
      lines: [
        `你单位${when(ctx)}发送的${files || '附件'}为联合会议议定事项清单。议定事项由联合会议办公室统一登记并交办，本次未予记录。`,
        '你单位承担的议定事项，请在每周问题清单的“议定事项落实情况”部分报送落实情况。如对议定事项有疑问，请与联合会议办公室联系。',
      ],
    },
    ...ignoredAttachments(ctx, new Set(input.filenames)),
    ...closing(ctx.schedule, now),
  ];
  return reply(
    'item_list_refused',
    ctx,
    { name: ctx.unit?.name ?? '', address: ctx.original.from.address },
    '回复：议定事项清单（未予记录）',
    blocks,
  );
}
