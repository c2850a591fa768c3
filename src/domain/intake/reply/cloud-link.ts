/**
 * The answer to a mail that carries only cloud-attachment links (超大附件) instead of the sheet:
 * the links were recognised (with the file names they show), links expire and are not read
 * automatically, please attach the file itself; the unit's template is attached as in every
 * correction request. Never "邮件未附问题清单": the unit did send something.
 */
import type { Block } from '../../mail-body';
import type { CloudLink } from '../cloud-links';
import { describeCloudLink } from '../cloud-link-issue';
import {
  bySeverity,
  deadlineText,
  greeting,
  located,
  parseInstant,
  recipient,
  reply,
  replySubject,
  unitAndWeek,
  when,
  sendAgainEnding,
  templateAttachment,
  templateOffer,
} from './common';
import type { AttachmentNote, ComposedReply, CorrectionInput, ReplyContext } from './types';

export interface CloudLinkInput extends CorrectionInput {
  /** The links found in the body (at least one). */
  links: readonly CloudLink[];
}

export function composeCloudLinkRequest(
  ctx: ReplyContext,
  input: CloudLinkInput,
  now: Date,
): ComposedReply {
  const blocks: Block[] = [greeting(ctx)];
  blocks.push({
    type: 'para',
    lines: [
      `你单位${when(ctx)}发送的邮件已收到。邮件正文中为超大附件下载链接，邮件未附文件本身，本周报送尚未完成。`,
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

  blocks.push({
    type: 'list',
    title: '已识别的超大附件链接：',
    items: input.links.map((l) => describeCloudLink(l)),
    ordered: false,
  });
  blocks.push({
    type: 'para',
    lines: [
      '超大附件链接有有效期，过期后无法下载；系统也不会打开链接自动读取文件。请将填好的问题清单文件本身作为普通附件（不要使用“超大附件”）重新发送至本邮箱。',
    ],
  });

  const others = [
    ...bySeverity((input.issues ?? []).filter((i) => i.code !== 'CLOUD_LINK')).map((i) =>
      located(i.message, i.cell, null),
    ),
    ...input.sheets.flatMap((s) =>
      bySeverity([...s.parsed.issues, ...(s.issues ?? [])]).map((i) =>
        located(i.message, i.cell, s.filename),
      ),
    ),
  ];
  if (others.length > 0) {
    blocks.push({ type: 'list', title: '另需修改的内容：', items: others, ordered: true });
  }

  const how = [
    ...templateOffer(input.template),
    '请将问题清单保存为Excel工作簿（.xlsx）格式，作为附件发送；问题清单文件通常较小，可作为普通附件发送。',
  ];
  blocks.push({ type: 'list', title: '发送方法：', items: how, ordered: false });
  blocks.push(
    ...sendAgainEnding(
      ctx,
      input.sheets,
      now,
      '收到问题清单后将另行回复；如多次发送，以最后收到的一份为准。',
    ),
  );
  const attachments = templateAttachment(input.template);
  return reply(
    'correction_request',
    ctx,
    recipient(ctx),
    replySubject(ctx, '请以附件形式重新发送'),
    blocks,
    attachments,
  );
}

/**
 * For the receipt of a mail that had a usable sheet and links too: each link as a note of what
 * was not used (the sheet attached counts; the link was not opened).
 */
export function cloudLinkNotes(links: readonly CloudLink[]): AttachmentNote[] {
  return links.map((l) => ({
    filename: l.filename ? `超大附件“${l.filename}”` : '超大附件下载链接',
    used: false,
    why: '链接有有效期，未打开；以邮件所附文件为准',
  }));
}
